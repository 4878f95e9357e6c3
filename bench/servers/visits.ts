/**
 * visits-api GET /recent-visits under load, three ways (argv[2]): app (buildApp + startHttpServer on
 * 127.0.0.1, full middleware), ceiling (bare node:http, the app's pg pool and repository), seed (bare node:http,
 * `new Client()` + connect + query + end per request, as the seed demo does).
 */
import { Client } from "pg";
import { createLogger, rdsCaBundle, startHttpServer } from "@serverless-containers/service-kit";
import { buildApp } from "../../apps/visits-api/src/app";
import { loadVisitsConfig } from "../../apps/visits-api/src/config";
import { createPool } from "../../apps/visits-api/src/data/pool";
import { VisitsRepository } from "../../apps/visits-api/src/data/visits-repository";
import { main, sendJson, serve, startBare, variantArg } from "./serve";

const RECENT_SQL = "SELECT id, last_update, user_agent FROM visits ORDER BY last_update DESC, id DESC LIMIT $1";
const DEFAULT_LIMIT = 10;

main(async () => {
    const variant = variantArg();
    const config = loadVisitsConfig(process.env);
    const logger = createLogger("visits-api", config.logLevel);

    if (variant === "app") {
        const pool = createPool(config.db, logger);
        const repo = new VisitsRepository(pool);
        await repo.ensureSchema();
        const app = buildApp({
            repo,
            logger,
            dbHost: config.db.host,
            dbPort: config.db.port,
            privateServiceTimeoutMs: config.privateServiceTimeoutMs,
        });
        const running = await startHttpServer({
            app,
            port: 0,
            host: "127.0.0.1",
            logger,
            gracePeriodMs: 1_000,
            onClose: [() => pool.end()],
        });
        return serve(running.port, () => running.stop());
    }

    if (variant === "ceiling") {
        const pool = createPool(config.db, logger);
        const repo = new VisitsRepository(pool);
        const bare = await startBare({
            "GET /recent-visits": async (_req, res) => {
                const visits = await repo.recent(DEFAULT_LIMIT);
                sendJson(res, 200, { Response: visits, count: visits.length });
            },
        });
        return serve(bare.port, async () => {
            await bare.close();
            await pool.end();
        });
    }

    const db = config.db;
    const bare = await startBare({
        "GET /recent-visits": async (_req, res) => {
            const client = new Client({
                host: db.host,
                port: db.port,
                user: db.user,
                password: db.password,
                database: db.database,
                connectionTimeoutMillis: db.connectTimeoutMs,
                // DB_TLS=true: what the seed pays behind RDS Proxy, which requires TLS — a full handshake per request.
                ssl: db.tls ? { ca: rdsCaBundle(), rejectUnauthorized: true, minVersion: "TLSv1.2" } : false,
            });
            client.on("error", () => undefined);
            await client.connect();
            try {
                const result = await client.query(RECENT_SQL, [DEFAULT_LIMIT]);
                sendJson(res, 200, { Response: result.rows, count: result.rowCount });
            } finally {
                await client.end();
            }
        },
    });
    serve(bare.port, () => bare.close());
});
