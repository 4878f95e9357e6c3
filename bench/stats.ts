/**
 * GET /catalogue/stats under a crowd: does the most expensive statement of catalogue-api (a full-table GROUP BY,
 * open to anyone) slow down everyone else? Runs catalogue-api in a child process against a throwaway MariaDB
 * seeded with --rows rows, first with CATALOGUE_STATS_CACHE_MS=0 (every call queries: the code before the
 * cache) then with the default 2 s cache + single flight, each time with --callers concurrent stats callers for
 * --duration seconds while one prober measures GET /health (which pings the database through the same pool)
 * and GET /catalogue?limit=10. Prints the figures side by side; writes bench/.out/stats.json.
 *
 *   node -r @swc-node/register bench/stats.ts [--rows 61000] [--callers 20] [--duration 10]
 */
import path from "node:path";
import { freePort, startMariaDb } from "../scripts/test-db";
import { CatalogueRepository } from "../apps/catalogue-api/src/data/catalogue-repository";
import { createPool, endPool } from "../apps/catalogue-api/src/data/pool";
import { dbSettings } from "./lib/dbs";
import { REPO_ROOT, boundedInt, benchCli, percentile, writeJson } from "./lib/env";
import { onCleanup, runBench, spawnTracked, stopChild } from "./lib/procs";
import type { StatsResult } from "./lib/reliability-report";

/** One variant as bench/lib/reliability-report.ts renders it, plus what only this command prints. */
type VariantResult = StatsResult["results"][number] & { readonly cacheMs: number; readonly statsRequests: number };

async function timed(url: string): Promise<number> {
    const start = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    return performance.now() - start;
}

async function probe(base: string, until: number): Promise<{ health: number[]; list: number[] }> {
    const health: number[] = [];
    const list: number[] = [];
    while (Date.now() < until) {
        health.push(await timed(`${base}/health`));
        list.push(await timed(`${base}/catalogue?limit=10`));
        await new Promise((r) => setTimeout(r, 20));
    }
    return { health, list };
}

runBench(async () => {
    const args = benchCli(
        {
            command: "node -r @swc-node/register bench/stats.ts",
            summary: "/catalogue/stats under concurrent callers, with and without the cache: /health latency and SELECTs",
        },
        {
            rows: { type: "string", value: "<n>", description: "catalogue rows (1-500000, default 61000)" },
            callers: { type: "string", value: "<n>", description: "concurrent stats callers (1-100, default 20)" },
            duration: { type: "string", value: "<s>", description: "seconds per variant (1-60, default 10)" },
        },
    );
    const rows = boundedInt(args.rows, 61_000, 1, 500_000, "rows");
    const callers = boundedInt(args.callers, 20, 1, 100, "callers");
    const durationS = boundedInt(args.duration, 10, 1, 60, "duration");

    const server = await startMariaDb({ requireManaged: true });
    onCleanup(() => server.destroy());
    const db = await server.createDatabase("bench_stats");
    const pool = createPool(dbSettings(db));
    await new CatalogueRepository(pool, 10_000).ensureSchema();
    await endPool(pool);
    // Bulk seed through MariaDB's sequence engine (seq_1_to_N): six categories, prices 0.01–999.99.
    await server.adminQuery(
        `INSERT INTO catalogue (id, name, price, category, in_stock, created_at)
     SELECT UUID(), CONCAT('Item ', seq), ROUND(1 + (seq * 37 % 99999) / 100, 2),
            ELT(1 + seq % 6, 'books', 'garden', 'kitchen', 'toys', 'tools', 'general'), seq % 7 <> 0,
            NOW(6) - INTERVAL seq SECOND
       FROM seq_1_to_${rows}`,
        [],
        db.database,
    );
    const selects = async (): Promise<number> =>
        Number((await server.adminQuery<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Com_select'"))[0].Value);

    const results: VariantResult[] = [];
    for (const cacheMs of [0, 2_000]) {
        const port = await freePort();
        const child = spawnTracked(
            process.execPath,
            ["-r", "@swc-node/register", path.join(REPO_ROOT, "apps/catalogue-api/src/server.ts")],
            {
                cwd: REPO_ROOT,
                env: {
                    PATH: process.env.PATH ?? "",
                    PORT: String(port),
                    DB_HOST: db.host,
                    DB_PORT: String(db.port),
                    DB_USER: db.user,
                    DB_PASSWORD: db.password,
                    DB_NAME: db.database,
                    LOG_LEVEL: "warn",
                    CATALOGUE_STATS_CACHE_MS: String(cacheMs),
                },
                stdio: ["ignore", "ignore", "inherit"],
            },
        );
        const base = `http://127.0.0.1:${port}`;
        for (let i = 0; ; i += 1) {
            try {
                await timed(`${base}/health`);
                break;
            } catch {
                if (i > 300) throw new Error("catalogue-api did not become healthy");
                await new Promise((r) => setTimeout(r, 100));
            }
        }
        const idle = await probe(base, Date.now() + 2_000);
        const selectsBefore = await selects();
        const until = Date.now() + durationS * 1000;
        const statsLatencies: number[] = [];
        const crowd = Array.from({ length: callers }, async () => {
            while (Date.now() < until) statsLatencies.push(await timed(`${base}/catalogue/stats`));
        });
        const [busy] = await Promise.all([probe(base, until), ...crowd]);
        const serverSelects = (await selects()) - selectsBefore;
        await stopChild(child);
        results.push({
            variant: cacheMs === 0 ? "no cache (query per call)" : `cache ${cacheMs} ms + single flight`,
            cacheMs,
            statsRequests: statsLatencies.length,
            statsPerSecond: Math.round(statsLatencies.length / durationS),
            statsP50Ms: Math.round(percentile(statsLatencies, 50) * 10) / 10,
            healthIdleP50Ms: Math.round(percentile(idle.health, 50) * 10) / 10,
            healthP50Ms: Math.round(percentile(busy.health, 50) * 10) / 10,
            healthP99Ms: Math.round(percentile(busy.health, 99) * 10) / 10,
            listP50Ms: Math.round(percentile(busy.list, 50) * 10) / 10,
            serverSelects,
        });
    }

    const out = { rows, callers, durationS, results };
    writeJson("stats.json", out);
    process.stdout.write(`\n/catalogue/stats with ${callers} concurrent callers for ${durationS} s, ${rows} rows (MariaDB, loopback)\n\n`);
    process.stdout.write(
        "| Variant | stats req/s | stats p50 ms | /health p50 idle → busy ms | /health p99 busy ms | /catalogue p50 busy ms | SELECTs run by the server |\n|---|---|---|---|---|---|---|\n",
    );
    for (const r of results) {
        process.stdout.write(
            `| ${r.variant} | ${r.statsPerSecond} | ${r.statsP50Ms} | ${r.healthIdleP50Ms} → ${r.healthP50Ms} | ${r.healthP99Ms} | ${r.listP50Ms} | ${r.serverSelects} |\n`,
        );
    }
});
