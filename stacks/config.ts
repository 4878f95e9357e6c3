/**
 * The one module that reads stack configuration. Keys, types and defaults are declared in Pulumi.yaml
 * (the CLI applies the defaults); here every value is validated with zod against the rules users get
 * wrong, and errors name the key, the value and the rule. Components never read config: stack programs
 * pass them the typed values from here.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    APP_RUNNER_CPU_MEMORY,
    APP_RUNNER_MAX_CONCURRENCY,
    APP_RUNNER_MAX_INSTANCES,
    appRunnerCpuMemoryProblem,
    auroraCapacityProblem,
    auroraVersionProblem,
    eksDuplicateRoleProblem,
    eksPrivateCidrProblem,
    eksPublicCidrProblem,
    eksRoleArnProblem,
    expressSizeProblem,
    WEB_SERVICE_PLATFORMS,
    type AuroraEngine,
    type WebServicePlatform,
} from "../components/index";
import { ADDRESSES_PER_ZONE, maxVpcPrefix, SUBNET_LAYOUT } from "./vpc-layout";

export const PROJECT = "serverless-containers";
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
/** Hosting platforms of the App Runner stacks (one list, owned by the component that switches). */
export const PLATFORMS = WEB_SERVICE_PLATFORMS;
export type Platform = WebServicePlatform;

const q = (key: string) => `\`${PROJECT}:${key}\``;
const shown = (v: unknown) => JSON.stringify(v);

// ---- field builders: raw config values are strings (that is how the CLI hands them to a program) ----

const bool = (key: string) =>
    z.string({ error: `${q(key)} is missing; declare it in Pulumi.yaml.` }).transform((s, ctx) => {
        if (s === "true" || s === "false") return s === "true";
        ctx.addIssue({ code: "custom", message: `${q(key)} must be true or false (got ${shown(s)}).` });
        return z.NEVER;
    });

const int = (key: string, min: number, max: number) =>
    z.string({ error: `${q(key)} is missing; declare it in Pulumi.yaml.` }).transform((s, ctx) => {
        const n = Number(s);
        if (s.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
            ctx.addIssue({ code: "custom", message: `${q(key)} must be an integer between ${min} and ${max} (got ${shown(s)}).` });
            return z.NEVER;
        }
        return n;
    });

const oneOf = <T extends string>(key: string, values: readonly T[]) =>
    z.string({ error: `${q(key)} is missing; declare it in Pulumi.yaml.` }).transform((s, ctx) => {
        if ((values as readonly string[]).includes(s)) return s as T;
        ctx.addIssue({ code: "custom", message: `${q(key)} must be one of ${values.join(" | ")} (got ${shown(s)}).` });
        return z.NEVER;
    });

const acuField = (key: string, allowZero: boolean) =>
    z.string({ error: `${q(key)} is missing; declare it in Pulumi.yaml.` }).transform((s, ctx) => {
        const n = s.trim() === "" ? NaN : Number(s);
        const problem = auroraCapacityProblem(`${PROJECT}:${key}`, n, allowZero);
        if (problem) {
            ctx.addIssue({ code: "custom", message: problem.replace(`(got ${n})`, `(got ${shown(s)})`) });
            return z.NEVER;
        }
        return n;
    });

const matching = (key: string, pattern: RegExp, rule: string) =>
    z.string({ error: `${q(key)} is missing; declare it in Pulumi.yaml.` }).refine((s) => pattern.test(s), {
        error: (iss) => `${q(key)} must be ${rule} (got ${shown(iss.input)}).`,
    });

/** A syntactically valid VPC CIDR: four octets and a /16 to /28 prefix. */
function isVpcCidr(s: string): boolean {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s);
    return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 16 && Number(m[5]) <= 28;
}
/** An Aurora engine version of `engine`, by the component's own rule (one rule for config and component). */
const auroraVersion = (key: string, engine: AuroraEngine) =>
    z.string({ error: `${q(key)} is missing; declare it in Pulumi.yaml.` }).transform((s, ctx) => {
        const problem = auroraVersionProblem(`${PROJECT}:${key}`, engine, s);
        if (problem) {
            ctx.addIssue({ code: "custom", message: problem });
            return z.NEVER;
        }
        return s;
    });

const cidr = (key: string) =>
    z.string({ error: `${q(key)} is missing; declare it in Pulumi.yaml.` }).refine(
        isVpcCidr,
        // AWS VPCs are /16 to /28 (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html);
        // whether the subnet layout fits is checked against the zone count below.
        { error: (iss) => `${q(key)} must be an IPv4 CIDR block from /16 to /28 (got ${shown(iss.input)}).` },
    );

