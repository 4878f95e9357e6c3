/**
 * A private ECS Fargate service: no public IP, private subnets, found by name through a Cloud Map
 * private DNS namespace (`http://<service>.<namespace>:<port>`), and reachable only from the security
 * groups the caller names — never from a CIDR (the original demo opened 8080 to any IPv4).
 *
 * Container hardening follows the project's security baseline: non-root user, read-only root filesystem (a task-scoped
 * scratch volume is mounted at /tmp), not privileged, per-task security group (awsvpc), execution role
 * and task role split, logs to a log group with retention.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_RETENTION_DAYS } from "./ecs-express-service";
import { ECS_TASK_ROLE_CHILDREN, ecsTaskRoles, type EcsTaskRoles } from "./ecs-task-roles";
import type { PolicyStatement } from "./iam";
import { APP_RUNNER_MAX_CONCURRENCY, APP_RUNNER_MAX_INSTANCES, fargateCpuMemory, intRange, throwIfAny } from "./limits";
import {
    egressRule,
    egressRuleProblems,
    enumProblem,
    listProblem,
    requireDigest,
    serviceVpcProblems,
    stringProblem,
    webServiceProblems,
    withDependsOn,
    type EgressRule,
    type ServiceVpc,
} from "./web-service";
import { componentType, withFormerTypes } from "./component";
import { checkArguments } from "./arguments";
import { linkDatabases, linkedEnvironment, withLinkedEnvironment, type DatabaseLink } from "./database-link";

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

export interface PrivateFargateServiceArgs {
    /** Digest-pinned image to deploy (`repo@sha256:…`), e.g. `ContainerImage.imageUri`. */
    readonly image: pulumi.Input<string>;
    /** Port the container listens on (also the port callers reach and the only ingress port; `PORT` is set to it). @default 8080 */
    readonly port?: number;
    /** Task CPU units (Fargate: 256, 512, 1024, 2048, 4096, 8192, 16384). @default 256 */
    readonly cpu?: number;
    /** Task memory in MiB; must pair with `cpu` (Fargate's table). @default 512 */
    readonly memory?: number;
    /** Plain environment variables (never secrets). `PORT` is set from `port`. @default {} */
    readonly environment?: Record<string, pulumi.Input<string>>;
    /** Env var name → Secrets Manager ARN, injected at start by the execution role. @default {} */
    readonly environmentSecrets?: Record<string, pulumi.Input<string>>;
    /** The app's IAM statements (the task role, output `roleName`). Nothing else is granted to the app. @default [] */
    readonly policyStatements?: PolicyStatement[];
    /** Databases the service connects to (name → a database's `link` output); as `WebServiceArgs.databases`. @default {} */
    readonly databases?: Record<string, pulumi.Input<DatabaseLink>>;
    /**
     * The VPC: private subnets for the tasks (no public IP is ever assigned), the VPC of the Cloud Map
     * namespace and the security group, and egress beyond the 443 the tasks always have. More with `allowEgress`.
     */
    readonly vpc: ServiceVpc;
    /** Security groups allowed to reach `port` (e.g. an App Runner connector's). At least one; never a CIDR. */
    readonly allowFrom: pulumi.Input<string>[];
    /** Cloud Map private DNS namespace, e.g. "apprunner.demo". */
    readonly namespaceName: string;
    /** Cloud Map service name (one DNS label): the host is `<serviceName>.<namespaceName>`. @default the component name */
    readonly serviceName?: string;
    /**
     * Container health check command in ECS form (e.g. `["CMD", "curl", "-f", "http://127.0.0.1:8080/health"]`);
     * unhealthy tasks are replaced and Cloud Map answers with healthy tasks only. It runs inside the image, so it
     * must use a program the image has (`nodeHealthCheckCommand` builds one for Node images).
     * @default none (no container health check: ECS reports a task healthy while it runs)
     */
    readonly healthCheckCommand?: string[];
    /**
     * Tasks to run: a fixed count (this service has no autoscaling, so there is no minSize/maxSize pair to
     * promise). 0 stops the service without deleting it. @default 1
     */
    readonly desiredCount?: number;
    /** FARGATE, or FARGATE_SPOT (cheaper, may be interrupted with two minutes' notice). @default "FARGATE" */
    readonly capacityProvider?: CapacityProvider;
    /** Container user (uid or name); root is refused. @default "1000" */
    readonly user?: string;
    /** CloudWatch log retention in days. @default 30 */
    readonly logRetentionDays?: number;
    /** Tags for every taggable child (also propagated to tasks). @default {} */
    readonly tags?: Record<string, string>;
}

const DNS_LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
const NAMESPACE_NAME = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const SERVICE_NAME = new RegExp(`^${DNS_LABEL}$`);
const CONTAINER = "app";

