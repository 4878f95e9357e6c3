/**
 * The honest anchor for "pooled vs the seed's connection-per-request": the stacks' RDS Proxy is created with
 * requireTls: true (components/aurora-with-proxy.ts), so in production every seed-style request pays a TLS
 * handshake on top of the MySQL/PostgreSQL handshake, while the pool pays it once per connection. This runs the
 * pooled app and the seed-style server for catalogue-api GET /catalogue (MariaDB) and visits-api
 * GET /recent-visits (PostgreSQL) against the SAME servers, plain and with DB_TLS=true (a throwaway CA made by
 * scripts/test-db, trusted through NODE_EXTRA_CA_CERTS), each variant in its own child process, measured in
 * turn round after round (interleaved), with autocannon in this process. Prints the ratios; writes bench/.out/tls.json (rendered by bench/report.ts).
 *
 *   node -r @swc-node/register bench/tls.ts [--duration 5] [--connections 32] [--rounds 3] [--rows 100]
 */
import path from "node:path";
import tls from "node:tls";
import autocannon from "autocannon";
import { makeTestCa, startMariaDb, startPostgres, type TestDatabase } from "../scripts/test-db";
import { CatalogueRepository } from "../apps/catalogue-api/src/data/catalogue-repository";
import { createPool as createMysqlPool, endPool } from "../apps/catalogue-api/src/data/pool";
import { VisitsRepository } from "../apps/visits-api/src/data/visits-repository";
import { createPool as createPgPool } from "../apps/visits-api/src/data/pool";
import { createLogger, rdsCaBundle } from "@serverless-containers/service-kit";
import { dbSettings } from "./lib/dbs";
import { REPO_ROOT, boundedInt, machineInfo, median, benchCli, writeJson } from "./lib/env";
import { onCleanup, runBench, startBenchServer } from "./lib/procs";
import { TLS_ENDPOINTS as ENDPOINTS, renderTlsTable, type TlsResult, type TlsRow } from "./lib/reliability-report";

async function startVariant(
    server: string,
    variant: "app" | "seed",
    db: TestDatabase,
    tls: boolean,
    caFile: string,
): Promise<{ port: number; stop(): Promise<void> }> {
    return startBenchServer(
        `${server}/${variant}`,
        process.execPath,
        ["-r", "@swc-node/register", path.join(REPO_ROOT, "bench", "servers", `${server}.ts`), variant],
        {
            cwd: REPO_ROOT,
            env: {
                PATH: process.env.PATH ?? "",
                PORT: "0",
                LOG_LEVEL: "warn",
                DB_HOST: db.host,
                DB_PORT: String(db.port),
                DB_USER: db.user,
                DB_PASSWORD: db.password,
                DB_NAME: db.database,
                DB_TLS: String(tls),
                ...(tls ? { NODE_EXTRA_CA_CERTS: caFile } : {}),
            },
        },
    );
}

