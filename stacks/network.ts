/**
 * The shared VPC every stack program runs in: public subnets for load balancers and NAT, private
 * subnets (with NAT egress) for App Runner VPC connectors, Fargate pods/tasks, RDS Proxy and Aurora.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config";
import { SUBNET_LAYOUT } from "./vpc-layout";
import { selectZones, type ZoneService } from "./zones";

export interface Network {
    /**
     * What a service that reaches AWS through the VPC endpoints must wait for: the VPC component (a
     * remote component, which Pulumi waits for with all its children, endpoints included). Empty in
     * test stand-ins.
     */
    readonly endpointsReady: pulumi.Resource[];
    readonly vpcId: pulumi.Output<string>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    readonly publicSubnetIds: pulumi.Output<string[]>;
    /** The AZs the subnets are in, in subnet order (chosen by zone ID: stacks/zones.ts). */
    readonly availabilityZones: pulumi.Output<string[]>;
    /** The zone IDs of `availabilityZones`, same order. */
    readonly availabilityZoneIds: pulumi.Output<string[]>;
}

/** The services of the enabled stack programs whose zone restrictions the network must respect. */
export function zoneServices(config: StackConfig): ZoneService[] {
    const services: ZoneService[] = [];
    if (config.eksFargateEnabled) services.push("eks");
    if (config.appRunnerVpcEnabled || config.visitsDemoEnabled) services.push("rds-proxy");
    return services;
}

/** True when an enabled stack program runs in the shared VPC: all but products-api on App Runner. */
export function networkNeeded(config: StackConfig): boolean {
    return (
        config.appRunnerVpcEnabled ||
        config.eksFargateEnabled ||
        config.visitsDemoEnabled ||
        // On Express, products-api needs a VPC too: without one Express uses the account's default VPC.
        (config.appRunnerEnabled && config.appRunnerPlatform === "ecs-express")
    );
}

/**
 * VPC endpoints for the Express services of the enabled programs, created by awsx ("Auto": interface
 * endpoints get one subnet per zone, private first, private DNS and a security group admitting 443 from
 * the VPC; gateway endpoints are added to every route table of the VPC, the public ones included).
 *
 * Express runs its tasks in the public subnets (the load balancer shares their subnets and is
 * internet-facing only there) without a public IP, so they reach AWS only through endpoints: ECR's API
 * and registry plus S3 for the image layers, and CloudWatch Logs for the awslogs driver
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html,
 * https://repost.aws/knowledge-center/ecs-fargate-docker-timeout-error), and products-api's DynamoDB
 * table. None of the programs injects Secrets Manager or SSM values (IAM database auth), so there is no
 * endpoint for those; a program that sets `secrets` on Express must add it here.
 * See components/ecs-express-service.ts (the comment above EcsExpressServiceArgs) for the placement and its sources.
 */
export function expressEndpointSpecs(config: StackConfig, region: string): awsx.types.input.ec2.VpcEndpointSpecArgs[] {
    const onExpress = (enabled: boolean, platform: string) => enabled && platform === "ecs-express";
    const products = onExpress(config.appRunnerEnabled, config.appRunnerPlatform);
    const any =
        products ||
        onExpress(config.appRunnerVpcEnabled, config.appRunnerVpcPlatform) ||
        onExpress(config.visitsDemoEnabled, config.visitsDemoPlatform);
    if (!any) return [];
    const service = (name: string) => `com.amazonaws.${region}.${name}`;
    // Tagged with the VPC's tags by awsx.
    return [
        { serviceName: service("ecr.api"), vpcEndpointType: "Interface" },
        { serviceName: service("ecr.dkr"), vpcEndpointType: "Interface" },
        { serviceName: service("logs"), vpcEndpointType: "Interface" },
        { serviceName: service("s3"), vpcEndpointType: "Gateway" },
        ...(products ? [{ serviceName: service("dynamodb"), vpcEndpointType: "Gateway" }] : []),
    ];
}

/**
 * Async because awsx lays out subnets from a plain list of zone names (its `availabilityZoneNames` is a
 * `string[]`, not an input), so the zones must be looked up before the VPC is declared. The lookup is an
 * invoke, which a real `pulumi preview` runs too.
 */
export async function createNetwork(config: StackConfig): Promise<Network> {
    const name = `${config.project}-${config.environment}`;
    const available = await aws.getAvailabilityZones({
        state: "available",
        // Regular zones only: Local and Wavelength Zones are opt-in and host none of these services.
        filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    const region = (await aws.getRegion()).region;
    const zones = selectZones(
        { names: available.names, zoneIds: available.zoneIds },
        config.availabilityZones,
        zoneServices(config),
        region,
    );
    const endpoints = expressEndpointSpecs(config, region);
    const vpc = new awsx.ec2.Vpc(`${name}-vpc`, {
        cidrBlock: config.vpcCidr,
        availabilityZoneNames: zones.names,
        // One NAT is a single point of failure for egress (App Runner connector, Fargate image pulls);
        // prod config chooses one per AZ.
        natGateways: { strategy: config.natGateways === "one-per-az" ? "OnePerAz" : "Single" },
        subnetStrategy: "Auto",
        // Sizes from SUBNET_LAYOUT (config refuses a vpcCidr too small for them); tags let the AWS Load
        // Balancer Controller find public (internet-facing) and private (internal) subnets.
        subnetSpecs: SUBNET_LAYOUT.map((spec) => ({
            ...spec,
            tags: { [spec.type === "Public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1" },
        })),
        enableDnsHostnames: true,
        enableDnsSupport: true,
        ...(endpoints.length > 0 ? { vpcEndpointSpecs: endpoints, vpcEndpointStrategy: "Auto" as const } : {}),
        tags: { ...config.tags, Name: name },
    });
    return {
        endpointsReady: [vpc],
        vpcId: vpc.vpcId,
        privateSubnetIds: vpc.privateSubnetIds,
        publicSubnetIds: vpc.publicSubnetIds,
        availabilityZones: pulumi.output(zones.names),
        availabilityZoneIds: pulumi.output(zones.zoneIds),
    };
}
