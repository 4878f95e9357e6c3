/**
 * A private ECS Fargate service: no public IP, private subnets, found by name through a Cloud Map
 * private DNS namespace (`http://<service>.<namespace>:<port>`), and reachable only from the security
 * groups the caller names — never from a CIDR (the original demo opened 8080 to any IPv4).
 *
 * Container hardening follows the project's security baseline: non-root user, read-only root filesystem (a task-scoped
 * scratch volume is mounted at /tmp), not privileged, per-task security group (awsvpc), execution role
 * and task role split, logs to a log group with retention.
 *
 * An adapter over the service skeleton (service/skeleton.ts): it has no autoscaling, so `scaling` is one count
 * (`min` = `max`), and its health check is a command run in the container (`health.command`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_RETENTION_DAYS } from "./ecs-express-service";
import { ECS_TASK_ROLE_CHILDREN, ecsTaskRoles, type EcsTaskRoles } from "./ecs-task-roles";
import { throwIfAny } from "./limits";
import { booleanProblem, enumProblem, stringProblem } from "./service/shapes";
import { requireDigest } from "./service/environment";
import type { EgressRule, ServiceVpc } from "./service/network";
import { withDependsOn } from "./service/options";
import type { ServiceArgs } from "./service/args";
import { privateFargateSize } from "./service/sizes";
import {
    collectorConfig,
    COLLECTOR_CONTAINER,
    COLLECTOR_IMAGE,
    COLLECTOR_SHARE,
    COLLECTOR_USER,
    SIDECAR_OTLP_ENVIRONMENT,
    XRAY_PUT_SEGMENTS_STATEMENT,
} from "./service/trace-collector";
import { ecsAlarms, type Realised } from "./observability";
import {
    allowClient,
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

/** Where the tasks run: on-demand Fargate or Fargate Spot. */
export const CapacityProvider = {
    /** On-demand Fargate. */
    FARGATE: "FARGATE",
    /** Fargate Spot: cheaper, may be interrupted with two minutes' notice. */
    FARGATE_SPOT: "FARGATE_SPOT",
} as const;
export type CapacityProvider = (typeof CapacityProvider)[keyof typeof CapacityProvider];
export const CAPACITY_PROVIDERS: readonly CapacityProvider[] = Object.values(CapacityProvider);

/** How clients in the VPC address a service registered in Cloud Map (A records in the private zone). */
export function cloudMapUrl(serviceName: string, namespaceName: string, port: number): string {
    return `http://${serviceName}.${namespaceName}:${port}`;
}

/**
 * A container health check command for a Node.js image (which has no curl or wget): Node's fetch requests
 * `path` on the container's own port, exit 0 on a 2xx answer.
 */
