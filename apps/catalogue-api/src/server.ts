import {
    DatabaseState,
    createLogger,
    dbCredentialsOf,
    retry,
    runService,
    startHttpServer,
    type ResolveDbOptions,
    type RunningServer,
} from "@serverless-containers/service-kit";
import { buildApp } from "./app";
import { loadCatalogueConfig } from "./config";
import { CatalogueRepository } from "./data/catalogue-repository";
import { createPool, endPool, refreshPoolToken } from "./data/pool";

/**
 * Starts catalogue-api: validate env, open the pool, LISTEN AT ONCE, then create the table in the background,
 * retrying while the database is unreachable. Until the table exists, liveness (`/health`) answers 200
 * `degraded`, readiness (`/ready`) and the catalogue routes 503 + Retry-After — so a replacement instance
 * started during an outage passes the platform's health check and serves as soon as the database is back.
 * `running.ready` resolves once the schema is ready; `stop()` aborts the retries, drains requests and closes
 * the pool, all within SHUTDOWN_GRACE_MS.
 * `options.db` is the code-only test seam (an IAM token source standing in for the RDS signer);
 * `options.tokenRefreshMs` how often the pool's IAM token for new connections is refreshed (default 60 s).
 */
export async function startCatalogueApi(
    env: Readonly<Record<string, string | undefined>> = process.env,
    options: { readonly db?: ResolveDbOptions; readonly tokenRefreshMs?: number } = {},
): Promise<RunningServer> {
    const config = loadCatalogueConfig(env, options.db);
    const logger = createLogger("catalogue-api", config.logLevel);
    const state = new DatabaseState();
    const pool = createPool(config.db, { logger, tokenRefreshMs: options.tokenRefreshMs, state });
    const repo = new CatalogueRepository(pool, config.db.queryTimeoutMs, { statsCacheMs: config.statsCacheMs });
    const startup = new AbortController();

    const schema = retry(
        async () => {
            // IAM mode: the pool needs a token before its first connection (a no-op with a static password).
            await refreshPoolToken(pool);
            await repo.ensureSchema();
        },
        { what: "create table catalogue", logger, signal: startup.signal },
    ).then(() => {
        state.markSchemaReady();
        logger.info(
            { host: config.db.host, database: config.db.database, tls: config.db.tls, auth: dbCredentialsOf(config.db).kind },
            "database schema ready",
        );
    });
    // Stopped before the schema was ready: not an error, and nobody else waits on it in production.
    schema.catch((err: unknown) => {
        if (!startup.signal.aborted) logger.error({ err }, "schema creation gave up");
    });

    try {
        return await startHttpServer({
            app: buildApp({ repo, logger, state, readinessTimeoutMs: config.readinessTimeoutMs }),
            port: config.port,
            logger,
            gracePeriodMs: config.shutdownGraceMs,
            requestDeadlineMs: config.requestDeadlineMs,
            ready: schema,
            onStop: () => startup.abort(),
            onClose: [(budget) => endPool(pool, budget)],
        });
    } catch (err) {
        startup.abort();
        await endPool(pool, { timeoutMs: 1_000 });
        throw err;
    }
}

if (require.main === module) {
    runService(() => startCatalogueApi(), createLogger("catalogue-api"));
}
