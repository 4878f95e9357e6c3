/**
 * The app contract shared by the service components (AppRunnerService, VpcConnectedAppRunner,
 * EcsExpressService, and — for the parts that apply — PrivateFargateService and EksFargateService): the same
 * argument means the same thing on each platform, so a stack can switch platform with one config value.
 * The checks that do not depend on the platform live here too, once: the digest pin, environment variable
 * names, egress rules and argument shapes.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyStatementProblems, type PolicyStatement } from "./iam";
import { databasesProblems, type DatabaseLink } from "./database-link";
import { describeValue, intRange, isOutputOrPromise as isInputValue, minNotAboveMax } from "./limits";

export interface WebServiceArgs {
    /** Digest-pinned image to deploy (`repo@sha256:…`), e.g. `ContainerImage.imageUri`. Tags such as `:latest` are refused. */
    readonly image: pulumi.Input<string>;
    /** Port the container listens on (the platform also sets `PORT` to it). @default 8080 */
    readonly port?: number;
    /** vCPU, App Runner notation ("0.25 vCPU" … "4 vCPU"). @default "0.25 vCPU" */
    readonly cpu?: string;
    /** Memory, App Runner notation ("0.5 GB" … "12 GB"); must pair with `cpu`. @default "0.5 GB" */
    readonly memory?: string;
    /** Plain runtime environment variables (never secrets). @default {} */
    readonly environment?: Record<string, pulumi.Input<string>>;
    /**
     * Runtime secrets: env var name → Secrets Manager secret ARN (or SSM parameter ARN). The platform
     * injects the value at start; it never appears in resource inputs or state. @default {}
     */
    readonly environmentSecrets?: Record<string, pulumi.Input<string>>;
    /** HTTP path the platform health-checks. @default "/health" */
    readonly healthCheckPath?: string;
    /** Minimum instances/tasks. @default 1 */
    readonly minSize?: number;
    /** Maximum instances/tasks. @default 5 */
    readonly maxSize?: number;
    /** Concurrent requests per instance before scaling out (App Runner only; ignored with a warning elsewhere). @default 100 */
    readonly maxConcurrency?: number;
    /** The caller's IAM statements for the role the app runs as (output `roleName`). Nothing else is granted. @default [] */
    readonly policyStatements?: PolicyStatement[];
    /**
     * Databases the service connects to: a name of your choice → a database's `link` output (e.g.
     * `{ main: db.link }`). For each, the service's own security group may reach the database's proxy and is
     * admitted there, its role may `rds-db:connect` as the app user, and the environment gets DB_HOST, DB_PORT,
     * DB_NAME, DB_USER, DB_TLS, DB_IAM_AUTH and AWS_REGION (with several databases, each name is prefixed with
     * its key in upper case: `ORDERS_DB_HOST`). Needs a service in a VPC (it has its own security group). @default {}
     */
    readonly databases?: Record<string, pulumi.Input<DatabaseLink>>;
    /** Tags applied to every taggable child. @default {} */
    readonly tags?: Record<string, string>;
}

/** Defaults shared by all platforms: the App Runner lab guide's settings the stacks started from. */
export const WEB_SERVICE_DEFAULTS = {
    port: 8080,
    cpu: "0.25 vCPU",
    memory: "0.5 GB",
    healthCheckPath: "/health",
    minSize: 1,
    maxSize: 5,
    maxConcurrency: 100,
} as const;

/** Problems with the platform-independent args (each names the property, the value and the rule). */
export function webServiceProblems(args: WebServiceArgs, maxInstances: number, maxConcurrency: number): (string | undefined)[] {
    const minSize = args.minSize ?? WEB_SERVICE_DEFAULTS.minSize;
    const maxSize = args.maxSize ?? WEB_SERVICE_DEFAULTS.maxSize;
    return [
        intRange("port", args.port ?? WEB_SERVICE_DEFAULTS.port, 1, 65535),
        intRange("minSize", minSize, 1, maxInstances),
        intRange("maxSize", maxSize, 1, maxInstances),
        intRange("maxConcurrency", args.maxConcurrency ?? WEB_SERVICE_DEFAULTS.maxConcurrency, 1, maxConcurrency),
        minNotAboveMax("minSize", minSize, "maxSize", maxSize),
        ...policyStatementProblems("policyStatements", args.policyStatements),
        pathProblem("healthCheckPath", args.healthCheckPath),
        ...environmentProblems(args.environment, args.environmentSecrets),
        ...databasesProblems(args.databases, args.environment),
        imageProblem("image", args.image),
    ];
}

// ---- argument shapes ---------------------------------------------------------------------------------
// Callers in JavaScript, YAML or another language (and casts in TypeScript) can pass a value of the wrong
// shape. Each check names the argument instead of letting a later `.startsWith` or `.map` raise a TypeError.

/** Required argument present (any value). */
export function requiredProblem(label: string, value: unknown): string | undefined {
    return value === undefined || value === null ? `\`${label}\` is required.` : undefined;
}

