/**
 * products-api as a zero-config public HTTPS service backed by DynamoDB — on App Runner
 * (default, for accounts that have it) or on ECS Express Mode (`appRunnerPlatform: ecs-express`, for
 * accounts created after App Runner closed to new customers on 2026-04-30). The platform flag changes
 * only the hosting resources: the image, the table and the app's environment are the same.
 *
 * Seed settings (all from config, defaults in Pulumi.yaml): 0.25 vCPU / 0.5 GB, port 8080, 1-5
 * instances at 100 concurrent requests, health check on /health. The running app may use this one
 * table and nothing else.
 *
 * On App Runner the service needs no VPC (App Runner's own egress). On Express it runs in the shared
 * network (index.ts creates it then: `networkNeeded`): its load balancer and tasks in the public
 * subnets, reaching ECR, S3, CloudWatch Logs and DynamoDB through the VPC endpoints — never in the
 * account's default VPC (components/ecs-express-service.ts, EcsExpressServiceArgs.vpc).
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { APP_RUNNER_SERVICE_NAME_MAX, createWebService, stackScopedName } from "../components/index";
import { appImage } from "./images";
import { gib, vcpu, type StackConfig } from "./config";
import { serviceMonitoring } from "./alarm-routing";
import type { Network } from "./network";
import { PRODUCTS_TABLE_ACTIONS, productsTable } from "./products-table";

export const PRODUCTS_PORT = 8080;
export const PRODUCTS_HEALTH_PATH = "/health";

export interface AppRunnerStackOutputs {
    /** https URL of products-api. */
    readonly url: pulumi.Output<string>;
    readonly tableName: pulumi.Output<string>;
}

export function appRunnerStack(config: StackConfig, network?: Network): AppRunnerStackOutputs {
    const express = config.appRunnerPlatform === "ecs-express";
    if (express && !network) {
        throw new Error(
            "appRunnerStack: products-api on ecs-express needs the shared network (`serverless-containers:appRunnerPlatform` is ecs-express): without one, Express would use the account's default VPC.",
        );
    }
    const image = appImage("products-api", config);
    const table = productsTable("products", config, config.tags);
    const service = createWebService(
        config.appRunnerPlatform,
        "products-api",
        {
            // Unique per account and region: two stacks (dev and a feature stack) share one account.
            serviceName: stackScopedName("products-api", config.stack, APP_RUNNER_SERVICE_NAME_MAX),
            image: image.imageUri,
            port: PRODUCTS_PORT,
            cpu: vcpu(config.productsCpu),
            memory: gib(config.productsMemory),
            scaling: {
                min: config.productsMinSize,
                max: config.productsMaxSize,
                // App Runner's scaling signal; Express scales on its default (cpu 60).
                target: express ? undefined : { metric: "concurrency", value: config.productsMaxConcurrency },
            },
            health: { path: PRODUCTS_HEALTH_PATH },
            environment: {
                TABLE_NAME: table.tableName,
                AWS_REGION: aws.getRegionOutput().region,
                RUNTIME: config.appRunnerPlatform,
            },
            policyStatements: table.statements(PRODUCTS_TABLE_ACTIONS),
            // Alarms routed by the stack's config; the dashboard draws the table's section after the service's.
            // App Runner's collector where the stack asks for traces; ecs-express has none (createWebService warns).
            observability: config.tracing && config.appRunnerPlatform === "app-runner",
            monitoring: serviceMonitoring(config, table.dashboardWidgets),
            network:
                express && network
                    ? { vpc: { vpcId: network.vpcId, subnetIds: network.privateSubnetIds, publicSubnetIds: network.publicSubnetIds } }
                    : undefined,
            tags: config.tags,
            // On Express the tasks reach ECR, S3 and Logs through the VPC endpoints: the service waits for them.
        },
        express && network ? { dependsOn: network.endpointsReady } : undefined,
    );
    return { url: service.url, tableName: table.tableName };
}
