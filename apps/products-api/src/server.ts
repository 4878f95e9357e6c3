import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { createLogger, retry, runService, startHttpServer, type RunningServer } from "@serverless-containers/service-kit";
import { buildApp } from "./app";
import { loadProductsConfig } from "./config";
import { createDocumentClient, ensureLocalTable } from "./data/dynamo";
import { ProductsRepository } from "./data/products-repository";

/** Key no product can have (product ids are UUIDs): readiness reads it to prove the table answers. */
const READINESS_KEY = "readiness-probe";

/** Starts products-api. In AWS the table is created by the stack; locally (DYNAMODB_ENDPOINT) it is created here. */
export async function startProductsApi(env: Readonly<Record<string, string | undefined>> = process.env): Promise<RunningServer> {
    const config = loadProductsConfig(env);
    const logger = createLogger("products-api", config.logLevel);
    const { client, doc } = createDocumentClient({ region: config.region, endpoint: config.endpoint });
    if (config.endpoint !== undefined) {
        await retry(() => ensureLocalTable(client, config.tableName), {
            what: `create local table ${config.tableName}`,
            logger,
            attempts: 20,
        });
    }
    return startHttpServer({
        app: buildApp({
            repo: new ProductsRepository(doc, config.tableName),
            logger,
            runtime: config.runtime,
            readinessTimeoutMs: config.readinessTimeoutMs,
            // GetItem is among the actions the stack grants (components/dynamodb-table.ts); one attempt, no SDK retries.
            readinessPing: async (timeoutMs) => {
                await doc.send(new GetCommand({ TableName: config.tableName, Key: { productId: READINESS_KEY } }), {
                    abortSignal: AbortSignal.timeout(timeoutMs),
                });
            },
        }),
        port: config.port,
        logger,
        gracePeriodMs: config.shutdownGraceMs,
        requestDeadlineMs: config.requestDeadlineMs,
        onClose: [() => client.destroy()],
    });
}

if (require.main === module) {
    runService(() => startProductsApi(), createLogger("products-api"));
}
