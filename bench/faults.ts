/**
 * Fault figures: what a client sees when the database HANGS (server process stopped with SIGSTOP — a failover,
 * a saturated proxy or a partition, seen from the app) and when the app gets SIGTERM. Real MariaDB/PostgreSQL
 * from scripts/test-db, the apps as child processes (`node -r @swc-node/register apps/<app>/src/server.ts`) with
 * their production defaults (REQUEST_DEADLINE_MS 10 s, SHUTDOWN_GRACE_MS 10 s…), a bounded load on 127.0.0.1.
 *
 *   npm run bench:faults [-- --hang 15 --concurrency 8 --root <checkout> --label after --json]
 *
 * --root runs the apps of another checkout (e.g. an export of an older commit whose node_modules links to this
 * one's) so the same scenarios measure the code before a change side by side. Scenarios:
 *   hang      — load for 2 s, SIGSTOP the DB for --hang s, SIGCONT, load 4 s more. Worst latency (overall,
 *               liveness probe), answers later than deadline + 1 s, transport errors, time from SIGCONT to the
 *               first successful write, writes answered non-2xx whose row exists afterwards (a client following
 *               Retry-After would duplicate them).
 *   term-hang — 20 requests waiting on the hung DB, SIGTERM: exit code, time to exit, what the 20 got.
 *   term-ok   — healthy DB, 16 keep-alive clients, SIGTERM mid-load: requests reset vs answered vs refused.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { benchCli, boundedInt, percentile } from "./lib/env";
import {
    dbAppEnv,
    freePort,
    startLoad,
    startMariaDb,
    startPostgres,
    type LoadOutcome,
    type LoadRequest,
    type SqlServerHandle,
    type TestDatabase,
} from "../scripts/test-db";

const args = benchCli(
    {
        command: "npm run bench:faults --",
        summary: "Fault figures: a database hang (SIGSTOP) under bounded load and SIGTERM during it, for catalogue-api and visits-api",
    },
    {
        hang: { type: "string", value: "<s>", description: "seconds the database stays stopped (2-120, default 15)" },
        concurrency: { type: "string", value: "<n>", description: "concurrent clients (1-32, default 8)" },
        root: { type: "string", value: "<dir>", description: "run another checkout's apps (before/after comparisons)" },
        label: { type: "string", value: "<text>", description: "name printed for this run (default: this checkout)" },
        json: { type: "boolean", description: "print the result as JSON" },
    },
);
const HANG_S = boundedInt(args.hang, 15, 2, 120, "hang");
const CONCURRENCY = boundedInt(args.concurrency, 8, 1, 32, "concurrency");
const ROOT = path.resolve(args.root ?? path.join(__dirname, ".."));
/** The apps' default REQUEST_DEADLINE_MS (service-kit baseEnvShape); older code has none. */
const DEADLINE_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface App {
    readonly child: ChildProcess;
    readonly url: string;
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<ChildProcess>();
process.on("exit", () => {
    for (const child of live) child.kill("SIGKILL");
});

async function spawnApp(name: "catalogue-api" | "visits-api", db: TestDatabase): Promise<App> {
    const port = await freePort();
    const env = { ...dbAppEnv(db), PORT: String(port), LOG_LEVEL: "warn" } as Record<string, string>;
    delete env.SHUTDOWN_GRACE_MS; // production default
    const child = spawn(process.execPath, ["-r", "@swc-node/register", path.join(ROOT, "apps", name, "src", "server.ts")], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: ["ignore", "ignore", "inherit"],
    });
    live.add(child);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once("exit", (code, signal) => {
            live.delete(child);
            resolve({ code, signal });
        }),
    );
    const url = `http://127.0.0.1:${port}`;
    // Ready = a DB route answers 200 (older code has no /ready).
    const probe = name === "catalogue-api" ? "/catalogue?limit=1" : "/recent-visits?limit=1";
    for (let i = 0; i < 600; i += 1) {
        if (child.exitCode !== null) throw new Error(`${name} exited during start-up`);
        try {
            if ((await fetch(`${url}${probe}`)).status === 200) return { child, url, exited };
        } catch {
            // not listening yet
        }
        await sleep(100);
    }
    throw new Error(`${name} did not become ready`);
}

function writeRequest(name: "catalogue-api" | "visits-api", marker: string): LoadRequest {
    return name === "catalogue-api"
        ? { method: "POST", path: "/catalogue", json: { name: marker, price: 1.5, category: "faults" } }
        : { method: "GET", path: "/", headers: { "user-agent": marker } };
}
function readRequest(name: "catalogue-api" | "visits-api"): LoadRequest {
    return name === "catalogue-api" ? { method: "GET", path: "/catalogue?limit=5" } : { method: "GET", path: "/recent-visits?limit=5" };
}
const isWrite = (o: LoadOutcome) => o.method === "POST" || o.path === "/";

