/**
 * catalogue-api under load, three ways (argv[2]):
 *   app     — the real app: buildApp({repo, logger}) + startHttpServer (the same wiring as startCatalogueApi,
 *             but bound to 127.0.0.1), full middleware, LOG_LEVEL from the environment (info by default).
 *   ceiling — bare node:http, the same pool (createPool, DB_POOL_MAX) and the same repository SQL, no framework.
 *   seed    — bare node:http, a new mysql2 connection per request (createConnection … end), as the seed app does.
 */
import { randomUUID } from "node:crypto";
import mysql from "mysql2";
import { createLogger, rdsCaBundle, startHttpServer } from "@serverless-containers/service-kit";
import { buildApp } from "../../apps/catalogue-api/src/app";
import { loadCatalogueConfig } from "../../apps/catalogue-api/src/config";
import { CatalogueRepository, type NewCatalogueItem } from "../../apps/catalogue-api/src/data/catalogue-repository";
import { createPool, endPool } from "../../apps/catalogue-api/src/data/pool";
import { main, readBody, sendJson, serve, startBare, variantArg } from "./serve";

const LIST_SQL = "SELECT id, name, price, category, in_stock, created_at FROM catalogue ORDER BY created_at DESC, id DESC LIMIT ?";
const INSERT_SQL = "INSERT INTO catalogue (id, name, price, category, in_stock, created_at) VALUES (?, ?, ?, ?, ?, ?)";
const DEFAULT_LIMIT = 100;

function newItem(raw: string): NewCatalogueItem {
    const b = JSON.parse(raw) as Partial<NewCatalogueItem>;
    return { name: String(b.name), price: Number(b.price), category: b.category ?? "general", in_stock: b.in_stock ?? true };
}

main(async () => {
    const variant = variantArg();
    const config = loadCatalogueConfig(process.env);
    const logger = createLogger("catalogue-api", config.logLevel);

    if (variant === "app") {
        const pool = createPool(config.db);
        const repo = new CatalogueRepository(pool, config.db.queryTimeoutMs);
        await repo.ensureSchema();
        const running = await startHttpServer({
            app: buildApp({ repo, logger }),
            port: 0,
            host: "127.0.0.1",
            logger,
            gracePeriodMs: 1_000,
            onClose: [() => endPool(pool)],
        });
        return serve(running.port, () => running.stop());
    }

    if (variant === "ceiling") {
        const pool = createPool(config.db);
        const repo = new CatalogueRepository(pool, config.db.queryTimeoutMs);
        const bare = await startBare({
            "GET /catalogue": async (_req, res) => {
                const items = await repo.list(DEFAULT_LIMIT);
                sendJson(res, 200, { items, count: items.length });
            },
            "POST /catalogue": async (req, res) => {
                const stored = await repo.add(newItem(await readBody(req)));
                sendJson(res, stored.response.status, stored.response.body);
            },
        });
        return serve(bare.port, async () => {
            await bare.close();
            await endPool(pool);
        });
    }

    // seed: one connection per request, closed afterwards (the seed's get_db() context manager).
    const db = config.db;
    const withConnection = async <T>(fn: (conn: mysql.Connection) => Promise<T>): Promise<T> => {
        const conn = mysql.createConnection({
            host: db.host,
            port: db.port,
            user: db.user,
            password: db.password,
            database: db.database,
            connectTimeout: db.connectTimeoutMs,
            charset: "UTF8MB4_UNICODE_CI",
            timezone: "Z",
            decimalNumbers: true,
            // DB_TLS=true: what the seed pays behind RDS Proxy, which requires TLS — a full handshake per request.
            ssl: db.tls ? { ca: rdsCaBundle(), rejectUnauthorized: true, minVersion: "TLSv1.2" } : undefined,
        });
        try {
            return await fn(conn);
        } finally {
            await new Promise<void>((resolve) => conn.end(() => resolve()));
        }
    };
    const run = <T>(conn: mysql.Connection, sql: string, values: unknown[]): Promise<T> =>
        new Promise((resolve, reject) => conn.query(sql, values, (err, rows) => (err ? reject(err) : resolve(rows as T))));
    const bare = await startBare({
        "GET /catalogue": async (_req, res) => {
            const items = await withConnection((conn) => run<unknown[]>(conn, LIST_SQL, [DEFAULT_LIMIT]));
            sendJson(res, 200, { items, count: items.length });
        },
        "POST /catalogue": async (req, res) => {
            const item = newItem(await readBody(req));
            const id = randomUUID();
            await withConnection((conn) => run(conn, INSERT_SQL, [id, item.name, item.price, item.category, item.in_stock, new Date()]));
            sendJson(res, 201, { id, ...item });
        },
    });
    serve(bare.port, () => bare.close());
});
