// EKS control plane: audit logs, envelope encryption of Secrets, endpoint exposure. Our clusters are built
// by the remote component `eks:index:Cluster` (@pulumi/eks), whose inputs are flat (enabledClusterLogTypes,
// encryptionConfigKeyArn, endpointPublicAccess, publicAccessCidrs); a raw `aws:eks/cluster:Cluster` nests
// them (vpcConfig.*, encryptionConfig.*). Each control reads both shapes.
import { Control, Props, STRICT_FROM_STAGING, STRICT_IN_PROD } from "../types";
import { asArray, get, isUnknown, isWorldCidr, show } from "../util";

const AWS_CLUSTER = "aws:eks/cluster:Cluster";
const EKS_COMPONENT = "eks:index:Cluster";

/** `endpointPublicAccess`, defaulting to true as both EKS and @pulumi/eks do. */
function publicEndpoint(type: string, props: Props): boolean | undefined {
    const v = get(props, type === AWS_CLUSTER ? "vpcConfig.endpointPublicAccess" : "endpointPublicAccess");
    if (isUnknown(v)) return undefined;
    return v === undefined ? true : Boolean(v);
}

export const eksControls: Control[] = [
    {
        id: "eks-audit-logging",
        description: "EKS control-plane logging sends at least the audit log to CloudWatch.",
        source: "FSBP EKS.8, CKV_AWS_37",
        resourceTypes: [AWS_CLUSTER, EKS_COMPONENT],
        enforcement: STRICT_FROM_STAGING,
        remediation: 'Set enabledClusterLogTypes: ["api", "audit", "authenticator"].',
        check: (_type, props) => {
            const types = asArray(get(props, "enabledClusterLogTypes"));
            if (isUnknown(types) || types.includes("audit") || types.some((t) => t === undefined)) return [];
            return [`enabledClusterLogTypes must include "audit" (got [${types.map((t) => `"${show(t)}"`).join(", ")}]).`];
        },
    },
    {
        id: "eks-secrets-encryption",
        description: "EKS envelope-encrypts Kubernetes Secrets with a KMS key.",
        source: "FSBP EKS.3, CKV_AWS_58",
        resourceTypes: [AWS_CLUSTER, EKS_COMPONENT],
        enforcement: STRICT_FROM_STAGING,
        remediation:
            'Pass encryptionConfigKeyArn (eks.Cluster) or encryptionConfig: { provider: { keyArn }, resources: ["secrets"] } (aws.eks.Cluster).',
        check: (type, props) => {
            if (type === EKS_COMPONENT) {
                // The key ARN is another resource's output: present-but-unknown passes, absent fails.
                const arn = get(props, "encryptionConfigKeyArn");
                if (isUnknown(arn) || (typeof arn === "string" && arn.length > 0)) return [];
                return ["encryptionConfigKeyArn must be set so Kubernetes Secrets are envelope-encrypted with KMS."];
            }
            const resources = asArray(get(props, "encryptionConfig.resources"));
            if (isUnknown(resources) || resources.includes("secrets")) return [];
            return ['encryptionConfig.resources must include "secrets" with a KMS key in encryptionConfig.provider.keyArn.'];
        },
    },
    {
        id: "eks-endpoint-not-public",
        description: "The EKS API server endpoint is private (reached through the VPC), not on the internet.",
        source: "FSBP EKS.1, CKV_AWS_39",
        resourceTypes: [AWS_CLUSTER, EKS_COMPONENT],
        // Dev clusters are driven from laptops; staging and prod are driven from CI runners inside the VPC.
        enforcement: STRICT_IN_PROD,
        remediation:
            "Set endpointPublicAccess: false and endpointPrivateAccess: true (vpcConfig.* on aws.eks.Cluster); deploy from inside the VPC.",
        check: (type, props) => {
            const pub = publicEndpoint(type, props);
            if (pub !== true) return [];
            const path = type === AWS_CLUSTER ? "vpcConfig.endpointPublicAccess" : "endpointPublicAccess";
            return [`${path} must be false (got ${get(props, path) === undefined ? "unset, default true" : "true"}).`];
        },
    },
    {
        id: "eks-public-endpoint-cidrs",
        description: "If the EKS endpoint is public, it is reachable only from listed CIDRs, never 0.0.0.0/0.",
        source: "CKV_AWS_38",
        resourceTypes: [AWS_CLUSTER, EKS_COMPONENT],
        enforcement: STRICT_FROM_STAGING,
        remediation: "Set publicAccessCidrs (vpcConfig.publicAccessCidrs) to your office / CI egress ranges, or make the endpoint private.",
        check: (type, props) => {
            if (publicEndpoint(type, props) !== true) return [];
            const path = type === AWS_CLUSTER ? "vpcConfig.publicAccessCidrs" : "publicAccessCidrs";
            const cidrs = asArray(get(props, path));
            if (isUnknown(cidrs)) return [];
            if (cidrs.length === 0) return [`${path} must list allowed CIDRs while the endpoint is public (unset means 0.0.0.0/0).`];
            const world = cidrs.filter(isWorldCidr);
            return world.length ? [`${path} must not contain ${world.join(", ")} while the endpoint is public.`] : [];
        },
    },
];
