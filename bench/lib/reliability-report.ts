/**
 * Sections of docs/performance.md for the reliability work: DB TLS (bench/tls.ts → tls.json) and
 * /catalogue/stats under a crowd (bench/stats.ts → stats.json). Rendered by bench/report.ts.
 */
import { readJson, type MachineInfo } from "./env";

export const TLS_ENDPOINTS = [
    { id: "catalogue-list", server: "catalogue", label: "catalogue-api GET /catalogue (MariaDB)", path: "/catalogue" },
    { id: "visits-recent", server: "visits", label: "visits-api GET /recent-visits (PostgreSQL)", path: "/recent-visits" },
] as const;

export interface TlsRow {
    readonly endpoint: string;
    readonly variant: "app" | "seed";
    readonly tls: boolean;
    readonly reqPerSec: number;
    readonly rounds: number[];
    readonly p50: number;
    readonly p99: number;
    readonly errors: number;
    readonly non2xx: number;
}

export interface TlsResult {
    readonly caCertificates?: number;
    readonly secureContextMs?: number;
    readonly machine: MachineInfo;
    readonly command: string;
    readonly settings: { readonly connections: number; readonly durationS: number; readonly rounds: number; readonly rows: number };
    readonly rows: TlsRow[];
}

export interface HangRow {
    readonly service: string;
    readonly keyed: boolean;
    readonly writes: number;
    readonly duringHang: string;
    readonly worstMs: number;
    readonly finalAnswers: string;
    readonly duplicates: number;
    readonly lostAfterSuccess: number;
    readonly unknownStored: number;
}

export function renderHangTable(rows: readonly HangRow[]): string {
    const out = [
        "| Service | Idempotency-Key | answers during the hang | worst ms | final answers after following them | duplicates | lost after a 2xx | 504 that was stored |",
        "|---|---|---|---|---|---|---|---|",
    ];
    for (const r of rows) {
        out.push(
            `| ${r.service} | ${r.keyed ? "yes" : "no"} | ${r.duringHang} | ${r.worstMs} | ${r.finalAnswers} | ${r.duplicates} of ${r.writes} | ${r.lostAfterSuccess} | ${r.unknownStored} |`,
        );
    }
    return out.join("\n");
}

export interface StatsResult {
    readonly rows: number;
    readonly callers: number;
    readonly durationS: number;
    readonly results: ReadonlyArray<{
        readonly variant: string;
        readonly statsPerSecond: number;
        readonly statsP50Ms: number;
        readonly healthIdleP50Ms: number;
        readonly healthP50Ms: number;
        readonly healthP99Ms: number;
        readonly listP50Ms: number;
        readonly serverSelects: number;
    }>;
}

/** The ratio table (also used by bench/report.ts). */
export function renderTlsTable(t: TlsResult): string {
    const out = [
        "| Endpoint | pooled req/s (plain → TLS) | seed-style req/s (plain → TLS) | TLS cost, pooled | TLS cost, seed-style | pooled / seed-style, plain | pooled / seed-style, TLS |",
        "|---|---|---|---|---|---|---|",
    ];
    for (const e of TLS_ENDPOINTS) {
        const get = (variant: "app" | "seed", tls: boolean): number | undefined =>
            t.rows.find((r) => r.endpoint === e.id && r.variant === variant && r.tls === tls)?.reqPerSec;
        const [ap, at, sp, st] = [get("app", false), get("app", true), get("seed", false), get("seed", true)];
        if ([ap, at, sp, st].some((v) => v === undefined || v === 0)) continue;
        out.push(
            `| ${e.label} | ${ap} → ${at} | ${sp} → ${st} | ${(at! / ap!).toFixed(2)} × | ${(st! / sp!).toFixed(2)} × | ${(ap! / sp!).toFixed(1)} × | ${(at! / st!).toFixed(1)} × |`,
        );
    }
    return out.join("\n");
}

