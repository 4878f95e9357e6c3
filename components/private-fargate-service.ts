/**
 * A private ECS Fargate service: no public IP, private subnets, found by name through a Cloud Map
 * private DNS namespace (`http://<service>.<namespace>:<port>`), and reachable only from the security
 * groups the caller names — never from a CIDR (the original demo opened 8080 to any IPv4).
 *
 * Container hardening follows seed 003: non-root user, read-only root filesystem (a task-scoped
 * scratch volume is mounted at /tmp), not privileged, per-task security group (awsvpc), execution role
 * and task role split, logs to a log group with retention.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_RETENTION_DAYS } from "./ecs-express-service";
import { iamStatements, injectedSecretsPolicy, policyDocument, serviceTrustPolicy, type PolicyStatement } from "./iam";
import { APP_RUNNER_MAX_CONCURRENCY, APP_RUNNER_MAX_INSTANCES, fargateCpuMemory, intRange, throwIfAny } from "./limits";
import { egressRule, requireDigest, webServiceProblems } from "./web-service";
import { componentType, withFormerTypes } from "./component";

export const CAPACITY_PROVIDERS = ["FARGATE", "FARGATE_SPOT"] as const;
export type CapacityProvider = (typeof CAPACITY_PROVIDERS)[number];

/** How clients in the VPC address a service registered in Cloud Map (A records in the private zone). */
export function cloudMapUrl(serviceName: string, namespaceName: string, port: number): string {
    return `http://${serviceName}.${namespaceName}:${port}`;
}

export interface PrivateFargateServiceArgs {
    /** Digest-pinned image (`repo@sha256:…`), e.g. `ContainerImage.imageUri`. */
    readonly imageUri: pulumi.Input<string>;
    /** Port the container listens on (also the port callers reach and the only ingress port). @default 8080 */
    readonly port?: number;
    /** Task CPU units (Fargate: 256, 512, 1024, 2048, 4096, 8192, 16384). @default 256 */
    readonly cpu?: number;
    /** Task memory in MiB; must pair with `cpu` (Fargate's table). @default 512 */
    readonly memory?: number;
    /** Plain environment variables (never secrets). `PORT` is set from `port`. */
    readonly environment?: Record<string, pulumi.Input<string>>;
    /** Env var name → Secrets Manager ARN, injected at start by the execution role. */
    readonly environmentSecrets?: Record<string, pulumi.Input<string>>;
    /** The app's IAM statements (task role). Nothing else is granted to the app. */
    readonly policyStatements?: PolicyStatement[];
    /** VPC of the namespace and the security group. */
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets for the tasks (no public IP is ever assigned). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Security groups allowed to reach `port` (e.g. an App Runner connector's). At least one; never a CIDR. */
    readonly allowFrom: pulumi.Input<string>[];
    /** Cloud Map private DNS namespace, e.g. "apprunner.demo". */
    readonly namespaceName: string;
    /** Cloud Map service name (one DNS label): the host is `<serviceName>.<namespaceName>`. @default the component name */
    readonly serviceName?: string;
    /** HTTP path the container health check requests (Cloud Map then answers with healthy tasks only). @default "/health" */
    readonly healthCheckPath?: string;
    /** Tasks to run. @default 1 */
    readonly desiredCount?: number;
    /** FARGATE, or FARGATE_SPOT (cheaper, may be interrupted with two minutes' notice). @default "FARGATE" */
    readonly capacityProvider?: CapacityProvider;
    /** Container user (uid or name); root is refused. @default "1000" */
    readonly user?: string;
    /** CloudWatch log retention in days. @default 30 */
    readonly logRetentionDays?: number;
    /** Tags for every taggable child (also propagated to tasks). */
    readonly tags?: Record<string, string>;
}

const DNS_LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
const NAMESPACE_NAME = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const SERVICE_NAME = new RegExp(`^${DNS_LABEL}$`);
const EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
const CONTAINER = "app";

/** Every problem with the args, each naming the property, the value and the fix. */
export function privateFargateProblems(name: string, args: PrivateFargateServiceArgs): (string | undefined)[] {
    const port = args.port ?? 8080;
    const serviceName = args.serviceName ?? name;
    const capacity = args.capacityProvider ?? "FARGATE";
    const user = args.user ?? "1000";
    const retention = args.logRetentionDays ?? 30;
    return [
        args.allowFrom.length === 0
            ? `\`allowFrom\` must name at least one security group allowed to reach port ${port} (got an empty list); the service accepts no CIDR.`
            : undefined,
        intRange("desiredCount", args.desiredCount ?? 1, 0, 100),
        (CAPACITY_PROVIDERS as readonly string[]).includes(capacity)
            ? undefined
            : `\`capacityProvider\` must be one of ${CAPACITY_PROVIDERS.join(" | ")} (got "${capacity}").`,
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
        /^\/[A-Za-z0-9/_.-]*$/.test(args.healthCheckPath ?? "/health")
            ? undefined
            : `\`healthCheckPath\` must start with "/" and use only letters, digits, / _ . - (got "${args.healthCheckPath}").`,
        LOG_RETENTION_DAYS.includes(retention) ? undefined : `\`logRetentionDays\` must be one of CloudWatch's values ${LOG_RETENTION_DAYS.join(", ")} (got ${retention}).`,
        // Port and env-name rules are the web-service contract's (no sizes passed, so only those can fire).
        ...webServiceProblems({ imageUri: args.imageUri, port, environment: args.environment, environmentSecrets: args.environmentSecrets, policyStatements: args.policyStatements }, APP_RUNNER_MAX_INSTANCES, APP_RUNNER_MAX_CONCURRENCY),
    ];
}

/** A private ECS Fargate service with no public IP, found by name through a Cloud Map private DNS namespace and reachable only from the security groups named. */
export class PrivateFargateService extends pulumi.ComponentResource {
    /** `http://<service>.<namespace>:<port>`, built from the Cloud Map resources themselves. */
    public readonly url: pulumi.Output<string>;
    /** The tasks' security group. */
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly clusterName: pulumi.Output<string>;
    /** ECS service name. */
    public readonly serviceName: pulumi.Output<string>;
    public readonly namespaceName: pulumi.Output<string>;
    /** Cloud Map service name (the host label). */
    public readonly discoveryName: pulumi.Output<string>;
    private readonly componentName: string;
    private readonly port: number;
    private readonly tags?: Record<string, string>;

