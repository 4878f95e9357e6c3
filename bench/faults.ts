/**
 * Fault figures: what a client sees when the database HANGS (its server process stopped with SIGSTOP — a failover,
 * a saturated proxy or a partition, seen from the app), on a healthy database under a crowd, and when the app gets
 * SIGTERM. Real MariaDB/PostgreSQL from scripts/test-db and dynalite in its own process, the three database-backed
 * apps as child processes (`node -r @swc-node/register apps/<app>/src/server.ts`) with their production defaults
 * (REQUEST_DEADLINE_MS 10 s, DB_POOL_MAX 10, SHUTDOWN_GRACE_MS 10 s…), bounded loads on 127.0.0.1.
 *
 *   npm run bench:faults [-- --hangs 5,15,65 --concurrency 8 --healthy 25 --apps catalogue-api,visits-api,products-api
 *                            --root <checkout> --label after --no-term --json]
 *
 * The answers' contract the figures check: 503 + Retry-After means nothing happened (retry); 504
 * write_outcome_unknown means it may have happened; nothing a request does starts after its answer. Scenarios:
 *   hang      — for each --hangs length: load (unkeyed writes — the write path spelled /catalogue, /CATALOGUE,
 *               /catalogue/ in turn — and reads alternating, more clients than the pool) for 2 s, SIGSTOP the store,
 *               SIGCONT, load 4 s more. Counted: answers later than deadline + 1 s; 503s whose write was stored
 *               (a client following Retry-After would duplicate it); writes that left the app after their answer
 *               (a wire tap between app and store records when each write's marker was last sent, retries
 *               included: scripts/test-db/wire-tap.ts); also 504s that were stored (allowed: "may have happened"), /health, recovery.
 *   healthy   — 32 keep-alive clients for --healthy seconds on a healthy store with the default pool: reads of the
 *               list, with /ready and keyed writes mixed in; counted: non-2xx answers and transport errors.
 *   term-hang — 20 requests waiting on the hung store, SIGTERM: exit code, time to exit, what the 20 got.
 *   term-ok   — healthy store, 16 keep-alive clients, SIGTERM mid-load: requests reset vs answered vs refused.
 * --root runs the apps of another checkout (one whose node_modules resolve its own packages/service-kit) so the
 * same scenarios measure the code before a change side by side.
 */
import { randomUUID } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { DynamoDBClient, ScanCommand, type ScanCommandOutput } from "@aws-sdk/client-dynamodb";
import { benchCli, boundedInt, percentile } from "./lib/env";
import { startDynaliteProcess } from "./lib/dbs";
import { onCleanup, runBench, spawnTracked, stopChild } from "./lib/procs";
import {
    dbAppEnv,
    freePort,
    startLoad,
    startMariaDb,
    startPostgres,
    startWireTap,
    type LoadOutcome,
    type LoadRequest,
    type SqlServerHandle,
    type WireTap,
} from "../scripts/test-db";

const APPS = ["catalogue-api", "visits-api", "products-api"] as const;
type AppName = (typeof APPS)[number];

const args = benchCli(
    {
        command: "npm run bench:faults --",
        summary:
            "Fault figures for catalogue-api, visits-api and products-api: database hangs (SIGSTOP) under load, a healthy crowd, SIGTERM",
    },
    {
        hangs: { type: "string", value: "<s,s,…>", description: "hang lengths in seconds, each 2-120 (default 5,15,65)" },
        concurrency: { type: "string", value: "<n>", description: "concurrent clients during the hangs (1-64, default 32)" },
        healthy: { type: "string", value: "<s>", description: "seconds of the 32-client healthy run per app (5-120, default 30)" },
        apps: { type: "string", value: "<a,b>", description: `apps to measure (default ${APPS.join(",")})` },
        root: { type: "string", value: "<dir>", description: "run another checkout's apps (before/after comparisons)" },
        label: { type: "string", value: "<text>", description: "name printed for this run (default: this checkout)" },
        "no-term": { type: "boolean", description: "skip the SIGTERM scenarios" },
        json: { type: "boolean", description: "print the result as JSON" },
    },
);
const HANGS = (args.hangs ?? "5,15,65").split(",").map((h) => boundedInt(h.trim(), 0, 2, 120, "hangs"));
const CONCURRENCY = boundedInt(args.concurrency, 32, 1, 64, "concurrency");
const HEALTHY_S = boundedInt(args.healthy, 30, 5, 120, "healthy");
const SELECTED: AppName[] = (args.apps ?? APPS.join(",")).split(",").map((a) => {
    const name = a.trim() as AppName;
    if (!APPS.includes(name)) throw new Error(`--apps: unknown app "${a}" (one of ${APPS.join(", ")})`);
    return name;
});
const ROOT = path.resolve(args.root ?? path.join(__dirname, ".."));
/** The apps' default REQUEST_DEADLINE_MS (service-kit baseEnvShape). */
const DEADLINE_MS = 10_000;
/** What startLoad writes into each write (name, User-Agent): `load-<tag>-<index>`. */
const MARKER = /load-[a-z0-9]+-\d+/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One store (a fresh database or table) for one scenario, optionally behind a wire tap. */
interface Store {
    readonly env: Record<string, string>;
    readonly tap?: WireTap;
    pause(): Promise<void>;
    resume(): Promise<void>;
    /** The markers of the writes stored. */
    stored(): Promise<Set<string>>;
    dispose(): Promise<void>;
}

