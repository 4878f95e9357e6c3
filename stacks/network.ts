/**
 * The shared VPC every stack program runs in: public subnets for load balancers and NAT, private
 * subnets (with NAT egress) for App Runner VPC connectors, Fargate pods/tasks, RDS Proxy and Aurora.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config";

export interface Network {
    readonly vpcId: pulumi.Output<string>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    readonly publicSubnetIds: pulumi.Output<string[]>;
    /** The AZs the subnets are in, in subnet order (awsx uses the region's first N). */
    readonly availabilityZones: pulumi.Output<string[]>;
}

export function createNetwork(config: StackConfig): Network {
    const name = `${config.project}-${config.environment}`;
    const vpc = new awsx.ec2.Vpc(`${name}-vpc`, {
        cidrBlock: config.vpcCidr,
        numberOfAvailabilityZones: config.availabilityZones,
        // One NAT is a single point of failure for egress (App Runner connector, Fargate image pulls);
        // prod config chooses one per AZ.
        natGateways: { strategy: config.natGateways === "one-per-az" ? "OnePerAz" : "Single" },
        subnetStrategy: "Auto",
        subnetSpecs: [
            { type: "Public", cidrMask: 22, tags: { "kubernetes.io/role/elb": "1" } },
            { type: "Private", cidrMask: 20, tags: { "kubernetes.io/role/internal-elb": "1" } },
        ],
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: { ...config.tags, Name: name },
    });
    const availabilityZones = aws.getAvailabilityZonesOutput({}).names.apply((names) => names.slice(0, config.availabilityZones));
    return { vpcId: vpc.vpcId, privateSubnetIds: vpc.privateSubnetIds, publicSubnetIds: vpc.publicSubnetIds, availabilityZones };
}