/** Wrong shapes that would otherwise fail later with a TypeError (thrown before the value checks). */
function shapeProblems(args: PrivateFargateServiceArgs): (string | undefined)[] {
    const command = listProblem("healthCheckCommand", args.healthCheckCommand);
    return [
        listProblem("allowFrom", args.allowFrom, true),
        stringProblem("namespaceName", args.namespaceName, true),
        stringProblem("serviceName", args.serviceName),
        stringProblem("user", args.user),
        command,
        !command &&
        args.healthCheckCommand !== undefined &&
        (args.healthCheckCommand.length === 0 || args.healthCheckCommand.some((c) => typeof c !== "string"))
            ? `\`healthCheckCommand\` must be a non-empty list of strings such as ["CMD", "curl", "-f", "http://127.0.0.1:8080/health"] (got ${JSON.stringify(args.healthCheckCommand)}).`
            : undefined,
        ...serviceVpcProblems("vpc", args.vpc),
    ];
}

/** Every problem with the args, each naming the property, the value and the fix. */
export function privateFargateProblems(name: string, args: PrivateFargateServiceArgs): (string | undefined)[] {
    const port = args.port ?? 8080;
    const serviceName = args.serviceName ?? name;
    const user = args.user ?? "1000";
    const retention = args.logRetentionDays ?? 30;
    return [
        args.allowFrom.length === 0
            ? `\`allowFrom\` must name at least one security group allowed to reach port ${port} (got an empty list); the service accepts no CIDR.`
            : undefined,
        intRange("desiredCount", args.desiredCount ?? 1, 0, 100),
        enumProblem("capacityProvider", args.capacityProvider, CAPACITY_PROVIDERS),
        NAMESPACE_NAME.test(args.namespaceName)
            ? undefined
            : `\`namespaceName\` must be a lower-case DNS name of labels made of a-z, 0-9 and - (e.g. "apprunner.demo") (got "${args.namespaceName}").`,
        SERVICE_NAME.test(serviceName)
            ? undefined
            : `\`serviceName\` must be one lower-case DNS label (a-z, 0-9, -; at most 63 characters) (got "${serviceName}").`,
        fargateCpuMemory("cpu", args.cpu ?? 256, "memory", args.memory ?? 512),
        user === "0" || user === "root" || user.startsWith("0:") || user.startsWith("root:")
            ? `\`user\` must not be root (got "${user}"); use a non-root uid such as "1000" or "node".`
            : undefined,
        LOG_RETENTION_DAYS.includes(retention)
            ? undefined
            : `\`logRetentionDays\` must be one of CloudWatch's values ${LOG_RETENTION_DAYS.join(", ")} (got ${retention}).`,
        // Image, port and env-name rules are the web-service contract's (no sizes passed, so only those can fire).
        ...webServiceProblems(
            {
                image: args.image,
                port,
                environment: args.environment,
                environmentSecrets: args.environmentSecrets,
                policyStatements: args.policyStatements,
                databases: args.databases,
            },
            APP_RUNNER_MAX_INSTANCES,
            APP_RUNNER_MAX_CONCURRENCY,
        ),
    ];
}

