import express, { type Express } from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import { randomUUID } from "node:crypto";
import { errorHandler, notFoundHandler } from "./errors";
import type { Logger } from "./logger";
import { buildOpenApi, type OpenApiInfo } from "./openapi";
import { mountRoutes, type AnyRoute } from "./routes";

export interface ServiceAppOptions {
    readonly info: OpenApiInfo;
    readonly logger: Logger;
    readonly routes: readonly AnyRoute[];
    /** Largest accepted JSON body (`express.json` syntax). @default "100kb" */
    readonly bodyLimit?: string;
}

/**
 * The express app every service shares: helmet, JSON request logs with a request id, JSON body parser with a
 * size limit, the route table, /docs (OpenAPI JSON), JSON 404 and the one error middleware.
 */
export function createServiceApp(options: ServiceAppOptions): Express {
    const app = express();
    app.disable("x-powered-by");
    app.set("trust proxy", true); // App Runner / ALB terminate TLS in front of us.
    app.use(helmet());
    app.use(
        pinoHttp({
            logger: options.logger,
            genReqId: (req, res) => {
                const incoming = req.headers["x-request-id"];
                const id = typeof incoming === "string" && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
                res.setHeader("X-Request-Id", id);
                return id;
            },
            customLogLevel: (_req, res, err) =>
                res.statusCode === 500 || (err && res.statusCode < 400) ? "error" : res.statusCode >= 400 ? "warn" : "info",
            autoLogging: { ignore: (req) => req.url === "/health" || req.url === "/ready" },
        }),
    );
    app.use(express.json({ limit: options.bodyLimit ?? "100kb", strict: true }));

    const openApi = buildOpenApi(options.info, options.routes);
    app.get("/docs", (_req, res) => {
        res.json(openApi);
    });
    const router = express.Router();
    mountRoutes(router, options.routes);
    app.use(router);
    app.use(notFoundHandler);
    app.use(errorHandler);
    return app;
}