interface AppProfile {
    readonly name: AppName;
    /** A DB-backed read that answers 200 once the app is ready (older code has no /ready). */
    readonly probe: string;
    /** The `index`-th write: the path's spellings rotate (express routes them all to the one route). */
    write(marker: string, index: number): LoadRequest;
    read(): LoadRequest;
    store(label: string, tapped: boolean): Promise<Store>;
}

/** `/catalogue`, `/CATALOGUE`, `/catalogue/` in turn: what clients and proxies send for one route. */
function spelling(path: string, index: number): string {
    const variants = [path, path.toUpperCase(), `${path}/`];
    return variants[Math.floor(index / 2) % variants.length];
}

function sqlProfile(name: "catalogue-api" | "visits-api", server: SqlServerHandle): AppProfile {
    return {
        name,
        probe: name === "catalogue-api" ? "/catalogue?limit=1" : "/recent-visits?limit=1",
        write: (marker, index) =>
            name === "catalogue-api"
                ? { method: "POST", path: spelling("/catalogue", index), json: { name: marker, price: 1.5, category: "faults" } }
                : { method: "GET", path: "/", headers: { "user-agent": marker } },
        read: () =>
            name === "catalogue-api" ? { method: "GET", path: "/catalogue?limit=5" } : { method: "GET", path: "/recent-visits?limit=5" },
        async store(label, tapped) {
            const db = await server.createDatabase(`faults_${label}_${name.replace("-", "_")}`);
            const tap = tapped ? await startWireTap({ targetPort: db.port, pattern: MARKER }) : undefined;
            const sql =
                name === "catalogue-api"
                    ? "SELECT name AS m FROM catalogue WHERE name LIKE 'load-%'"
                    : "SELECT user_agent AS m FROM visits WHERE user_agent LIKE 'load-%'";
            return {
                env: dbAppEnv({ ...db, port: tap?.port ?? db.port }),
                tap,
                pause: () => server.pause(),
                resume: () => server.resume(),
                stored: async () => new Set((await server.adminQuery<{ m: string }>(sql, [], db.database)).map((r) => r.m)),
                dispose: async () => tap?.close(),
            };
        },
    };
}

