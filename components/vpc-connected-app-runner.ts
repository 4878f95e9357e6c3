/**
 * An AppRunnerService whose outbound traffic enters a VPC through a VPC connector on private subnets,
 * with a security group of its own that allows egress only to what it must reach (named with
 * `egress` or added later with `allowEgressTo`). Databases allow `securityGroupId`, never a CIDR.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AppRunnerService, validateAppRunnerServiceArgs, type AppRunnerServiceArgs } from "./app-runner-service";
import { intRange, throwIfAny } from "./limits";
import { egressRule, type EgressRule } from "./web-service";
import { componentType, withFormerTypes } from "./component";

export type { EgressRule };

export interface VpcConnectedAppRunnerArgs extends Omit<AppRunnerServiceArgs, "vpcConnectorArn"> {
    /** VPC the connector attaches to. */
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets for the connector (at least two AZs recommended). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Egress the service needs at creation time; more can be added with `allowEgressTo`. @default none */
    readonly egress?: EgressRule[];
}

/** An App Runner service whose outbound traffic enters a VPC through a VPC connector, with a security group of its own that allows egress only to the destinations named. */
export class VpcConnectedAppRunner extends pulumi.ComponentResource {
    public readonly url: pulumi.Output<string>;
    public readonly serviceArn: pulumi.Output<string>;
    public readonly instanceRoleArn: pulumi.Output<string>;
    /** The connector's security group: allow it on whatever the service must reach. */
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly vpcConnectorArn: pulumi.Output<string>;
    private readonly componentName: string;
    private readonly tags?: Record<string, string>;

    constructor(name: string, args: VpcConnectedAppRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("VpcConnectedAppRunner"), name, {}, withFormerTypes(opts, "serverless-containers:apprunner:VpcConnectedAppRunner"));
        this.componentName = name;
        this.tags = args.tags;
        validateAppRunnerServiceArgs("VpcConnectedAppRunner", name, args, this);
        throwIfAny("VpcConnectedAppRunner", name, (args.egress ?? []).flatMap((rule, i) => [
            intRange(`egress[${i}].port`, rule.port, 1, 65535),
            (rule.securityGroupId === undefined) === (rule.cidrIpv4 === undefined)
                ? `\`egress[${i}]\` must set exactly one of securityGroupId or cidrIpv4.`
                : undefined,
        ]), this);
        const subnetIds = pulumi.output(args.subnetIds).apply((ids) => {
            if (ids.length === 0) {
                throw new Error(`VpcConnectedAppRunner "${name}": \`subnetIds\` must list at least one private subnet (got an empty list).`);
            }
            return ids;
        });

        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-connector-sg`,
            // No inline rules: the provider removes AWS's default allow-all egress, and each allowed
            // destination is a separate rule so callers can add more without replacing the group.
            { vpcId: args.vpcId, description: `App Runner VPC connector of ${name}: egress only to named destinations`, tags: args.tags },
            { parent: this },
        );
        this.securityGroupId = securityGroup.id;
        (args.egress ?? []).forEach((rule, i) => this.addEgress(`${name}-egress-${i}`, rule));

        const connector = this.createConnector(name, subnetIds, args);
        const { vpcId: _vpcId, subnetIds: _subnets, egress: _egress, ...serviceArgs } = args;
        const service = new AppRunnerService(name, { ...serviceArgs, vpcConnectorArn: connector.arn }, { parent: this });

        this.url = service.url;
        this.serviceArn = service.serviceArn;
        this.instanceRoleArn = service.instanceRoleArn;
        this.vpcConnectorArn = connector.arn;
        this.registerOutputs({ url: this.url, serviceArn: this.serviceArn, securityGroupId: this.securityGroupId, vpcConnectorArn: this.vpcConnectorArn });
    }

    /** Allow the service to open connections to `port` on a security group (e.g. an RDS Proxy). */
    allowEgressTo(ruleName: string, port: number, securityGroupId: pulumi.Input<string>, description: string): aws.vpc.SecurityGroupEgressRule {
        return this.addEgress(`${this.componentName}-${ruleName}`, { port, securityGroupId, description });
    }

    private addEgress(resourceName: string, rule: EgressRule): aws.vpc.SecurityGroupEgressRule {
        return egressRule(resourceName, this.securityGroupId, rule, this.tags, this);
    }

    /**
     * Connector names are unique per account and the connector is replaced when its subnets or groups
     * change, so the name carries a hash of exactly those: a replacement gets a new name and Pulumi can
     * create it before deleting the old one (a fixed name would collide).
     */
    private createConnector(name: string, subnetIds: pulumi.Output<string[]>, args: VpcConnectedAppRunnerArgs): aws.apprunner.VpcConnector {
        const connectorName = pulumi
            .all([subnetIds, this.securityGroupId])
            .apply(([subnets, sg]) => `${name.slice(0, 31)}-${createHash("sha256").update([...subnets].sort().join(",") + sg).digest("hex").slice(0, 8)}`);
        return new aws.apprunner.VpcConnector(
            `${name}-connector`,
            { vpcConnectorName: connectorName, subnets: subnetIds, securityGroups: [this.securityGroupId], tags: args.tags },
            { parent: this },
        );
    }
}
