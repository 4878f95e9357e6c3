/**
 * Real throwaway databases for the benchmarks (scripts/test-db): MariaDB and PostgreSQL as separate server
 * processes, dynalite in its own child process (so it never shares an event loop with the load generator),
 * all on 127.0.0.1. Seeds realistic rows through the apps' own repositories.
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { version as dynaliteVersion } from "dynalite/package.json";
import { startMariaDb, startPostgres, type SqlServerHandle, type TestDatabase } from "../../scripts/test-db";
import { CatalogueRepository } from "../../apps/catalogue-api/src/data/catalogue-repository";
import { createPool as createMysqlPool, endPool } from "../../apps/catalogue-api/src/data/pool";
import { VisitsRepository } from "../../apps/visits-api/src/data/visits-repository";
import { createPool as createPgPool } from "../../apps/visits-api/src/data/pool";
import { createDocumentClient, ensureLocalTable } from "../../apps/products-api/src/data/dynamo";
import { ProductsRepository } from "../../apps/products-api/src/data/products-repository";
import { createLogger, type DbSettings } from "@serverless-containers/service-kit";
import { REPO_ROOT } from "./env";
import { onCleanup, spawnTracked, stopChild } from "./procs";

export const POOL_MAX = 10; // DB_POOL_MAX default of the apps; the bare ceiling servers use the same.
export const PRODUCTS_TABLE = "BenchProducts";
export const AWS_REGION = "us-east-1";

export interface BenchDatabases {
    readonly catalogue: TestDatabase;
    readonly visits: TestDatabase;
    readonly dynamoEndpoint: string;
    readonly versions: { mariadb: string; postgres: string; dynalite: string };
}

export function dbSettings(db: TestDatabase): DbSettings {
    return {
        host: db.host,
        port: db.port,
        user: db.user,
        password: db.password,
        database: db.database,
        tls: false,
        poolMax: POOL_MAX,
        connectTimeoutMs: 5_000,
        queryTimeoutMs: 10_000,
    };
}

/**
 * dynalite in a child process (node -r @swc-node/register bench/servers/dynalite.ts), stopped on cleanup; the child
 * is returned so a fault benchmark can freeze it (SIGSTOP: connections accepted, nothing answers).
 */
export async function startDynaliteProcess(): Promise<{ endpoint: string; child: ChildProcess }> {
    const child = spawnTracked(process.execPath, ["-r", "@swc-node/register", path.join(REPO_ROOT, "bench", "servers", "dynalite.ts")], {
        cwd: REPO_ROOT,
        stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    onCleanup(() => stopChild(child));
    const endpoint = await new Promise<string>((resolve, reject) => {
        child.once("message", (m: { endpoint?: string }) =>
            m.endpoint ? resolve(m.endpoint) : reject(new Error("dynalite: bad message")),
        );
        child.once("exit", (code) => reject(new Error(`dynalite child exited (${code}) before listening`)));
    });
    return { endpoint, child };
}

const CATEGORIES = ["books", "garden", "kitchen", "toys", "tools", "general"];

async function seedCatalogue(db: TestDatabase, rows: number): Promise<void> {
    const pool = createMysqlPool(dbSettings(db));
    try {
        const repo = new CatalogueRepository(pool, 10_000);
        await repo.ensureSchema();
        for (let i = 0; i < rows; i += 1) {
            await repo.add({
                name: `Item ${i} — ${CATEGORIES[i % CATEGORIES.length]} essentials`,
                price: Math.round((5 + i * 3.17) * 100) / 100,
                category: CATEGORIES[i % CATEGORIES.length],
                in_stock: i % 7 !== 0,
            });
        }
    } finally {
        await endPool(pool);
    }
}

const AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "curl/8.5.0",
    "ELB-HealthChecker/2.0",
];

async function seedVisits(db: TestDatabase, rows: number): Promise<void> {
    const pool = createPgPool(dbSettings(db), createLogger("bench-seed", "silent"));
    try {
        const repo = new VisitsRepository(pool);
        await repo.ensureSchema();
        const start = Date.now() - rows * 60_000;
        for (let i = 0; i < rows; i += 1) await repo.record(AGENTS[i % AGENTS.length], new Date(start + i * 60_000));
    } finally {
        await pool.end();
    }
}

async function seedProducts(endpoint: string, rows: number): Promise<void> {
    const { client, doc } = createDocumentClient({ region: AWS_REGION, endpoint });
    try {
        await ensureLocalTable(client, PRODUCTS_TABLE);
        const repo = new ProductsRepository(doc, PRODUCTS_TABLE);
        for (let i = 0; i < rows; i += 1) {
            await repo.create({
                name: `Product ${i}`,
                price: Math.round((1 + i * 2.5) * 100) / 100,
                category: CATEGORIES[i % CATEGORIES.length],
                description: `A realistic description of product ${i}, long enough to look like catalogue copy.`,
            });
        }
    } finally {
        client.destroy();
    }
}

async function serverVersion(handle: SqlServerHandle, sql: string): Promise<string> {
    const rows = await handle.adminQuery<Record<string, string>>(sql);
    return String(Object.values(rows[0] ?? {})[0] ?? "?");
}

/** Starts MariaDB, PostgreSQL and dynalite, creates one database per SQL app and seeds `rows` rows each. */
export async function startBenchDatabases(rows: number): Promise<BenchDatabases> {
    // requireManaged: always our own loopback servers, never TEST_*_URL (the benchmark must not load a shared server).
    const [maria, pg, dynamoEndpoint] = await Promise.all([
        startMariaDb({ requireManaged: true }),
        startPostgres({ requireManaged: true }),
        startDynaliteProcess().then((d) => d.endpoint),
    ]);
    onCleanup(() => maria.destroy());
    onCleanup(() => pg.destroy());
    const [catalogue, visits] = await Promise.all([maria.createDatabase("bench_catalogue"), pg.createDatabase("bench_visits")]);
    await Promise.all([seedCatalogue(catalogue, rows), seedVisits(visits, rows), seedProducts(dynamoEndpoint, rows)]);
    return {
        catalogue,
        visits,
        dynamoEndpoint,
        versions: {
            mariadb: await serverVersion(maria, "SELECT VERSION()"),
            postgres: (await serverVersion(pg, "SHOW server_version")).split(" ")[0],
            dynalite: dynaliteVersion,
        },
    };
}
