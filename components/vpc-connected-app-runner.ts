/**
 * An AppRunnerService whose outbound traffic enters a VPC through a VPC connector on private subnets,
 * with a security group of its own that allows egress only to what it must reach (named in
 * `network.egress` or added later with `allowEgress`). Databases allow `securityGroupId`, never a CIDR.
 * An adapter over the service skeleton (service/skeleton.ts), composing AppRunnerService.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AppRunnerService, validateAppRunnerServiceArgs, type AppRunnerArgs } from "./app-runner-service";
import type { EgressRule, ServiceVpc } from "./service/network";
import type { DeprecatedVpcArgs, ServiceConnectivity } from "./service/args";
import {
    allowEgress,
    createServiceSecurityGroup,
    linkDatabases,
    networkRequiredProblem,
    resolveServiceArgs,
    serviceEnvironment,
    withDatabaseWidgets,
} from "./service/skeleton";
import { componentType, withFormerTypes } from "./component";
import { checkArguments } from "./arguments";

export type { EgressRule, ServiceVpc };

/** `network.vpc.subnetIds` are the connector's private subnets (at least two AZs recommended); `network.egress` the destinations opened at creation. */
export interface VpcConnectedAppRunnerArgs extends AppRunnerArgs, ServiceConnectivity, DeprecatedVpcArgs {}

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
    /** Name of the service's CloudWatch dashboard (absent with `monitoring.enabled` or `monitoring.dashboard` false). */
    public readonly dashboardName?: pulumi.Output<string>;
    /** ARN of the "unhealthy" composite alarm over the page alarms (absent when monitoring is off or no page alarm is left). */
    public readonly unhealthyAlarmArn?: pulumi.Output<string>;

    constructor(name: string, args: VpcConnectedAppRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            componentType("VpcConnectedAppRunner"),
            name,
            {},
            withFormerTypes(opts, "serverless-containers:apprunner:VpcConnectedAppRunner"),
        );
        checkArguments("VpcConnectedAppRunner", name, args, this);
        const resolved = resolveServiceArgs("VpcConnectedAppRunner", name, args);
        args = resolved.args;
        const { n, cpu, memory } = validateAppRunnerServiceArgs("VpcConnectedAppRunner", name, args, resolved.deprecations, this, [
            networkRequiredProblem(args?.network, "the VPC connector's VPC and private subnets (`network.vpc`)."),
        ]);
        resolved.deprecations.warn(this);
        const network = n.network!;
        const subnetIds = pulumi.output(network.vpc.subnetIds).apply((ids) => {
            if (ids.length === 0) {
                throw new pulumi.ResourceError(
                    `VpcConnectedAppRunner "${name}": \`network.vpc.subnetIds\` must list at least one private subnet (got an empty list).`,
                    this,
                );
            }
            return ids;
        });

        const owner = { component: "VpcConnectedAppRunner", name, parent: this, tags: args.tags };
        const { securityGroup } = createServiceSecurityGroup(owner, {
            resourceName: `${name}-connector-sg`,
            vpcId: network.vpc.vpcId,
            description: `App Runner VPC connector of ${name}: egress only to named destinations`,
            port: n.port,
            egress: network.egress,
        });
        this.securityGroupId = securityGroup.id;

        const connector = this.createConnector(name, subnetIds, args);
        const { network: _network, databases, monitoring, ...serviceArgs } = args;
        const environment = serviceEnvironment(owner, n);
        // The inner service gets the resolved arguments in the shared notation (vCPU/GiB numbers), so it warns about
        // nothing again; it draws the dashboard, so the linked databases' sections come in as dashboard widgets.
        const service = new AppRunnerService(
            name,
            {
                ...serviceArgs,
                cpu: parseFloat(cpu),
                memory: parseFloat(memory),
                environment,
                vpcConnectorArn: connector.arn,
                monitoring: withDatabaseWidgets(monitoring, n.databases),
            },
            { parent: this },
        );
        linkDatabases(owner, { securityGroupId: this.securityGroupId, roleName: service.roleName }, databases);

        this.url = service.url;
        this.serviceArn = service.serviceArn;
        this.roleArn = service.roleArn;
        this.roleName = service.roleName;
        this.vpcConnectorArn = connector.arn;
        this.dashboardName = service.dashboardName;
        this.unhealthyAlarmArn = service.unhealthyAlarmArn;
        this.registerOutputs({
            url: this.url,
            serviceArn: this.serviceArn,
            roleArn: this.roleArn,
            roleName: this.roleName,
            securityGroupId: this.securityGroupId,
            vpcConnectorArn: this.vpcConnectorArn,
            ...(this.dashboardName ? { dashboardName: this.dashboardName } : {}),
            ...(this.unhealthyAlarmArn ? { unhealthyAlarmArn: this.unhealthyAlarmArn } : {}),
        });
    }

    /** Allow the service to open connections to one more destination (e.g. an RDS Proxy's security group). */
    allowEgress(name: string, rule: EgressRule): aws.vpc.SecurityGroupEgressRule {
        return allowEgress(this, name, rule);
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