export function nodeHealthCheckCommand(port: number, path: string): string[] {
    // The path is pasted into a JavaScript string: only plain path characters, so it cannot close the string.
    if (!/^\/[A-Za-z0-9/_.-]*$/.test(path))
        throw new Error(
            `nodeHealthCheckCommand: the path must start with "/" and use only letters, digits, / _ . - (got ${JSON.stringify(path)}).`,
        );
    if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new Error(`nodeHealthCheckCommand: the port must be an integer between 1 and 65535 (got ${port}).`);
    return ["CMD", "node", "-e", `fetch("http://127.0.0.1:${port}${path}").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
}

/**
 * `ServiceArgs` on a private ECS Fargate service. `network` is required: private subnets for the tasks (no public
 * IP is ever assigned), the VPC of the Cloud Map namespace and the security group, `network.allowFrom` the groups
 * allowed to reach `port` (at least one; never a CIDR), and egress beyond the 443 the tasks always have. `scaling`
 * is a fixed count (`min` = `max`; 0 stops the service without deleting it; default 1). `health.command` is the
 * container health check (unhealthy tasks are replaced and Cloud Map answers with healthy tasks only).
 */
export interface PrivateFargateServiceArgs extends ServiceArgs {
    /** Cloud Map private DNS namespace, e.g. "apprunner.demo". */
    readonly namespaceName: string;
    /** Cloud Map service name (one DNS label): the host is `<serviceName>.<namespaceName>`. @default the component name */
    readonly serviceName?: string;
    /** FARGATE, or FARGATE_SPOT (cheaper, may be interrupted with two minutes' notice). @default "FARGATE" */
    readonly capacityProvider?: CapacityProvider;
    /** Container user (uid or name); root is refused. @default "1000" */
    readonly user?: string;
    /** CloudWatch log retention in days. @default 30 */
    readonly logRetentionDays?: number;
    /**
     * Send traces to AWS X-Ray: an OpenTelemetry collector sidecar in each task (its share, 0.05 vCPU and 128 MiB, comes
     * out of `cpu`/`memory`) receives the app's OTLP on localhost, and the task role may call `xray:PutTraceSegments`.
     * @default false
     */
    readonly observability?: boolean;
    /** Deprecated: use `secrets`. @deprecated use `secrets` */
    readonly environmentSecrets?: Record<string, pulumi.Input<string>>;
    /** Deprecated: use `network.vpc` (and `network.egress` for `vpc.egress`). @deprecated use `network` */
    readonly vpc?: ServiceVpc;
    /** Deprecated: use `network.allowFrom`. @deprecated use `network.allowFrom` */
    readonly allowFrom?: pulumi.Input<string>[];
    /** Deprecated: use `health.command`. @deprecated use `health.command` */
    readonly healthCheckCommand?: string[];
    /** Deprecated: use `scaling` { min: n, max: n }. @deprecated use `scaling` */
    readonly desiredCount?: number;
}

const DNS_LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
const NAMESPACE_NAME = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const SERVICE_NAME = new RegExp(`^${DNS_LABEL}$`);
const CONTAINER = "app";

/** Every problem with the (resolved) args, each naming the property, the value and the fix; the normalised service and its size. */
export function privateFargateProblems(
    name: string,
    args: PrivateFargateServiceArgs,
    resource: pulumi.Resource,
    deprecations: ReturnType<typeof resolveServiceArgs>["deprecations"],
): { n: NormalizedService; cpu: number; memory: number } {
    const size = privateFargateSize(args?.cpu ?? SERVICE_DEFAULTS.cpu, args?.memory ?? SERVICE_DEFAULTS.memory, deprecations);
    const object = typeof args === "object" && args !== null;
    if (object) {
        throwIfAny(
            "PrivateFargateService",
            name,
            [
                stringProblem("namespaceName", args.namespaceName, true),
                stringProblem("serviceName", args.serviceName),
                stringProblem("user", args.user),
                booleanProblem("observability", args.observability),
            ],
            resource,
        );
    }
    const serviceName = args?.serviceName ?? name;
    const user = args?.user ?? "1000";
    const retention = args?.logRetentionDays ?? SERVICE_DEFAULTS.logRetentionDays;
    const n = normalizeService("private-fargate", "PrivateFargateService", name, args, deprecations, resource, [
        networkRequiredProblem(
            args?.network,
            "the private subnets, the namespace's VPC and `network.allowFrom` (the groups that may reach the service).",
        ),
        args?.network && args.network.allowFrom === undefined
            ? `\`network.allowFrom\` must name at least one security group allowed to reach port ${args.port ?? SERVICE_DEFAULTS.port}; the service accepts no CIDR.`
            : undefined,
        ...(size.problems ?? []),
        enumProblem("capacityProvider", args?.capacityProvider, CAPACITY_PROVIDERS),
        object && NAMESPACE_NAME.test(args.namespaceName)
            ? undefined
            : `\`namespaceName\` must be a lower-case DNS name of labels made of a-z, 0-9 and - (e.g. "apprunner.demo") (got "${args?.namespaceName}").`,
        SERVICE_NAME.test(serviceName)
            ? undefined
            : `\`serviceName\` must be one lower-case DNS label (a-z, 0-9, -; at most 63 characters) (got "${serviceName}").`,
        user === "0" || user === "root" || user.startsWith("0:") || user.startsWith("root:")
            ? `\`user\` must not be root (got "${user}"); use a non-root uid such as "1000" or "node".`
            : undefined,
        LOG_RETENTION_DAYS.includes(retention)
            ? undefined
            : `\`logRetentionDays\` must be one of CloudWatch's values ${LOG_RETENTION_DAYS.join(", ")} (got ${retention}).`,
    ]);
    const { cpu, memory } = size as { cpu: number; memory: number };
    return { n, cpu, memory };
}

