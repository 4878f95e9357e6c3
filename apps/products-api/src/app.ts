import type { Express } from "express";
import { createServiceApp, type Logger } from "@serverless-containers/service-kit";
import type { ProductsRepository } from "./data/products-repository";
import { productRoutes } from "./routes/products";
import { SERVICE_VERSION, serviceRoutes } from "./routes/service";

export interface ProductsAppDeps {
  readonly repo: ProductsRepository;
  readonly logger: Logger;
  readonly runtime: string;
}

export function buildApp(deps: ProductsAppDeps): Express {
  return createServiceApp({
    info: { title: "products-api", version: SERVICE_VERSION, description: "Patterns 24–26: products on DynamoDB (EKS on Fargate, App Runner)" },
    logger: deps.logger,
    routes: [...serviceRoutes(deps.runtime), ...productRoutes(deps.repo)],
  });
}
