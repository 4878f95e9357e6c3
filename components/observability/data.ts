/**
 * Alarm definitions of the data components, as pure functions of their normalized inputs (the offline preview
 * and the policy pack list them the same way): Aurora Serverless v2 instances and their RDS Proxy
 * (AuroraWithProxy) and a DynamoDB table (DynamoTable). Thresholds follow from the inputs where something
 * derives them (max ACU, the proxy's pool, its borrow timeout); the others are fixed and say where they come
 * from. Every metric, dimension and statistic is the one AWS documents on the page named in `source`.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AuroraEngine } from "../aurora-engines";
import type { AlarmSpec, MetricRef } from "./spec";

/** Instance-level Aurora metrics (CPUUtilization, FreeableMemory, Deadlocks: "Aurora MySQL and Aurora PostgreSQL"). */
const AURORA_INSTANCE_METRICS =
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html#Aurora.AuroraMySQL.Monitoring.Metrics.instances";
/**
 * "Important Amazon CloudWatch metrics for Aurora Serverless v2": ServerlessDatabaseCapacity per DB instance
 * (DBInstanceIdentifier) and per cluster (the average of its instances); CPUUtilization relative to the CPU of the
 * maximum ACU; FreeableMemory grows by about 2 GiB for every ACU below the maximum.
 */
const SERVERLESS_V2_METRICS =
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html#aurora-serverless-v2.viewing.monitoring";
/** Performance Insights publishes DBLoad and DBLoadRelativeToNumVCPUs per DB instance (only while there is load). */
const PERFORMANCE_INSIGHTS_METRICS = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_PerfInsights.Cloudwatch.html";
/**
 * RDS Proxy metrics and their dimension sets: 1 `ProxyName`; 2 `ProxyName, EndpointName`; 3 `ProxyName, TargetGroup,
 * Target`; 4 `ProxyName, TargetGroup, TargetRole`. AvailabilityPercentage has set 4 only; ClientConnectionsSetupFailedAuth
 * and DatabaseConnectionsBorrowLatency sets 1-2; DatabaseConnections and DatabaseConnectionsCurrentlySessionPinned sets
 * 1, 3, 4. The proxy publishes per underlying node, so counts are summed ("The most useful statistic … is Sum").
 */
const PROXY_METRICS = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.monitoring.html";
/** The default max_connections of Serverless v2 by maximum ACU and engine (SERVERLESS_V2_MAX_CONNECTIONS). */
export const MAX_CONNECTIONS_TABLE =
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html#aurora-serverless-v2.max-connections";
/**
 * DynamoDB metrics: SystemErrors, ThrottledRequests and SuccessfulRequestLatency have dimensions `TableName, Operation`;
 * Read/WriteThrottleEvents `TableName` (the table, without its indexes). SuccessfulRequestLatency's valid statistics are
 * Minimum, Maximum, Average and SampleCount: the page lists no percentile, so the latency alarms read Average.
 */
const DYNAMODB_METRICS = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html";
/** Where fixed thresholds (CPU 80 %) come from when nothing in the inputs derives them. */
export const RECOMMENDED_ALARMS =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html";

/** "Each ACU is a combination of approximately 2 gibibytes (GiB) of memory, corresponding CPU, and networking" (SERVERLESS_V2_METRICS). */
export const GIB_PER_ACU = 2;
const GIB = 1024 ** 3;

/**
 * AWS's table of the default `max_connections` of Aurora Serverless v2 by maximum ACU (MAX_CONNECTIONS_TABLE). The
 * value follows the memory of the maximum capacity and only grows with it, so between two rows the lower row is a
 * floor; Aurora PostgreSQL caps it at 2,000 when the minimum capacity is 0.5 ACU (the page's note).
 */
