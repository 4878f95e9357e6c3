/**
 * The ServiceArgs contract on Amazon ECS Express Mode (`aws.ecs.ExpressGatewayService`), the AWS
 * successor to App Runner for accounts that cannot use App Runner (closed to new customers on
 * 2026-04-30). Express provisions the ALB, HTTPS endpoint, target group, scaling policy and service
 * itself; we give it three roles, a cluster, a log group with retention and our own task security
 * group in a VPC the caller names (required: see `vpc`).
 *
 * An adapter over the service skeleton (service/skeleton.ts): the shared arguments, security group, egress,
 * database links and outputs are the skeleton's; what is Express's own is here — CPU units/MiB, the scaling
 * metric names (App Runner scales on concurrent requests per instance; Express target-tracks cpu, memory or
 * requests), three roles, the cluster, the load balancer's ingress and the drain on delete.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ExpressServiceDrain } from "./express-service-drain";
import { ECS_TASK_ROLE_CHILDREN, ecsTaskRoles, type EcsTaskRoles } from "./ecs-task-roles";
import { serviceTrustPolicy } from "./iam";
import { intRange } from "./limits";
import { stringProblem } from "./service/shapes";
import { requireDigest } from "./service/environment";
import { ingressRule, type EgressRule } from "./service/network";
import { withDependsOn } from "./service/options";
import type { DeprecatedVpcArgs, DeprecatedWebServiceArgs, ScalingMetric, ServiceArgs } from "./service/args";
import type { Deprecations } from "./service/aliases";
import { expressSize } from "./service/sizes";
import {
    allowEgress,
    createServiceSecurityGroup,
    linkDatabases,
    monitorService,
    networkRequiredProblem,
    normalizeService,
    resolveServiceArgs,
    SERVICE_DEFAULTS,
    serviceEnvironment,
    type NormalizedService,
    type ServiceOwner,
} from "./service/skeleton";
import { componentType, withFormerTypes } from "./component";
import { checkArguments } from "./arguments";
import { awsManagedPolicyArn } from "./arn";
import { albAlarms, albSli, ecsAlarms, loadBalancerDimension, type AlbTargets } from "./observability";

// ---- allowed values (one place) ------------------------------------------------------------------

/** The CloudWatch metric Express target-tracks (its API's names; `scaling.target.metric` "cpu", "memory", "requests" map to them). */
export const ExpressScalingMetric = {
    /** Average CPU utilisation of the tasks, percent. */
    AVERAGE_CPU: "AVERAGE_CPU",
    /** Average memory utilisation of the tasks, percent. */
    AVERAGE_MEMORY: "AVERAGE_MEMORY",
    /** Requests per target per minute at the load balancer. */
    REQUEST_COUNT_PER_TARGET: "REQUEST_COUNT_PER_TARGET",
} as const;
export type ExpressScalingMetric = (typeof ExpressScalingMetric)[keyof typeof ExpressScalingMetric];
/** The shared metric names → Express's. */
const EXPRESS_METRIC: Readonly<Partial<Record<ScalingMetric, ExpressScalingMetric>>> = {
    cpu: "AVERAGE_CPU",
    memory: "AVERAGE_MEMORY",
    requests: "REQUEST_COUNT_PER_TARGET",
};
/** Verified in the AWS managed policy reference (AmazonECSInfrastructureRoleforExpressGatewayServices, v6). */
const EXPRESS_INFRASTRUCTURE_POLICY = "service-role/AmazonECSInfrastructureRoleforExpressGatewayServices";
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

// ---- args ------------------------------------------------------------------------------------------

/** Deprecated: how Express scaled the service before `ServiceScaling` (`scaling.target`); createWebService's `expressScaling` still takes it. */
export interface ExpressScaling {
    /** Metric Express target-tracks (AVERAGE_CPU, AVERAGE_MEMORY or REQUEST_COUNT_PER_TARGET). */
    readonly metric: ExpressScalingMetric;
    /** Target value: percent for AVERAGE_CPU / AVERAGE_MEMORY (1-100), requests per target per minute for REQUEST_COUNT_PER_TARGET. */
    readonly targetValue: number;
}