/** A JSON list of IPv4 CIDRs, each checked by the EKS component's rule for where it is used. */
const cidrList = (key: string, entryProblem: (label: string, cidr: string) => string | undefined) =>
    z.string({ error: `${q(key)} is missing; declare it in Pulumi.yaml.` }).transform((s, ctx) => {
        let list: unknown;
        try {
            list = JSON.parse(s);
        } catch {
            list = undefined;
        }
        if (!Array.isArray(list) || !list.every((c) => typeof c === "string")) {
            ctx.addIssue({ code: "custom", message: `${q(key)} must be a list of IPv4 CIDRs such as ["52.94.76.0/24"] (got ${s}).` });
            return z.NEVER;
        }
        const problems = list.map((c) => entryProblem(`${PROJECT}:${key}`, c)).filter((p): p is string => p !== undefined);
        for (const message of problems) ctx.addIssue({ code: "custom", message });
        return problems.length > 0 ? z.NEVER : list;
    });

/** An IAM role ARN for an EKS access entry; "" (the default) means no role. */
const roleArn = (key: string) =>
    z.string({ error: `${q(key)} is missing; declare it in Pulumi.yaml.` }).transform((s, ctx) => {
        if (s === "") return undefined;
        const problem = eksRoleArnProblem(`${PROJECT}:${key}`, s);
        if (problem) {
            ctx.addIssue({ code: "custom", message: problem });
            return z.NEVER;
        }
        return s;
    });

/** SNS topic ARNs in any partition (https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html: names of 1-256 letters, digits, - and _; .fifo suffix). */
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
/** An address SNS can deliver to: one @, a dot in the domain, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An optional string: "" (the default) means not set; anything else must match `pattern`. */
const optional = (key: string, pattern: RegExp, rule: string) =>
    z.string({ error: `${q(key)} is missing; declare it in Pulumi.yaml.` }).transform((s, ctx) => {
        if (s === "") return undefined;
        if (pattern.test(s)) return s;
        ctx.addIssue({ code: "custom", message: `${q(key)} must be ${rule} (got ${shown(s)}).` });
        return z.NEVER;
    });