/** What the methods need after construction (kept off the class so it is not part of the component's outputs). */
const context = new WeakMap<PrivateFargateService, { name: string; port: number; tags?: Record<string, string> }>();

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

    constructor(name: string, args: PrivateFargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("PrivateFargateService"), name, {}, withFormerTypes(opts, "serverless-containers:ecs:PrivateFargateService"));
        checkArguments("PrivateFargateService", name, args, this, ECS_TASK_ROLE_CHILDREN);
        throwIfAny("PrivateFargateService", name, shapeProblems(args), this);
        throwIfAny("PrivateFargateService", name, privateFargateProblems(name, args), this);
        const port = args.port ?? 8080;
        context.set(this, { name, port, tags: args.tags });

        const roles = ecsTaskRoles(name, name, args, this);
        const logGroup = this.createLogGroup(name, args);
        const cluster = this.createCluster(name, args);
        const securityGroup = this.createSecurityGroup(name, args, port);
        this.securityGroupId = securityGroup.id;
        args.allowFrom.forEach((source, i) => this.addIngress(`${name}-ingress-${i}`, source));
        const discovery = this.createDiscovery(name, args);
        const owner = { component: "PrivateFargateService", name, parent: this, tags: args.tags };
        linkDatabases(owner, { securityGroupId: securityGroup.id, roleName: roles.task.name }, args.databases);
        const environment = withLinkedEnvironment(linkedEnvironment(owner, args.databases), args.environment);
        const taskDefinition = this.createTaskDefinition(name, { ...args, environment }, port, roles, logGroup);
        const service = this.createService(name, args, cluster, taskDefinition, securityGroup, discovery.service, roles, opts);

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
        });
    }

    /** Let one more security group reach the container port (same shape as AuroraWithProxy.allowClient). */
    allowClient(name: string, securityGroupId: pulumi.Input<string>): aws.vpc.SecurityGroupIngressRule {
        return this.addIngress(`${context.get(this)!.name}-${name}`, securityGroupId);
    }

    /** Allow the tasks to open connections to one more destination (same as the web services). */
    allowEgress(name: string, rule: EgressRule): aws.vpc.SecurityGroupEgressRule {
        const c = context.get(this)!;
        throwIfAny("PrivateFargateService", c.name, egressRuleProblems(`allowEgress("${name}")`, rule), this);
        return egressRule(`${c.name}-${name}`, this.securityGroupId, rule, c.tags, this);
    }

    private createLogGroup(name: string, args: PrivateFargateServiceArgs): aws.cloudwatch.LogGroup {
        return new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { retentionInDays: args.logRetentionDays ?? 30, tags: args.tags },
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

    /**
     * No inline rules (the provider then drops AWS's allow-all egress). Ingress: the container port from
     * each named group only. Egress: 443 for ECR, CloudWatch Logs and Secrets Manager through NAT — the
     * app itself calls nothing else; Cloud Map / Route 53 Resolver DNS is not filtered by security groups.
     */
    private createSecurityGroup(name: string, args: PrivateFargateServiceArgs, port: number): aws.ec2.SecurityGroup {
        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            { vpcId: args.vpc.vpcId, description: `Tasks of ${name}: port ${port} from named security groups only`, tags: args.tags },
            { parent: this },
        );
        egressRule(
            `${name}-egress-https`,
            securityGroup.id,
            { port: 443, cidrIpv4: "0.0.0.0/0", description: "ECR image pulls, CloudWatch Logs, Secrets Manager (through NAT)" },
            args.tags,
            this,
        );
        (args.vpc.egress ?? []).forEach((rule, i) => egressRule(`${name}-egress-${i}`, securityGroup.id, rule, args.tags, this));
        return securityGroup;
    }

    private addIngress(resourceName: string, source: pulumi.Input<string>): aws.vpc.SecurityGroupIngressRule {
        const { port, tags } = context.get(this)!;
        return new aws.vpc.SecurityGroupIngressRule(
            resourceName,
            {
                securityGroupId: this.securityGroupId,
                referencedSecurityGroupId: source,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                description: `Port ${port} from a named client security group`,
                tags,
            },
            { parent: this },
        );
    }

    private createDiscovery(name: string, args: PrivateFargateServiceArgs) {
        const namespace = new aws.servicediscovery.PrivateDnsNamespace(
            `${name}-namespace`,
            { name: args.namespaceName, vpc: args.vpc.vpcId, description: `Private DNS for ${name}`, tags: args.tags },
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
        port: number,
        roles: EcsTaskRoles,
        logGroup: aws.cloudwatch.LogGroup,
    ): aws.ecs.TaskDefinition {
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const containerDefinitions = pulumi.jsonStringify([
            {
                name: CONTAINER,
                image: requireDigest("PrivateFargateService", name, args.image, this),
                essential: true,
                user: args.user ?? "1000",
                readonlyRootFilesystem: true,
                privileged: false,
                portMappings: [{ containerPort: port, protocol: "tcp" }],
                environment: Object.entries({ PORT: String(port), ...(args.environment ?? {}) }).map(([k, v]) => ({ name: k, value: v })),
                secrets: Object.entries(args.environmentSecrets ?? {}).map(([k, arn]) => ({ name: k, valueFrom: arn })),
                mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
                linuxParameters: { initProcessEnabled: true },
                // The caller's command, run inside the image (so it must use a program the image has). Unhealthy
                // tasks are replaced and ECS tells Cloud Map, so DNS answers only with healthy tasks.
                ...(args.healthCheckCommand
                    ? { healthCheck: { command: [...args.healthCheckCommand], interval: 15, timeout: 5, retries: 3, startPeriod: 20 } }
                    : {}),
                logConfiguration: {
                    logDriver: "awslogs",
                    options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": name },
                },
            },
        ]);
        return new aws.ecs.TaskDefinition(
            `${name}-task`,
            {
                family: name,
                requiresCompatibilities: ["FARGATE"],
                networkMode: "awsvpc",
                cpu: String(args.cpu ?? 256),
                memory: String(args.memory ?? 512),
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

    private createService(
        name: string,
        args: PrivateFargateServiceArgs,
        cluster: ReturnType<PrivateFargateService["createCluster"]>,
        taskDefinition: aws.ecs.TaskDefinition,
        securityGroup: aws.ec2.SecurityGroup,
        discovery: aws.servicediscovery.Service,
        roles: EcsTaskRoles,
        opts: pulumi.ComponentResourceOptions | undefined,
    ): aws.ecs.Service {
        return new aws.ecs.Service(
            `${name}-service`,
            {
                cluster: cluster.cluster.arn,
                taskDefinition: taskDefinition.arn,
                desiredCount: args.desiredCount ?? 1,
                capacityProviderStrategies: [{ capacityProvider: args.capacityProvider ?? "FARGATE", weight: 1 }],
                platformVersion: "LATEST",
                networkConfiguration: { subnets: args.vpc.subnetIds, securityGroups: [securityGroup.id], assignPublicIp: false },
                serviceRegistries: { registryArn: discovery.arn },
                deploymentCircuitBreaker: { enable: true, rollback: true },
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