/** A private ECS Fargate service with no public IP, found by name through a Cloud Map private DNS namespace and reachable only from the security groups named. */
export class PrivateFargateService extends pulumi.ComponentResource {
    /** `http://<service>.<namespace>:<port>`, built from the Cloud Map resources themselves (resolvable inside the VPC). */
    public readonly url: pulumi.Output<string>;
    /** The tasks' security group. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** ARN of the role the app runs as (the task role). */
    public readonly roleArn: pulumi.Output<string>;
    /** Name of the role the app runs as. */
    public readonly roleName: pulumi.Output<string>;
    /** ECS cluster name. */
    public readonly clusterName: pulumi.Output<string>;
    /** ECS service name. */
    public readonly serviceName: pulumi.Output<string>;
    /** Cloud Map namespace name. */
    public readonly namespaceName: pulumi.Output<string>;
    /** Cloud Map service name (the host label). */
    public readonly discoveryName: pulumi.Output<string>;
    /** Name of the service's CloudWatch dashboard (absent with `monitoring.enabled` or `monitoring.dashboard` false). */
    public readonly dashboardName?: pulumi.Output<string>;
    /** ARN of the "unhealthy" composite alarm over the page alarms (absent when monitoring is off or no page alarm is left). */
    public readonly unhealthyAlarmArn?: pulumi.Output<string>;

    constructor(name: string, args: PrivateFargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("PrivateFargateService"), name, {}, withFormerTypes(opts, "serverless-containers:ecs:PrivateFargateService"));
        checkArguments("PrivateFargateService", name, args, this, ECS_TASK_ROLE_CHILDREN);
        const resolved = resolveServiceArgs("PrivateFargateService", name, args);
        args = resolved.args;
        const { n, cpu, memory } = privateFargateProblems(name, args, this, resolved.deprecations);
        resolved.deprecations.warn(this);
        const port = n.port;
        const owner: ServiceOwner = { component: "PrivateFargateService", name, parent: this, tags: args.tags };

        // With tracing, the collector exports as the task role: the caller's statements plus X-Ray's one action.
        const roles = ecsTaskRoles(
            name,
            name,
            args.observability ? { ...n, policyStatements: [...n.policyStatements, XRAY_PUT_SEGMENTS_STATEMENT] } : n,
            this,
        );
        const logGroup = this.createLogGroup(name, args);
        const cluster = this.createCluster(name, args);
        const { securityGroup } = createServiceSecurityGroup(owner, {
            resourceName: `${name}-sg`,
            vpcId: n.network!.vpc.vpcId,
            description: `Tasks of ${name}: port ${port} from named security groups only`,
            port,
            // The app itself calls nothing else; Cloud Map / Route 53 Resolver DNS is not filtered by security groups.
            https: "ECR image pulls, CloudWatch Logs, Secrets Manager (through NAT)",
            egress: n.network!.egress,
            allowFrom: n.network!.allowFrom,
        });
        this.securityGroupId = securityGroup.id;
        const discovery = this.createDiscovery(name, args, n);
        linkDatabases(owner, { securityGroupId: securityGroup.id, roleName: roles.task.name }, n.databases);
        const environment = serviceEnvironment(owner, n);
        const taskDefinition = this.createTaskDefinition(name, args, { ...n, environment }, cpu, memory, roles, logGroup);
        // Before the service: its deployment alarms name them.
        const monitoring = monitorService(owner, n, {
            // The cluster is the service's own, so its task counts are the service's (see ecsAlarms).
            alarms: ecsAlarms({ clusterName: cluster.cluster.name }, n),
            logGroupName: logGroup.name,
            logDependsOn: [logGroup],
            title: `${name} on private Fargate`,
        });
        const service = this.createService(
            name,
            args,
            n,
            cluster,
            taskDefinition,
            securityGroup,
            discovery.service,
            roles,
            opts,
            monitoring,
        );
        this.dashboardName = monitoring?.dashboard?.dashboardName;
        this.unhealthyAlarmArn = monitoring?.unhealthy?.arn;

