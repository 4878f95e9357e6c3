/**
 * The service skeleton every service component (App Runner, ECS Express, private Fargate, EKS) is an adapter
 * over: it owns the `ServiceArgs` defaults (SERVICE_DEFAULTS, per platform where they differ), the old names
 * (aliases.ts), the checks of the shared vocabulary with each platform's refusals, the service's own security
 * group with its egress and admitted clients, `allowEgress`/`allowClient` after construction, the database
 * links, the caller's statements on the role the adapter creates, and the outputs every client needs. An
 * adapter keeps only what its platform does differently (its roles, its service resource, its notation).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { iamStatements, policyDocument, policyStatementProblems, type PolicyStatement } from "../iam";
import { databasesProblems, linkDatabases, linkedEnvironment, withLinkedEnvironment, type DatabaseLink } from "../database-link";
import { intRange, minNotAboveMax, throwIfAny } from "../limits";
import { Deprecations, resolveAliases, type LegacyServiceArgs } from "./aliases";
import type { ScalingMetric, ScalingTarget, ServiceArgs, ServiceHealth, ServiceNetwork } from "./args";
import { environmentProblems, imageProblem } from "./environment";
import { egressRule, egressRuleProblems, ingressRule, type EgressRule } from "./network";
import { enumProblem, listProblem, objectProblem, pathProblem, stringProblem } from "./shapes";
import {
    errorLogAlarm,
    errorLogFilter,
    monitor,
    monitoringProblems,
    normalizeSlo,
    sloAlarms,
    type AlarmSpec,
    type Realised,
    type RequestSli,
} from "../observability";
import type { ServiceMonitoring, ServiceSlo } from "../observability/args";

/** The platforms a service runs on. */
export type ServicePlatform = "app-runner" | "ecs-express" | "private-fargate" | "eks";

const METRICS: readonly ScalingMetric[] = ["cpu", "memory", "requests", "concurrency"];

/** What each metric's target value may be. */
const TARGET_RANGE: Readonly<Record<ScalingMetric, readonly [number, number]>> = {
    cpu: [1, 100],
    memory: [1, 100],
    concurrency: [1, 200],
    requests: [1, 1_000_000],
};

interface PlatformRules {
    /** The platform as messages name it. */
    readonly label: string;
    readonly scaling: { readonly min: number; readonly max: number; readonly target?: ScalingTarget };
    /** Instance counts allowed. */
    readonly instances: readonly [number, number];
    /** Metrics it can scale on (none: a fixed count, min = max). */
    readonly metrics: readonly ScalingMetric[];
    /** Which `health` fields it has. */
    readonly health: { readonly path: boolean; readonly readinessPath: boolean; readonly command: boolean };
    /** Whether `network` is required, optional or refused, and whether it admits clients (`network.allowFrom`). */
    readonly network: "required" | "refused";
    readonly allowFrom: boolean;
    /** Whether the platform injects `secrets`. */
    readonly secrets: boolean;
}

/**
 * The defaults of `ServiceArgs`, stated once: the App Runner lab guide's settings the stacks started from,
 * and per platform what differs (its own scaling defaults and limits, what it refuses).
 */
