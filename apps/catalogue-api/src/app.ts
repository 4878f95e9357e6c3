import type { Express } from "express";
import { createServiceApp, type Logger } from "@serverless-containers/service-kit";
import type { CatalogueRepository } from "./data/catalogue-repository";
import { catalogueRoutes } from "./routes/catalogue";
import { healthRoutes } from "./routes/health";

export interface CatalogueAppDeps {
  readonly repo: CatalogueRepository;
  readonly logger: Logger;
}

export const SERVICE_VERSION = "1.0.0";

/** Builds the express app from injected dependencies (tests pass a repository on a throwaway database). */
export function buildApp(deps: CatalogueAppDeps): Express {
  return createServiceApp({
    info: {
      title: "catalogue-api",
      version: SERVICE_VERSION,
      description: "Pattern 27: App Runner + VPC connector → RDS Proxy → Aurora Serverless v2 MySQL",
    },
    logger: deps.logger,
    routes: [...healthRoutes(deps.repo), ...catalogueRoutes(deps.repo)],
  });
}
