// DynamoDB tables, CloudWatch log groups, KMS keys, load balancers.
import { Control, Props, STRICT_FROM_STAGING, STRICT_IN_PROD } from "../types";
import { get, isUnknown, show } from "../util";

const TABLE = "aws:dynamodb/table:Table";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const KMS_KEY = "aws:kms/key:Key";
const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
const ALB_ALIAS = "aws:alb/loadBalancer:LoadBalancer";

/** Message when a boolean at `path` (default `def`) isn't true, else none; unknown passes. */
function requireTrue(props: Props, path: string, def: boolean): string[] {
    const v = get(props, path);
    if (isUnknown(v) || (v ?? def) === true) return [];
    return [`${path} must be true (got ${v === undefined ? `unset, default ${def}` : show(v)}).`];
}

export const dataControls: Control[] = [
    {
        id: "dynamodb-point-in-time-recovery",
        description: "DynamoDB tables have point-in-time recovery on.",
        source: "FSBP DynamoDB.2, CKV_AWS_28",
        resourceTypes: [TABLE],
        enforcement: STRICT_FROM_STAGING,
        remediation: "Set pointInTimeRecovery: { enabled: true }.",
        check: (_t, props) => requireTrue(props, "pointInTimeRecovery.enabled", false),
    },
    {
        id: "dynamodb-sse-kms",
        description: "DynamoDB tables use KMS server-side encryption (AWS-managed or customer key) rather than the AWS-owned key.",
        source: "CKV_AWS_119",
        resourceTypes: [TABLE],
        enforcement: STRICT_IN_PROD,
        remediation: "Set serverSideEncryption: { enabled: true } (add kmsKeyArn for a customer-managed key).",
        check: (_t, props) => requireTrue(props, "serverSideEncryption.enabled", false),
    },
    {
        id: "dynamodb-deletion-protection",
        description: "DynamoDB tables have deletion protection on.",
        source: "FSBP DynamoDB.6",
        resourceTypes: [TABLE],
        enforcement: STRICT_IN_PROD,
        remediation: "Set deletionProtectionEnabled: true.",
        check: (_t, props) => requireTrue(props, "deletionProtectionEnabled", false),
        guardsDeletion: true,
    },
    {
        id: "log-group-retention",
        description: "CloudWatch log groups set a retention period (the default keeps logs, and bills for them, forever).",
        source: "FSBP CloudWatch.16, CKV_AWS_338 (any retention; Checkov asks for 1 year)",
        resourceTypes: [LOG_GROUP],
        enforcement: STRICT_FROM_STAGING,
        remediation: "Set retentionInDays (e.g. 30 in dev, 365 in prod).",
        check: (_t, props) => {
            const v = get(props, "retentionInDays");
            if (isUnknown(v) || (typeof v === "number" && v > 0)) return [];
            return [`retentionInDays must be set to a positive number of days (got ${v === undefined ? "unset, never expire" : show(v)}).`];
        },
    },
    {
        id: "kms-key-rotation",
        description: "Symmetric customer-managed KMS keys rotate automatically.",
        source: "FSBP KMS.4, CKV_AWS_7",
        resourceTypes: [KMS_KEY],
        enforcement: STRICT_FROM_STAGING,
        remediation: "Set enableKeyRotation: true.",
        check: (_t, props) => {
            const spec = get(props, "customerMasterKeySpec");
            const usage = get(props, "keyUsage");
            // Rotation exists only for symmetric encryption keys.
            if ((spec !== undefined && spec !== "SYMMETRIC_DEFAULT") || (usage !== undefined && usage !== "ENCRYPT_DECRYPT")) return [];
            return requireTrue(props, "enableKeyRotation", false);
        },
    },
    {
        id: "alb-drop-invalid-headers",
        description: "Application load balancers drop HTTP headers with invalid names (request smuggling).",
        source: "FSBP ELB.4, CKV_AWS_131",
        resourceTypes: [LOAD_BALANCER, ALB_ALIAS],
        enforcement: STRICT_FROM_STAGING,
        remediation: "Set dropInvalidHeaderFields: true.",
        check: (_t, props) => {
            const kind = get(props, "loadBalancerType");
            if (kind !== undefined && kind !== "application") return []; // NLB / GWLB: not applicable
            return requireTrue(props, "dropInvalidHeaderFields", false);
        },
    },
];
