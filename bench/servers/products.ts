/**
 * products-api GET /products (on dynalite) under load, three ways (argv[2]): app (buildApp + startHttpServer
 * on 127.0.0.1, full middleware), ceiling (bare node:http, one shared DynamoDB document client and the app's
 * repository), seed (bare node:http, a new DynamoDBClient per request, destroyed afterwards — the DynamoDB
 * analogue of a connection per request: a fresh HTTP agent, so a fresh TCP connection each time).
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createLogger, startHttpServer } from "@serverless-containers/service-kit";
import { buildApp } from "../../apps/products-api/src/app";
import { loadProductsConfig } from "../../apps/products-api/src/config";
import { createDocumentClient } from "../../apps/products-api/src/data/dynamo";
import { ProductsRepository } from "../../apps/products-api/src/data/products-repository";
import { main, sendJson, serve, startBare, variantArg } from "./serve";

const DEFAULT_LIMIT = 50;

main(async () => {
    const variant = variantArg();
    const config = loadProductsConfig(process.env);
    const logger = createLogger("products-api", config.logLevel);
    const dynamo = { region: config.region, endpoint: config.endpoint };

    if (variant === "app") {
        const { client, doc } = createDocumentClient(dynamo);
        const app = buildApp({ repo: new ProductsRepository(doc, config.tableName), logger, runtime: config.runtime });
        const running = await startHttpServer({
            app,
            port: 0,
            host: "127.0.0.1",
            logger,
            gracePeriodMs: 1_000,
            onClose: [() => client.destroy()],
        });
        return serve(running.port, () => running.stop());
    }

    if (variant === "ceiling") {
        const { client, doc } = createDocumentClient(dynamo);
        const repo = new ProductsRepository(doc, config.tableName);
        const bare = await startBare({
            "GET /products": async (_req, res) => {
                const page = await repo.list(DEFAULT_LIMIT);
                sendJson(res, 200, {
                    products: page.products,
                    count: page.products.length,
                    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
                });
            },
        });
        return serve(bare.port, async () => {
            await bare.close();
            client.destroy();
        });
    }

    const bare = await startBare({
        "GET /products": async (_req, res) => {
            const { client, doc } = createDocumentClient(dynamo);
            try {
                const result = await doc.send(new ScanCommand({ TableName: config.tableName, Limit: DEFAULT_LIMIT }));
                const items = result.Items ?? [];
                sendJson(res, 200, { products: items, count: items.length });
            } finally {
                client.destroy();
            }
        },
    });
    serve(bare.port, () => bare.close());
});
