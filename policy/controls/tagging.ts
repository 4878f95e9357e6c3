// Tagging: every taggable AWS resource carries `project` and `environment`, and `environment` matches the
// stack's environment (cost allocation, ownership, and the ABAC conditions some teams write against them).
import { Control, Props, STRICT_FROM_STAGING } from "../types";
import { asRecord, get, isUnknown } from "../util";

export const REQUIRED_TAGS = ["project", "environment"] as const;

/**
 * AWS types this project creates that take `tags`. A type not listed is still checked when its inputs
 * carry a `tags` key (the caller tagged some but maybe not all); types without tag support never do.
 */
export const TAGGABLE_AWS_TYPES: readonly string[] = [
    "aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion",
    "aws:apprunner/observabilityConfiguration:ObservabilityConfiguration",
    "aws:apprunner/service:Service",
    "aws:apprunner/vpcConnector:VpcConnector",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:dynamodb/table:Table",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/vpc:Vpc",
    "aws:ecr/repository:Repository",
    "aws:ecs/cluster:Cluster",
    "aws:ecs/expressGatewayService:ExpressGatewayService",
    "aws:ecs/service:Service",
    "aws:ecs/taskDefinition:TaskDefinition",
    "aws:eks/cluster:Cluster",
    "aws:eks/fargateProfile:FargateProfile",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:iam/policy:Policy",
    "aws:iam/role:Role",
    "aws:kms/key:Key",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:lb/targetGroup:TargetGroup",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:rds/proxy:Proxy",
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:secretsmanager/secret:Secret",
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
    "aws:servicediscovery/service:Service",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
];

export function isTaggable(type: string, props: Props): boolean {
    return type.startsWith("aws:") && (TAGGABLE_AWS_TYPES.includes(type) || "tags" in props);
}

export const taggingControls: Control[] = [
    {
        id: "aws-required-tags",
        description: "Taggable AWS resources carry `project` and `environment` tags; `environment` names the stack's environment.",
        source: "AWS Config required-tags; Security Hub AWS Resource Tagging Standard (requiredTagKeys)",
        resourceTypes: ["aws:*"],
        enforcement: STRICT_FROM_STAGING,
        remediation:
            "Spread the component's shared tags ({ project, environment, ... }) into every child, or set the provider's defaultTags.",
        check: (type, props, ctx) => {
            if (!isTaggable(type, props)) return [];
            const tags = get(props, "tags");
            const tagsAll = get(props, "tagsAll"); // provider-computed (defaultTags merged); unknown in preview
            if (isUnknown(tags) || isUnknown(tagsAll)) return [];
            // asRecord, not a spread of `unknown ?? {}`: that compiles only with strictNullChecks (TS2698 without),
            // and the pack must load under Pulumi's policy runner (scripts/policy-pack-host.pack.test.ts).
            const merged: Record<string, unknown> = { ...asRecord(tagsAll), ...asRecord(tags) };
            const out: string[] = [];
            const missing = REQUIRED_TAGS.filter((k) => !(k in merged));
            if (missing.length) out.push(`tags must include ${missing.map((k) => `"${k}"`).join(" and ")}.`);
            const env = merged.environment;
            if (typeof env === "string" && env !== ctx.environment) {
                out.push(`tags.environment must be "${ctx.environment}" for this stack (got "${env}").`);
            }
            return out;
        },
    },
];