/** A string (or an output of one), when set; `required` also refuses nothing. */
export function stringProblem(label: string, value: unknown, required = false): string | undefined {
    if (value === undefined) return required ? `\`${label}\` is required.` : undefined;
    return typeof value === "string" || isInputValue(value) ? undefined : `\`${label}\` must be a string (got ${describeValue(value)}).`;
}

/** A list (or an output of one), when set. */
export function listProblem(label: string, value: unknown, required = false): string | undefined {
    if (value === undefined) return required ? `\`${label}\` is required (a list).` : undefined;
    return Array.isArray(value) || isInputValue(value) ? undefined : `\`${label}\` must be a list (got ${describeValue(value)}).`;
}

/** A map of names to values (a plain object), when set. */
export function mapProblem(label: string, value: unknown): string | undefined {
    if (value === undefined) return undefined;
    return typeof value === "object" && value !== null && !Array.isArray(value) && !isInputValue(value)
        ? undefined
        : `\`${label}\` must be a map of names to values (got ${describeValue(value)}).`;
}

/** true or false, when set. */
export function booleanProblem(label: string, value: unknown): string | undefined {
    return value === undefined || typeof value === "boolean"
        ? undefined
        : `\`${label}\` must be true or false (got ${describeValue(value)}).`;
}

/** An object of named fields, when set. */
export function objectProblem(label: string, value: unknown, required = false): string | undefined {
    if (value === undefined) return required ? `\`${label}\` is required.` : undefined;
    return typeof value === "object" && value !== null && !Array.isArray(value) && !isInputValue(value)
        ? undefined
        : `\`${label}\` must be an object (got ${describeValue(value)}).`;
}

/** One of the allowed strings (an enum), when set. */
export function enumProblem(label: string, value: unknown, allowed: readonly string[]): string | undefined {
    if (value === undefined) return undefined;
    if (allowed.includes(value as string)) return undefined;
    return `\`${label}\` must be one of ${allowed.join(", ")} (got ${typeof value === "string" ? JSON.stringify(value) : describeValue(value)}).`;
}

/** An HTTP path starting with "/", when set. */
export function pathProblem(label: string, value: unknown): string | undefined {
    if (value === undefined) return undefined;
    return typeof value === "string" && value.startsWith("/")
        ? undefined
        : `\`${label}\` must be a path starting with "/" (got ${describeValue(value)}).`;
}

// ---- environment -------------------------------------------------------------------------------------

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names valid for a process environment, no name in both maps, and no secret-looking name in plain env. */
export function environmentProblems(environment: unknown, environmentSecrets?: unknown): (string | undefined)[] {
    const shapes = [mapProblem("environment", environment), mapProblem("environmentSecrets", environmentSecrets)];
    if (shapes.some((p) => p !== undefined)) return shapes;
    const plain = Object.keys((environment as Record<string, unknown> | undefined) ?? {});
    const secret = Object.keys((environmentSecrets as Record<string, unknown> | undefined) ?? {});
    const problems: string[] = [];
    for (const key of [...plain, ...secret]) {
        if (!ENV_NAME.test(key))
            problems.push(`Environment variable name "${key}" is not valid: use letters, digits and _ and do not start with a digit.`);
    }
    for (const key of plain.filter((k) => secret.includes(k))) {
        problems.push(`\`${key}\` is in both \`environment\` and \`environmentSecrets\`; keep it in one.`);
    }
    for (const key of plain) {
        if (/PASSWORD|SECRET|TOKEN|PRIVATE_KEY/i.test(key)) {
            problems.push(
                `\`environment.${key}\` looks like a secret; pass it in \`environmentSecrets\` as a Secrets Manager ARN instead.`,
            );
        }
    }
    return problems;
}

// ---- image -------------------------------------------------------------------------------------------

const DIGEST_PINNED = /^[^\s@]+@sha256:[a-f0-9]{64}$/;

/**
 * The message for an image that is not digest-pinned, or undefined when it is (or is not known yet: an
 * output is checked once it resolves, by `requireDigest`). A tag can move under a running service, a digest
 * cannot, and Pulumi rolls out only when the digest changes.
 */
export function imageProblem(label: string, image: unknown): string | undefined {
    if (image === undefined || image === null)
        return `\`${label}\` is required: a digest-pinned image (repository@sha256:<64 hex>), e.g. ContainerImage.imageUri.`;
    if (isInputValue(image)) return undefined;
    if (typeof image !== "string") return `\`${label}\` must be a string (got ${describeValue(image)}).`;
    if (DIGEST_PINNED.test(image)) return undefined;
    const lastSegment = image.split("/").pop() ?? image;
    const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":")) : undefined;
    const what = tag === ":latest" ? "the mutable tag :latest" : tag ? `the tag ${tag}` : "no tag or digest";
    return `\`${label}\` must be pinned by digest (repository@sha256:<64 hex>), not ${what} (got "${image}"); pass ContainerImage.imageUri.`;
}

/** The image as an output that fails the deployment, naming the component, when it resolves to an unpinned reference. */
export function requireDigest(
    component: string,
    name: string,
    image: pulumi.Input<string>,
    resource: pulumi.Resource,
): pulumi.Output<string> {
    return pulumi.output(image).apply((value) => {
        const problem = imageProblem("image", value);
        if (problem) throw new pulumi.ResourceError(`${component} "${name}": ${problem}`, resource);
        return value;
    });
}

