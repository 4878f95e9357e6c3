import { createLogger, dbCredentialsOf, exitOnSignals, retry, runMain, startHttpServer, type ResolveDbOptions, type RunningServer } from "@serverless-containers/service-kit";
import { buildApp } from "./app";
import { loadCatalogueConfig } from "./config";
import { CatalogueRepository } from "./data/catalogue-repository";
import { createPool, endPool, refreshPoolToken } from "./data/pool";

/**
 * Starts catalogue-api: validate env, open the pool, create the table (retrying while the database is not
 * up yet), then listen. Returns the running server; `stop()` drains requests and closes the pool.
 * `options.db` is the code-only test seam (an IAM token source standing in for the RDS signer);
 * `options.tokenRefreshMs` how often the pool's IAM token for new connections is refreshed (default 60 s).
 */
export async function startCatalogueApi(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: { readonly db?: ResolveDbOptions; readonly tokenRefreshMs?: number } = {},
): Promise<RunningServer> {
  const config = loadCatalogueConfig(env, options.db);
  const logger = createLogger("catalogue-api", config.logLevel);
  const pool = createPool(config.db, { logger, tokenRefreshMs: options.tokenRefreshMs });
  const repo = new CatalogueRepository(pool, config.db.queryTimeoutMs, { statsCacheMs: config.statsCacheMs });
  const startup = new AbortController();
  const onSignalDuringStartup = (): void => startup.abort();
  process.once("SIGTERM", onSignalDuringStartup);
  try {
    await retry(
      async () => {
        // IAM mode: the pool needs a token before its first connection (a no-op with a static password).
        await refreshPoolToken(pool);
        await repo.ensureSchema();
      },
      { what: "create table catalogue", logger, signal: startup.signal },
    );
  } catch (err) {
    await endPool(pool);
    throw err;
  } finally {
    process.off("SIGTERM", onSignalDuringStartup);
  }
  logger.info({ host: config.db.host, database: config.db.database, tls: config.db.tls, auth: dbCredentialsOf(config.db).kind }, "database schema ready");
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
