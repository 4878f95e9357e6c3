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
    const zones = selectZones({ names: available.names, zoneIds: available.zoneIds }, config.availabilityZones, zoneServices(config), region);
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
            tags: { [spec.type === "Public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1" } as Record<string, string>,
        })),
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: { ...config.tags, Name: name },
    });
    return {
        vpcId: vpc.vpcId,
        privateSubnetIds: vpc.privateSubnetIds,
        publicSubnetIds: vpc.publicSubnetIds,
        availabilityZones: pulumi.output(zones.names),
        availabilityZoneIds: pulumi.output(zones.zoneIds),
    };
}