/*
 * Where Express puts the service (`vpc`), and why it is required.
 *
 * - Without a network configuration Express uses the default VPC's subnets and security group
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExpressGatewayServiceNetworkConfiguration.html);
 *   many organisations delete default VPCs, and there the service cannot be created. So `vpc` is required.
 * - The network configuration has only `subnets` and `securityGroups` (same page): the load balancer
 *   Express creates and the tasks share one subnet list, and there is no `assignPublicIp`.
 * - The load balancer's scheme follows the subnets: private subnets give an *internal* ALB, i.e. no
 *   public URL (AWS's .NET Aspire maintainers, https://github.com/aws/integrations-on-dotnet-aspire-for-aws/pull/200;
 *   an Express service in private-only subnets got an internal ALB:
 *   https://dev.classmethod.jp/articles/ecs-express-mode-public-subnet-less; AWS's best practices put only
 *   services that need no direct internet access in private subnets:
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-best-practices.html).
 * - Tasks in public subnets get no public IP (the same Aspire PR: "ECS Express tasks land in public
 *   subnets but the API does not support assigning a public IP"), so they cannot reach ECR through
 *   the internet gateway; a Fargate task pulls over its private IP through ECR interface endpoints
 *   (ecr.api, ecr.dkr) plus the S3 gateway endpoint for the layers, and sends logs through the
 *   CloudWatch Logs endpoint (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html).
 *
 * Hence a public service goes in public subnets and its VPC provides those endpoints (the shared
 * network does: stacks/network.ts); the resource option `dependsOn` (e.g. the VPC component that owns the
 * endpoints) makes the Express service wait for them.
 */

/**
 * `ServiceArgs` on Express. `network` is required (without it Express would use the account's default VPC):
 * `network.vpc.subnetIds` (or `publicSubnetIds` when given) are the subnets of the load balancer and the tasks
 * (at least two): public subnets give an internet-facing load balancer, private ones an internal one (no public
 * URL). The tasks get a security group of this component (output `securityGroupId`) with 443 out for image pulls,
 * logs and secrets plus `network.egress`. Pass the VPC endpoints the tasks need (or the VPC component owning them)
 * as the resource option `dependsOn`. `scaling.target.metric` is "cpu", "memory" or "requests" (default cpu 60).
 */
export interface EcsExpressServiceArgs extends ServiceArgs, DeprecatedWebServiceArgs, DeprecatedVpcArgs {
    /**
     * Express service name, unique in its cluster. Changing it replaces the service: the new one is created (and
     * steady) before the old one is retired. A replacement under the *same* name is refused by ECS while it
     * still lists the old service, DRAINING and INACTIVE ones included (the provider's create checks first:
     * terraform-provider-aws express_gateway_service.go, checkExpressGatewayServiceExists), so when something
     * else forces one — a recreated infrastructure role, `pulumi up --replace` — give it a new name in the same
     * `up`. (A new cluster is fine: names are per cluster.) At most 255 characters. @default a name ECS generates
     */
    readonly serviceName?: string;
    /** CloudWatch log retention in days. @default 30 */
    readonly logRetentionDays?: number;
}

const subnetCountProblem = (count: number) =>
    `\`network.vpc.subnetIds\` must list at least 2 subnets (Express requires two; got ${count}).`;

const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,254}$/;

/** Every problem with the (resolved) args, before any child exists; the normalised service and Express's sizes. */
export function ecsExpressProblems(
    name: string,
    args: EcsExpressServiceArgs,
    deprecations: Deprecations,
    resource: pulumi.Resource,
    maxConcurrency?: number,
): { n: NormalizedService; sizes: { cpu: string; memory: string } } {
    const sizes = expressSize(args?.cpu ?? SERVICE_DEFAULTS.cpu, args?.memory ?? SERVICE_DEFAULTS.memory, deprecations);
    const retention = args?.logRetentionDays ?? SERVICE_DEFAULTS.logRetentionDays;
    const n = normalizeService("ecs-express", "EcsExpressService", name, args, deprecations, resource, [
        ...(sizes.problems ?? []),
        stringProblem("serviceName", args.serviceName),
        // Validated as it was on App Runner while it is accepted (then ignored: see the constructor).
        maxConcurrency === undefined ? undefined : intRange("maxConcurrency", maxConcurrency, 1, 200),
        typeof args.serviceName === "string" && !SERVICE_NAME.test(args.serviceName)
            ? `\`serviceName\` must start with a letter and contain only letters, digits, - and _ (max 255) (got "${args.serviceName}").`
            : undefined,
        args.environment !== null && typeof args.environment === "object" && "EXPRESS_SCALING_TARGET" in args.environment
            ? "`environment.EXPRESS_SCALING_TARGET` is the component's own: it carries the scaling target so a scaling change reaches the Express API; use another name."
            : undefined,
        LOG_RETENTION_DAYS.includes(retention)
            ? undefined
            : `\`logRetentionDays\` must be one of CloudWatch's values ${LOG_RETENTION_DAYS.join(", ")} (got ${retention}).`,
        networkRequiredProblem(
            args.network,
            "without it Express places the service in the account's default VPC, which many organisations delete (the deploy then fails), and outside the stack's network. Pass the stack's VPC and its public subnets.",
        ),
        subnetsProblem(args.network?.vpc?.publicSubnetIds ?? args.network?.vpc?.subnetIds),
    ]);
    return { n, sizes: sizes as { cpu: string; memory: string } };
}