function productsProfile(dynamo: { endpoint: string; child: ChildProcess }): AppProfile {
    const dynamoPort = Number(new URL(dynamo.endpoint).port);
    let paused = false;
    const signal = (s: "SIGSTOP" | "SIGCONT"): void => {
        if (dynamo.child.pid !== undefined) process.kill(dynamo.child.pid, s);
    };
    onCleanup(async () => {
        if (paused) signal("SIGCONT");
    });
    return {
        name: "products-api",
        probe: "/products?limit=1",
        write: (marker, index) => ({
            method: "POST",
            path: spelling("/products", index),
            json: { name: marker, price: 1.5, category: "faults" },
        }),
        read: () => ({ method: "GET", path: "/products?limit=5" }),
        async store(label, tapped) {
            const table = `Faults_${label}_${randomUUID().slice(0, 8)}`;
            const tap = tapped ? await startWireTap({ targetPort: dynamoPort, pattern: MARKER }) : undefined;
            return {
                env: {
                    PORT: "0",
                    TABLE_NAME: table,
                    AWS_REGION: "us-east-1",
                    DYNAMODB_ENDPOINT: `http://127.0.0.1:${tap?.port ?? dynamoPort}`,
                    AWS_ACCESS_KEY_ID: "bench",
                    AWS_SECRET_ACCESS_KEY: "bench",
                    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
                },
                tap,
                pause: async () => {
                    signal("SIGSTOP");
                    paused = true;
                },
                resume: async () => {
                    signal("SIGCONT");
                    paused = false;
                },
                stored: async () => {
                    const client = new DynamoDBClient({
                        region: "us-east-1",
                        endpoint: dynamo.endpoint,
                        credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
                    });
                    const names = new Set<string>();
                    try {
                        let start: ScanCommandOutput["LastEvaluatedKey"];
                        do {
                            const page = await client.send(
                                new ScanCommand({
                                    TableName: table,
                                    ExclusiveStartKey: start,
                                    FilterExpression: "begins_with(#n, :p)",
                                    ExpressionAttributeNames: { "#n": "name" },
                                    ExpressionAttributeValues: { ":p": { S: "load-" } },
                                }),
                            );
                            for (const item of page.Items ?? []) if (item.name?.S !== undefined) names.add(item.name.S);
                            start = page.LastEvaluatedKey;
                        } while (start !== undefined);
                    } finally {
                        client.destroy();
                    }
                    return names;
                },
                dispose: async () => tap?.close(),
            };
        },
    };
}

interface App {
    readonly child: ChildProcess;
    readonly url: string;
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function spawnApp(profile: AppProfile, store: Store): Promise<App> {
    const port = await freePort();
    const env = { ...store.env, PORT: String(port), LOG_LEVEL: "warn" };
    delete (env as Record<string, string | undefined>).SHUTDOWN_GRACE_MS; // production default
    const child = spawnTracked(process.execPath, ["-r", "@swc-node/register", path.join(ROOT, "apps", profile.name, "src", "server.ts")], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: ["ignore", "ignore", "inherit"],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 600; i += 1) {
        if (child.exitCode !== null) throw new Error(`${profile.name} exited during start-up`);
        try {
            if ((await fetch(`${url}${profile.probe}`)).status === 200) return { child, url, exited };
        } catch {
            // not listening yet
        }
        await sleep(100);
    }
    throw new Error(`${profile.name} did not become ready`);
}

async function stopApp(app: App): Promise<void> {
    app.child.kill("SIGTERM");
    await Promise.race([app.exited, sleep(20_000)]);
    await stopChild(app.child);
}

const count = (values: readonly (string | number)[]): Record<string, number> =>
    values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [String(v)]: (acc[String(v)] ?? 0) + 1 }), {});

interface HangResult {
    readonly app: AppName;
    readonly hangSeconds: number;
    readonly requests: number;
    readonly statuses: Record<string, number>;
    readonly worstMs: number;
    readonly lateAnswers: number;
    readonly transportErrors: number;
    readonly writes: number;
    readonly unavailableStored: number;
    readonly sentAfterAnswer: number;
    readonly worstSentAfterMs: number;
    readonly unknownStored: number;
    readonly unknown: number;
    readonly healthWorstMs: number;
    readonly healthStatuses: Record<string, number>;
    readonly recoveryMs: number | null;
}