export const SERVICE_DEFAULTS = {
    port: 8080,
    /** vCPU. */
    cpu: 0.25,
    /** GiB. */
    memory: 0.5,
    healthPath: "/health",
    logRetentionDays: 30,
    platforms: {
        "app-runner": {
            label: "App Runner",
            // App Runner auto scaling: 1-25 instances, 1-200 concurrent requests (API_CreateAutoScalingConfiguration).
            scaling: { min: 1, max: 5, target: { metric: "concurrency", value: 100 } },
            instances: [1, 25],
            metrics: ["concurrency"],
            health: { path: true, readinessPath: false, command: false },
            network: "required",
            allowFrom: false,
            secrets: true,
        },
        "ecs-express": {
            label: "ECS Express Mode",
            // Express's own default target (AVERAGE_CPU 60); the instance limits are App Runner's, so a config valid on one is valid on the other.
            scaling: { min: 1, max: 5, target: { metric: "cpu", value: 60 } },
            instances: [1, 25],
            metrics: ["cpu", "memory", "requests"],
            health: { path: true, readinessPath: false, command: false },
            network: "required",
            allowFrom: false,
            secrets: true,
        },
        "private-fargate": {
            label: "private Fargate",
            scaling: { min: 1, max: 1 },
            // 0 stops the service without deleting it.
            instances: [0, 100],
            metrics: [],
            health: { path: false, readinessPath: false, command: true },
            network: "required",
            allowFrom: true,
            secrets: true,
        },
        eks: {
            label: "EKS",
            scaling: { min: 1, max: 10, target: { metric: "cpu", value: 50 } },
            instances: [1, 1000],
            metrics: ["cpu"],
            health: { path: true, readinessPath: true, command: false },
            network: "refused",
            allowFrom: false,
            secrets: false,
        },
    } satisfies Record<ServicePlatform, PlatformRules>,
} as const;

/** `ServiceArgs` with every default applied and every old name resolved (the platform's notation of cpu/memory is the adapter's). */
export interface NormalizedService {
    readonly image: pulumi.Input<string>;
    readonly port: number;
    /** As given (vCPU, or an old notation): the adapter converts it (sizes.ts). */
    readonly cpu: unknown;
    /** As given (GiB, or an old notation): the adapter converts it (sizes.ts). */
    readonly memory: unknown;
    readonly environment?: Record<string, pulumi.Input<string>>;
    /** As given (undefined when not: the resources' inputs stay as they were). */
    readonly secrets?: Record<string, pulumi.Input<string>>;
    readonly policyStatements: PolicyStatement[];
    readonly databases?: Record<string, pulumi.Input<DatabaseLink>>;
    readonly tags?: Record<string, string>;
    readonly scaling: { readonly min: number; readonly max: number; readonly target?: ScalingTarget };
    readonly health: { readonly path: string; readonly readinessPath: string; readonly command?: string[] };
    readonly network?: { readonly vpc: ServiceNetwork["vpc"]; readonly allowFrom: pulumi.Input<string>[]; readonly egress: EgressRule[] };
    /** As given (checked): `monitorService` realises it. */
    readonly monitoring?: ServiceMonitoring;
    /** `monitoring.slo` with its defaults (the p99 alarm and the burn-rate pairs derive from it). */
    readonly slo: Required<ServiceSlo>;
}

/** The arguments after the old names are resolved, with the collector that warns about them (`warn` once the component exists). */
export function resolveServiceArgs<A extends ServiceArgs>(
    component: string,
    name: string,
    args: A,
    options: { concurrencyIgnored?: boolean } = {},
): { args: A; deprecations: Deprecations } {
    const deprecations = new Deprecations(component, name);
    return { args: resolveAliases(args as A & LegacyServiceArgs, deprecations, options), deprecations };
}

/**
 * Check the shared vocabulary for `platform` and apply its defaults. `args` are already resolved
 * (`resolveServiceArgs`); `extraProblems` are the adapter's own, thrown in the same error.
 */
