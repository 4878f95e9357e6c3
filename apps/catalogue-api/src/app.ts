import type { Express } from "express";
import { DatabaseState, createServiceApp, healthRoutes, type Logger } from "@serverless-containers/service-kit";
import type { CatalogueRepository } from "./data/catalogue-repository";
import { catalogueRoutes } from "./routes/catalogue";

export interface CatalogueAppDeps {
    readonly repo: CatalogueRepository;
    readonly logger: Logger;
    /** The pool's DatabaseState (schema gate, last outcome). Absent: a schema assumed ready (benchmarks). */
    readonly state?: DatabaseState;
    /** READINESS_TIMEOUT_MS. @default 2000 */
    readonly readinessTimeoutMs?: number;
}

export const SERVICE_VERSION = "1.0.0";

function readyState(): DatabaseState {
    const state = new DatabaseState();
    state.markSchemaReady();
    return state;
}

/** Builds the express app from injected dependencies (tests pass a repository on a throwaway database). */
export function buildApp(deps: CatalogueAppDeps): Express {
    const readinessTimeoutMs = deps.readinessTimeoutMs ?? 2_000;
    return createServiceApp({
        info: {
            title: "catalogue-api",
            version: SERVICE_VERSION,
            description: "Catalogue on ECS Express Mode or App Runner + VPC connector → RDS Proxy → Aurora Serverless v2 MySQL",
        },
        logger: deps.logger,
        routes: [
            // /health (liveness, no DB) and /ready (readiness: one SELECT 1 through the VPC connector and the proxy).
            ...healthRoutes({
                database: { state: deps.state ?? readyState(), ping: () => deps.repo.ping(readinessTimeoutMs) },
                readinessTimeoutMs,
            }),
            ...catalogueRoutes(deps.repo),
        ],
    });
}
