import type { Express } from "express";
import { DatabaseState, createServiceApp, healthRoutes, type Logger } from "@serverless-containers/service-kit";
import type { ProductsRepository } from "./data/products-repository";
import { productRoutes } from "./routes/products";
import { SERVICE_VERSION, serviceRoutes } from "./routes/service";

export interface ProductsAppDeps {
    readonly repo: ProductsRepository;
    readonly logger: Logger;
    readonly runtime: string;
    /**
     * Readiness's DynamoDB round trip (a GetItem the role may make). Absent: `/ready` answers 200 without one.
     * Liveness (`/health`) never calls DynamoDB: a throttled table must not restart healthy pods.
     */
    readonly readinessPing?: (timeoutMs: number) => Promise<void>;
    /** READINESS_TIMEOUT_MS. @default 2000 */
    readonly readinessTimeoutMs?: number;
}

export function buildApp(deps: ProductsAppDeps): Express {
    const readinessTimeoutMs = deps.readinessTimeoutMs ?? 2_000;
    const ping = deps.readinessPing;
    const state = new DatabaseState();
    state.markSchemaReady(); // the table is the stack's (or, locally, created before listening)
    return createServiceApp({
        info: {
            title: "products-api",
            version: SERVICE_VERSION,
            description: "Products on DynamoDB (EKS on Fargate, ECS Express Mode, App Runner)",
        },
        logger: deps.logger,
        routes: [
            ...healthRoutes({
                database: ping === undefined ? undefined : { state, ping: () => ping(readinessTimeoutMs) },
                readinessTimeoutMs,
                // What the EKS lab's products service answers: {"status": "healthy", "service": "products-api", "runtime": "eks-fargate"}.
                details: { service: "products-api", runtime: deps.runtime },
            }),
            ...serviceRoutes(deps.runtime),
            ...productRoutes(deps.repo),
        ],
    });
}