        this.url = pulumi
            .all([discovery.service.name, discovery.namespace.name])
            .apply(([service, namespace]) => cloudMapUrl(service, namespace, port));
        this.roleArn = roles.task.arn;
        this.roleName = roles.task.name;
        this.clusterName = cluster.cluster.name;
        this.serviceName = service.name;
        this.namespaceName = discovery.namespace.name;
        this.discoveryName = discovery.service.name;
        this.registerOutputs({
            url: this.url,
            securityGroupId: this.securityGroupId,
            roleArn: this.roleArn,
            roleName: this.roleName,
            clusterName: this.clusterName,
            serviceName: this.serviceName,
            namespaceName: this.namespaceName,
            discoveryName: this.discoveryName,
            ...(this.dashboardName ? { dashboardName: this.dashboardName } : {}),
            ...(this.unhealthyAlarmArn ? { unhealthyAlarmArn: this.unhealthyAlarmArn } : {}),
        });
    }

    /** Let one more security group reach the container port (same shape as AuroraWithProxy.allowClient). */
    allowClient(name: string, securityGroupId: pulumi.Input<string>): aws.vpc.SecurityGroupIngressRule {
        return allowClient(this, name, securityGroupId);
    }

    /** Allow the tasks to open connections to one more destination (same as the web services). */
    allowEgress(name: string, rule: EgressRule): aws.vpc.SecurityGroupEgressRule {
        return allowEgress(this, name, rule);
    }

    private createLogGroup(name: string, args: PrivateFargateServiceArgs): aws.cloudwatch.LogGroup {
        return new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { retentionInDays: args.logRetentionDays ?? SERVICE_DEFAULTS.logRetentionDays, tags: args.tags },
            { parent: this },
        );
    }

    private createCluster(name: string, args: PrivateFargateServiceArgs) {
        const cluster = new aws.ecs.Cluster(
            `${name}-cluster`,
            { settings: [{ name: "containerInsights", value: "enabled" }], tags: args.tags },
            { parent: this },
        );
        // A capacity provider strategy only works once the cluster lists the providers.
        const capacityProviders = new aws.ecs.ClusterCapacityProviders(
            `${name}-capacity`,
            {
                clusterName: cluster.name,
                capacityProviders: [...CAPACITY_PROVIDERS],
                defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }],
            },
            { parent: this },
        );
        return { cluster, capacityProviders };
    }

    private createDiscovery(name: string, args: PrivateFargateServiceArgs, n: NormalizedService) {
        const namespace = new aws.servicediscovery.PrivateDnsNamespace(
            `${name}-namespace`,
            { name: args.namespaceName, vpc: n.network!.vpc.vpcId, description: `Private DNS for ${name}`, tags: args.tags },
            // One namespace of a name per VPC: a replacement must delete the old one first.
            { parent: this, deleteBeforeReplace: true },
        );
        const service = new aws.servicediscovery.Service(
            `${name}-discovery`,
            {
                name: args.serviceName ?? name,
                namespaceId: namespace.id,
                dnsConfig: {
                    namespaceId: namespace.id,
                    // One A record per healthy task; a short TTL so replaced tasks drop out quickly.
                    dnsRecords: [{ type: "A", ttl: 10 }],
                    routingPolicy: "MULTIVALUE",
                },
                // ECS reports task health to Cloud Map; AWS fixes the threshold at 1 (the block is what matters).
                healthCheckCustomConfig: { failureThreshold: 1 },
                // Deregister what is still registered before deleting. A new name or namespace replaces this service
                // while the ECS service is only updated onto the new one (service registries are updated in place,
                // and the update returns before ECS stops the old tasks); a namespace change deletes it before the
                // tasks move at all. Cloud Map refuses to delete a service with registered instances (ResourceInUse,
                // hashicorp/terraform-provider-aws#4853); the provider deregisters them first only with force_destroy
                // (internal/service/servicediscovery/service.go). On destroy the ECS service is deleted first anyway.
                forceDestroy: true,
                tags: args.tags,
            },
            { parent: this },
        );
        return { namespace, service };
    }

    private createTaskDefinition(
        name: string,
        args: PrivateFargateServiceArgs,
        n: NormalizedService,
        cpu: number,
        memory: number,
        roles: EcsTaskRoles,
        logGroup: aws.cloudwatch.LogGroup,
    ): aws.ecs.TaskDefinition {
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const port = n.port;
        const logConfiguration = {
            logDriver: "awslogs",
            options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": name },
        };
        const tracing = args.observability === true;
        const containerDefinitions = pulumi.jsonStringify([
            {
                name: CONTAINER,
                image: requireDigest("PrivateFargateService", name, args.image, this),
                essential: true,
                user: args.user ?? "1000",
                readonlyRootFilesystem: true,
                privileged: false,
                portMappings: [{ containerPort: port, protocol: "tcp" }],
                // As on App Runner, a variable the caller sets wins over the tracing ones.
                environment: Object.entries({
                    PORT: String(port),
                    ...(tracing ? SIDECAR_OTLP_ENVIRONMENT : {}),
                    ...(n.environment ?? {}),
                }).map(([k, v]) => ({ name: k, value: v })),
                secrets: Object.entries(n.secrets ?? {}).map(([k, arn]) => ({ name: k, valueFrom: arn })),
                mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
                linuxParameters: { initProcessEnabled: true },
                // The caller's command, run inside the image (so it must use a program the image has). Unhealthy
                // tasks are replaced and ECS tells Cloud Map, so DNS answers only with healthy tasks.
                ...(n.health.command
                    ? { healthCheck: { command: [...n.health.command], interval: 15, timeout: 5, retries: 3, startPeriod: 20 } }
                    : {}),
                // Started after the collector, so the first spans find it; the dependency is reversed on shutdown, so the
                // app stops first and its last spans (flushed on SIGTERM) still reach the collector
                // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html).
                ...(tracing ? { dependsOn: [{ containerName: COLLECTOR_CONTAINER, condition: "START" }] } : {}),
                logConfiguration,
            },
            ...(tracing ? [this.collectorContainer(region, logConfiguration)] : []),
        ]);
        return new aws.ecs.TaskDefinition(
            `${name}-task`,
            {
                family: name,
                requiresCompatibilities: ["FARGATE"],
                networkMode: "awsvpc",
                cpu: String(cpu),
                memory: String(memory),
                runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
                executionRoleArn: roles.execution.arn,
                taskRoleArn: roles.task.arn,
                // Task-scoped scratch space so the root filesystem can stay read-only.
                volumes: [{ name: "tmp" }],
                containerDefinitions,
                tags: args.tags,
            },
            { parent: this },
        );
    }

    /**
     * The OpenTelemetry collector sidecar (service/trace-collector.ts). Not essential: a collector crash loses traces,
     * never requests, and ECS restarts it in place (container restart policy, supported on Fargate:
     * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-restart-policy.html) instead of replacing
     * the task. Its `cpu`/`memory` are carved out of the task's (the app container sets none and takes the rest), so the
     * task size stays the caller's valid pair. Hardened like the app: its image's non-root user, read-only root
     * filesystem (it writes no file: in a container it logs to stdout only, aws-observability/aws-otel-collector#451,
     * #484), not privileged.
     */
    private collectorContainer(region: pulumi.Output<string>, logConfiguration: object) {
        return {
            name: COLLECTOR_CONTAINER,
            image: COLLECTOR_IMAGE,
            essential: false,
            user: COLLECTOR_USER,
            readonlyRootFilesystem: true,
            privileged: false,
            cpu: Math.round((COLLECTOR_SHARE.milliCpu * 1024) / 1000),
            memory: COLLECTOR_SHARE.memoryMiB,
            environment: [{ name: "AOT_CONFIG_CONTENT", value: region.apply(collectorConfig) }],
            restartPolicy: { enabled: true, restartAttemptPeriod: 60 },
            // The image's own probe of the health_check extension (it has no shell).
            healthCheck: { command: ["CMD", "/healthcheck"], interval: 15, timeout: 5, retries: 3, startPeriod: 10 },
            logConfiguration,
        };
    }

    private createService(
        name: string,
        args: PrivateFargateServiceArgs,
        n: NormalizedService,
        cluster: ReturnType<PrivateFargateService["createCluster"]>,
        taskDefinition: aws.ecs.TaskDefinition,
        securityGroup: aws.ec2.SecurityGroup,
        discovery: aws.servicediscovery.Service,
        roles: EcsTaskRoles,
        opts: pulumi.ComponentResourceOptions | undefined,
        monitoring: Realised | undefined,
    ): aws.ecs.Service {
        return new aws.ecs.Service(
            `${name}-service`,
            {
                cluster: cluster.cluster.arn,
                taskDefinition: taskDefinition.arn,
                desiredCount: n.scaling.min,
                capacityProviderStrategies: [{ capacityProvider: args.capacityProvider ?? "FARGATE", weight: 1 }],
                platformVersion: "LATEST",
                networkConfiguration: { subnets: n.network!.vpc.subnetIds, securityGroups: [securityGroup.id], assignPublicIp: false },
                serviceRegistries: { registryArn: discovery.arn },
                deploymentCircuitBreaker: { enable: true, rollback: true },
                // A deployment fails (and rolls back unless `monitoring.rollback` is false) when a page alarm fires
                // during it. Deployment alarms need the rolling `ECS` deployment controller, the default one here
                // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentAlarms.html); none
                // without a page alarm (scaling.min 0, or all of them removed or made tickets).
                ...(monitoring?.unhealthy
                    ? { alarms: { alarmNames: monitoring.pageAlarmNames, enable: true, rollback: n.monitoring?.rollback ?? true } }
                    : {}),
                deploymentMinimumHealthyPercent: 100,
                deploymentMaximumPercent: 200,
                enableEcsManagedTags: true,
                propagateTags: "SERVICE",
                tags: args.tags,
            },
            // Tasks need the providers on the cluster and their roles' policies (and whatever the component's own
            // `dependsOn` names) before they start; on destroy the policies then outlive the draining tasks.
            { parent: this, dependsOn: withDependsOn(opts, [cluster.capacityProviders, ...roles.policies]) },
        );
    }
}
