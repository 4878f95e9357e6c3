/**
 * App throughput / latency against real databases, side by side with two references measured in the same run:
 *   ceiling — bare node:http, same pool (size) and same SQL, no framework;
 *   seed    — bare node:http, a new DB connection per request (the seeds' pattern).
 * Every server variant runs alone in its own child process (on the Node version under test); autocannon runs
 * here (Node 20) at a fixed connection count against 127.0.0.1 only.
 *
 * Variants are measured in interleaved rounds (app, ceiling, seed, app, …; a fresh server process each time)
 * and each variant's median round is reported, so a burst of outside load cannot favour one variant.
 *
 *   node -r @swc-node/register bench/throughput.ts [--duration 5] [--warmup 1] [--rounds 3] [--connections 32]
 *        [--node 20,24] [--only catalogue-list,visits-recent] [--rows 100] [--no-report]
 */
import fs from "node:fs";
import path from "node:path";
import mysql from "mysql2/promise";
import autocannon from "autocannon";
import { AWS_REGION, POOL_MAX, PRODUCTS_TABLE, startBenchDatabases, type BenchDatabases } from "./lib/dbs";
import { REPO_ROOT, boundedInt, busyNote, machineInfo, benchCli, runtimes, writeJson, type NodeRuntime } from "./lib/env";
import { runBench, startBenchServer } from "./lib/procs";
import type { ThroughputResult, ThroughputRow, VariantName } from "./lib/types";
import { writeReport } from "./report";

interface Endpoint {
    readonly id: string;
    readonly label: string;
    readonly server: "catalogue" | "visits" | "products";
    readonly method: "GET" | "POST";
    readonly path: string;
    readonly body?: string;
    readonly expectStatus: number;
    /** Extra diagnostic variants (besides app / ceiling / seed). */
    readonly extra?: VariantName[];
}

const POST_NAME = "bench POST item";
const ENDPOINTS: Endpoint[] = [
    {
        id: "catalogue-list",
        label: "catalogue-api GET /catalogue",
        server: "catalogue",
        method: "GET",
        path: "/catalogue",
        expectStatus: 200,
        extra: ["app-log-warn"],
    },
    {
        id: "catalogue-create",
        label: "catalogue-api POST /catalogue",
        server: "catalogue",
        method: "POST",
        path: "/catalogue",
        body: JSON.stringify({ name: POST_NAME, price: 12.5, category: "books", in_stock: true }),
        expectStatus: 201,
    },
    {
        id: "visits-recent",
        label: "visits-api GET /recent-visits",
        server: "visits",
        method: "GET",
        path: "/recent-visits",
        expectStatus: 200,
    },
    {
        id: "products-list",
        label: "products-api GET /products (dynalite)",
        server: "products",
        method: "GET",
        path: "/products",
        expectStatus: 200,
    },
];

function serverEnv(endpoint: Endpoint, dbs: BenchDatabases, variant: VariantName): Record<string, string> {
    const base: Record<string, string> = {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production", // as in the runtime images
        PORT: "0",
        LOG_LEVEL: variant === "app-log-warn" ? "warn" : "info",
        DB_POOL_MAX: String(POOL_MAX),
    };
    const sql = endpoint.server === "catalogue" ? dbs.catalogue : endpoint.server === "visits" ? dbs.visits : undefined;
    if (sql)
        Object.assign(base, {
            DB_HOST: sql.host,
            DB_PORT: String(sql.port),
            DB_USER: sql.user,
            DB_PASSWORD: sql.password,
            DB_NAME: sql.database,
        });
    else Object.assign(base, { DYNAMODB_ENDPOINT: dbs.dynamoEndpoint, TABLE_NAME: PRODUCTS_TABLE, AWS_REGION, RUNTIME: "bench" });
    return base;
}

interface RunningVariant {
    readonly port: number;
    readonly pid: number;
    stop(): Promise<void>;
}

async function startVariant(runtime: NodeRuntime, endpoint: Endpoint, dbs: BenchDatabases, variant: VariantName): Promise<RunningVariant> {
    const script = path.join(REPO_ROOT, "bench", "servers", `${endpoint.server}.ts`);
    const mode = variant === "app-log-warn" ? "app" : variant;
    // stdout (the JSON request logs) goes to /dev/null: the app still formats and writes every line.
    return startBenchServer(`${endpoint.server}/${variant}`, runtime.bin, ["-r", "@swc-node/register", script, mode], {
        cwd: REPO_ROOT,
        env: serverEnv(endpoint, dbs, variant),
    });
}

