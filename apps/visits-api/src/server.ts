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
import { loadVisitsConfig } from "./config";
import { createPool, endPool } from "./data/pool";
import { VisitsRepository } from "./data/visits-repository";

/**
 * Starts visits-api: validate env, open the pool, LISTEN AT ONCE, then create the table in the background,
 * retrying while the database is unreachable (liveness 200 `degraded`, readiness and DB routes 503 until then).
 * `running.ready` resolves once the schema is ready; `stop()` aborts the retries, drains in-flight requests and
 * closes the pool, all within SHUTDOWN_GRACE_MS.
 * `options.db` is the code-only test seam (an IAM token source standing in for the RDS signer).
 */
export async function startVisitsApi(
    env: Readonly<Record<string, string | undefined>> = process.env,
    options: { readonly db?: ResolveDbOptions } = {},
): Promise<RunningServer> {
    const config = loadVisitsConfig(env, options.db);
    const logger = createLogger("visits-api", config.logLevel);
    const state = new DatabaseState();
    const pool = createPool(config.db, logger, state);
    const repo = new VisitsRepository(pool, config.db.queryTimeoutMs);
    const startup = new AbortController();

    const schema = retry(() => repo.ensureSchema(), { what: "create table visits", logger, signal: startup.signal }).then(() => {
        state.markSchemaReady();
        logger.info(
            { host: config.db.host, database: config.db.database, tls: config.db.tls, auth: dbCredentialsOf(config.db).kind },
            "database schema ready",
        );
    });
    // Stopped before the schema was ready: not an error.
    schema.catch((err: unknown) => {
        if (!startup.signal.aborted) logger.error({ err }, "schema creation gave up");
    });

    try {
        return await startHttpServer({
            app: buildApp({
                repo,
                logger,
                state,
                readinessTimeoutMs: config.readinessTimeoutMs,
                dbHost: config.db.host,
                dbPort: config.db.port,
                privateServiceUrl: config.privateServiceUrl,
                privateServiceTimeoutMs: config.privateServiceTimeoutMs,
            }),
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
    runService(() => startVisitsApi(), createLogger("visits-api"));
}