async function hangScenario(profile: AppProfile, hangS: number): Promise<HangResult> {
    const store = await profile.store(`hang${hangS}`, true);
    const app = await spawnApp(profile, store);
    const isWrite = (o: LoadOutcome): boolean => o.index % 2 === 0;
    const load = startLoad(app.url, CONCURRENCY, (i, marker) => (i % 2 === 0 ? profile.write(marker, i) : profile.read()));
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
    let resumedAt = 0;
    try {
        await sleep(2_000);
        await store.pause();
        await sleep(hangS * 1_000);
    } finally {
        await store.resume();
        resumedAt = Date.now();
    }
    await sleep(4_000);
    probing = false;
    await prober;
    const outcomes = await load.stop();
    // Let anything the resumed store still had queued (and anything the app still had to send) arrive first.
    await sleep(2_000);
    const stored = await store.stored();
    await stopApp(app);
    const tap = store.tap!;
    const writes = outcomes.filter(isWrite);
    const answered = writes.filter((o) => o.status !== undefined);
    const sentLate = answered
        .map((o) => ({ o, sentAt: tap.lastSeen(o.marker) }))
        .filter((w) => w.sentAt !== undefined && w.sentAt > w.o.startedAt + w.o.ms);
    const unknown = answered.filter((o) => o.status === 504);
    const firstOkWrite = answered
        .filter((o) => o.status! < 300 && o.startedAt + o.ms >= resumedAt)
        .map((o) => o.startedAt + o.ms)
        .sort((a, b) => a - b)[0];
    await store.dispose();
    return {
        app: profile.name,
        hangSeconds: hangS,
        requests: outcomes.length,
        statuses: count(outcomes.map((o) => o.status ?? o.error ?? "?")),
        worstMs: Math.max(0, ...outcomes.map((o) => o.ms)),
        lateAnswers: outcomes.filter((o) => o.ms > DEADLINE_MS + 1_000).length,
        transportErrors: outcomes.filter((o) => o.error !== undefined).length,
        writes: writes.length,
        unavailableStored: answered.filter((o) => o.status === 503 && stored.has(o.marker)).length,
        sentAfterAnswer: sentLate.length,
        worstSentAfterMs: Math.max(0, ...sentLate.map((w) => w.sentAt! - (w.o.startedAt + w.o.ms))),
        unknownStored: unknown.filter((o) => stored.has(o.marker)).length,
        unknown: unknown.length,
        healthWorstMs: Math.max(0, ...health.map((h) => h.ms)),
        healthStatuses: count(health.map((h) => h.status)),
        recoveryMs: firstOkWrite === undefined ? null : firstOkWrite - resumedAt,
    };
}

interface HealthyResult {
    readonly app: AppName;
    readonly seconds: number;
    readonly requests: number;
    readonly non2xx: number;
    readonly transportErrors: number;
    readonly statuses: Record<string, number>;
    readonly p50Ms: number;
    readonly p99Ms: number;
}

async function healthyScenario(profile: AppProfile): Promise<HealthyResult> {
    const store = await profile.store("healthy", false);
    const app = await spawnApp(profile, store);
    // Mostly the list; /ready and keyed writes share the pool's paths (idempotency claims).
    const load = startLoad(app.url, 32, (i, marker) => {
        if (i % 16 === 0) return { method: "GET", path: "/ready" };
        if (i % 16 === 8) {
            const write = profile.write(marker, i);
            return { ...write, headers: { ...(write.headers ?? {}), "idempotency-key": randomUUID() } };
        }
        return profile.read();
    });
    await sleep(HEALTHY_S * 1_000);
    const outcomes = await load.stop();
    await stopApp(app);
    await store.dispose();
    const ms = outcomes.map((o) => o.ms);
    return {
        app: profile.name,
        seconds: HEALTHY_S,
        requests: outcomes.length,
        non2xx: outcomes.filter((o) => o.status !== undefined && (o.status < 200 || o.status >= 300)).length,
        transportErrors: outcomes.filter((o) => o.error !== undefined).length,
        statuses: count(outcomes.map((o) => o.status ?? o.error ?? "?")),
        p50Ms: percentile(ms, 50, 0),
        p99Ms: percentile(ms, 99, 0),
    };
}

