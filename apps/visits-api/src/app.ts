import type { Express } from "express";
import { DatabaseState, createServiceApp, healthRoutes, type Logger } from "@serverless-containers/service-kit";
import type { VisitsRepository } from "./data/visits-repository";
import { diagnosticRoutes } from "./routes/diagnostics";
import { visitRoutes } from "./routes/visits";

export interface VisitsAppDeps {
    readonly repo: VisitsRepository;
    readonly logger: Logger;
    readonly dbHost: string;
    readonly dbPort: number;
    readonly privateServiceUrl?: string;
    readonly privateServiceTimeoutMs: number;
    /** The pool's DatabaseState (schema gate, last outcome). Absent: a schema assumed ready (benchmarks). */
    readonly state?: DatabaseState;
    /** READINESS_TIMEOUT_MS. @default 2000 */
    readonly readinessTimeoutMs?: number;
}

function readyState(): DatabaseState {
    const state = new DatabaseState();
    state.markSchemaReady();
    return state;
}

/** Builds the express app from injected dependencies (tests pass a repository on a throwaway database). */
export function buildApp(deps: VisitsAppDeps): Express {
    return createServiceApp({
        info: {
            title: "visits-api",
            version: "1.0.0",
            description: "App Runner + VPC connector → RDS Proxy → Aurora PostgreSQL, calling a private ECS service via Cloud Map",
        },
        logger: deps.logger,
        routes: [
            // /health (liveness, no DB) and /ready (readiness: one SELECT 1 within READINESS_TIMEOUT_MS).
            ...healthRoutes({
                database: { state: deps.state ?? readyState(), ping: () => deps.repo.ping() },
                readinessTimeoutMs: deps.readinessTimeoutMs ?? 2_000,
            }),
            ...visitRoutes(deps.repo),
            ...diagnosticRoutes(deps),
        ],
    });
}
