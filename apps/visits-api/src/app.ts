import type { Express } from "express";
import { createServiceApp, type Logger } from "@serverless-containers/service-kit";
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
    routes: [...visitRoutes(deps.repo), ...diagnosticRoutes(deps)],
  });
}
