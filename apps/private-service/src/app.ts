import type { Express } from "express";
import { createServiceApp, type Logger } from "@serverless-containers/service-kit";
import type { TaskMetadataClient } from "./data/task-metadata";
import { metadataRoutes } from "./routes/metadata";

export interface PrivateServiceDeps {
  readonly metadata: TaskMetadataClient;
  readonly logger: Logger;
}

export function buildApp(deps: PrivateServiceDeps): Express {
  return createServiceApp({
    info: { title: "private-service", version: "1.0.0", description: "Seed 001: private ECS Fargate service reached through Cloud Map" },
    logger: deps.logger,
    routes: metadataRoutes(deps.metadata),
  });
}
