/**
 * Who may reach and use the Kubernetes API of an EKS cluster (authentication mode API): CIDR rules for the
 * public and private endpoints, IAM role ARN rules for access entries, the AWS managed access policies we
 * associate, and the transform that stops `@pulumi/eks` from making the cluster creator an implicit admin. Shared by the EksFargateCluster
 * component and stacks/config.ts, so a config key and the component can never disagree.
 */
import * as pulumi from "@pulumi/pulumi";
import { arnIn } from "./arn";
import { CIDR_RULE, isWorld, parseIpv4Cidr, reservedRangeIn } from "./ipv4-cidr";

/**
 * AWS managed access policies (names from "Review access policy permissions",
 * https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html). ClusterAdmin ≈
 * Kubernetes `cluster-admin` (the deploy installs CRDs, ClusterRoles and webhooks through Helm);
 * View ≈ `view`: most resources read-only, no Secrets (unlike AmazonEKSAdminViewPolicy).
 */
export const EKS_ACCESS_POLICIES = {
    clusterAdmin: "AmazonEKSClusterAdminPolicy",
    view: "AmazonEKSViewPolicy",
} as const;

export function accessPolicyArn(
    partition: pulumi.Input<string>,
    policy: (typeof EKS_ACCESS_POLICIES)[keyof typeof EKS_ACCESS_POLICIES],
): pulumi.Output<string> {
    return arnIn(partition, { service: "eks", region: null, account: "aws", resource: `cluster-access-policy/${policy}` });
}

/** An IAM role ARN; the path is optional and, for access entries, may be kept ("Create access entries"). */
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:([\x21-\x7e]+)\/)?([\w+=,.@-]{1,64})$/;
const STS_SESSION_ARN = /^arn:(aws|aws-cn|aws-us-gov):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\//;

/**
 * Problem with an access-entry role ARN, naming `label`, or undefined. EKS rules, from "Create access
 * entries" (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html): one existing
 * IAM principal per entry; a role ARN may include a path; service-linked roles are not supported. An STS
 * session ARN (what `aws sts get-caller-identity` prints) is the usual mistake, so it gets a hint.
 */
export function roleArnProblem(label: string, value: string): string | undefined {
    const role = ROLE_ARN.exec(value);
    if (role) {
        return role[3]?.startsWith("aws-service-role")
            ? `\`${label}\` names a service-linked role, which EKS access entries do not support.`
            : undefined;
    }
    const rule = `\`${label}\` must be an IAM role ARN such as arn:aws:iam::111122223333:role/path/name (got ${JSON.stringify(value)})`;
    const session = STS_SESSION_ARN.exec(value);
    return session
        ? `${rule}; that is an STS session ARN: use arn:${session[1]}:iam::${session[2]}:role/<path/>${session[3]}.`
        : `${rule}.`;
}

/** Problem when two labelled ARNs name the same role ("An IAM principal can't be included in more than one access entry"). */
export function duplicateRoleProblem(roles: readonly (readonly [label: string, arn: string | undefined])[]): string | undefined {
    const named = roles.filter((r): r is readonly [string, string] => r[1] !== undefined && r[1] !== "");
    for (let i = 0; i < named.length; i++) {
        for (let j = i + 1; j < named.length; j++) {
            if (named[i][1] === named[j][1]) {
                return `\`${named[i][0]}\` and \`${named[j][0]}\` name the same role; EKS allows one access entry per IAM principal, so give each purpose its own role.`;
            }
        }
    }
    return undefined;
}

/** The `aws.eks.Cluster` child of `@pulumi/eks`'s Cluster, and the input we override on it. */
const EKS_CLUSTER_TYPE = "aws:eks/cluster:Cluster";
const CREATOR_ADMIN = "accessConfig.bootstrapClusterCreatorAdminPermissions";

/**
 * `@pulumi/eks` 4.3.0 hard-codes `accessConfig.bootstrapClusterCreatorAdminPermissions: true` in API mode
 * (nodejs/eks/cluster/cluster.ts; pulumi/pulumi-eks#2373), which gives whoever runs the first `up` a
 * hidden cluster-admin access entry — and makes an explicit entry for that same principal fail with
 * ResourceInUseException ("already in use on this cluster"; terraform-aws-modules/terraform-aws-eks#2968).
 * When the deploy role gets an explicit entry, this transform turns the implicit one off. Transforms reach
 * the children of packaged components (https://www.pulumi.com/docs/iac/concepts/options/transforms/).
 * The field is ForceNew in EKS, so it is also ignored on existing clusters rather than replacing them
 * (the component already ignores it; merged again here so the override can never cause a replacement).
 */