export function renderStatsTable(s: StatsResult): string {
    const out = [
        "| Variant | stats req/s | stats p50 ms | /health p50 idle → busy ms | /health p99 busy ms | /catalogue p50 busy ms | SELECTs run by the server |",
        "|---|---|---|---|---|---|---|",
    ];
    for (const r of s.results) {
        out.push(
            `| ${r.variant} | ${r.statsPerSecond} | ${r.statsP50Ms} | ${r.healthIdleP50Ms} → ${r.healthP50Ms} | ${r.healthP99Ms} | ${r.listP50Ms} | ${r.serverSelects} |`,
        );
    }
    return out.join("\n");
}

/** The Markdown sections, from whatever of tls.json / stats.json exists (empty when neither does). */
export function reliabilitySections(): string[] {
    const md: string[] = [];
    const tls = readJson<TlsResult>("tls.json");
    if (tls) {
        md.push("## Database TLS: the seed-style anchor as production pays it", "");
        md.push(
            `RDS Proxy is created with \`requireTls: true\` (components/aurora-with-proxy.ts), so the seed's connection-per-request pays a TLS handshake per request in production. \`${tls.command}\` (${tls.settings.connections} connections, ${tls.settings.durationS} s × ${tls.settings.rounds} rounds, median round; ${tls.settings.rows} rows; measured ${tls.machine.date}) runs the pooled app and the seed-style server against the same MariaDB / PostgreSQL, plain and with \`DB_TLS=true\` (a throwaway CA made by scripts/test-db). Loopback: no network latency, so the handshake cost here is CPU only — in AWS each extra round trip adds to it.`,
            "",
        );
        md.push(renderTlsTable(tls), "");
        if (tls.secureContextMs !== undefined) {
            md.push(
                `Why the seed-style collapses with TLS: every new connection builds a TLS context from the CA bundle the apps pass (${tls.caCertificates} certificates: the Amazon RDS and RDS Proxy roots plus the test CA) — ${tls.secureContextMs} ms of CPU each on this machine (median of 20, same run; 1-minute load average ${tls.machine.loadAverage[0]?.toFixed(1) ?? "?"} on ${tls.machine.cpus} CPUs at the start) — and then an RSA-2048 handshake on both ends. The pool pays that once per connection (10 per instance), so its TLS figures stay within the run-to-run noise of the plain ones. The seed would pay the same per request behind RDS Proxy, plus the extra network round trips that loopback hides.`,
                "",
            );
        }
    }
    const hang = readJson<{ command: string; date: string; rows: HangRow[] }>("hang-writes.json");
    if (hang) {
        md.push("## Writes during a database hang", "");
        md.push(
            `\`${hang.command}\` (measured ${hang.date}): the database process is frozen with SIGSTOP while writes are in flight (query timeout 2 s), then resumed; clients retry 503/409 answers (with their key, when they sent one) and do not retry a 504 \`write_outcome_unknown\` blindly. Rows are counted per write afterwards. "504 that was stored" are writes the client was told may or may not have happened and that did happen: exactly why the answer is not "retry later".`,
            "",
        );
        md.push(renderHangTable(hang.rows), "");
    }
    const stats = readJson<StatsResult>("stats.json");
    if (stats) {
        md.push("## /catalogue/stats under a crowd", "");
        md.push(
            `\`node -r @swc-node/register bench/stats.ts --rows ${stats.rows} --callers ${stats.callers} --duration ${stats.durationS}\`: ${stats.callers} concurrent callers of GET /catalogue/stats (a full-table GROUP BY) for ${stats.durationS} s at ${stats.rows} rows while one prober measures /health (a database ping through the same pool) and GET /catalogue. Chosen: a ${"2 s"} in-memory cache with single flight (CATALOGUE_STATS_CACHE_MS) — the answer may be up to 2 s old, the GROUP BY runs at most once per window per instance; maintained aggregates would cost every write an extra UPDATE of a hot row.`,
            "",
        );
        md.push(renderStatsTable(stats), "");
    }
    return md;
}