export const SERVERLESS_V2_MAX_CONNECTIONS: readonly { readonly maxAcu: number; readonly mysql: number; readonly postgresql: number }[] = [
    { maxAcu: 1, mysql: 90, postgresql: 189 },
    { maxAcu: 4, mysql: 135, postgresql: 823 },
    { maxAcu: 8, mysql: 1000, postgresql: 1669 },
    { maxAcu: 16, mysql: 2000, postgresql: 3360 },
    { maxAcu: 32, mysql: 3000, postgresql: 5000 },
    { maxAcu: 64, mysql: 4000, postgresql: 5000 },
    { maxAcu: 128, mysql: 5000, postgresql: 5000 },
];
const POSTGRESQL_SMALL_MIN_CAP = 2000;

/** The default `max_connections` for an engine and capacity range, and how it was read from AWS's table. */
export function defaultMaxConnections(
    engine: AuroraEngine,
    minCapacity: number,
    maxCapacity: number,
): { readonly connections: number; readonly why: string } {
    const row = [...SERVERLESS_V2_MAX_CONNECTIONS].reverse().find((r) => r.maxAcu <= maxCapacity) ?? SERVERLESS_V2_MAX_CONNECTIONS[0];
    const fromTable = row[engine];
    const at = row.maxAcu === maxCapacity ? `${row.maxAcu} ACU` : `${row.maxAcu} ACU, the row at or below maxCapacity ${maxCapacity}`;
    // minCapacity 0 (auto-pause) is below 0.5: the cap is assumed to hold there too (the smaller reading).
    if (engine === "postgresql" && minCapacity <= 0.5 && fromTable > POSTGRESQL_SMALL_MIN_CAP) {
        return {
            connections: POSTGRESQL_SMALL_MIN_CAP,
            why: `max_connections ${POSTGRESQL_SMALL_MIN_CAP} (${engine}, ${at}: ${fromTable}, capped at 2000 for minCapacity ${minCapacity})`,
        };
    }
    return { connections: fromTable, why: `max_connections ${fromTable} (${engine}, ${at})` };
}