    constructor(name: string, args: PrivateFargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("PrivateFargateService"), name, {}, withFormerTypes(opts, "serverless-containers:ecs:PrivateFargateService"));
        throwIfAny("PrivateFargateService", name, privateFargateProblems(name, args), this);
        this.componentName = name;
        this.port = args.port ?? 8080;
        this.tags = args.tags;

        const roles = this.createRoles(name, args);
        const logGroup = this.createLogGroup(name, args);
        const cluster = this.createCluster(name, args);
        const securityGroup = this.createSecurityGroup(name, args);
        this.securityGroupId = securityGroup.id;
        args.allowFrom.forEach((source, i) => this.addIngress(`${name}-ingress-${i}`, source));
        const discovery = this.createDiscovery(name, args);
        const taskDefinition = this.createTaskDefinition(name, args, roles, logGroup);
        const service = this.createService(name, args, cluster, taskDefinition, securityGroup, discovery.service, roles);

        this.url = pulumi.all([discovery.service.name, discovery.namespace.name]).apply(([service, namespace]) => cloudMapUrl(service, namespace, this.port));
        this.clusterName = cluster.cluster.name;
        this.serviceName = service.name;
        this.namespaceName = discovery.namespace.name;
        this.discoveryName = discovery.service.name;
        this.registerOutputs({
            url: this.url,
            securityGroupId: this.securityGroupId,
            clusterName: this.clusterName,
            serviceName: this.serviceName,
            namespaceName: this.namespaceName,
            discoveryName: this.discoveryName,
        });
    }

    /** Let one more security group reach the container port (same shape as AuroraWithProxy.allowClient). */
    allowClient(ruleName: string, securityGroupId: pulumi.Input<string>): aws.vpc.SecurityGroupIngressRule {
        return this.addIngress(`${this.componentName}-${ruleName}`, securityGroupId);
    }

    /** Execution role: the ECS agent pulls the image, writes logs and reads the injected secrets. Task role: the app. */
    private createRoles(name: string, args: PrivateFargateServiceArgs) {
        const execution = new aws.iam.Role(
            `${name}-execution-role`,
            { assumeRolePolicy: serviceTrustPolicy("ecs-tasks.amazonaws.com"), description: `ECS agent role (pull, logs) of ${name}`, tags: args.tags },
            { parent: this },
        );
        const policies: pulumi.Resource[] = [
            new aws.iam.RolePolicyAttachment(`${name}-execution-managed`, { role: execution.name, policyArn: EXECUTION_POLICY }, { parent: this }),
        ];
        const secretArns = Object.values(args.environmentSecrets ?? {});
        if (secretArns.length > 0) {
            policies.push(
                new aws.iam.RolePolicy(
                    `${name}-execution-secrets`,
                    { role: execution.name, policy: injectedSecretsPolicy(secretArns) },
                    { parent: this },
                ),
            );
        }
        const task = new aws.iam.Role(
            `${name}-task-role`,
            { assumeRolePolicy: serviceTrustPolicy("ecs-tasks.amazonaws.com"), description: `Runtime role of ${name}`, tags: args.tags },
            { parent: this },
        );
        const statements = args.policyStatements ?? [];
        if (statements.length > 0) {
            policies.push(new aws.iam.RolePolicy(`${name}-task-policy`, { role: task.name, policy: policyDocument(iamStatements(statements)) }, { parent: this }));
        }
        return { execution, task, policies };
    }

