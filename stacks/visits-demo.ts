/**
 * Seed 001, modernised: visits-api (public HTTPS, App Runner with a VPC connector, or ECS Express Mode
 * in the VPC) → RDS Proxy → Aurora Serverless v2 PostgreSQL, and a private ECS Fargate service that
 * visits-api finds through Cloud Map (`http://privateservice.apprunner.demo:8080`).
 *
 * Changes from the CDK original: the database password is an env *secret* (never a plain env var),
 * connections go through RDS Proxy with TLS, the private service accepts port 8080 only from
 * visits-api's security group (the original allowed any IPv4), and its URL is built from the Cloud Map
 * resources so the name visits-api calls and the name registered can never drift apart.
 */
import * as pulumi from "@pulumi/pulumi";
import { AuroraWithProxy } from "../components/aurora-with-proxy";
import { PrivateFargateService } from "../components/private-fargate-service";
import { createWebService } from "../components/web-service-platform";
import { appImage } from "./images";
import type { StackConfig } from "./config";
import type { Network } from "./network";

export const VISITS_PORT = 8080;
export const PRIVATE_SERVICE_PORT = 8080;
export const POSTGRES_PORT = 5432;
/** The seed's names: `privateservice.apprunner.demo`. */
export const CLOUD_MAP_NAMESPACE = "apprunner.demo";
export const CLOUD_MAP_SERVICE = "privateservice";

export interface VisitsDemoOutputs {
    /** https URL of visits-api. */
    readonly url: pulumi.Output<string>;
    /** `http://<service>.<namespace>:8080`, resolvable inside the VPC only. */
    readonly privateServiceUrl: pulumi.Output<string>;
}

export function visitsDemoStack(config: StackConfig, network: Network): VisitsDemoOutputs {
    const db = new AuroraWithProxy("visits-db", {
        engine: "postgresql",
        databaseName: "apprunnerdemo",
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        minCapacity: config.auroraMinCapacity,
        maxCapacity: config.auroraMaxCapacity,
        readers: config.auroraReaders,
        backupRetentionDays: config.auroraBackupRetentionDays,
        deletionProtection: config.auroraDeletionProtection,
        tags: config.tags,
    });

    // visits-api's security group exists only once visits-api is created, and visits-api needs the
    // private service's URL first: the ingress rule takes the group id when it becomes known.
    const visitsSecurityGroup = later<string>();
    const privateService = new PrivateFargateService("visits-private", {
        imageUri: appImage("private-service", config).imageUri,
        port: PRIVATE_SERVICE_PORT,
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        allowFrom: [visitsSecurityGroup.output],
        namespaceName: CLOUD_MAP_NAMESPACE,
        serviceName: CLOUD_MAP_SERVICE,
        desiredCount: config.privateServiceDesiredCount,
        capacityProvider: config.privateServiceCapacity,
        tags: config.tags,
    });

    const visits = createWebService(config.visitsDemoPlatform, "visits-api", {
        serviceName: `visits-api-${config.environment}`,
        imageUri: appImage("visits-api", config).imageUri,
        port: VISITS_PORT,
        healthCheckPath: "/health",
        environment: {
            DB_HOST: db.host,
            DB_PORT: db.port.apply(String),
            DB_NAME: db.databaseName,
            DB_USER: db.username,
            DB_TLS: "true",
            ECSPRIVATESERVICE: privateService.url,
        },
        // The RDS-managed secret (JSON with the password), injected at start. The platform component
        // grants reading exactly this ARN to the role that injects it.
        environmentSecrets: { DB_SECRET: db.secretArn },
        vpc: {
            vpcId: network.vpcId,
            subnetIds: network.privateSubnetIds,
            egress: [
                { port: POSTGRES_PORT, securityGroupId: db.proxySecurityGroupId, description: "visits-api to RDS Proxy" },
                { port: PRIVATE_SERVICE_PORT, securityGroupId: privateService.securityGroupId, description: "visits-api to the private ECS service" },
            ],
        },
        tags: config.tags,
    });
    const securityGroupId = visits.securityGroupId;
    if (!securityGroupId) throw new Error('visitsDemoStack: visits-api has no security group; `vpc` must be set for the VPC demo.');
    visitsSecurityGroup.resolve(securityGroupId);
    db.allowClient("visits-api", securityGroupId);

    return { url: visits.url, privateServiceUrl: privateService.url };
}

/** An output whose value is supplied after the resources that consume it are declared. */
function later<T>(): { output: pulumi.Output<T>; resolve: (value: pulumi.Output<T>) => void } {
    let resolve!: (value: pulumi.Output<T>) => void;
    const promise = new Promise<pulumi.Output<T>>((r) => (resolve = r));
    // pulumi.output flattens the inner Output, keeping its value, secrecy and resource dependencies.
    return { output: pulumi.output(promise) as unknown as pulumi.Output<T>, resolve };
}