/** The numbers the Aurora and proxy thresholds derive from (AuroraWithProxy's inputs after defaults). */
export interface AuroraMonitoringInputs {
    readonly engine: AuroraEngine;
    readonly minCapacity: number;
    readonly maxCapacity: number;
    readonly maxConnectionsPercent: number;
    /** Seconds. */
    readonly connectionBorrowTimeout: number;
    /** The writer first, then the readers: each instance's role ("writer", "reader-1" …) and DB instance identifier. */
    readonly instances: readonly { readonly role: string; readonly identifier: pulumi.Input<string> }[];
    readonly proxyName: pulumi.Input<string>;
    /** The proxy's target group ("default" for the default target group). */
    readonly targetGroupName: pulumi.Input<string>;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Connections the proxy may open to the writer: maxConnectionsPercent of the default max_connections. */
export function proxyPoolSize(i: Pick<AuroraMonitoringInputs, "engine" | "minCapacity" | "maxCapacity" | "maxConnectionsPercent">): {
    readonly connections: number;
    readonly why: string;
} {
    const max = defaultMaxConnections(i.engine, i.minCapacity, i.maxCapacity);
    const connections = Math.floor((max.connections * i.maxConnectionsPercent) / 100);
    return { connections, why: `maxConnectionsPercent ${i.maxConnectionsPercent} % of ${max.why} = ${connections}` };
}

function rds(metricName: string, dimensions: Record<string, pulumi.Input<string>>, stat: string): MetricRef {
    return { namespace: "AWS/RDS", metricName, dimensions, stat };
}

/** Per-instance capacity, CPU, memory and load alarms, writer deadlocks, and the proxy's alarms. */
export function auroraAlarms(i: AuroraMonitoringInputs): AlarmSpec[] {
    const maxMemoryGib = i.maxCapacity * GIB_PER_ACU;
    const perInstance = i.instances.flatMap(({ role, identifier }): AlarmSpec[] => {
        const dims = { DBInstanceIdentifier: identifier };
        const sustained = { period: 300, evaluationPeriods: 3, section: "Database" } as const;
        return [
            {
                ...sustained,
                id: `acu-near-max-${role}`,
                title: `${role} capacity near maxCapacity`,
                severity: "ticket",
                metric: rds("ServerlessDatabaseCapacity", dims, "Average"),
                comparison: "GreaterThanOrEqualToThreshold",
                threshold: round(0.9 * i.maxCapacity),
                unit: "ACU",
                derivation: `90 % of maxCapacity ${i.maxCapacity} ACU for 15 minutes`,
                treatMissingData: "notBreaching",
                source: SERVERLESS_V2_METRICS,
            },
            {
                ...sustained,
                id: `cpu-high-${role}`,
                title: `${role} CPU high`,
                severity: "ticket",
                metric: rds("CPUUtilization", dims, "Average"),
                comparison: "GreaterThanOrEqualToThreshold",
                threshold: 80,
                unit: "%",
                derivation: `fixed 80 % (CloudWatch recommended alarms), of the CPU of maxCapacity ${i.maxCapacity} ACU: Serverless v2 reports CPU relative to its maximum capacity`,
                treatMissingData: "notBreaching",
                source: SERVERLESS_V2_METRICS,
            },
            {
                ...sustained,
                id: `memory-low-${role}`,
                title: `${role} freeable memory low at max capacity`,
                severity: "page",
                metric: rds("FreeableMemory", dims, "Average"),
                comparison: "LessThanThreshold",
                threshold: Math.round(0.1 * maxMemoryGib * GIB),
                unit: "bytes",
                derivation: `10 % of the ${maxMemoryGib} GiB of maxCapacity ${i.maxCapacity} ACU (about ${GIB_PER_ACU} GiB per ACU; the metric counts memory up to the maximum capacity, so it nears 0 only there)`,
                treatMissingData: "notBreaching",
                source: SERVERLESS_V2_METRICS,
            },
            {
                ...sustained,
                id: `db-load-high-${role}`,
                title: `${role} more active sessions than vCPUs`,
                severity: "ticket",
                metric: rds("DBLoadRelativeToNumVCPUs", dims, "Average"),
                comparison: "GreaterThanThreshold",
                threshold: 1,
                unit: "sessions per vCPU",
                // AWS publishes no ACU→vCPU relation (Performance Insights' vCPU for Serverless v2 is "an estimate based on
                // the ACU value"), so no DBLoad threshold can be derived from maxCapacity: the ratio AWS computes is read instead.
                derivation:
                    "fixed 1: more active sessions than vCPUs means sessions wait for CPU or locks; AWS publishes no ACU-to-vCPU relation to derive a DBLoad count from maxCapacity",
                // Published only while there is load on the instance.
                treatMissingData: "notBreaching",
                source: PERFORMANCE_INSIGHTS_METRICS,
            },
        ];
    });
    const writer = i.instances[0];
    const pool = proxyPoolSize(i);
    const borrowMicros = i.connectionBorrowTimeout * 1_000_000;
    const proxy = { ProxyName: i.proxyName };
    return [
        ...perInstance,
        {
            id: "deadlocks",
            title: "deadlocks on the writer",
            severity: "ticket",
            metric: rds("Deadlocks", { DBInstanceIdentifier: writer.identifier }, "Average"),
            period: 300,
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
            comparison: "GreaterThanThreshold",
            threshold: 0,
            unit: "per second",
            derivation: `fixed: any deadlock in 2 of 3 five-minute periods (published for ${i.engine === "mysql" ? "Aurora MySQL" : "Aurora PostgreSQL"}); readers run the read-only part and take no row locks`,
            treatMissingData: "notBreaching",
            section: "Database",
            source: AURORA_INSTANCE_METRICS,
        },
        {
            id: "proxy-availability",
            title: "proxy cannot reach the writer",
            severity: "page",
            metric: rds("AvailabilityPercentage", { ...proxy, TargetGroup: i.targetGroupName, TargetRole: "READ_WRITE" }, "Average"),
            period: 60,
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            comparison: "LessThanThreshold",
            threshold: 95,
            unit: "%",
            derivation:
                "fixed: the writer target available below 95 % of the time in 3 of 5 minutes (a failover dips it for about a minute)",
            // Not published until the proxy's first connection.
            treatMissingData: "missing",
            section: "Proxy",
            source: PROXY_METRICS,
        },
        {
            id: "proxy-borrow-latency",
            title: "clients wait for a database connection",
            severity: "page",
            metric: rds("DatabaseConnectionsBorrowLatency", proxy, "Average"),
            period: 60,
            evaluationPeriods: 5,
            datapointsToAlarm: 3,
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: Math.round(0.2 * borrowMicros),
            unit: "microseconds",
            derivation: `20 % of connectionBorrowTimeout ${i.connectionBorrowTimeout} s: past it requests fail at the proxy`,
            treatMissingData: "notBreaching",
            section: "Proxy",
            source: PROXY_METRICS,
        },
        {
            id: "proxy-connections-near-max",
            title: "proxy's database connections near its pool",
            severity: "ticket",
            metric: rds("DatabaseConnections", proxy, "Sum"),
            period: 60,
            evaluationPeriods: 10,
            datapointsToAlarm: 8,
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: Math.floor(0.9 * pool.connections),
            unit: "connections",
            derivation: `90 % of the proxy's pool: ${pool.why}`,
            treatMissingData: "notBreaching",
            section: "Proxy",
            source: PROXY_METRICS,
        },
        {
            id: "proxy-pinned-connections",
            title: "database connections pinned to a client session",
            severity: "ticket",
            metric: rds("DatabaseConnectionsCurrentlySessionPinned", proxy, "Sum"),
            period: 60,
            evaluationPeriods: 10,
            datapointsToAlarm: 8,
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: Math.max(1, Math.floor(0.5 * pool.connections)),
            unit: "connections",
            derivation: `half the proxy's pool (pinned connections are not shared): ${pool.why}`,
            treatMissingData: "notBreaching",
            section: "Proxy",
            source: PROXY_METRICS,
        },
        {
            id: "proxy-auth-failures",
            title: "client logins refused at the proxy",
            severity: "ticket",
            metric: rds("ClientConnectionsSetupFailedAuth", proxy, "Sum"),
            period: 300,
            evaluationPeriods: 1,
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: 10,
            unit: "connections per 5 min",
            derivation:
                "fixed: 10 failed IAM/TLS logins in 5 minutes (a misconfigured client retries; one stray attempt does not open a ticket)",
            treatMissingData: "notBreaching",
            section: "Proxy",
            source: PROXY_METRICS,
        },
    ];
}

/** The DynamoDB operations the `Operation` dimension takes (DYNAMODB_METRICS, "Operation"), GetRecords being Streams'. */
export const DYNAMODB_OPERATIONS = [
    "PutItem",
    "DeleteItem",
    "UpdateItem",
    "GetItem",
    "BatchGetItem",
    "Scan",
    "Query",
    "BatchWriteItem",
    "TransactWriteItems",
    "TransactGetItems",
    "ExecuteTransaction",
    "BatchExecuteStatement",
    "ExecuteStatement",
] as const;
export type DynamoOperation = (typeof DYNAMODB_OPERATIONS)[number];

/** What a table's app calls when nobody says (the item operations and Query). */
export const DEFAULT_TABLE_OPERATIONS: readonly DynamoOperation[] = ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"];
/** CloudWatch's limit on the metrics one alarm's math may read. */
export const MAX_ALARM_METRICS = 10;
const SINGLE_ITEM: readonly string[] = ["GetItem", "PutItem", "UpdateItem", "DeleteItem"];

/** Problems with a `operations` list (DynamoTable's input). */
export function tableOperationsProblems(operations: unknown): string[] {
    if (operations === undefined) return [];
    if (!Array.isArray(operations) || operations.length === 0)
        return ['`operations` must be a non-empty list of DynamoDB operations (e.g. ["GetItem", "PutItem"]).'];
    const problems = operations
        .filter((o) => !(DYNAMODB_OPERATIONS as readonly unknown[]).includes(o))
        .map(
            (o) =>
                `\`operations\`: ${JSON.stringify(o)} is not a DynamoDB operation CloudWatch reports (${DYNAMODB_OPERATIONS.join(", ")}).`,
        );
    if (new Set(operations).size !== operations.length) problems.push("`operations` lists an operation twice.");
    if (operations.length > MAX_ALARM_METRICS)
        problems.push(
            `\`operations\` may list at most ${MAX_ALARM_METRICS} operations (one alarm's metric math reads at most ${MAX_ALARM_METRICS} metrics).`,
        );
    return problems;
}

export interface TableMonitoringInputs {
    readonly tableName: pulumi.Input<string>;
    /** The operations the app calls (checked by tableOperationsProblems). */
    readonly operations: readonly DynamoOperation[];
}

function dynamo(metricName: string, dimensions: Record<string, pulumi.Input<string>>, stat: string): MetricRef {
    return { namespace: "AWS/DynamoDB", metricName, dimensions, stat };
}

/** System errors over the app's operations, read and write throttles of the table, and average latency per operation. */
export function tableAlarms(i: TableMonitoringInputs): AlarmSpec[] {
    const table = { TableName: i.tableName };
    const throttles = (kind: "Read" | "Write"): AlarmSpec => ({
        id: `${kind.toLowerCase()}-throttles`,
        title: `${kind.toLowerCase()} requests throttled`,
        severity: "ticket",
        metric: dynamo(`${kind}ThrottleEvents`, table, "Sum"),
        period: 300,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparison: "GreaterThanThreshold",
        threshold: 0,
        unit: "events per 5 min",
        derivation:
            "fixed: throttling in 2 of 3 five-minute periods (on-demand tables throttle too, past twice their previous peak or a partition's limit; the SDK retries what it can)",
        treatMissingData: "notBreaching",
        section: "Table",
        source: DYNAMODB_METRICS,
    });
    return [
        {
            id: "system-errors",
            title: "DynamoDB internal errors (HTTP 500)",
            severity: "ticket",
            math: {
                // SUM of an array of time series is one time series (SUM of a single series would be a scalar):
                // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
                expression:
                    i.operations.length === 1
                        ? i.operations[0].toLowerCase()
                        : `SUM([${i.operations.map((o) => o.toLowerCase()).join(", ")}])`,
                label: `SystemErrors (${i.operations.join(", ")})`,
                metrics: Object.fromEntries(
                    i.operations.map((o) => [o.toLowerCase(), dynamo("SystemErrors", { ...table, Operation: o }, "Sum")]),
                ),
            },
            period: 300,
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
            comparison: "GreaterThanThreshold",
            threshold: 0,
            unit: "errors per 5 min",
            derivation: `fixed: any HTTP 500 from DynamoDB in 2 of 3 five-minute periods, over the operations the app calls (${i.operations.join(", ")})`,
            treatMissingData: "notBreaching",
            section: "Table",
            source: DYNAMODB_METRICS,
        },
        throttles("Read"),
        throttles("Write"),
        ...i.operations.map((o): AlarmSpec => {
            // DynamoDB serves one item in "single-digit millisecond" time ("What is Amazon DynamoDB?",
            // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html).
            const single = SINGLE_ITEM.includes(o);
            return {
                id: `latency-${o.toLowerCase()}`,
                title: `${o} latency`,
                severity: "ticket",
                metric: dynamo("SuccessfulRequestLatency", { ...table, Operation: o }, "Average"),
                period: 300,
                evaluationPeriods: 3,
                comparison: "GreaterThanThreshold",
                threshold: single ? 25 : 100,
                unit: "ms",
                derivation: single
                    ? "fixed: an average of 25 ms for 15 minutes, several times DynamoDB's single-digit milliseconds for one item (Average: AWS documents no percentile for this metric)"
                    : "fixed: an average of 100 ms for 15 minutes for a multi-item operation (Average: AWS documents no percentile for this metric)",
                treatMissingData: "notBreaching",
                section: "Table",
                source: DYNAMODB_METRICS,
            };
        }),
    ];
}