runBench(async () => {
    const args = benchCli(
        {
            command: "node -r @swc-node/register bench/tls.ts",
            summary: "Pooled vs seed-style connections, plain vs TLS, against real MariaDB/PostgreSQL",
        },
        {
            duration: { type: "string", value: "<s>", description: "seconds per run (1-60, default 5)" },
            connections: { type: "string", value: "<n>", description: "load connections (1-256, default 32)" },
            rounds: { type: "string", value: "<n>", description: "interleaved rounds (1-10, default 3)" },
            rows: { type: "string", value: "<n>", description: "rows seeded (1-10000, default 100)" },
        },
    );
    const durationS = boundedInt(args.duration, 5, 1, 60, "duration");
    const connections = boundedInt(args.connections, 32, 1, 256, "connections");
    const rounds = boundedInt(args.rounds, 3, 1, 10, "rounds");
    const rowsToSeed = boundedInt(args.rows, 100, 1, 10_000, "rows");
    const machine = machineInfo();

    const ca = makeTestCa();
    onCleanup(() => Promise.resolve(ca.destroy()));
    const [maria, pg] = await Promise.all([
        startMariaDb({ requireManaged: true, tls: ca }),
        startPostgres({ requireManaged: true, tls: ca }),
    ]);
    onCleanup(() => maria.destroy());
    onCleanup(() => pg.destroy());
    const [catalogue, visits] = await Promise.all([maria.createDatabase("bench_tls_catalogue"), pg.createDatabase("bench_tls_visits")]);
    const mysqlPool = createMysqlPool(dbSettings(catalogue));
    const catalogueRepo = new CatalogueRepository(mysqlPool, 10_000);
    await catalogueRepo.ensureSchema();
    for (let i = 0; i < rowsToSeed; i += 1)
        await catalogueRepo.add({ name: `Item ${i}`, price: Math.round((5 + i * 3.17) * 100) / 100, category: "books", in_stock: true });
    await endPool(mysqlPool);
    const pgPool = createPgPool(dbSettings(visits), createLogger("bench", "silent"));
    const visitsRepo = new VisitsRepository(pgPool);
    await visitsRepo.ensureSchema();
    for (let i = 0; i < rowsToSeed; i += 1) await visitsRepo.record(`Mozilla/5.0 bench ${i}`, new Date(Date.now() - i * 1000));
    await pgPool.end();

    // All four variants of an endpoint run at once (idle ones cost nothing) and are measured in turn, round after
    // round, so drift in the shared machine's load hits every variant alike instead of whichever ran last.
    const rows: TlsRow[] = [];
    const variants = [
        { variant: "app", tls: false },
        { variant: "app", tls: true },
        { variant: "seed", tls: false },
        { variant: "seed", tls: true },
    ] as const;
    for (const endpoint of ENDPOINTS) {
        const db = endpoint.server === "catalogue" ? catalogue : visits;
        const running = await Promise.all(variants.map((v) => startVariant(endpoint.server, v.variant, db, v.tls, ca.caFile)));
        try {
            const urls = running.map((r) => `http://127.0.0.1:${r.port}${endpoint.path}`);
            for (const url of urls) {
                const check = await fetch(url);
                if (check.status !== 200) throw new Error(`${url}: ${check.status} ${await check.text()}`);
                await autocannon({ url, connections, duration: 1 }); // warm-up (JIT, pool)
            }
            const measured: Array<Array<Awaited<ReturnType<typeof autocannon>>>> = variants.map(() => []);
            for (let r = 0; r < rounds; r += 1) {
                for (const [i, url] of urls.entries())
                    measured[i].push(await autocannon({ url, connections, duration: durationS, timeout: 10 }));
            }
            for (const [i, v] of variants.entries()) {
                const results = measured[i];
                const rps = results.map((m) => m.requests.average);
                const mid = results[rps.indexOf(median(rps))] ?? results[0];
                const row: TlsRow = {
                    endpoint: endpoint.id,
                    variant: v.variant,
                    tls: v.tls,
                    reqPerSec: Math.round(median(rps)),
                    rounds: rps.map((x) => Math.round(x)),
                    p50: mid.latency.p50,
                    p99: mid.latency.p99,
                    errors: results.reduce((a, m) => a + m.errors + m.timeouts, 0),
                    non2xx: results.reduce((a, m) => a + m.non2xx, 0),
                };
                rows.push(row);
                process.stdout.write(
                    `${endpoint.label} ${v.variant}${v.tls ? " + TLS" : ""}: ${row.reqPerSec} req/s (rounds ${row.rounds.join(", ")}), p50 ${row.p50} ms, p99 ${row.p99} ms, errors ${row.errors}, non-2xx ${row.non2xx}\n`,
                );
            }
        } finally {
            await Promise.all(running.map((r) => r.stop()));
        }
    }

    // What each new TLS connection costs before the handshake: a secure context built from the CA bundle the
    // pools pass (mysql2 and pg build one per connection from the `ssl` options).
    process.env.NODE_EXTRA_CA_CERTS = ca.caFile;
    const bundle = rdsCaBundle();
    const contextMs: number[] = [];
    for (let i = 0; i < 20; i += 1) {
        const t0 = performance.now();
        tls.createSecureContext({ ca: bundle, minVersion: "TLSv1.2" });
        contextMs.push(performance.now() - t0);
    }

    const result: TlsResult = {
        caCertificates: bundle.length,
        secureContextMs: Math.round(median(contextMs) * 10) / 10,
        machine,
        command: `node -r @swc-node/register bench/tls.ts ${process.argv.slice(2).join(" ")}`.trim(),
        settings: { connections, durationS, rounds, rows: rowsToSeed },
        rows,
    };
    writeJson("tls.json", result);
    process.stdout.write(`\n${renderTlsTable(result)}\n`);
});
