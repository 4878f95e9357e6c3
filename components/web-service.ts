/**
 * The app contract shared by every "run this container as a public HTTPS service" component
 * (AppRunnerService, VpcConnectedAppRunner, EcsExpressService): the same args mean the same thing on
 * each platform, so a stack can switch platform with one config value. Validation of the parts that
 * do not depend on the platform lives here too.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyStatementProblems, type PolicyStatement } from "./iam";
import { intRange, minNotAboveMax } from "./limits";

export interface WebServiceArgs {
    /** Digest-pinned image (`repo@sha256:…`), e.g. `ContainerImage.imageUri`. Tags such as `:latest` are refused. */
    readonly imageUri: pulumi.Input<string>;
    /** Port the container listens on. @default 8080 */
    readonly port?: number;
    /** vCPU, App Runner notation ("0.25 vCPU" … "4 vCPU"). @default "0.25 vCPU" */
    readonly cpu?: string;
    /** Memory, App Runner notation ("0.5 GB" … "12 GB"); must pair with `cpu`. @default "0.5 GB" */
    readonly memory?: string;
    /** Plain runtime environment variables (never secrets). */
    readonly environment?: Record<string, pulumi.Input<string>>;
    /**
     * Runtime secrets: env var name → Secrets Manager secret ARN (or SSM parameter ARN). The platform
     * injects the value at start; it never appears in resource inputs or state.
     */
    readonly environmentSecrets?: Record<string, pulumi.Input<string>>;
    /** HTTP path the platform health-checks. @default "/health" */
    readonly healthCheckPath?: string;
    /** Minimum instances/tasks. @default 1 */
    readonly minSize?: number;
    /** Maximum instances/tasks. @default 5 */
    readonly maxSize?: number;
    /** Concurrent requests per instance before scaling out (App Runner). @default 100 */
    readonly maxConcurrency?: number;
    /** The caller's IAM statements for the running app (instance/task role). Nothing else is granted. */
    readonly policyStatements?: PolicyStatement[];
    /** Tags applied to every taggable child. */
    readonly tags?: Record<string, string>;
}

/** Defaults shared by all platforms (pattern 26's settings). */
export const WEB_SERVICE_DEFAULTS = {
    port: 8080,
    cpu: "0.25 vCPU",
    memory: "0.5 GB",
    healthCheckPath: "/health",
    minSize: 1,
    maxSize: 5,
    maxConcurrency: 100,
} as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Problems with the platform-independent args (each names the property, the value and the rule). */
export function webServiceProblems(args: WebServiceArgs, maxInstances: number, maxConcurrency: number): (string | undefined)[] {
    const minSize = args.minSize ?? WEB_SERVICE_DEFAULTS.minSize;
    const maxSize = args.maxSize ?? WEB_SERVICE_DEFAULTS.maxSize;
    const problems: (string | undefined)[] = [
        intRange("port", args.port ?? WEB_SERVICE_DEFAULTS.port, 1, 65535),
        intRange("minSize", minSize, 1, maxInstances),
        intRange("maxSize", maxSize, 1, maxInstances),
        intRange("maxConcurrency", args.maxConcurrency ?? WEB_SERVICE_DEFAULTS.maxConcurrency, 1, maxConcurrency),
        minNotAboveMax("minSize", minSize, "maxSize", maxSize),
        ...policyStatementProblems("policyStatements", args.policyStatements),
    ];
    const path = args.healthCheckPath ?? WEB_SERVICE_DEFAULTS.healthCheckPath;
    if (!path.startsWith("/")) problems.push(`\`healthCheckPath\` must start with "/" (got "${path}").`);
    const plain = Object.keys(args.environment ?? {});
    const secret = Object.keys(args.environmentSecrets ?? {});
    for (const key of [...plain, ...secret]) {
        if (!ENV_NAME.test(key)) problems.push(`Environment variable name "${key}" is not valid: use letters, digits and _ and do not start with a digit.`);
    }
    for (const key of plain.filter((k) => secret.includes(k))) {
        problems.push(`\`${key}\` is in both \`environment\` and \`environmentSecrets\`; keep it in one.`);
    }
    for (const key of plain) {
        if (/PASSWORD|SECRET|TOKEN|PRIVATE_KEY/i.test(key)) {
            problems.push(`\`environment.${key}\` looks like a secret; pass it in \`environmentSecrets\` as a Secrets Manager ARN instead.`);
        }
    }
    return problems;
}

/**
 * Refuse images that are not pinned by digest once the value is known: a tag can move under a running
 * service, a digest cannot, and Pulumi rolls out only when the digest changes.
 */
export function requireDigest(component: string, name: string, imageUri: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(imageUri).apply((uri) => {
        const problem = digestProblem(uri);
        if (problem) throw new Error(`${component} "${name}": ${problem}`);
        return uri;
    });
}

/** The message for an image reference that is not digest-pinned, or undefined when it is. */
export function digestProblem(uri: string): string | undefined {
    return /@sha256:[0-9a-f]{64}$/.test(uri) ? undefined : `\`imageUri\` must be pinned by digest (repo@sha256:…), got "${uri}". Use ContainerImage.imageUri.`;
}

/** One destination a service in a VPC may open connections to. */
export interface EgressRule {
    /** Destination port. */
    readonly port: number;
    /** Destination security group (preferred). */
    readonly securityGroupId?: pulumi.Input<string>;
    /** Destination CIDR, for traffic leaving through NAT (e.g. 443 to AWS APIs). */
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
    /** Destinations the component may open connections to (more can be added later). @default none */
    readonly egress?: EgressRule[];
}

/**
 * A TCP egress rule on `securityGroupId` to one destination. Rules are separate resources (not inline
 * in the group) so callers can add destinations later without replacing the group.
 */
export function egressRule(
    resourceName: string,
    securityGroupId: pulumi.Input<string>,
    rule: EgressRule,
    tags: Record<string, string> | undefined,
    parent: pulumi.Resource,
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
        { parent },
    );
}
