// Aurora Serverless v2 + RDS Proxy (AuroraWithProxy component).
import { Control, ControlContext, EnforcementTable, Props, STRICT_FROM_STAGING, STRICT_IN_PROD } from "../types";
import { asArray, get, isUnknown, show } from "../util";

const CLUSTER = "aws:rds/cluster:Cluster";
const CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const INSTANCE = "aws:rds/instance:Instance";
const PROXY = "aws:rds/proxy:Proxy";

/** Backups: AWS's minimum (1 day) outside prod, a week in prod. */
export const MIN_BACKUP_RETENTION_DAYS: Readonly<Record<ControlContext["environment"], number>> = { dev: 1, staging: 1, prod: 7 };

/** A boolean input that must be true; `def` is the provider default used when it is absent. */
function mustBeTrue(props: Props, path: string, def: boolean, why: string): string[] {
    const v = get(props, path);
    if (isUnknown(v) || (v ?? def) === true) return [];
    return [`${path} must be true ${why}(got ${v === undefined ? `unset, default ${def}` : show(v)}).`];
}

const boolControl = (
    id: string,
    path: string,
    def: boolean,
    why: string,
    description: string,
    source: string,
    enforcement: EnforcementTable,
    remediation: string,
): Control => ({
    id,
    description,
    source,
    resourceTypes: [CLUSTER],
    enforcement,
    remediation,
    check: (_t, props) => mustBeTrue(props, path, def, why),
});