async function storedMarkers(server: SqlServerHandle, name: "catalogue-api" | "visits-api", db: TestDatabase): Promise<Set<string>> {
    const rows =
        name === "catalogue-api"
            ? await server.adminQuery<{ m: string }>("SELECT name AS m FROM catalogue WHERE category = 'faults'", [], db.database)
            : await server.adminQuery<{ m: string }>("SELECT user_agent AS m FROM visits WHERE user_agent LIKE 'load-%'", [], db.database);
    return new Set(rows.map((r) => r.m));
}

interface HangResult {
    readonly app: string;
    readonly requests: number;
    readonly statuses: Record<string, number>;
    readonly worstMs: number;
    readonly p50Ms: number;
    readonly lateAnswers: number;
    readonly transportErrors: number;
    readonly healthWorstMs: number;
    readonly healthStatuses: Record<string, number>;
    readonly recoveryMs: number | null;
    readonly failedWritesCommitted: number;
    readonly failedWrites: number;
}

async function hangScenario(name: "catalogue-api" | "visits-api", server: SqlServerHandle): Promise<HangResult> {
    const db = await server.createDatabase(`faults_${name.replace("-", "_")}`);
    const app = await spawnApp(name, db);
    const load = startLoad(app.url, CONCURRENCY, (i, marker) => (i % 2 === 0 ? writeRequest(name, marker) : readRequest(name)));
    const health: { ms: number; status: number | string }[] = [];
    let probing = true;
    const prober = (async () => {
        while (probing) {
            const t0 = Date.now();
            try {
                const res = await fetch(`${app.url}/health`);
                await res.text();
                health.push({ ms: Date.now() - t0, status: res.status });
            } catch (err) {
                health.push({ ms: Date.now() - t0, status: String((err as { cause?: { code?: string } }).cause?.code ?? err) });
            }
            await sleep(500);
        }
    })();
    await sleep(2_000);
    await server.pause();
    await sleep(HANG_S * 1_000);
    await server.resume();
    const resumedAt = Date.now();
    await sleep(4_000);
    probing = false;
    await prober;
    const outcomes = await load.stop();
    // Let anything the resumed server still had queued commit before counting rows.
    await sleep(1_000);
    const stored = await storedMarkers(server, name, db);
    const firstOkWrite = outcomes
        .filter((o) => isWrite(o) && o.status !== undefined && o.status < 300 && o.startedAt + o.ms >= resumedAt)
        .map((o) => o.startedAt + o.ms)
        .sort((a, b) => a - b)[0];
    const failedWrites = outcomes.filter((o) => isWrite(o) && !(o.status !== undefined && o.status < 300));
    app.child.kill("SIGTERM");
    await Promise.race([app.exited, sleep(20_000)]);
    if (app.child.exitCode === null) app.child.kill("SIGKILL");
    const count = (values: readonly (string | number)[]) =>
        values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [String(v)]: (acc[String(v)] ?? 0) + 1 }), {});
    return {
        app: name,
        requests: outcomes.length,
        statuses: count(outcomes.map((o) => o.status ?? o.error ?? "?")),
        worstMs: Math.max(0, ...outcomes.map((o) => o.ms)),
        p50Ms: percentile(
            outcomes.map((o) => o.ms),
            50,
            0,
        ),
        lateAnswers: outcomes.filter((o) => o.ms > DEADLINE_MS + 1_000).length,
        transportErrors: outcomes.filter((o) => o.error !== undefined).length,
        healthWorstMs: Math.max(0, ...health.map((h) => h.ms)),
        healthStatuses: count(health.map((h) => h.status)),
        recoveryMs: firstOkWrite === undefined ? null : firstOkWrite - resumedAt,
        failedWrites: failedWrites.length,
        failedWritesCommitted: failedWrites.filter((o) => stored.has(o.marker)).length,
    };
}

interface TermResult {
    readonly app: string;
    readonly scenario: "term-hang" | "term-ok";
    readonly exitCode: number | null;
    readonly exitSignal: string | null;
    readonly exitMs: number;
    readonly outcomes: Record<string, number>;
    readonly resets: number;
}

function classify(o: { status?: number; error?: string }): string {
    if (o.status !== undefined) return String(o.status);
    return o.error === "ECONNREFUSED" ? "refused" : `reset (${o.error})`;
}

async function termHangScenario(name: "catalogue-api" | "visits-api", server: SqlServerHandle): Promise<TermResult> {
    const db = await server.createDatabase(`faults_term_${name.replace("-", "_")}`);
    const app = await spawnApp(name, db);
    await server.pause();
    try {
        const inFlight = Array.from({ length: 20 }, (_, i) => {
            const spec: LoadRequest = i % 2 === 0 ? writeRequest(name, `load-term-${i}`) : readRequest(name);
            return fetch(`${app.url}${spec.path}`, {
                method: spec.method,
                headers: { "content-type": "application/json", ...(spec.headers ?? {}) },
                body: spec.json === undefined ? undefined : JSON.stringify(spec.json),
            }).then(
                async (res) => ({ status: res.status, body: await res.text() }),
                (err: unknown) => ({ error: String((err as { cause?: { code?: string } }).cause?.code ?? err) }),
            );
        });
        await sleep(1_000);
        const t0 = Date.now();
        app.child.kill("SIGTERM");
        const exit = await Promise.race([
            app.exited,
            sleep(60_000).then(() => ({ code: null, signal: "still running after 60 s" as NodeJS.Signals })),
        ]);
        const exitMs = Date.now() - t0;
        const results = await Promise.all(inFlight);
        const outcomes = results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [classify(r)]: (acc[classify(r)] ?? 0) + 1 }), {});
        return {
            app: name,
            scenario: "term-hang",
            exitCode: exit.code,
            exitSignal: exit.signal,
            exitMs,
            outcomes,
            resets: results.filter((r) => "error" in r && r.error !== "ECONNREFUSED").length,
        };
    } finally {
        await server.resume();
        if (app.child.exitCode === null) app.child.kill("SIGKILL");
    }
}