// ---- network -----------------------------------------------------------------------------------------

/** One destination a service in a VPC may open connections to. */
export interface EgressRule {
    /** Destination port. */
    readonly port: number;
    /** Destination security group (preferred); exactly one of this and `cidrIpv4`. */
    readonly securityGroupId?: pulumi.Input<string>;
    /** Destination CIDR, for traffic leaving through NAT (e.g. 443 to AWS APIs); exactly one of this and `securityGroupId`. */
    readonly cidrIpv4?: string;
    /** Why this egress exists (becomes the rule description). */
    readonly description: string;
}

/**
 * Where a component runs inside a VPC: the one shape every component that takes a VPC uses (services,
 * database). `subnetIds` are private subnets; `egress` lists the destinations opened at creation.
 */
export interface ServiceVpc {
    /** The VPC. */
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets in at least two Availability Zones. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Destinations the component may open connections to (more can be added later with `allowEgress`). @default none */
    readonly egress?: EgressRule[];
}

/** Every problem with one egress rule, labelled (e.g. `vpc.egress[0]`). */
export function egressRuleProblems(label: string, rule: unknown): (string | undefined)[] {
    const shape = objectProblem(label, rule, true);
    if (shape) return [shape];
    const r = rule as Record<string, unknown>;
    return [
        intRange(`${label}.port`, r.port as number, 1, 65535),
        (r.securityGroupId === undefined) === (r.cidrIpv4 === undefined)
            ? `\`${label}\` must set exactly one of securityGroupId or cidrIpv4.`
            : undefined,
        stringProblem(`${label}.securityGroupId`, r.securityGroupId),
        stringProblem(`${label}.cidrIpv4`, r.cidrIpv4),
        typeof r.description === "string" && r.description.length > 0
            ? undefined
            : `\`${label}.description\` must say why the egress exists (got ${describeValue(r.description)}).`,
    ];
}

/** Every problem with a `ServiceVpc` under `label` (shape, required fields, egress rules). */
export function serviceVpcProblems(label: string, vpc: unknown, required = true): (string | undefined)[] {
    const shape = objectProblem(label, vpc, required);
    if (shape || vpc === undefined) return [shape];
    const v = vpc as Record<string, unknown>;
    const egress = listProblem(`${label}.egress`, v.egress);
    return [
        stringProblem(`${label}.vpcId`, v.vpcId, true),
        listProblem(`${label}.subnetIds`, v.subnetIds, true),
        egress,
        ...(egress || !Array.isArray(v.egress) ? [] : v.egress.flatMap((rule, i) => egressRuleProblems(`${label}.egress[${i}]`, rule))),
    ];
}

/**
 * A TCP egress rule on `securityGroupId` to one destination. Rules are separate resources (not inline
 * in the group) so callers can add destinations later without replacing the group.
 */
export function egressRule(
    resourceName: string,
    securityGroupId: pulumi.Input<string>,
    rule: { readonly port: pulumi.Input<number>; readonly description: pulumi.Input<string> } & Pick<
        EgressRule,
        "securityGroupId" | "cidrIpv4"
    >,
    tags: Record<string, string> | undefined,
    parent: pulumi.Resource,
    opts?: pulumi.CustomResourceOptions,
): aws.vpc.SecurityGroupEgressRule {
    return new aws.vpc.SecurityGroupEgressRule(
        resourceName,
        {
            securityGroupId,
            ipProtocol: "tcp",
            fromPort: rule.port,
            toPort: rule.port,
            referencedSecurityGroupId: rule.securityGroupId,
            cidrIpv4: rule.cidrIpv4,
            description: rule.description,
            tags,
        },
        { parent, ...opts },
    );
}

// ---- options -----------------------------------------------------------------------------------------

/**
 * The component's own `dependsOn`, as a list to hand to the child that must wait for it (e.g. the service
 * that needs the VPC endpoints, or the Kubernetes objects that need the cluster's add-ons). Passed on
 * explicitly rather than relying on how an SDK treats a parent's dependencies.
 */
export function dependsOnOf(opts: pulumi.ResourceOptions | undefined): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
    const d = opts?.dependsOn;
    if (d === undefined) return [];
    if (Array.isArray(d)) return d;
    if (pulumi.Resource.isInstance(d)) return [d];
    return pulumi.output(d as pulumi.Input<pulumi.Resource[]>).apply((x) => (Array.isArray(x) ? x : [x]));
}

/** `extra` resources plus the component's own `dependsOn` (see `dependsOnOf`). */
export function withDependsOn(
    opts: pulumi.ResourceOptions | undefined,
    extra: pulumi.Input<pulumi.Resource>[],
): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
    const own = dependsOnOf(opts);
    if (Array.isArray(own)) return [...extra, ...own];
    return pulumi.output(own).apply((list) => [...(extra as pulumi.Resource[]), ...(list as pulumi.Resource[])]);
}
