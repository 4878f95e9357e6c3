/**
 * Aurora data the component and the stacks read (kept out of the resource file): the engine table and the
 * defaults of `AuroraWithProxyArgs`, stated once — validation, construction and the reference docs (whose
 * `@default` tags aurora-with-proxy.test.ts compares with AURORA_DEFAULTS) use these values.
 */

/**
 * The engines `AuroraWithProxyArgs.engine` accepts. An object of constants rather than a union of literals: the
 * schema analyzer publishes it as an enum (it refuses unions), as it does `LoadBalancerScheme`.
 */
export const AuroraEngine = {
    /** Aurora MySQL 3 (MySQL 8.0 compatible). */
    MySql: "mysql",
    /** Aurora PostgreSQL. */
    PostgreSql: "postgresql",
} as const;
/** One of `AuroraEngine`'s values: "mysql" or "postgresql". */
export type AuroraEngine = (typeof AuroraEngine)[keyof typeof AuroraEngine];
/** Every engine, in the order the validation message lists them. */
export const AURORA_ENGINES: readonly AuroraEngine[] = Object.values(AuroraEngine);

export interface EngineSpec {
    readonly engine: string;
    /** Cluster parameter group family for an engine version; undefined when the version is not one of this engine's. */
    readonly family: (version: string) => string | undefined;
    /** What a valid version looks like (the validation message). */
    readonly versionRule: string;
    /** Parameters that make the exported logs carry something (exports alone ship empty logs). */
    readonly logParameters: { name: string; value: string }[];
    readonly defaultVersion: string;
    readonly port: number;
    readonly proxyFamily: string;
    readonly logExports: string[];
    /** Whether Serverless v2 may scale this engine version to 0 ACU (auto-pause); see AUTO_PAUSE_FROM. */
    readonly autoPause: (version: string) => boolean;
    /** The first versions that can auto-pause (the validation message). */
    readonly autoPauseRule: string;
}

/**
 * The first version of each major that can scale to 0 ACU and pause ("Scaling to Zero ACUs with automatic pause and
 * resume for Aurora Serverless v2", which points to the capacity table of "How Aurora Serverless v2 works":
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html,
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.how-it-works.html#aurora-serverless-v2.how-it-works.capacity):
 * Aurora MySQL 3.08.0 and later; Aurora PostgreSQL 16.3, 15.7, 14.12, 13.15 and later in their majors (every 17.x).
 * Older versions refuse MinCapacity 0: "For versions that don't support Aurora Serverless v2 auto-pause, the smallest
 * value that you can use is 0.5" (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ServerlessV2ScalingConfiguration.html).
 */
export const AUTO_PAUSE_FROM = {
    mysql: "3.08.0",
    postgresql: { 13: "13.15", 14: "14.12", 15: "15.7", 16: "16.3" } as Readonly<Record<number, string>>,
} as const;

/** Compare dotted version numbers ("3.10.4" vs "3.08.0"): negative, zero or positive. */
function compareVersions(a: string, b: string): number {
    const x = a.split(".").map(Number);
    const y = b.split(".").map(Number);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
        const d = (x[i] ?? 0) - (y[i] ?? 0);
        if (d !== 0) return d;
    }
    return 0;
}

/**
 * Default versions (verified 2026-11-30; stacks set them from the `auroraMysqlVersion` /
 * `auroraPostgresqlVersion` config keys, whose defaults in Pulumi.yaml equal these):
 *   - Aurora MySQL 8.0.mysql_aurora.3.10.4: 3.10 is a long-term-support minor (the other current LTS, 3.04,
 *     is older and predates scale-to-0), 3.10.4 (2026-03-30) its latest patch in the release notes.
 *     https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Update.SpecialVersions.html
 *     https://docs.aws.amazon.com/AmazonRDS/latest/AuroraMySQLReleaseNotes/AuroraMySQL.Updates.30Updates.html
 *   - Aurora PostgreSQL 16.8: the LTS minor of major 16 (17.7 is the LTS of 17; staying on 16 keeps the
 *     parameter group family of clusters created with the previous default, 16.6).
 *     https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Updates.LTS.html
 *     https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/aurora-postgresql-relnotes.pdf
 * LTS minors stay available for at least three years (or until the major's end of standard support):
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.VersionPolicy.Support.html
 * Both support Serverless v2 scaling to 0 ACU (Aurora MySQL ≥ 3.08, Aurora PostgreSQL ≥ 16.3), RDS Proxy
 * and the RDS Data API (https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/Welcome.html).
 * When AWS stops offering a version, set the config key: README "Engine versions".
 */
export const ENGINES: Readonly<Record<AuroraEngine, EngineSpec>> = {
    mysql: {
        engine: "aurora-mysql",
        family: (v) => (/^8\.0\.mysql_aurora\.3\.\d{2}\.\d+$/.test(v) ? "aurora-mysql8.0" : undefined),
        versionRule: "an Aurora MySQL 3 version such as 8.0.mysql_aurora.3.10.4",
        logParameters: [
            { name: "server_audit_logging", value: "1" },
            // Connections and schema/permission changes; not every query (cost, and data in logs).
            { name: "server_audit_events", value: "CONNECT,QUERY_DDL,QUERY_DCL" },
            { name: "slow_query_log", value: "1" },
            { name: "long_query_time", value: "1" },
        ],
        defaultVersion: "8.0.mysql_aurora.3.10.4",
        autoPause: (v) => {
            const aurora = /^8\.0\.mysql_aurora\.(\d+\.\d+\.\d+)$/.exec(v)?.[1];
            return aurora !== undefined && compareVersions(aurora, AUTO_PAUSE_FROM.mysql) >= 0;
        },
        autoPauseRule: `Aurora MySQL ${AUTO_PAUSE_FROM.mysql}`,
        port: 3306,
        proxyFamily: "MYSQL",
        // `general` would log every statement (cost + data exposure); audit/error/slowquery suffice.
        logExports: ["audit", "error", "slowquery"],
    },
    postgresql: {
        engine: "aurora-postgresql",
        family: (v) => {
            const major = /^(1[3-7])\.\d+$/.exec(v)?.[1];
            return major ? `aurora-postgresql${major}` : undefined;
        },
        versionRule: "an Aurora PostgreSQL 13-17 version such as 16.8",
        logParameters: [
            { name: "log_min_duration_statement", value: "1000" },
            { name: "log_connections", value: "1" },
        ],
        defaultVersion: "16.8",
        autoPause: (v) => {
            const major = Number(v.split(".")[0]);
            const first = AUTO_PAUSE_FROM.postgresql[major];
            return major >= 17 || (first !== undefined && compareVersions(v, first) >= 0);
        },
        autoPauseRule: `Aurora PostgreSQL ${Object.values(AUTO_PAUSE_FROM.postgresql).join(", ")}`,
        port: 5432,
        proxyFamily: "POSTGRESQL",
        logExports: ["postgresql"],
    },
};

/**
 * What `AuroraWithProxyArgs` fields default to. The docs' `@default` tags must say the same (a test compares them);
 * finalSnapshot and applyImmediately default to values derived from deletionProtection (see the interface).
 */
export const AURORA_DEFAULTS = {
    masterUsername: "app_admin",
    minCapacity: 0.5,
    maxCapacity: 4,
    readers: 0,
    backupRetentionDays: 7,
    deletionProtection: false,
    idleClientTimeout: 1800,
    connectionBorrowTimeout: 5,
    appRequestTimeout: 30,
    maxConnectionsPercent: 90,
    maxIdleConnectionsPercent: 50,
} as const;