function peakRssMiB(pid: number): number | undefined {
    try {
        const line = fs
            .readFileSync(`/proc/${pid}/status`, "utf8")
            .split("\n")
            .find((l) => l.startsWith("VmHWM:"));
        return line ? Math.round(Number(line.replace(/\D+/g, "")) / 1024) : undefined;
    } catch {
        return undefined;
    }
}

/** One request before the load: the variant must answer the expected status with a list/created body. */
async function probe(url: string, endpoint: Endpoint): Promise<string> {
    const res = await fetch(url, {
        method: endpoint.method,
        headers: endpoint.body ? { "content-type": "application/json" } : undefined,
        body: endpoint.body,
    });
    const text = await res.text();
    if (res.status !== endpoint.expectStatus)
        throw new Error(`${endpoint.method} ${url}: expected ${endpoint.expectStatus}, got ${res.status}: ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as { count?: number; id?: string };
    return body.count !== undefined ? `count=${body.count}` : `id=${body.id ? "yes" : "no"}`;
}

async function load(url: string, endpoint: Endpoint, connections: number, durationS: number): ReturnType<typeof autocannon> {
    return autocannon({
        url,
        connections,
        duration: durationS,
        pipelining: 1,
        timeout: 10,
        method: endpoint.method,
        headers: endpoint.body ? { "content-type": "application/json" } : undefined,
        body: endpoint.body,
    });
}

const fmt = (n: number, d = 0): string => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
    const machine = machineInfo();
    const args = benchCli(
        {
            command: "npm run bench:throughput --",
            summary: "Throughput and latency of each service against the bare ceiling and the seeds' connection-per-request, on loopback.",
        },
        {
            duration: { type: "string", value: "<s>", description: "measured seconds per round (1–60, default 5)" },
            warmup: { type: "string", value: "<s>", description: "warm-up seconds per round (0–10, default 1)" },
            connections: { type: "string", value: "<n>", description: "autocannon connections (1–256, default 32)" },
            rows: { type: "string", value: "<n>", description: "rows seeded per table (1–10000, default 100)" },
            rounds: { type: "string", value: "<n>", description: "interleaved rounds per variant (1–10, default 3)" },
            only: {
                type: "string",
                value: "<ids>",
                description: `comma-separated endpoint ids (${ENDPOINTS.map((e) => e.id).join(", ")})`,
            },
            node: { type: "string", value: "<majors>", description: "Node versions, e.g. 20,24 (default 20,24)" },
            "no-report": { type: "boolean", description: "do not regenerate docs/performance.md" },
        },
    );
    const durationS = boundedInt(args.duration, 5, 1, 60, "duration");
    const warmupS = boundedInt(args.warmup, 1, 0, 10, "warmup");
    const connections = boundedInt(args.connections, 32, 1, 256, "connections");
    const rowsToSeed = boundedInt(args.rows, 100, 1, 10_000, "rows");
    const rounds = boundedInt(args.rounds, 3, 1, 10, "rounds");
    const only = args.only?.split(",");
    const endpoints = ENDPOINTS.filter((e) => !only || only.includes(e.id));
    if (endpoints.length === 0) throw new Error(`--only: none of ${ENDPOINTS.map((e) => e.id).join(", ")}`);
    const nodes = runtimes(args.node ?? "20,24");

    process.stdout.write(`Starting MariaDB, PostgreSQL and dynalite (loopback), seeding ${rowsToSeed} rows each…\n`);
    const dbs = await startBenchDatabases(rowsToSeed);
    process.stdout.write(`MariaDB ${dbs.versions.mariadb}, PostgreSQL ${dbs.versions.postgres}, dynalite ${dbs.versions.dynalite}\n`);
    // POST rows are deleted after each POST variant so every variant and Node version sees the same table.
    const cleanPosts = async (): Promise<void> => {
        const c = dbs.catalogue;
        const conn = await mysql.createConnection({ host: c.host, port: c.port, user: c.user, password: c.password, database: c.database });
        await conn.query("DELETE FROM catalogue WHERE name = ?", [POST_NAME]);
        await conn.end();
    };

    const rows: ThroughputRow[] = [];
    for (const runtime of nodes) {
        for (const endpoint of endpoints) {
            const variants: VariantName[] = ["app", ...(endpoint.extra ?? []), "ceiling", "seed"];
            // Interleaved rounds (app, ceiling, seed, app, ceiling, seed, …): a burst of outside load hits every
            // variant alike instead of one of them; each variant's median round is reported.
            const measured = new Map<VariantName, ThroughputRow[]>();
            for (let round = 1; round <= rounds; round += 1) {
                for (const variant of variants) {
                    const server = await startVariant(runtime, endpoint, dbs, variant);
                    try {
                        const url = `http://127.0.0.1:${server.port}${endpoint.path}`;
                        const shape = await probe(url, endpoint);
                        if (warmupS > 0) await load(url, endpoint, connections, warmupS);
                        const r = await load(url, endpoint, connections, durationS);
                        const row: ThroughputRow = {
                            node: runtime.version,
                            nodeMajor: runtime.major,
                            endpoint: endpoint.id,
                            label: endpoint.label,
                            variant,
                            reqPerSec: Math.round(r.requests.total / r.duration),
                            p50: r.latency.p50,
                            p99: r.latency.p99,
                            errors: r.errors,
                            timeouts: r.timeouts,
                            non2xx: r.non2xx,
                            total: r.requests.total,
                            serverPeakRssMiB: peakRssMiB(server.pid),
                        };
                        measured.set(variant, [...(measured.get(variant) ?? []), row]);
                        process.stdout.write(
                            `node ${runtime.version.padEnd(9)} ${endpoint.label.padEnd(40)} ${variant.padEnd(13)} r${round} ${fmt(row.reqPerSec).padStart(7)} req/s  p50 ${fmt(row.p50, 1).padStart(6)} ms  p99 ${fmt(row.p99, 1).padStart(6)} ms  errors ${row.errors + row.timeouts}  non-2xx ${row.non2xx}  (${shape}, peak RSS ${row.serverPeakRssMiB ?? "?"} MiB)\n`,
                        );
                    } finally {
                        await server.stop();
                        if (endpoint.method === "POST") await cleanPosts();
                    }
                }
            }
            for (const variant of variants) {
                const all = measured.get(variant) ?? [];
                const sorted = [...all].sort((a, b) => a.reqPerSec - b.reqPerSec);
                const mid = sorted[Math.floor((sorted.length - 1) / 2)];
                rows.push({
                    ...mid,
                    errors: all.reduce((a, r) => a + r.errors, 0),
                    timeouts: all.reduce((a, r) => a + r.timeouts, 0),
                    non2xx: all.reduce((a, r) => a + r.non2xx, 0),
                    total: all.reduce((a, r) => a + r.total, 0),
                    serverPeakRssMiB: Math.max(...all.map((r) => r.serverPeakRssMiB ?? 0)) || undefined,
                    rounds: all.map((r) => r.reqPerSec),
                });
            }
            const get = (v: VariantName): ThroughputRow | undefined =>
                rows.find((r) => r.node === runtime.version && r.endpoint === endpoint.id && r.variant === v);
            const app = get("app");
            const ceiling = get("ceiling");
            const seed = get("seed");
            if (app && ceiling && seed) {
                process.stdout.write(
                    `  → ours/ceiling ${(app.reqPerSec / ceiling.reqPerSec).toFixed(2)}×   ours/seed-style ${(app.reqPerSec / seed.reqPerSec).toFixed(1)}×\n`,
                );
            }
        }
    }

    const result: ThroughputResult = {
        machine,
        command: `node -r @swc-node/register bench/throughput.ts ${process.argv.slice(2).join(" ")}`.trim(),
        settings: { connections, durationS, warmupS, rounds, rows: rowsToSeed, poolMax: POOL_MAX },
        databases: dbs.versions,
        runtimes: nodes.map((n) => ({ major: n.major, version: n.version })),
        endpoints: endpoints.map((e) => ({ id: e.id, label: e.label })),
        rows,
        notes: [busyNote(machine)].filter((n): n is string => n !== undefined),
    };
    const file = writeJson("throughput.json", result);
    process.stdout.write(`\nResults: ${path.relative(REPO_ROOT, file)}\n`);
    if (!args["no-report"])
        process.stdout.write(
            `Report: ${writeReport()
                .map((f) => path.relative(REPO_ROOT, f))
                .join(", ")}\n`,
        );
}

runBench(main);