async function termOkScenario(name: "catalogue-api" | "visits-api", server: SqlServerHandle): Promise<TermResult> {
    const db = await server.createDatabase(`faults_termok_${name.replace("-", "_")}`);
    const app = await spawnApp(name, db);
    const load = startLoad(app.url, 16, () => readRequest(name));
    await sleep(1_000);
    const t0 = Date.now();
    app.child.kill("SIGTERM");
    const exit = await Promise.race([
        app.exited,
        sleep(60_000).then(() => ({ code: null, signal: "still running after 60 s" as NodeJS.Signals })),
    ]);
    const exitMs = Date.now() - t0;
    await sleep(500);
    const outcomes = await load.stop();
    const after = outcomes.filter((o) => o.startedAt + o.ms >= t0);
    const counts = after.reduce<Record<string, number>>((acc, o) => ({ ...acc, [classify(o)]: (acc[classify(o)] ?? 0) + 1 }), {});
    if (app.child.exitCode === null) app.child.kill("SIGKILL");
    return {
        app: name,
        scenario: "term-ok",
        exitCode: exit.code,
        exitSignal: exit.signal,
        exitMs,
        outcomes: counts,
        resets: after.filter((o) => o.error !== undefined && o.error !== "ECONNREFUSED").length,
    };
}

const fmt = (record: Record<string, number>) =>
    Object.entries(record)
        .map(([k, v]) => `${k}×${v}`)
        .join(", ");

async function main(): Promise<void> {
    const started = Date.now();
    const mariadb = await startMariaDb({ requireManaged: true });
    const postgres = await startPostgres({ requireManaged: true });
    const hang: HangResult[] = [];
    const term: TermResult[] = [];
    try {
        for (const [name, server] of [
            ["catalogue-api", mariadb],
            ["visits-api", postgres],
        ] as const) {
            process.stderr.write(`${name}: hang ${HANG_S} s under load…\n`);
            hang.push(await hangScenario(name, server));
            process.stderr.write(`${name}: SIGTERM during a hang…\n`);
            term.push(await termHangScenario(name, server));
            process.stderr.write(`${name}: SIGTERM with a healthy database under keep-alive load…\n`);
            term.push(await termOkScenario(name, server));
        }
    } finally {
        await mariadb.destroy();
        await postgres.destroy();
    }
    const result = {
        label: args.label ?? "this checkout",
        root: ROOT,
        hangSeconds: HANG_S,
        concurrency: CONCURRENCY,
        seconds: Math.round((Date.now() - started) / 1000),
        hang,
        term,
    };
    if (args.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
    }
    const lines = [
        `Fault figures — ${args.label ?? "this checkout"} (${ROOT}); DB stopped with SIGSTOP for ${HANG_S} s under ${CONCURRENCY} concurrent clients; ${result.seconds} s`,
        "",
        "| app | requests | worst | p50 | answered > deadline + 1 s | transport errors | /health worst (statuses) | first write after SIGCONT | non-2xx writes committed |",
        "|---|---|---|---|---|---|---|---|---|",
        ...hang.map(
            (h) =>
                `| ${h.app} | ${h.requests} (${fmt(h.statuses)}) | ${(h.worstMs / 1000).toFixed(1)} s | ${h.p50Ms} ms | ${h.lateAnswers} | ${h.transportErrors} | ${(h.healthWorstMs / 1000).toFixed(2)} s (${fmt(h.healthStatuses)}) | ${h.recoveryMs === null ? "none" : `${(h.recoveryMs / 1000).toFixed(2)} s`} | ${h.failedWritesCommitted} of ${h.failedWrites} |`,
        ),
        "",
        "| app | SIGTERM | exit | time to exit | requests that reached the server (outcome×count) | resets |",
        "|---|---|---|---|---|---|",
        ...term.map(
            (t) =>
                `| ${t.app} | ${t.scenario === "term-hang" ? "during a hang (20 in flight)" : "healthy DB, 16 keep-alive clients"} | ${t.exitCode ?? t.exitSignal} | ${(t.exitMs / 1000).toFixed(2)} s | ${fmt(t.outcomes)} | ${t.resets} |`,
        ),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
}

main().then(
    () => process.exit(0),
    (err: unknown) => {
        process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
        process.exit(1);
    },
);