/** Every config key the program reads, with its raw-string schema. Pulumi.yaml declares the same keys. */
export const configSchema = z
    .object({
        environment: oneOf("environment", ENVIRONMENTS),
        vpcCidr: cidr("vpcCidr"),
        availabilityZones: int("availabilityZones", 2, 3),
        natGateways: oneOf("natGateways", ["single", "one-per-az"] as const),

        appRunnerVpcEnabled: bool("appRunnerVpcEnabled"),
        appRunnerVpcPlatform: oneOf("appRunnerVpcPlatform", PLATFORMS),
        catalogueCpu: oneOf("catalogueCpu", Object.keys(APP_RUNNER_CPU_MEMORY)),
        catalogueMemory: z.string({ error: `${q("catalogueMemory")} is missing; declare it in Pulumi.yaml.` }),
        catalogueMinSize: int("catalogueMinSize", 1, APP_RUNNER_MAX_INSTANCES),
        catalogueMaxSize: int("catalogueMaxSize", 1, APP_RUNNER_MAX_INSTANCES),
        catalogueMaxConcurrency: int("catalogueMaxConcurrency", 1, APP_RUNNER_MAX_CONCURRENCY),
        auroraMinCapacity: acuField("auroraMinCapacity", true),
        auroraMaxCapacity: acuField("auroraMaxCapacity", false),
        auroraReaders: int("auroraReaders", 0, 15),
        auroraDeletionProtection: bool("auroraDeletionProtection"),
        retire: bool("retire"),
        auroraBackupRetentionDays: int("auroraBackupRetentionDays", 1, 35),
        auroraMysqlVersion: auroraVersion("auroraMysqlVersion", "mysql"),
        auroraPostgresqlVersion: auroraVersion("auroraPostgresqlVersion", "postgresql"),
        imageRetainCount: int("imageRetainCount", 1, 1000),

        appRunnerEnabled: bool("appRunnerEnabled"),
        appRunnerPlatform: oneOf("appRunnerPlatform", PLATFORMS),
        productsCpu: oneOf("productsCpu", Object.keys(APP_RUNNER_CPU_MEMORY)),
        productsMemory: z.string({ error: `${q("productsMemory")} is missing; declare it in Pulumi.yaml.` }),
        productsMinSize: int("productsMinSize", 1, APP_RUNNER_MAX_INSTANCES),
        productsMaxSize: int("productsMaxSize", 1, APP_RUNNER_MAX_INSTANCES),
        productsMaxConcurrency: int("productsMaxConcurrency", 1, APP_RUNNER_MAX_CONCURRENCY),

        eksFargateEnabled: bool("eksFargateEnabled"),
        eksKubernetesVersion: matching("eksKubernetesVersion", /^1\.(3[0-9])$/, "a Kubernetes minor version such as 1.35"),
        eksEndpointPublicAccess: bool("eksEndpointPublicAccess"),
        eksPublicAccessCidrs: cidrList("eksPublicAccessCidrs", eksPublicCidrProblem),
        eksPrivateAccessCidrs: cidrList("eksPrivateAccessCidrs", eksPrivateCidrProblem),
        eksDeployRoleArn: roleArn("eksDeployRoleArn"),
        eksPreviewRoleArn: roleArn("eksPreviewRoleArn"),
        eksBreakGlassRoleArn: roleArn("eksBreakGlassRoleArn"),
        alarmPageTopicArn: optional("alarmPageTopicArn", SNS_TOPIC_ARN, "an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)"),
        alarmPageEmail: optional("alarmPageEmail", EMAIL, "an e-mail address"),
        alarmTicketTopicArn: optional("alarmTicketTopicArn", SNS_TOPIC_ARN, "an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)"),
        alarmTicketEmail: optional("alarmTicketEmail", EMAIL, "an e-mail address"),
        runbookUrl: optional("runbookUrl", /^https:\/\/[^\s#]+$/, "an https URL without a #fragment (the alarm id is appended as one)"),
        tracing: bool("tracing"),
        eksMinReplicas: int("eksMinReplicas", 1, 100),
        eksMaxReplicas: int("eksMaxReplicas", 1, 100),
        eksPodCpu: matching("eksPodCpu", /^(\d+m|\d+(\.\d+)?)$/, "a Kubernetes CPU quantity such as 250m or 1"),
        eksPodMemory: matching("eksPodMemory", /^\d+(Mi|Gi)$/, "a Kubernetes memory quantity in Mi or Gi such as 512Mi"),
        eksTargetCpuUtilization: int("eksTargetCpuUtilization", 1, 100),
        eksLoadGenerator: bool("eksLoadGenerator"),

        visitsDemoEnabled: bool("visitsDemoEnabled"),
        visitsDemoPlatform: oneOf("visitsDemoPlatform", PLATFORMS),
        privateServiceCapacity: oneOf("privateServiceCapacity", ["FARGATE", "FARGATE_SPOT"] as const),
        privateServiceDesiredCount: int("privateServiceDesiredCount", 0, 100),
    })
    .superRefine((c, ctx) => {
        const issue = (message: string | undefined) => message && ctx.addIssue({ code: "custom", message });
        issue(appRunnerCpuMemoryProblem(`${PROJECT}:catalogueCpu`, c.catalogueCpu, `${PROJECT}:catalogueMemory`, c.catalogueMemory));
        issue(appRunnerCpuMemoryProblem(`${PROJECT}:productsCpu`, c.productsCpu, `${PROJECT}:productsMemory`, c.productsMemory));
        const order: [string, number, string, number][] = [
            ["catalogueMinSize", c.catalogueMinSize, "catalogueMaxSize", c.catalogueMaxSize],
            ["productsMinSize", c.productsMinSize, "productsMaxSize", c.productsMaxSize],
            ["auroraMinCapacity", c.auroraMinCapacity, "auroraMaxCapacity", c.auroraMaxCapacity],
            ["eksMinReplicas", c.eksMinReplicas, "eksMaxReplicas", c.eksMaxReplicas],
        ];
        for (const [minKey, min, maxKey, max] of order) {
            if (min > max) issue(`${q(minKey)} (${min}) must not be greater than ${q(maxKey)} (${max}).`);
        }
        const express: [string, Platform, string, string, string, string][] = [
            ["appRunnerPlatform", c.appRunnerPlatform, "productsCpu", c.productsCpu, "productsMemory", c.productsMemory],
            ["appRunnerVpcPlatform", c.appRunnerVpcPlatform, "catalogueCpu", c.catalogueCpu, "catalogueMemory", c.catalogueMemory],
        ];
        for (const [platformKey, platform, cpuKey, cpu, memoryKey, memory] of express) {
            const problem = platform === "ecs-express" ? expressSizeProblem(vcpu(cpu), gib(memory)) : undefined;
            if (problem) {
                issue(
                    `${q(platformKey)} is ecs-express, so ${q(cpuKey)} "${cpu}" and ${q(memoryKey)} "${memory}" must fit Express sizes: ${problem}`,
                );
            }
        }
        const [base, prefix] = c.vpcCidr.split("/");
        const maxPrefix = maxVpcPrefix(c.availabilityZones);
        if (isVpcCidr(c.vpcCidr) && Number(prefix) > maxPrefix) {
            issue(
                `${q("vpcCidr")} ${c.vpcCidr} is too small for the subnet layout in ${c.availabilityZones} zones (${q("availabilityZones")}): ` +
                    `each zone needs ${ADDRESSES_PER_ZONE} addresses (${SUBNET_LAYOUT.map((s) => `a /${s.cidrMask} ${s.type.toLowerCase()}`).join(" + ")}), so use /${maxPrefix} or larger.`,
            );
        }
        const hostBits = base.split(".").reduce((n, o) => n * 256 + Number(o), 0) % 2 ** (32 - Number(prefix));
        if (isVpcCidr(c.vpcCidr) && hostBits !== 0)
            issue(`${q("vpcCidr")} ${c.vpcCidr} has host bits set; write the network address of the block.`);
        if (c.environment === "prod" && !c.auroraDeletionProtection) {
            issue(`${q("auroraDeletionProtection")} must be true when environment is prod (got false).`);
        }
        for (const severity of ["Page", "Ticket"] as const) {
            if (c[`alarm${severity}TopicArn`] && c[`alarm${severity}Email`]) {
                issue(
                    `${q(`alarm${severity}Email`)} subscribes to the topic the stack creates, but ${q(`alarm${severity}TopicArn`)} names your own topic: subscribe the address to that topic instead, or drop the ARN.`,
                );
            }
        }
        eksEndpointRules(c).forEach(issue);
    });

/** The access-entry roles a private Kubernetes API needs: CI's deploy and preview roles, the emergency admins'. */
export const EKS_ACCESS_ROLE_KEYS = ["eksDeployRoleArn", "eksPreviewRoleArn", "eksBreakGlassRoleArn"] as const;

/**
 * Whether the stack must name all three access roles: it runs the EKS cluster with no public endpoint. Then
 * only principals with an access entry can use the API (authentication mode API), and they must reach it from
 * inside the VPC, i.e. CI's runners: without the deploy role's entry, the cluster creator's implicit entry is
 * the only admin (whoever ran the first `up`); without the preview role's, CI previews get 401 after the first
 * `up`; without break-glass, a broken deploy role or OIDC trust locks every human out, because with the
 * deploy role set the creator's implicit admin is switched off. A public endpoint (dev, or staging's
 * temporary bootstrap) keeps the roles optional: one person may deploy it from one set of credentials.
 */
export function eksAccessRolesRequired(c: { eksFargateEnabled: boolean; eksEndpointPublicAccess: boolean }): boolean {
    return c.eksFargateEnabled && !c.eksEndpointPublicAccess;
}

/** "a", "a and b", "a, b and c". */
const listed = (items: string[]) => (items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`);

/**
 * Who can reach and use the Kubernetes API. A public endpoint outside dev must be limited to listed
 * CIDRs (empty means 0.0.0.0/0: "If you specify no CIDR blocks, then the public API server endpoint
 * receives requests from all", https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html);
 * dev may leave it open (the policy pack's eks-public-endpoint-cidrs reports it there).
 */
function eksEndpointRules(c: {
    environment: Environment;
    eksFargateEnabled: boolean;
    eksEndpointPublicAccess: boolean;
    eksPublicAccessCidrs: string[];
    eksDeployRoleArn?: string;
    eksPreviewRoleArn?: string;
    eksBreakGlassRoleArn?: string;
}): (string | undefined)[] {
    const key = q("eksPublicAccessCidrs");
    const strict = c.environment !== "dev";
    const missingRoles = EKS_ACCESS_ROLE_KEYS.filter((k) => !c[k]);
    return [
        eksAccessRolesRequired(c) && missingRoles.length > 0
            ? `${listed(missingRoles.map(q))} must be set when ${q("eksFargateEnabled")} is true and ${q("eksEndpointPublicAccess")} is false: ` +
              "a private Kubernetes API admits only principals with an EKS access entry, so the role CI deploys with (eksDeployRoleArn), the role it previews with (eksPreviewRoleArn) " +
              `and the emergency admin role (eksBreakGlassRoleArn) each need one; set them to IAM role ARNs of the stack's account (docs/deploying.md, "EKS API access and the first deploy").`
            : undefined,
        !c.eksEndpointPublicAccess && c.eksPublicAccessCidrs.length > 0
            ? `${key} applies only when ${q("eksEndpointPublicAccess")} is true; drop the CIDRs or enable the public endpoint.`
            : undefined,
        c.eksEndpointPublicAccess && strict && c.eksPublicAccessCidrs.length === 0
            ? `${key} must list the CIDRs allowed to reach the public Kubernetes API endpoint when environment is ${c.environment} (empty means 0.0.0.0/0); or keep the endpoint private and deploy from inside the VPC (docs/deploying.md, "EKS API access and the first deploy").`
            : undefined,
        c.eksEndpointPublicAccess && strict && c.eksPublicAccessCidrs.includes("0.0.0.0/0")
            ? `${key} must not contain 0.0.0.0/0 when environment is ${c.environment}; list the egress CIDRs of your runners and offices.`
            : undefined,
        eksDuplicateRoleProblem([
            [`${PROJECT}:eksDeployRoleArn`, c.eksDeployRoleArn],
            [`${PROJECT}:eksPreviewRoleArn`, c.eksPreviewRoleArn],
            [`${PROJECT}:eksBreakGlassRoleArn`, c.eksBreakGlassRoleArn],
        ]),
    ];
}

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

export interface StackConfig extends ParsedConfig {
    readonly project: string;
    readonly stack: string;
    /** Tags every taggable resource carries. */
    readonly tags: Readonly<Record<string, string>>;
}

/** The keys the program reads (used to check Pulumi.yaml declares exactly these). */
export const CONFIG_KEYS = Object.keys(configSchema.shape) as (keyof RawConfig)[];

/** Validate raw string values; throws one error listing every problem, each naming its key. */
export function parseConfig(raw: Record<string, string | undefined>, stack: string): StackConfig {
    const result = configSchema.safeParse(raw);
    const retireIssue = retireConfirmationProblem(result.success ? result.data.retire : false, stack);
    if (!result.success || retireIssue) {
        const lines = [...(result.success ? [] : result.error.issues.map((i) => i.message)), ...(retireIssue ? [retireIssue] : [])].map(
            (m) => `  - ${m}`,
        );
        throw new Error(`Invalid stack config for stack "${stack}":\n${lines.join("\n")}`);
    }
    return {
        ...result.data,
        project: PROJECT,
        stack,
        tags: { project: PROJECT, environment: result.data.environment, stack, "managed-by": "pulumi" },
    };
}

/** The environment variable that confirms a `retire` for one stack (README, "Retiring an environment"). */
export const RETIRE_CONFIRMATION = "SC_RETIRE_STACK";

/**
 * `retire` lifts a stack's deletion guards, so it takes two keys: the config, and SC_RETIRE_STACK=<stack> in the
 * environment of the `pulumi up` that applies it. The deploy workflow never sets the variable, so a `retire: true`
 * merged into a stack file is refused there instead of lifting prod's protection on the next push.
 */
export function retireConfirmationProblem(retire: boolean, stack: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (!retire) return undefined;
    const confirmed = env[RETIRE_CONFIRMATION];
    const bare = (s: string) => s.slice(s.lastIndexOf("/") + 1);
    if (confirmed !== undefined && bare(confirmed) === bare(stack)) return undefined;
    return `${q("retire")} is true, which lifts this stack's deletion guards: confirm it by running \`pulumi up\` with ${RETIRE_CONFIRMATION}=${bare(stack)} in the environment (README, "Retiring an environment")${confirmed === undefined ? "" : ` (${RETIRE_CONFIRMATION} is "${confirmed}")`}.`;
}

/** Read and validate this stack's config from the Pulumi runtime. */
export function loadConfig(): StackConfig {
    const config = new pulumi.Config(PROJECT);
    const raw: Record<string, string | undefined> = {};
    for (const key of CONFIG_KEYS) raw[key] = config.get(key);
    return parseConfig(raw, pulumi.getStack());
}

/**
 * A CPU config value ("0.25 vCPU", App Runner's notation, or a Kubernetes quantity "250m", "1") as the vCPU number
 * the components take. The config keys keep their notation; the stacks map them here.
 */
export function vcpu(text: string): number {
    const m = /^(\d+(?:\.\d+)?)\s*(m|vCPU)?$/.exec(text.trim());
    if (!m) throw new Error(`not a CPU amount: ${JSON.stringify(text)}`);
    return m[2] === "m" ? Number(m[1]) / 1000 : Number(m[1]);
}

/** A memory config value ("0.5 GB", App Runner's notation, or a Kubernetes quantity "512Mi", "1Gi") as the GiB number the components take. */
export function gib(text: string): number {
    const m = /^(\d+(?:\.\d+)?)\s*(GB|Gi|Mi)$/.exec(text.trim());
    if (!m) throw new Error(`not a memory amount: ${JSON.stringify(text)}`);
    return m[2] === "Mi" ? Number(m[1]) / 1024 : Number(m[1]);
}
