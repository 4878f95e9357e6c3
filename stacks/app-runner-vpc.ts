/**
 * catalogue-api → RDS Proxy → Aurora MySQL, on App Runner (or ECS Express Mode, `appRunnerVpcPlatform`), egress
 * through a VPC connector to an RDS Proxy in front of Aurora Serverless v2 MySQL. The app gets the
 * proxy endpoint as plain env and connects with IAM auth tokens (its role may `rds-db:connect` to that
 * proxy user only); no password reaches the app, so the managed secret's rotation cannot break it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { APP_RUNNER_SERVICE_NAME_MAX, createWebService, stackScopedName } from "../components/index";
import { gib, vcpu, type StackConfig } from "./config";
import { serviceMonitoring } from "./alarm-routing";
import { auroraFromConfig, CATALOGUE_APP_USER } from "./database";
import { appImage } from "./images";
import type { Network } from "./network";

export interface AppRunnerVpcOutputs {
    readonly url: pulumi.Output<string>;
    readonly databaseProxyEndpoint: pulumi.Output<string>;
}

export function appRunnerVpcStack(config: StackConfig, network: Network): AppRunnerVpcOutputs {
    const db = auroraFromConfig("catalogue-db", "mysql", "labdb", CATALOGUE_APP_USER, config, network);
    const image = appImage("catalogue-api", config);
    const service = createWebService(
        config.appRunnerVpcPlatform,
        "catalogue-api",
        {
            // Unique per account and region: two stacks (dev and a feature stack) share one account.
            serviceName: stackScopedName("catalogue-api", config.stack, APP_RUNNER_SERVICE_NAME_MAX),
            image: image.imageUri,
            cpu: vcpu(config.catalogueCpu),
            memory: gib(config.catalogueMemory),
            scaling: {
                min: config.catalogueMinSize,
                max: config.catalogueMaxSize,
                // App Runner's scaling signal; Express scales on its default (cpu 60).
                target:
                    config.appRunnerVpcPlatform === "app-runner"
                        ? { metric: "concurrency", value: config.catalogueMaxConcurrency }
                        : undefined,
            },
            environment: { ...db.environment, NODE_ENV: "production" },
            // Alarms routed by the stack's config; the dashboard draws the database's section after the service's.
            // App Runner's collector where the stack asks for traces; ecs-express has none (createWebService warns).
            observability: config.tracing && config.appRunnerVpcPlatform === "app-runner",
            monitoring: serviceMonitoring(config, db.dashboardWidgets),
            network: {
                vpc: { vpcId: network.vpcId, subnetIds: network.privateSubnetIds, publicSubnetIds: network.publicSubnetIds },
            },
            tags: config.tags,
            // On Express the tasks reach ECR, S3 and Logs through the VPC endpoints: the service waits for them.
        },
        { dependsOn: network.endpointsReady },
    );
    // The security group is set whenever `vpc` is given, on either platform. The proxy admits it and it may
    // reach the proxy on the engine's port; the service's role may connect as the app user.
    db.connect("catalogue-api", { securityGroupId: service.securityGroupId, roleName: service.roleName });
    return { url: service.url, databaseProxyEndpoint: db.host };
}