    private createLogGroup(name: string, args: PrivateFargateServiceArgs): aws.cloudwatch.LogGroup {
        return new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: args.logRetentionDays ?? 30, tags: args.tags }, { parent: this });
    }

    private createCluster(name: string, args: PrivateFargateServiceArgs) {
        const cluster = new aws.ecs.Cluster(`${name}-cluster`, { settings: [{ name: "containerInsights", value: "enabled" }], tags: args.tags }, { parent: this });
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
    private createSecurityGroup(name: string, args: PrivateFargateServiceArgs): aws.ec2.SecurityGroup {
        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            { vpcId: args.vpcId, description: `Tasks of ${name}: port ${this.port} from named security groups only`, tags: args.tags },
            { parent: this },
        );
        egressRule(`${name}-egress-https`, securityGroup.id, { port: 443, cidrIpv4: "0.0.0.0/0", description: "ECR image pulls, CloudWatch Logs, Secrets Manager (through NAT)" }, args.tags, this);
        return securityGroup;
    }

    private addIngress(resourceName: string, source: pulumi.Input<string>): aws.vpc.SecurityGroupIngressRule {
        return new aws.vpc.SecurityGroupIngressRule(
            resourceName,
            {
                securityGroupId: this.securityGroupId,
                referencedSecurityGroupId: source,
                ipProtocol: "tcp",
                fromPort: this.port,
                toPort: this.port,
                description: `Port ${this.port} from a named client security group`,
                tags: this.tags,
            },
            { parent: this },
        );
    }

    private createDiscovery(name: string, args: PrivateFargateServiceArgs) {
        const namespace = new aws.servicediscovery.PrivateDnsNamespace(
            `${name}-namespace`,
            { name: args.namespaceName, vpc: args.vpcId, description: `Private DNS for ${name}`, tags: args.tags },
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
                tags: args.tags,
            },
            { parent: this },
        );
        return { namespace, service };
    }

    private createTaskDefinition(
        name: string,
        args: PrivateFargateServiceArgs,
        roles: ReturnType<PrivateFargateService["createRoles"]>,
        logGroup: aws.cloudwatch.LogGroup,
    ): aws.ecs.TaskDefinition {
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const containerDefinitions = pulumi.jsonStringify([
            {
                name: CONTAINER,
                image: requireDigest("PrivateFargateService", name, args.imageUri),
                essential: true,
                user: args.user ?? "1000",
                readonlyRootFilesystem: true,
                privileged: false,
                portMappings: [{ containerPort: this.port, protocol: "tcp" }],
                environment: Object.entries({ PORT: String(this.port), ...(args.environment ?? {}) }).map(([k, v]) => ({ name: k, value: v })),
                secrets: Object.entries(args.environmentSecrets ?? {}).map(([k, arn]) => ({ name: k, valueFrom: arn })),
                mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
                linuxParameters: { initProcessEnabled: true },
                // The image is Node (no curl/wget): Node's fetch probes the app. Unhealthy tasks are
                // replaced and ECS tells Cloud Map, so DNS answers only with healthy tasks.
                healthCheck: {
                    command: ["CMD", "node", "-e", `fetch("http://127.0.0.1:${this.port}${args.healthCheckPath ?? "/health"}").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
                    interval: 15,
                    timeout: 5,
                    retries: 3,
                    startPeriod: 20,
                },
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
        roles: ReturnType<PrivateFargateService["createRoles"]>,
    ): aws.ecs.Service {
        return new aws.ecs.Service(
            `${name}-service`,
            {
                cluster: cluster.cluster.arn,
                taskDefinition: taskDefinition.arn,
                desiredCount: args.desiredCount ?? 1,
                capacityProviderStrategies: [{ capacityProvider: args.capacityProvider ?? "FARGATE", weight: 1 }],
                platformVersion: "LATEST",
                networkConfiguration: { subnets: args.subnetIds, securityGroups: [securityGroup.id], assignPublicIp: false },
                serviceRegistries: { registryArn: discovery.arn },
                deploymentCircuitBreaker: { enable: true, rollback: true },
                deploymentMinimumHealthyPercent: 100,
                deploymentMaximumPercent: 200,
                enableEcsManagedTags: true,
                propagateTags: "SERVICE",
                tags: args.tags,
            },
            // Tasks need the providers on the cluster and their roles' policies before they start; on
            // destroy the policies then outlive the draining tasks.
            { parent: this, dependsOn: [cluster.capacityProviders, ...roles.policies] },
        );
    }
}
