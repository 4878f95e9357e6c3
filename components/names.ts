/**
 * Physical names for resources whose name must be unique per account and region (App Runner services
 * and their configurations, VPC connectors, Cloud Map namespaces…). Pulumi's auto-naming appends a
 * random suffix, but these names are chosen by us, so two stacks in one account collide unless the
 * name carries the stack — and a name cut to a length limit must not lose what made it unique.
 */
import { createHash } from "node:crypto";

const shortHash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);

/**
 * `name` cut to `maxLength`; when it is too long, the cut keeps a prefix and ends in a hash of the full
 * name, so two long names that differ only at the end stay different.
 */
export function boundedName(name: string, maxLength: number): string {
    if (name.length <= maxLength) return name;
    return `${name.slice(0, maxLength - 9).replace(/[-_.]+$/, "")}-${shortHash(name)}`;
}

/**
 * `<base>-<stack>` in the characters a name allows (others become "-"), bounded by `boundedName`.
 * Stack names may hold characters AWS names refuse (`.`, `/` of org/project/stack, upper case for DNS).
 */
export function stackScopedName(base: string, stack: string, maxLength: number, options: { lowerCase?: boolean } = {}): string {
    const raw = `${base}-${stack}`;
    const cleaned = (options.lowerCase ? raw.toLowerCase() : raw)
        .replace(/[^A-Za-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/-$/, "");
    return boundedName(cleaned, maxLength);
}

/**
 * The auto-named child types whose names AWS limits tightly. The provider names such a child
 * `<logical name>-<7 random characters>` (pulumi-aws provider/resources.go, e.g. `tfbridge.AutoName("name", 64, "-")`
 * for IAM roles) and refuses a name over the limit, but only when it checks the plan against AWS: mocks check nothing.
 */
export const AUTO_NAME_LIMITS = {
    "aws:iam/role:Role": {
        max: 64,
        what: "IAM role",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
    },
    "aws:iam/rolePolicy:RolePolicy": {
        max: 128,
        what: "IAM inline policy",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
    },
    "aws:rds/cluster:Cluster": {
        max: 63,
        what: "Aurora cluster identifier",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html",
    },
    "aws:rds/clusterInstance:ClusterInstance": {
        max: 63,
        what: "DB instance identifier",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
    },
    "aws:rds/proxy:Proxy": {
        max: 63,
        what: "RDS Proxy name",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBProxy.html",
    },
} as const;

/** What the provider appends to an auto-named child's logical name: "-" and 7 random characters. */
const AUTO_NAME_SUFFIX = 8;

/** One child a component names `<component name><suffix>`: its type and the suffix. */
export type DerivedChild = readonly [type: keyof typeof AUTO_NAME_LIMITS, suffix: string];

/**
 * The message when `name` makes a derived child's physical name longer than AWS allows (the tightest such child:
 * the one that allows the shortest component name), or undefined.
 */
export function childNameProblem(name: string, children: readonly DerivedChild[]): string | undefined {
    const allowed = children.map(([type, suffix]) => ({
        type,
        suffix,
        longest: AUTO_NAME_LIMITS[type].max - AUTO_NAME_SUFFIX - suffix.length,
    }));
    const tightest = allowed.filter((c) => name.length > c.longest).sort((a, b) => a.longest - b.longest)[0];
    if (!tightest) return undefined;
    const limit = AUTO_NAME_LIMITS[tightest.type];
    const longest = Math.min(...allowed.map((c) => c.longest));
    return `the name is too long for the children it names: ${limit.what} "${name}${tightest.suffix}-<7 random>" would have ${name.length + tightest.suffix.length + AUTO_NAME_SUFFIX} characters, and ${limit.what} names allow ${limit.max} (${limit.source}). Use a name of at most ${longest} characters.`;
}