interface TermResult {
    readonly app: AppName;
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

async function termHangScenario(profile: AppProfile): Promise<TermResult> {
    const store = await profile.store("termhang", false);
    const app = await spawnApp(profile, store);
    await store.pause();
    try {
        const inFlight = Array.from({ length: 20 }, (_, i) => {
            const spec: LoadRequest = i % 2 === 0 ? profile.write(`load-term-${i}`, i) : profile.read();
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
        return {
            app: profile.name,
            scenario: "term-hang",
            exitCode: exit.code,
            exitSignal: exit.signal,
            exitMs,
            outcomes: count(results.map(classify)),
            resets: results.filter((r) => "error" in r && r.error !== "ECONNREFUSED").length,
        };
    } finally {
        await store.resume();
        await stopChild(app.child);
        await store.dispose();
    }
}

async function termOkScenario(profile: AppProfile): Promise<TermResult> {
    const store = await profile.store("termok", false);
    const app = await spawnApp(profile, store);
    const load = startLoad(app.url, 16, () => profile.read());
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
    await stopChild(app.child);
    await store.dispose();
    return {
        app: profile.name,
        scenario: "term-ok",
        exitCode: exit.code,
        exitSignal: exit.signal,
        exitMs,
        outcomes: count(after.map(classify)),
        resets: after.filter((o) => o.error !== undefined && o.error !== "ECONNREFUSED").length,
    };
}

const fmt = (record: Record<string, number>): string =>
    Object.entries(record)
        .map(([k, v]) => `${k}×${v}`)
        .join(", ");
const seconds = (ms: number, digits = 1): string => `${(ms / 1000).toFixed(digits)} s`;

runBench(async () => {
    const started = Date.now();
    const profiles: AppProfile[] = [];
    for (const name of SELECTED) {
        if (name === "products-api") {
            profiles.push(productsProfile(await startDynaliteProcess()));
            continue;
        }
        const server =
            name === "catalogue-api" ? await startMariaDb({ requireManaged: true }) : await startPostgres({ requireManaged: true });
        onCleanup(async () => {
            await server.resume().catch(() => undefined);
            await server.destroy();
        });
        profiles.push(sqlProfile(name, server));
    }
    const hang: HangResult[] = [];
    const healthy: HealthyResult[] = [];
    const term: TermResult[] = [];
    for (const profile of profiles) {
        for (const hangS of HANGS) {
            process.stderr.write(`${profile.name}: store frozen for ${hangS} s under ${CONCURRENCY} clients…\n`);
            hang.push(await hangScenario(profile, hangS));
        }
        process.stderr.write(`${profile.name}: healthy store, 32 keep-alive clients for ${HEALTHY_S} s…\n`);
        healthy.push(await healthyScenario(profile));
        if (!args["no-term"]) {
            process.stderr.write(`${profile.name}: SIGTERM during a hang…\n`);
            term.push(await termHangScenario(profile));
            process.stderr.write(`${profile.name}: SIGTERM with a healthy store under keep-alive load…\n`);
            term.push(await termOkScenario(profile));
        }
    }
    const result = {
        label: args.label ?? "this checkout",
        root: ROOT,
        hangs: HANGS,
        concurrency: CONCURRENCY,
        deadlineMs: DEADLINE_MS,
        seconds: Math.round((Date.now() - started) / 1000),
        hang,
        healthy,
        term,
    };
    if (args.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
    }
    const lines = [
        `Fault figures — ${result.label} (${ROOT}); ${result.seconds} s. Store frozen with SIGSTOP under ${CONCURRENCY} concurrent clients (unkeyed writes, their path spelled three ways, and reads alternating); REQUEST_DEADLINE_MS ${DEADLINE_MS} ms, DB_POOL_MAX 10.`,
        "",
        "| app | hang | requests (answers) | worst | answered > deadline + 1 s | 503s whose write was stored | writes sent after their answer | 504s (stored) | /health worst (statuses) | first write after SIGCONT |",
        "|---|---|---|---|---|---|---|---|---|---|",
        ...hang.map(
            (h) =>
                `| ${h.app} | ${h.hangSeconds} s | ${h.requests} (${fmt(h.statuses)}) | ${seconds(h.worstMs)} | ${h.lateAnswers} | ${h.unavailableStored} | ${h.sentAfterAnswer}${h.sentAfterAnswer > 0 ? ` (up to ${seconds(h.worstSentAfterMs)} after)` : ""} | ${h.unknown} (${h.unknownStored}) | ${seconds(h.healthWorstMs, 2)} (${fmt(h.healthStatuses)}) | ${h.recoveryMs === null ? "none" : seconds(h.recoveryMs, 2)} |`,
        ),
        "",
        `Healthy store, 32 keep-alive clients, default pool (DB_POOL_MAX 10), ${HEALTHY_S} s: list reads with /ready and keyed writes mixed in.`,
        "",
        "| app | requests | non-2xx | transport errors | answers | p50 | p99 |",
        "|---|---|---|---|---|---|---|",
        ...healthy.map(
            (h) => `| ${h.app} | ${h.requests} | ${h.non2xx} | ${h.transportErrors} | ${fmt(h.statuses)} | ${h.p50Ms} ms | ${h.p99Ms} ms |`,
        ),
    ];
    if (term.length > 0) {
        lines.push(
            "",
            "| app | SIGTERM | exit | time to exit | requests that reached the server (outcome×count) | resets |",
            "|---|---|---|---|---|---|",
            ...term.map(
                (t) =>
                    `| ${t.app} | ${t.scenario === "term-hang" ? "during a hang (20 in flight)" : "healthy store, 16 keep-alive clients"} | ${t.exitCode ?? t.exitSignal} | ${seconds(t.exitMs, 2)} | ${fmt(t.outcomes)} | ${t.resets} |`,
            ),
        );
    }
    process.stdout.write(`${lines.join("\n")}\n`);
});