/** A literal list is checked now; an output list is checked once known (createNetwork). */
function subnetsProblem(subnets: unknown): string | undefined {
    return Array.isArray(subnets) && subnets.length < 2 ? subnetCountProblem(subnets.length) : undefined;
}

/** The scaling target as one line (`min=1 max=5 AVERAGE_CPU=60`), carried in the container environment (see createService). */
export function scalingTargetText(t: {
    minTaskCount: number;
    maxTaskCount: number;
    autoScalingMetric: string;
    autoScalingTargetValue: number;
}): string {
    return `min=${t.minTaskCount} max=${t.maxTaskCount} ${t.autoScalingMetric}=${t.autoScalingTargetValue}`;
}

// ---- component -------------------------------------------------------------------------------------

/** A public HTTPS service on Amazon ECS Express Mode (load balancer, HTTPS endpoint and scaling managed by ECS) in a VPC the caller names, with the same service arguments as App Runner. */
export class EcsExpressService extends pulumi.ComponentResource {
    /** https URL of the Express endpoint. */
    public readonly url: pulumi.Output<string>;
    /** ARN of the Express service. */
    public readonly serviceArn: pulumi.Output<string>;
    /** ARN of the role the app runs as (the task role: the caller's statements only). */
    public readonly roleArn: pulumi.Output<string>;
    /** Name of the role the app runs as. */
    public readonly roleName: pulumi.Output<string>;
    /** The tasks' security group: allow it on whatever the app must reach. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** Name of the service's CloudWatch dashboard (absent with `monitoring.enabled` or `monitoring.dashboard` false). */
    public readonly dashboardName?: pulumi.Output<string>;
    /** ARN of the "unhealthy" composite alarm over the page alarms (absent when monitoring is off or no page alarm is left). */
    public readonly unhealthyAlarmArn?: pulumi.Output<string>;

    constructor(name: string, args: EcsExpressServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("EcsExpressService"), name, {}, withFormerTypes(opts, "serverless-containers:ecs:EcsExpressService"));
        checkArguments("EcsExpressService", name, args, this, [["aws:iam/role:Role", "-infrastructure-role"], ...ECS_TASK_ROLE_CHILDREN]);
        // `maxConcurrency` never applied on Express (it was validated, ignored and warned about); for one minor version it still is.
        // Read before the aliases are resolved: the resolved args no longer carry it.
        const maxConcurrency = typeof args === "object" && args !== null ? args.maxConcurrency : undefined;
        const resolved = resolveServiceArgs("EcsExpressService", name, args, { concurrencyIgnored: true });
        args = resolved.args;
        const { n, sizes } = ecsExpressProblems(name, args, resolved.deprecations, this, maxConcurrency);
        const { cpu, memory } = sizes;
        if (maxConcurrency !== undefined) {
            resolved.deprecations.note(
                `\`maxConcurrency\` has no effect on ECS Express Mode, which scales on \`scaling.target\` (${n.scaling.target!.metric}); it applies on App Runner only, as \`scaling.target\` { metric: "concurrency" }`,
            );
        }
        resolved.deprecations.warn(this);

        const owner: ServiceOwner = { component: "EcsExpressService", name, parent: this, tags: args.tags };
        const roles = this.createRoles(name, n);
        const cluster = this.createCluster(name, args);
        const logGroup = this.createLogGroup(name, args);
        const network = this.createNetwork(owner, n);
        linkDatabases(owner, { securityGroupId: network.securityGroup.id, roleName: roles.task.name }, n.databases);
        const environment = serviceEnvironment(owner, n);
        const service = this.createService(name, args, { ...n, environment }, cpu, memory, roles, cluster, logGroup, network, opts);
        // Created after the service, so deleted before it: its delete waits until Express has torn down what it
        // created (load balancer, security groups, certificate) before Pulumi deletes the roles, cluster and
        // network that teardown still uses (express-service-drain.ts).
        // A service the caller retains on delete keeps its drain wait from deleting it too.
        new ExpressServiceDrain(
            `${name}-drain`,
            { serviceArn: service.serviceArn },
            { parent: this, dependsOn: [service], retainOnDelete: opts?.retainOnDelete },
        );

