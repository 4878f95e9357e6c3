import { createLogger, exitOnSignals, retry, runMain, startHttpServer, type RunningServer } from "@serverless-containers/service-kit";
import { buildApp } from "./app";
import { loadCatalogueConfig } from "./config";
import { CatalogueRepository } from "./data/catalogue-repository";
import { createPool, endPool } from "./data/pool";

/**
 * Starts catalogue-api: validate env, open the pool, create the table (retrying while the database is not
 * up yet), then listen. Returns the running server; `stop()` drains requests and closes the pool.
 */
export async function startCatalogueApi(env: Readonly<Record<string, string | undefined>> = process.env): Promise<RunningServer> {
  const config = loadCatalogueConfig(env);
  const logger = createLogger("catalogue-api", config.logLevel);
  const pool = createPool(config.db);
  const repo = new CatalogueRepository(pool, config.db.queryTimeoutMs);
  const startup = new AbortController();
  const onSignalDuringStartup = (): void => startup.abort();
  process.once("SIGTERM", onSignalDuringStartup);
  try {
    await retry(() => repo.ensureSchema(), { what: "create table catalogue", logger, signal: startup.signal });
  } catch (err) {
    await endPool(pool);
    throw err;
  } finally {
    process.off("SIGTERM", onSignalDuringStartup);
  }
  logger.info({ host: config.db.host, database: config.db.database, tls: config.db.tls }, "database schema ready");
  return startHttpServer({
    app: buildApp({ repo, logger }),
    port: config.port,
    logger,
    gracePeriodMs: config.shutdownGraceMs,
    onClose: [() => endPool(pool)],
  });
}

if (require.main === module) {
  const bootLogger = createLogger("catalogue-api");
  runMain(async () => {
    const running = await startCatalogueApi();
    exitOnSignals(running, bootLogger, loadCatalogueConfig().shutdownGraceMs);
  }, bootLogger);
}