export function normalizeService(
    platform: ServicePlatform,
    component: string,
    name: string,
    args: ServiceArgs,
    deprecations: Deprecations,
    resource: pulumi.Resource,
    extraProblems: (string | undefined)[] = [],
): NormalizedService {
    const rules: PlatformRules = SERVICE_DEFAULTS.platforms[platform];
    // The arguments are an object: every adapter calls checkArguments (arguments.ts) first.
    throwIfAny(component, name, [...deprecations.problems(), ...shapeProblems(args)], resource);
    const scaling = {
        min: args.scaling?.min ?? rules.scaling.min,
        // Without autoscaling the count is one number: `max` follows `min` when only `min` is given.
        max: args.scaling?.max ?? (rules.metrics.length === 0 ? (args.scaling?.min ?? rules.scaling.max) : rules.scaling.max),
        target: args.scaling?.target ?? rules.scaling.target,
    };
    const health = {
        path: args.health?.path ?? SERVICE_DEFAULTS.healthPath,
        readinessPath: args.health?.readinessPath ?? args.health?.path ?? SERVICE_DEFAULTS.healthPath,
        command: args.health?.command,
    };
    const network = args.network && {
        vpc: args.network.vpc,
        allowFrom: args.network.allowFrom ?? [],
        egress: args.network.egress ?? [],
    };
    const monitoringShape = monitoringProblems(args.monitoring, true);
    const sloGiven = monitoringShape.length === 0 ? args.monitoring?.slo : undefined;
    const slo =
        sloGiven !== undefined && (sloGiven === null || typeof sloGiven !== "object" || Array.isArray(sloGiven))
            ? {
                  slo: normalizeSlo(undefined).slo,
                  problems: ["`monitoring.slo` must be an object ({ enabled?, availability?, latencyMs?, latencyPercent? })."],
              }
            : normalizeSlo(sloGiven);
    const normalized: NormalizedService = {
        image: args.image,
        port: args.port ?? SERVICE_DEFAULTS.port,
        cpu: args.cpu ?? SERVICE_DEFAULTS.cpu,
        memory: args.memory ?? SERVICE_DEFAULTS.memory,
        environment: args.environment,
        secrets: args.secrets,
        policyStatements: args.policyStatements ?? [],
        databases: args.databases,
        tags: args.tags,
        scaling,
        health,
        network,
        monitoring: args.monitoring,
        slo: slo.slo,
    };
    throwIfAny(
        component,
        name,
        [
            ...valueProblems(rules, args, normalized),
            ...monitoringShape,
            ...slo.problems.map((p) => `\`${p.replace(/ must/, "` must")}.`),
            ...extraProblems,
        ],
        resource,
    );
    return normalized;
}

/** Wrong shapes of the shared arguments (before their values are read); `args` already resolved (`resolveServiceArgs`). */
export function shapeProblems(args: ServiceArgs): (string | undefined)[] {
    const scaling = objectProblem("scaling", args.scaling);
    const target = scaling || !args.scaling ? undefined : objectProblem("scaling.target", args.scaling.target);
    const health = objectProblem("health", args.health);
    const network = objectProblem("network", args.network);
    const vpc = network || !args.network ? undefined : objectProblem("network.vpc", args.network.vpc, true);
    const command = health || !args.health ? undefined : listProblem("health.command", args.health.command);
    return [
        scaling,
        target,
        !scaling && !target && args.scaling?.target
            ? (enumProblem("scaling.target.metric", args.scaling.target.metric, METRICS) ??
              (args.scaling.target.metric === undefined
                  ? `\`scaling.target.metric\` is required (one of ${METRICS.join(", ")}).`
                  : undefined))
            : undefined,
        health,
        command,
        !command &&
        Array.isArray(args.health?.command) &&
        (args.health.command.length === 0 || args.health.command.some((c) => typeof c !== "string"))
            ? `\`health.command\` must be a non-empty list of strings such as ["CMD", "curl", "-f", "http://127.0.0.1:8080/health"] (got ${JSON.stringify(args.health.command)}).`
            : undefined,
        network,
        vpc,
        ...(network || vpc || !args.network
            ? []
            : [
                  stringProblem("network.vpc.vpcId", args.network.vpc.vpcId, true),
                  listProblem("network.vpc.subnetIds", args.network.vpc.subnetIds, true),
                  listProblem("network.vpc.publicSubnetIds", args.network.vpc.publicSubnetIds),
                  listProblem("network.allowFrom", args.network.allowFrom),
                  listProblem("network.egress", args.network.egress),
              ]),
    ];
}

/** The values against the platform's rules; each message names the argument, the value and the fix. */
function valueProblems(rules: PlatformRules, args: ServiceArgs, n: NormalizedService): (string | undefined)[] {
    const [lowest, highest] = rules.instances;
    const target = n.scaling.target;
    const platform = rules.label;
    const fixed = rules.metrics.length === 0;
    return [
        intRange("port", n.port, 1, 65535),
        intRange("scaling.min", n.scaling.min, lowest, highest),
        intRange("scaling.max", n.scaling.max, fixed ? lowest : Math.max(lowest, 1), highest),
        minNotAboveMax("scaling.min", n.scaling.min, "scaling.max", n.scaling.max),
        fixed && n.scaling.min !== n.scaling.max
            ? `\`scaling.min\` (${n.scaling.min}) and \`scaling.max\` (${n.scaling.max}) must be equal on ${platform}, which has no autoscaling: give one count (0 stops the service).`
            : undefined,
        fixed && args.scaling?.target !== undefined
            ? `\`scaling.target\` cannot be used on ${platform}, which has no autoscaling: give a fixed count with \`scaling.min\` = \`scaling.max\`.`
            : undefined,
        !fixed && target && !rules.metrics.includes(target.metric)
            ? `\`scaling.target.metric\` "${String(target.metric)}" is not supported on ${platform}, which scales on ${rules.metrics.map((m) => `"${m}"`).join(", ")} only.`
            : undefined,
        !fixed && target && METRICS.includes(target.metric)
            ? intRange("scaling.target.value", target.value, ...TARGET_RANGE[target.metric])
            : undefined,
        rules.health.path
            ? pathProblem("health.path", args.health?.path)
            : refused(args.health?.path, "health.path", platform, "use `health.command` (a container health check)"),
        rules.health.readinessPath
            ? pathProblem("health.readinessPath", args.health?.readinessPath)
            : refused(args.health?.readinessPath, "health.readinessPath", platform, "it is EKS's readiness probe"),
        rules.health.command
            ? undefined
            : refused(
                  args.health?.command,
                  "health.command",
                  platform,
                  "it is private Fargate's container health check; use `health.path`",
              ),
        rules.network === "refused" ? refused(args.network, "network", platform, "the pods take their network from `cluster`") : undefined,
        !rules.allowFrom && args.network?.allowFrom !== undefined
            ? refused(
                  args.network.allowFrom,
                  "network.allowFrom",
                  platform,
                  "its clients come through the platform's own load balancer or endpoint",
              )
            : undefined,
        // Only a list the caller gave: a missing one is the adapter's to report (it says what the list is for).
        rules.allowFrom && Array.isArray(args.network?.allowFrom) && args.network.allowFrom.length === 0
            ? `\`network.allowFrom\` must name at least one security group allowed to reach port ${n.port} (got an empty list); the service accepts no CIDR.`
            : undefined,
        ...(n.network?.egress ?? []).flatMap((rule, i) =>
            Array.isArray(n.network?.egress) ? egressRuleProblems(`network.egress[${i}]`, rule) : [],
        ),
        rules.secrets
            ? undefined
            : refused(
                  Object.keys(n.secrets ?? {}).length > 0 ? n.secrets : undefined,
                  "secrets",
                  platform,
                  "a Kubernetes Secret would put the value in state and etcd; read secrets from AWS with the pod's role",
              ),
        ...policyStatementProblems("policyStatements", args.policyStatements),
        ...environmentProblems(args.environment, args.secrets),
        ...databasesProblems(args.databases, args.environment),
        imageProblem("image", args.image),
    ];
}

function refused(value: unknown, label: string, platform: string, why: string): string | undefined {
    return value === undefined ? undefined : `\`${label}\` cannot be used on ${platform}: ${why}.`;
}

/** "required" network present, for the adapters that need one (the message says why). */
export function networkRequiredProblem(network: unknown, why: string): string | undefined {
    return network === undefined ? `\`network\` is required: ${why}` : undefined;
}

// ---- the service's own security group ----------------------------------------------------------------

/** What creates a service's children: the component, its name (the children's prefix) and its tags. */
export interface ServiceOwner {
    readonly component: string;
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly tags?: Record<string, string>;
}

/** After construction: what `allowEgress` and `allowClient` need (kept off the class so it is not among the component's outputs). */
interface ServiceContext {
    readonly owner: ServiceOwner;
    readonly securityGroupId: pulumi.Output<string>;
    readonly port: number;
}
const contexts = new WeakMap<pulumi.Resource, ServiceContext>();

/**
 * The service's own security group, with no inline rules (the provider then removes AWS's allow-all egress, and
 * each destination is a rule of its own, so callers add more without replacing the group): `https` (443 to
 * anywhere, for image pulls, logs and secrets) when given, then `egress` as `<name>-egress-<i>`, then each
 * `allowFrom` group admitted on `port` as `<name>-ingress-<i>`.
 */
export function createServiceSecurityGroup(
    owner: ServiceOwner,
    spec: {
        readonly resourceName: string;
        readonly vpcId: pulumi.Input<string>;
        readonly description: string;
        readonly port: number;
        readonly https?: string;
        readonly egress: readonly EgressRule[];
        readonly allowFrom?: readonly pulumi.Input<string>[];
    },
): { securityGroup: aws.ec2.SecurityGroup; rules: pulumi.Resource[] } {
    const { name, parent, tags } = owner;
    const securityGroup = new aws.ec2.SecurityGroup(
        spec.resourceName,
        { vpcId: spec.vpcId, description: spec.description, tags },
        { parent },
    );
    contexts.set(parent, { owner, securityGroupId: securityGroup.id, port: spec.port });
    const rules: pulumi.Resource[] = [];
    if (spec.https) {
        rules.push(
            egressRule(
                `${name}-egress-https`,
                securityGroup.id,
                { port: 443, cidrIpv4: "0.0.0.0/0", description: spec.https },
                tags,
                parent,
            ),
        );
    }
    spec.egress.forEach((rule, i) => rules.push(egressRule(`${name}-egress-${i}`, securityGroup.id, rule, tags, parent)));
    (spec.allowFrom ?? []).forEach((source, i) => rules.push(admitClient(parent, `${name}-ingress-${i}`, source)));
    return { securityGroup, rules };
}

/** `allowEgress(name, rule)` of every service with a security group: one more destination, as `<service>-<name>`. */
export function allowEgress(service: pulumi.Resource, name: string, rule: EgressRule): aws.vpc.SecurityGroupEgressRule {
    const { owner, securityGroupId } = context(service);
    throwIfAny(owner.component, owner.name, egressRuleProblems(`allowEgress("${name}")`, rule), service);
    return egressRule(`${owner.name}-${name}`, securityGroupId, rule, owner.tags, service);
}

/** `allowClient(name, group)`: one more security group admitted on the service's port, as `<service>-<name>`. */
export function allowClient(
    service: pulumi.Resource,
    name: string,
    securityGroupId: pulumi.Input<string>,
): aws.vpc.SecurityGroupIngressRule {
    return admitClient(service, `${context(service).owner.name}-${name}`, securityGroupId);
}

function admitClient(service: pulumi.Resource, resourceName: string, source: pulumi.Input<string>): aws.vpc.SecurityGroupIngressRule {
    const { securityGroupId, port, owner } = context(service);
    return ingressRule(
        resourceName,
        securityGroupId,
        { port, sourceSecurityGroupId: source, description: `Port ${port} from a named client security group` },
        owner.tags,
        service,
    );
}

function context(service: pulumi.Resource): ServiceContext {
    const c = contexts.get(service);
    if (!c) throw new pulumi.ResourceError("this service has no security group of its own (it was created without `network`).", service);
    return c;
}

// ---- role, databases, outputs ------------------------------------------------------------------------

/** The caller's statements on the role the adapter created (App Runner instance role, ECS task role, IRSA role), when there are any. */
export function attachPolicyStatements(
    owner: ServiceOwner,
    resourceName: string,
    role: aws.iam.Role,
    statements: readonly PolicyStatement[],
): aws.iam.RolePolicy | undefined {
    if (statements.length === 0) return undefined;
    return new aws.iam.RolePolicy(
        resourceName,
        { role: role.name, policy: policyDocument(iamStatements(statements)) },
        { parent: owner.parent },
    );
}

/** The environment with the linked databases' variables merged in (needed before the role on App Runner, hence apart from `linkDatabases`). */
export function serviceEnvironment(owner: ServiceOwner, n: Pick<NormalizedService, "databases" | "environment">) {
    return withLinkedEnvironment(linkedEnvironment(owner, n.databases), n.environment);
}

/** The client side of each linked database (the service's group admitted at the proxy, its egress, `rds-db:connect` for its role). */
export { linkDatabases };

/** The health fields the platform has, for its adapter (e.g. the ECS container health check). */
export type NormalizedHealth = NormalizedService["health"] & Pick<ServiceHealth, "command">;

// ---- monitoring ---------------------------------------------------------------------------------------

/** What an adapter supplies for its platform: its alarm definitions and, where it has them, request metrics and a log group. */
export interface PlatformMonitoring {
    /** The platform's alarms (observability/services.ts), from the normalized inputs and resolved dimensions. */
    readonly alarms: readonly AlarmSpec[];
    /** Request metrics for the availability and latency SLOs (web services; absent on TCP or without a load balancer). */
    readonly sli?: RequestSli;
    /** The log group the app's stdout goes to (the error-log metric filter attaches there); absent when the platform sends none to CloudWatch. */
    readonly logGroupName?: pulumi.Input<string>;
    /** What must exist before the metric filter (the log group, or the service that creates it). */
    readonly logDependsOn?: pulumi.Resource[];
    /** The dashboard's title ("products-api on ECS Express Mode"). */
    readonly title: string;
}

/** Linked databases' dashboard sections (only those that have some). */
function databaseWidgets(databases: NormalizedService["databases"]): pulumi.Input<string>[] {
    return Object.values(databases ?? {}).map((link) => pulumi.output(link).apply((l) => l?.dashboardWidgets ?? "[]"));
}

/**
 * `monitoring` with the linked databases' dashboard sections first among its `widgets`: for a component that
 * hands its service to another (VpcConnectedAppRunner → AppRunnerService, which draws the dashboard).
 */
export function withDatabaseWidgets(
    monitoring: ServiceMonitoring | undefined,
    databases: NormalizedService["databases"],
): ServiceMonitoring | undefined {
    const fromDatabases = databaseWidgets(databases);
    if (monitoring?.enabled === false || fromDatabases.length === 0) return monitoring;
    return { ...monitoring, widgets: [...fromDatabases, ...(monitoring?.widgets ?? [])] };
}

/**
 * The one monitoring path of every service: the platform's alarms plus the SLO burn-rate pairs (when it has
 * request metrics) and the error-log alarm (when it has a log group), `monitoring` overrides applied, realised
 * as alarms routed by severity, the unhealthy composite and the dashboard (with the linked databases' sections
 * and `monitoring.widgets`); then the metric filter the error-log alarm reads. `undefined` when opted out.
 */
export function monitorService(owner: ServiceOwner, n: NormalizedService, platform: PlatformMonitoring): Realised | undefined {
    const slo = platform.sli ? sloAlarms(platform.sli, n.slo) : { alarms: [], composites: [] };
    const realised = monitor({ name: owner.name, parent: owner.parent, tags: owner.tags }, n.monitoring, {
        component: owner.component,
        alarms: [...platform.alarms, ...slo.alarms, ...(platform.logGroupName === undefined ? [] : [errorLogAlarm(owner.name)])],
        composites: slo.composites,
        dashboardTitle: platform.title,
        extraWidgets: databaseWidgets(n.databases),
    });
    if (realised?.alarms["error-logs"] && platform.logGroupName !== undefined) {
        errorLogFilter({ name: owner.name, parent: owner.parent, tags: owner.tags }, platform.logGroupName, platform.logDependsOn);
    }
    return realised;
}
