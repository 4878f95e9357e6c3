/**
 * An AppRunnerService whose outbound traffic enters a VPC through a VPC connector on private subnets,
 * with a security group of its own that allows egress only to what it must reach (named in
 * `vpc.egress` or added later with `allowEgress`). Databases allow `securityGroupId`, never a CIDR.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AppRunnerService, validateAppRunnerServiceArgs, type AppRunnerArgs } from "./app-runner-service";
import { throwIfAny } from "./limits";
import { egressRule, egressRuleProblems, serviceVpcProblems, type EgressRule, type ServiceVpc } from "./web-service";
import { componentType, withFormerTypes } from "./component";
import { checkArguments } from "./arguments";
import { linkDatabases, linkedEnvironment, withLinkedEnvironment } from "./database-link";

export type { EgressRule, ServiceVpc };

export interface VpcConnectedAppRunnerArgs extends AppRunnerArgs {
    /** The VPC the connector attaches to: private subnets (at least two AZs recommended) and the egress opened at creation. */
    readonly vpc: ServiceVpc;
}

/** What `allowEgress` needs after construction (kept off the class so it is not part of the component's outputs). */
const egressContext = new WeakMap<VpcConnectedAppRunner, { name: string; tags?: Record<string, string> }>();

/** An App Runner service whose outbound traffic enters a VPC through a VPC connector, with a security group of its own that allows egress only to the destinations named. */
export class VpcConnectedAppRunner extends pulumi.ComponentResource {
    /** https URL of the service. */
    public readonly url: pulumi.Output<string>;
    /** ARN of the App Runner service. */
    public readonly serviceArn: pulumi.Output<string>;
    /** ARN of the role the app runs as (App Runner's instance role). */
    public readonly roleArn: pulumi.Output<string>;
    /** Name of the role the app runs as. */
    public readonly roleName: pulumi.Output<string>;
    /** The connector's security group: allow it on whatever the service must reach. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** ARN of the VPC connector. */
    public readonly vpcConnectorArn: pulumi.Output<string>;

    constructor(name: string, args: VpcConnectedAppRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            componentType("VpcConnectedAppRunner"),
            name,
            {},
            withFormerTypes(opts, "serverless-containers:apprunner:VpcConnectedAppRunner"),
        );
        checkArguments("VpcConnectedAppRunner", name, args, this);
        egressContext.set(this, { name, tags: args?.tags });
        validateAppRunnerServiceArgs("VpcConnectedAppRunner", name, args, this, serviceVpcProblems("vpc", args?.vpc));
        const subnetIds = pulumi.output(args.vpc.subnetIds).apply((ids) => {
            if (ids.length === 0) {
                throw new pulumi.ResourceError(
                    `VpcConnectedAppRunner "${name}": \`vpc.subnetIds\` must list at least one private subnet (got an empty list).`,
                    this,
                );
            }
            return ids;
        });

        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-connector-sg`,
            // No inline rules: the provider removes AWS's default allow-all egress, and each allowed
            // destination is a separate rule so callers can add more without replacing the group.
            {
                vpcId: args.vpc.vpcId,
                description: `App Runner VPC connector of ${name}: egress only to named destinations`,
                tags: args.tags,
            },
            { parent: this },
        );
        this.securityGroupId = securityGroup.id;
        (args.vpc.egress ?? []).forEach((rule, i) => egressRule(`${name}-egress-${i}`, this.securityGroupId, rule, args.tags, this));

        const connector = this.createConnector(name, subnetIds, args);
        const { vpc: _vpc, databases, ...serviceArgs } = args;
        const owner = { component: "VpcConnectedAppRunner", name, parent: this, tags: args.tags };
        const environment = withLinkedEnvironment(linkedEnvironment(owner, databases), args.environment);
        const service = new AppRunnerService(name, { ...serviceArgs, environment, vpcConnectorArn: connector.arn }, { parent: this });
        linkDatabases(owner, { securityGroupId: this.securityGroupId, roleName: service.roleName }, databases);

        this.url = service.url;
        this.serviceArn = service.serviceArn;
        this.roleArn = service.roleArn;
        this.roleName = service.roleName;
        this.vpcConnectorArn = connector.arn;
        this.registerOutputs({
            url: this.url,
            serviceArn: this.serviceArn,
            roleArn: this.roleArn,
            roleName: this.roleName,
            securityGroupId: this.securityGroupId,
            vpcConnectorArn: this.vpcConnectorArn,
        });
    }

    /** Allow the service to open connections to one more destination (e.g. an RDS Proxy's security group). */
    allowEgress(name: string, rule: EgressRule): aws.vpc.SecurityGroupEgressRule {
        const context = egressContext.get(this)!;
        throwIfAny("VpcConnectedAppRunner", context.name, egressRuleProblems(`allowEgress("${name}")`, rule), this);
        return egressRule(`${context.name}-${name}`, this.securityGroupId, rule, context.tags, this);
    }

    /**
     * Connector names are unique per account and the connector is replaced when its subnets or groups
     * change, so the name carries a hash of exactly those: a replacement gets a new name and Pulumi can
     * create it before deleting the old one (a fixed name would collide).
     */
    private createConnector(name: string, subnetIds: pulumi.Output<string[]>, args: VpcConnectedAppRunnerArgs): aws.apprunner.VpcConnector {
        const connectorName = pulumi.all([subnetIds, this.securityGroupId]).apply(
            ([subnets, sg]) =>
                `${name.slice(0, 31)}-${createHash("sha256")
                    .update([...subnets].sort().join(",") + sg)
                    .digest("hex")
                    .slice(0, 8)}`,
        );
        return new aws.apprunner.VpcConnector(
            `${name}-connector`,
            { vpcConnectorName: connectorName, subnets: subnetIds, securityGroups: [this.securityGroupId], tags: args.tags },
            { parent: this },
        );
    }
}