        const monitoring = n.monitoring?.enabled === false ? undefined : this.monitor(owner, n, cluster, service, logGroup);
        this.dashboardName = monitoring?.dashboard?.dashboardName;
        this.unhealthyAlarmArn = monitoring?.unhealthy?.arn;

        this.url = service.ingressPaths.apply((paths) => {
            const endpoint = paths?.[0]?.endpoint;
            if (!endpoint) return endpoint; // unknown during preview
            return endpoint.startsWith("https://") ? endpoint : `https://${endpoint}`;
        });
        this.serviceArn = service.serviceArn;
        this.roleArn = roles.task.arn;
        this.roleName = roles.task.name;
        this.securityGroupId = network.securityGroup.id;
        this.registerOutputs({
            url: this.url,
            serviceArn: this.serviceArn,
            roleArn: this.roleArn,
            roleName: this.roleName,
            securityGroupId: this.securityGroupId,
            ...(this.dashboardName ? { dashboardName: this.dashboardName } : {}),
            ...(this.unhealthyAlarmArn ? { unhealthyAlarmArn: this.unhealthyAlarmArn } : {}),
        });
    }

    /**
     * The CloudWatch dimensions of the load balancer Express created for the service. `ExpressGatewayService` outputs
     * neither its load balancer nor its target groups (only `ingressPaths[].endpoint`; the ARNs are in the service
     * revision's `ecsManagedResources.ingressPaths[]`, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ECSManagedResources.html,
     * which no data source reads). The ECS service underneath (same ARN, Express's own cluster) lists its target
     * group and, because Express deploys by canary (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-update-full.html),
     * the alternate one it shifts traffic to: `aws.ecs.getService` → `loadBalancers[0].targetGroupArn` and
     * `advancedConfigurations[0].alternateTargetGroupArn`; `aws.lb.getTargetGroup` → the load balancer's ARN. Both
     * target groups are watched, so a deployment that swaps them keeps the alarms right. Read on every `up`
     * after the service exists (the invoke waits for its name); unknown in the preview of a new stack.
     */
    private loadBalancerTargets(cluster: aws.ecs.Cluster, service: aws.ecs.ExpressGatewayService): AlbTargets {
        const ecs = aws.ecs.getServiceOutput({ clusterArn: cluster.arn, serviceName: service.serviceName }, { parent: this });
        const primary = ecs.loadBalancers.apply((lbs) => {
            const arn = lbs?.[0]?.targetGroupArn;
            if (!arn)
                throw new pulumi.ResourceError(
                    `EcsExpressService: ECS lists no target group for the Express service (DescribeServices loadBalancers is empty)`,
                    this,
                );
            return arn;
        });
        // No alternate listed: the primary again (sums in ratios and the maxima are unchanged by a repeated series).
        const alternate = pulumi
            .all([ecs.loadBalancers, primary])
            .apply(([lbs, p]) => lbs?.[0]?.advancedConfigurations?.[0]?.alternateTargetGroupArn || p);
        const group = aws.lb.getTargetGroupOutput({ arn: primary }, { parent: this });
        const suffix = (arn: pulumi.Output<string>) => arn.apply((a) => a.slice(a.lastIndexOf(":") + 1));
        return {
            loadBalancer: group.loadBalancerArns.apply((arns) => loadBalancerDimension(arns[0])),
            targetGroups: [suffix(primary), suffix(alternate)],
        };
    }

    /** The load balancer's and the tasks' alarms, the SLOs over the load balancer's metrics, the error lines of the log group. */
    private monitor(
        owner: ServiceOwner,
        n: NormalizedService,
        cluster: aws.ecs.Cluster,
        service: aws.ecs.ExpressGatewayService,
        logGroup: aws.cloudwatch.LogGroup,
    ) {
        const targets = this.loadBalancerTargets(cluster, service);
        return monitorService(owner, n, {
            alarms: [...albAlarms(targets, n), ...ecsAlarms({ clusterName: cluster.name, serviceName: service.serviceName }, n)],
            sli: albSli(targets),
            logGroupName: logGroup.name,
            logDependsOn: [logGroup],
            title: `${owner.name} on ECS Express Mode`,
        });
    }

    /** Allow the tasks to open connections to one more destination (same as VpcConnectedAppRunner). */
    allowEgress(name: string, rule: EgressRule): aws.vpc.SecurityGroupEgressRule {
        return allowEgress(this, name, rule);
    }

    /**
     * Three roles, as Express separates them: execution (ECS agent: pull, logs, read the injected
     * secrets), infrastructure (ECS control plane: ALB, target groups, certificates, scaling), task (the
     * app: the caller's statements and nothing else).
     */
    private createRoles(name: string, n: NormalizedService): EcsTaskRoles & { infrastructure: aws.iam.Role } {
        const { execution, task, policies } = ecsTaskRoles(name, `Express service ${name}`, n, this);
        const infrastructure = new aws.iam.Role(
            `${name}-infrastructure-role`,
            {
                assumeRolePolicy: serviceTrustPolicy("ecs.amazonaws.com"),
                description: `ECS infrastructure role (ALB, certificates, scaling) of Express service ${name}`,
                tags: n.tags,
            },
            { parent: this },
        );
        const infrastructurePolicy = new aws.iam.RolePolicyAttachment(
            `${name}-infrastructure-managed`,
            { role: infrastructure.name, policyArn: awsManagedPolicyArn(this, EXPRESS_INFRASTRUCTURE_POLICY) },
            { parent: this },
        );
        return { execution, task, infrastructure, policies: [...policies, infrastructurePolicy] };
    }

    /** Our own cluster (container insights on), rather than Express creating and leaving an unmanaged `default`. */
    private createCluster(name: string, args: EcsExpressServiceArgs): aws.ecs.Cluster {
        return new aws.ecs.Cluster(
            `${name}-cluster`,
            { settings: [{ name: "containerInsights", value: "enabled" }], tags: args.tags },
            { parent: this },
        );
    }

    private createLogGroup(name: string, args: EcsExpressServiceArgs): aws.cloudwatch.LogGroup {
        return new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { retentionInDays: args.logRetentionDays ?? SERVICE_DEFAULTS.logRetentionDays, tags: args.tags },
            { parent: this },
        );
    }

    /**
     * Task security group with no inline rules (the provider then removes AWS's allow-all egress): 443
     * out for ECR, S3, CloudWatch Logs and Secrets Manager (through the VPC endpoints, see `vpc`),
     * plus named destinations; in, the container port from the VPC's addresses (the Express-managed load balancer).
     */
    private createNetwork(owner: ServiceOwner, n: NormalizedService) {
        const { name, tags } = owner;
        const vpc = n.network!.vpc;
        const subnetIds = pulumi.output(vpc.publicSubnetIds ?? vpc.subnetIds).apply((ids) => {
            if (ids.length < 2) {
                throw new pulumi.ResourceError(`EcsExpressService "${name}": ${subnetCountProblem(ids.length)}`, this);
            }
            return ids;
        });
        const { securityGroup, rules } = createServiceSecurityGroup(owner, {
            resourceName: `${name}-sg`,
            vpcId: vpc.vpcId,
            description: `Tasks of Express service ${name}: egress only to named destinations`,
            port: n.port,
            https: "ECR image pulls, S3 layers, CloudWatch Logs, Secrets Manager (VPC endpoints)",
            egress: n.network!.egress,
        });
        // Load balancer → tasks on the container port. Express's infrastructure role may add ingress only to a group
        // tagged AmazonECSManaged=true, or tag the rule itself on creation (AmazonECSInfrastructureRoleforExpress-
        // GatewayServices v6: ModifySecurityGroupOperations, CreateSecurityGroupResourcesWithTags); whether Express
        // does the latter for a group it did not create is documented nowhere, so the rule is ours. The load
        // balancer's own group is Express's and unknown here; its nodes live in `vpc.subnetIds` (Express gives the
        // load balancer and the tasks one subnet list), so the rule admits exactly those subnets' CIDRs — through a
        // prefix list, whose entries can follow a subnet list known only at deploy time — on this one port.
        const port = n.port;
        const loadBalancerSubnets = new aws.ec2.ManagedPrefixList(
            `${name}-load-balancer-subnets`,
            {
                addressFamily: "IPv4",
                // An awsvpc network configuration takes at most 16 subnets (ECS service quotas: "Subnets per awsvpc
                // configuration", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html);
                // a reference counts as this many rules against the group's quota.
                maxEntries: 16,
                entries: subnetIds.apply((ids) =>
                    pulumi
                        .all(ids.map((id) => aws.ec2.getSubnetOutput({ id }, { parent: this }).cidrBlock))
                        .apply((cidrs) => cidrs.map((cidr, i) => ({ cidr, description: `Express load balancer subnet ${ids[i]}` }))),
                ),
                tags,
            },
            { parent: this },
        );
        const fromLoadBalancer = ingressRule(
            `${name}-from-load-balancer`,
            securityGroup.id,
            {
                port,
                prefixListId: loadBalancerSubnets.id,
                description: "The Express-managed load balancer (in the service's subnets) to the container port",
            },
            tags,
            this,
        );
        return { securityGroup, subnetIds, rules: [...rules, fromLoadBalancer] };
    }

    private createService(
        name: string,
        args: EcsExpressServiceArgs,
        n: NormalizedService,
        cpu: string,
        memory: string,
        roles: ReturnType<EcsExpressService["createRoles"]>,
        cluster: aws.ecs.Cluster,
        logGroup: aws.cloudwatch.LogGroup,
        network: ReturnType<EcsExpressService["createNetwork"]>,
        opts: pulumi.ComponentResourceOptions | undefined,
    ): aws.ecs.ExpressGatewayService {
        const port = n.port;
        const target = n.scaling.target!;
        const scalingTarget = {
            minTaskCount: n.scaling.min,
            maxTaskCount: n.scaling.max,
            autoScalingMetric: EXPRESS_METRIC[target.metric]!,
            autoScalingTargetValue: target.value,
        };
        return new aws.ecs.ExpressGatewayService(
            `${name}-service`,
            {
                serviceName: args.serviceName,
                cluster: cluster.name,
                cpu,
                memory,
                executionRoleArn: roles.execution.arn,
                infrastructureRoleArn: roles.infrastructure.arn,
                taskRoleArn: roles.task.arn,
                healthCheckPath: n.health.path,
                primaryContainer: {
                    image: requireDigest("EcsExpressService", name, args.image, this),
                    containerPort: port,
                    // App Runner sets PORT for the container; ECS does not, so the contract sets it here.
                    // EXPRESS_SCALING_TARGET repeats the scaling target: the provider's Update ignores a change of
                    // `scalingTargets` alone (fwflex.Diff WithIgnoredField("scaling_target") in terraform-provider-aws
                    // express_gateway_service.go), so without a diffed field that changes with it, a new min/max/target
                    // would show in the preview and reach no API. With it, the change is an update, and the update
                    // request carries the whole plan, scaling target included (UpdateExpressGatewayService takes
                    // `scalingTarget`: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateExpressGatewayService.html).
                    environments: Object.entries({
                        PORT: String(port),
                        ...(n.environment ?? {}),
                        EXPRESS_SCALING_TARGET: scalingTargetText(scalingTarget),
                    }).map(([k, v]) => ({
                        name: k,
                        value: v,
                    })),
                    secrets: Object.entries(n.secrets ?? {}).map(([k, arn]) => ({ name: k, valueFrom: arn })),
                    awsLogsConfigurations: [{ logGroup: logGroup.name, logStreamPrefix: "app" }],
                },
                scalingTargets: [scalingTarget],
                networkConfigurations: [{ subnets: network.subnetIds, securityGroups: [network.securityGroup.id] }],
                // `pulumi up` reports a failed rollout instead of succeeding while tasks crash-loop.
                waitForSteadyState: true,
                tags: n.tags,
            },
            {
                parent: this,
                // Provider docs: without this, a destroy can remove the policies first and leave the
                // service stuck in DRAINING; on create, the roles must hold their policies before ECS uses them.
                // The component's own `dependsOn` (the VPC endpoints the tasks reach ECR/S3/Logs through) must
                // exist before the first task starts. The group's rules too: created before the first task, and
                // deleted only after the service (and its drain wait), so draining tasks keep their traffic and logs.
                dependsOn: withDependsOn(opts, [...roles.policies, ...network.rules]),
                retainOnDelete: opts?.retainOnDelete,
                // The Update API has no cluster field and the provider does not replace on it (cluster is not
                // RequiresReplace), so a new cluster would otherwise be applied nowhere; a replacement gets a new
                // name (serviceName), so the new service is created before the old one is retired.
                replaceOnChanges: ["cluster"],
            },
        );
    }
}
