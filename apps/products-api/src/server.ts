import { createLogger, exitOnSignals, retry, runMain, startHttpServer, type RunningServer } from "@serverless-containers/service-kit";
import { buildApp } from "./app";
import { loadProductsConfig } from "./config";
import { createDocumentClient, ensureLocalTable } from "./data/dynamo";
import { ProductsRepository } from "./data/products-repository";

/** Starts products-api. In AWS the table is created by the stack; locally (DYNAMODB_ENDPOINT) it is created here. */
export async function startProductsApi(env: Readonly<Record<string, string | undefined>> = process.env): Promise<RunningServer> {
  const config = loadProductsConfig(env);
  const logger = createLogger("products-api", config.logLevel);
  const { client, doc } = createDocumentClient({ region: config.region, endpoint: config.endpoint });
  if (config.endpoint !== undefined) {
    await retry(() => ensureLocalTable(client, config.tableName), { what: `create local table ${config.tableName}`, logger, attempts: 20 });
  }
  return startHttpServer({
    app: buildApp({ repo: new ProductsRepository(doc, config.tableName), logger, runtime: config.runtime }),
    port: config.port,
    logger,
    gracePeriodMs: config.shutdownGraceMs,
    onClose: [() => client.destroy()],
  });
}

if (require.main === module) {
  const bootLogger = createLogger("products-api");
  runMain(async () => {
    const running = await startProductsApi();
    exitOnSignals(running, bootLogger, loadProductsConfig().shutdownGraceMs);
  }, bootLogger);
}