export const rdsControls: Control[] = [
    boolControl(
        "rds-storage-encrypted",
        "storageEncrypted",
        false,
        "",
        "Aurora clusters encrypt storage, snapshots and backups at rest.",
        "FSBP RDS.27, CKV_AWS_96",
        STRICT_FROM_STAGING,
        "Set storageEncrypted: true (optionally kmsKeyId). Changing it on an existing cluster replaces it: restore from a snapshot.",
    ),
    {
        ...boolControl(
            "rds-deletion-protection",
            "deletionProtection",
            false,
            "",
            "Aurora clusters have deletion protection on.",
            "FSBP RDS.7, CKV_AWS_139",
            STRICT_IN_PROD,
            "Set deletionProtection: true (AuroraWithProxy turns it on per environment).",
        ),
        guardsDeletion: true,
    },
    boolControl(
        "rds-iam-auth",
        "iamDatabaseAuthenticationEnabled",
        false,
        "so the proxy and clients can use IAM tokens instead of passwords ",
        "Aurora clusters enable IAM database authentication.",
        "FSBP RDS.12, CKV_AWS_162",
        STRICT_IN_PROD,
        "Set iamDatabaseAuthenticationEnabled: true.",
    ),
    boolControl(
        "rds-copy-tags-to-snapshot",
        "copyTagsToSnapshot",
        false,
        "",
        "Aurora clusters copy their tags to snapshots (ownership and cost allocation survive the cluster).",
        "FSBP RDS.16, CKV_AWS_313",
        STRICT_FROM_STAGING,
        "Set copyTagsToSnapshot: true.",
    ),
    {
        id: "rds-backup-retention",
        description: "Aurora clusters keep automated backups at least 7 days in prod (1 elsewhere).",
        source: "FSBP RDS.11, CKV_AWS_133",
        resourceTypes: [CLUSTER],
        enforcement: STRICT_IN_PROD,
        remediation: "Set backupRetentionPeriod to 7 or more in prod.",
        check: (_t, props, ctx) => {
            const v = get(props, "backupRetentionPeriod");
            if (isUnknown(v)) return [];
            const days = v ?? 1; // AWS default
            const min = MIN_BACKUP_RETENTION_DAYS[ctx.environment];
            return typeof days === "number" && days >= min
                ? []
                : [
                      `backupRetentionPeriod must be at least ${min} days in ${ctx.environment} (got ${v === undefined ? "unset, default 1" : show(days)}).`,
                  ];
        },
    },
    {
        id: "rds-log-exports",
        description: "Aurora clusters export database logs to CloudWatch Logs.",
        source: "FSBP RDS.34 / RDS.37, CKV_AWS_324",
        resourceTypes: [CLUSTER],
        enforcement: STRICT_FROM_STAGING,
        remediation: 'Set enabledCloudwatchLogsExports (MySQL: ["audit", "error", "slowquery"]; PostgreSQL: ["postgresql"]).',
        check: (_t, props) => {
            const logs = asArray(get(props, "enabledCloudwatchLogsExports"));
            if (isUnknown(logs) || logs.length > 0) return [];
            return ["enabledCloudwatchLogsExports must not be empty."];
        },
    },
    {
        id: "rds-managed-master-password",
        description: "The master password is generated and rotated by RDS in Secrets Manager, never passed in.",
        source: "The project's security baseline: secrets injected at runtime (AWS RDS / Secrets Manager integration)",
        resourceTypes: [CLUSTER],
        enforcement: STRICT_FROM_STAGING,
        remediation:
            "Remove masterPassword / masterPasswordWo and set manageMasterUserPassword: true; read the secret ARN from masterUserSecrets.",
        check: (_t, props) => {
            // A cluster restored from a snapshot, or a replica / global secondary, inherits its credentials.
            if (
                get(props, "snapshotIdentifier") !== undefined ||
                get(props, "replicationSourceIdentifier") !== undefined ||
                get(props, "globalClusterIdentifier") !== undefined
            ) {
                return [];
            }
            const passwords = ["masterPassword", "masterPasswordWo"].map((key) => ({ key, value: get(props, key) }));
            // Unknown (e.g. a RandomPassword output in preview) passes now; the check runs again at `pulumi up`.
            if (passwords.some((p) => isUnknown(p.value))) return [];
            const out = passwords
                .filter((p) => p.value !== undefined)
                .map((p) => `${p.key} must not be set: it lands in state and stack history; use manageMasterUserPassword: true.`);
            const managed = get(props, "manageMasterUserPassword");
            if (out.length === 0 && !isUnknown(managed) && managed !== true) {
                out.push(`manageMasterUserPassword must be true (got ${show(managed ?? "unset")}).`);
            }
            return out;
        },
    },
    {
        id: "rds-instance-not-public",
        description: "Database instances are not publicly accessible.",
        source: "FSBP RDS.2, CKV_AWS_17",
        resourceTypes: [CLUSTER_INSTANCE, INSTANCE],
        enforcement: { dev: "mandatory", staging: "mandatory", prod: "mandatory" },
        remediation: "Set publiclyAccessible: false and reach the database through RDS Proxy from inside the VPC.",
        check: (_t, props) => {
            const v = get(props, "publiclyAccessible");
            return v === true ? ["publiclyAccessible must be false (got true)."] : [];
        },
    },
    {
        id: "rds-auto-minor-version-upgrade",
        description: "Aurora instances take minor engine upgrades (security patches) automatically.",
        source: "FSBP RDS.13, CKV_AWS_226",
        resourceTypes: [CLUSTER_INSTANCE, INSTANCE],
        enforcement: STRICT_FROM_STAGING,
        remediation: "Remove autoMinorVersionUpgrade: false (the default is true).",
        check: (_t, props) =>
            get(props, "autoMinorVersionUpgrade") === false ? ["autoMinorVersionUpgrade must be true (got false)."] : [],
    },
    {
        id: "rds-proxy-require-tls",
        description: "RDS Proxy accepts only TLS connections from clients.",
        source: "FSBP RDS family (encryption in transit); the project's security baseline",
        resourceTypes: [PROXY],
        enforcement: STRICT_FROM_STAGING,
        remediation: "Set requireTls: true and connect with TLS (DB_TLS=true in the apps).",
        check: (_t, props) => mustBeTrue(props, "requireTls", false, ""),
    },
];