export function withoutCreatorAdmin(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
    if (args.type !== EKS_CLUSTER_TYPE) return undefined;
    const accessConfig = (args.props.accessConfig ?? {}) as Record<string, unknown>;
    return {
        props: { ...args.props, accessConfig: { ...accessConfig, bootstrapClusterCreatorAdminPermissions: false } },
        opts: pulumi.mergeOptions(args.opts, { ignoreChanges: [CREATOR_ADMIN] }),
    };
}

/** Child types @pulumi/eks creates without the cluster's `tags` (pulumi/pulumi-eks#852). */
export const UNTAGGED_EKS_CHILD_TYPES = [
    "aws:eks/fargateProfile:FargateProfile",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
] as const;

/**
 * A transform for the `eks.Cluster` component: gives the children it creates untagged (its Fargate profile and
 * OIDC provider) the stack's tags, which the policy pack requires (`aws-required-tags`) and cost allocation needs.
 * Tags the child already has win. The engine runs a component's transforms on its children, packaged
 * components included (https://www.pulumi.com/docs/iac/concepts/options/transforms/).
 */
export function withTags(tags: Readonly<Record<string, string>>): pulumi.ResourceTransform {
    return (args) => {
        if (!(UNTAGGED_EKS_CHILD_TYPES as readonly string[]).includes(args.type)) return undefined;
        const own = (args.props.tags ?? {}) as Record<string, string>;
        return { props: { ...args.props, tags: { ...tags, ...own } }, opts: args.opts };
    };
}

/** A public-endpoint CIDR: valid, and no reserved addresses (EKS refuses them; see ipv4-cidr.ts). */
export function publicCidrProblem(label: string, text: string): string | undefined {
    const cidr = parseIpv4Cidr(text);
    if (!cidr) return `\`${label}\` entry "${text}" must be ${CIDR_RULE}.`;
    const reserved = reservedRangeIn(cidr);
    return reserved
        ? `\`${label}\` entry "${text}" includes ${reserved}, and EKS accepts no reserved addresses for the public endpoint; list the public egress addresses of your runners and offices.`
        : undefined;
}

/** A CIDR admitted to the private endpoint: valid, and not the whole internet. */
export function privateCidrProblem(label: string, text: string): string | undefined {
    const cidr = parseIpv4Cidr(text);
    if (!cidr) return `\`${label}\` entry "${text}" must be ${CIDR_RULE}.`;
    return isWorld(cidr)
        ? `\`${label}\` entry "${text}" would admit every address to the private endpoint; list the connected networks (peered VPC, VPN) instead.`
        : undefined;
}

/** The roles a cluster grants, by purpose (ARNs as configured; undefined = not granted). */
export interface AccessRoles {
    readonly deployRoleArn?: string;
    readonly previewRoleArn?: string;
    readonly breakGlassRoleArn?: string;
}

/**
 * Why the principal running the program will get 401 from the Kubernetes API, or undefined. `up` needs
 * the deploy or break-glass role, `preview` any of the three. Compared by account and role name (role
 * names are unique in an account; an STS session ARN drops the path). A caller in another account than
 * the roles is the "preview in the wrong account" mistake: its lookups resolve somewhere else entirely.
 */
export function callerAccessProblem(callerArn: string, roles: AccessRoles, preview: boolean): string | undefined {
    if (!roles.deployRoleArn) return undefined;
    const granted = [roles.deployRoleArn, roles.breakGlassRoleArn, ...(preview ? [roles.previewRoleArn] : [])].filter(
        (a): a is string => !!a,
    );
    const caller =
        /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(callerArn) ??
        /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(callerArn);
    const roleAccount = ROLE_ARN.exec(roles.deployRoleArn)?.[2];
    if (caller && roleAccount && caller[1] !== roleAccount) {
        return `this program runs in account ${caller[1]}, but the cluster's access roles are in account ${roleAccount}: check the credentials (each environment's own role).`;
    }
    const grantedNames = granted.map((arn) => ROLE_ARN.exec(arn)?.[4]);
    if (caller && grantedNames.includes(caller[2])) return undefined;
    const allowed = preview ? "the deploy, preview or break-glass role" : "the deploy or break-glass role";
    return `this program runs as ${callerArn}, which has no access entry on this cluster, so its Kubernetes API calls will be refused (401); run \`pulumi ${preview ? "preview" : "up"}\` as ${allowed}.`;
}
