import type { Express } from "express";
import { createServiceApp, healthRoutes, type Logger } from "@serverless-containers/service-kit";
import type { TaskMetadataClient } from "./data/task-metadata";
import { metadataRoutes } from "./routes/metadata";

export interface PrivateServiceDeps {
    readonly metadata: TaskMetadataClient;
    readonly logger: Logger;
    /** READINESS_TIMEOUT_MS. @default 2000 */
    readonly readinessTimeoutMs?: number;
}

export function buildApp(deps: PrivateServiceDeps): Express {
    return createServiceApp({
        info: {
            title: "private-service",
            version: "1.0.0",
            description: "Private ECS Fargate service of the visits demo, reached through Cloud Map",
        },
        logger: deps.logger,
        // No database: /health is liveness, /ready 200 until shutdown begins.
        routes: [...healthRoutes({ readinessTimeoutMs: deps.readinessTimeoutMs ?? 2_000 }), ...metadataRoutes(deps.metadata)],
    });
}
