import { createLogger, dbCredentialsOf, exitOnSignals, retry, runMain, startHttpServer, type ResolveDbOptions, type RunningServer } from "@serverless-containers/service-kit";
import { buildApp } from "./app";
import { loadVisitsConfig } from "./config";
import { createPool } from "./data/pool";
import { VisitsRepository } from "./data/visits-repository";

/**
 * Starts visits-api: validate env, open the pool, create the table (retrying while the database is not up
 * yet), then listen. `stop()` drains in-flight requests and closes the pool.
 * `options.db` is the code-only test seam (an IAM token source standing in for the RDS signer).
 */
export async function startVisitsApi(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: { readonly db?: ResolveDbOptions } = {},
): Promise<RunningServer> {
  const config = loadVisitsConfig(env, options.db);
  const logger = createLogger("visits-api", config.logLevel);
  const pool = createPool(config.db, logger);
  const repo = new VisitsRepository(pool, config.db.queryTimeoutMs);
  const startup = new AbortController();
  const onSignalDuringStartup = (): void => startup.abort();
  process.once("SIGTERM", onSignalDuringStartup);
  try {
    await retry(() => repo.ensureSchema(), { what: "create table visits", logger, signal: startup.signal });
  } catch (err) {
    await pool.end();
    throw err;
  } finally {
    process.off("SIGTERM", onSignalDuringStartup);
  }
  logger.info({ host: config.db.host, database: config.db.database, tls: config.db.tls, auth: dbCredentialsOf(config.db).kind }, "database schema ready");
  return startHttpServer({
    app: buildApp({
      repo,
      logger,
      dbHost: config.db.host,
      dbPort: config.db.port,
      privateServiceUrl: config.privateServiceUrl,
      privateServiceTimeoutMs: config.privateServiceTimeoutMs,
    }),
    port: config.port,
    logger,
    gracePeriodMs: config.shutdownGraceMs,
    onClose: [() => pool.end()],
  });
}

if (require.main === module) {
  const bootLogger = createLogger("visits-api");
  runMain(async () => {
    const running = await startVisitsApi();
    exitOnSignals(running, bootLogger, loadVisitsConfig().shutdownGraceMs);
  }, bootLogger);
}
