/**
 * The visits demo, modernised: visits-api (public HTTPS, App Runner with a VPC connector, or ECS Express Mode
 * in the VPC) → RDS Proxy → Aurora Serverless v2 PostgreSQL, and a private ECS Fargate service that
 * visits-api finds through Cloud Map (`http://privateservice.<stack>.apprunner.demo:8080`).
 *
 * Changes from the CDK original: no database password at all (the app connects as its DML-only user
 * with IAM auth tokens, wired by `db.connect`), connections go through RDS Proxy with TLS, the private
 * service accepts port 8080 only from visits-api's security group (the original allowed any IPv4), and
 * its URL is built from the Cloud Map resources so the name visits-api calls and the name registered can
 * never drift apart.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    APP_RUNNER_SERVICE_NAME_MAX,
    cloudMapUrl,
    createWebService,
    nodeHealthCheckCommand,
    PrivateFargateService,
    stackScopedName,
} from "../components/index";
import { serviceMonitoring } from "./alarm-routing";
import type { StackConfig } from "./config";
import { auroraFromConfig, VISITS_APP_USER } from "./database";
import { appImage } from "./images";
import type { Network } from "./network";

export const VISITS_PORT = 8080;
export const PRIVATE_SERVICE_PORT = 8080;
/**
 * The original demo's names (`privateservice.apprunner.demo`), with the stack as the first label: the namespace
 * creates a Route 53 private hosted zone of that name, and names shared between two stacks of one account
 * are what this project avoids (`privateservice.dev.apprunner.demo`).
 */
export function cloudMapNamespace(stack: string): string {
    const label = stack
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 63)
        .replace(/-+$/, "");
    return `${label || "stack"}.apprunner.demo`;
}
export const CLOUD_MAP_SERVICE = "privateservice";

export interface VisitsDemoOutputs {
    /** https URL of visits-api. */
    readonly url: pulumi.Output<string>;
    /** `http://<service>.<namespace>:8080`, resolvable inside the VPC only. */
    readonly privateServiceUrl: pulumi.Output<string>;
}

export function visitsDemoStack(config: StackConfig, network: Network): VisitsDemoOutputs {
    const db = auroraFromConfig("visits-db", "postgresql", "apprunnerdemo", VISITS_APP_USER, config, network);
    const namespace = cloudMapNamespace(config.stack);

    // visits-api calls the private service by its Cloud Map name, and the private service admits only
    // visits-api's security group: visits-api goes first with the URL built from the same names the
    // private service registers (one function, so they cannot drift), and each side's rule for the
    // other is added once both groups exist.
    const visits = createWebService(
        config.visitsDemoPlatform,
        "visits-api",
        {
            // Unique per account and region: two stacks (dev and a feature stack) share one account.
            serviceName: stackScopedName("visits-api", config.stack, APP_RUNNER_SERVICE_NAME_MAX),
            image: appImage("visits-api", config).imageUri,
            port: VISITS_PORT,
            health: { path: "/health" },
            environment: {
                ...db.environment,
                ECSPRIVATESERVICE: cloudMapUrl(CLOUD_MAP_SERVICE, namespace, PRIVATE_SERVICE_PORT),
                NODE_ENV: "production",
            },
            // Alarms routed by the stack's config; the dashboard draws the database's section after the service's.
            // App Runner's collector where the stack asks for traces; ecs-express has none (createWebService warns).
            observability: config.tracing && config.visitsDemoPlatform === "app-runner",
            monitoring: serviceMonitoring(config, db.dashboardWidgets),
            network: {
                vpc: { vpcId: network.vpcId, subnetIds: network.privateSubnetIds, publicSubnetIds: network.publicSubnetIds },
            },
            tags: config.tags,
            // On Express the tasks reach ECR, S3 and Logs through the VPC endpoints: the service waits for them.
        },
        { dependsOn: network.endpointsReady },
    );
    const visitsSecurityGroup = visits.securityGroupId;
    if (!visitsSecurityGroup) throw new Error("visitsDemoStack: visits-api has no security group; `network` must be set for the VPC demo.");
    db.connect("visits-api", { securityGroupId: visitsSecurityGroup, roleName: visits.roleName });

    const privateService = new PrivateFargateService("visits-private", {
        image: appImage("private-service", config).imageUri,
        port: PRIVATE_SERVICE_PORT,
        network: { vpc: { vpcId: network.vpcId, subnetIds: network.privateSubnetIds }, allowFrom: [visitsSecurityGroup] },
        namespaceName: namespace,
        serviceName: CLOUD_MAP_SERVICE,
        // The private-service image is Node (no curl/wget): Node's fetch probes its liveness route.
        health: { command: nodeHealthCheckCommand(PRIVATE_SERVICE_PORT, "/health") },
        scaling: { min: config.privateServiceDesiredCount, max: config.privateServiceDesiredCount },
        capacityProvider: config.privateServiceCapacity,
        // Traces to X-Ray through a collector sidecar where the stack asks for them (`tracing`: staging and prod).
        observability: config.tracing,
        // Its page alarms also roll a failing deployment back (ECS deployment alarms).
        monitoring: serviceMonitoring(config),
        tags: config.tags,
    });
    visits.allowEgress("to-private-service", {
        port: PRIVATE_SERVICE_PORT,
        securityGroupId: privateService.securityGroupId,
        description: "visits-api to the private ECS service",
    });

    return { url: visits.url, privateServiceUrl: privateService.url };
}
