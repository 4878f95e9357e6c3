/**
 * The error-level count of a service's pino JSON logs as a metric, and its alarm. The service kit's logger writes
 * pino's level as its label (`"level":"error"`, `"level":"fatal"`: packages/service-kit/src/logger.ts), not the
 * number (50, 60), so the filter matches the labels: a CloudWatch Logs JSON filter compares strings with `=` and
 * joins terms with `||` (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html);
 * logs.test.ts runs the kit's logger against it. `defaultValue: 0` records a zero when no line matched, so the
 * alarm sees quiet minutes as 0, not missing.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringOwner } from "./alarms";
import type { AlarmSpec } from "./spec";

/** The custom namespace of the metrics the components derive from logs. */
export const LOG_METRIC_NAMESPACE = "ServerlessContainers/Logs";
/** pino levels counted as errors. */
export const ERROR_LOG_LEVELS = ["error", "fatal"] as const;
export const ERROR_LOG_PATTERN = `{ ${ERROR_LOG_LEVELS.map((l) => `$.level = "${l}"`).join(" || ")} }`;

/**
 * The metric's name for one service (metric filters cannot add fixed dimensions, so the service is in the name),
 * with the project and stack: the namespace is account-wide, and two stacks in one account (dev beside prod) would
 * otherwise count each other's error lines.
 */
export function errorLogMetricName(serviceName: string): string {
    return `${pulumi.getProject()}-${pulumi.getStack()}-${serviceName}-error-lines`;
}

/** The metric filter on the service's log group. */
export function errorLogFilter(
    owner: MonitoringOwner,
    logGroupName: pulumi.Input<string>,
    dependsOn?: pulumi.Resource[],
): aws.cloudwatch.LogMetricFilter {
    return new aws.cloudwatch.LogMetricFilter(
        `${owner.name}-error-logs`,
        {
            name: `${owner.name}-error-lines`,
            logGroupName,
            pattern: ERROR_LOG_PATTERN,
            metricTransformation: {
                namespace: LOG_METRIC_NAMESPACE,
                name: errorLogMetricName(owner.name),
                value: "1",
                defaultValue: "0",
                unit: "Count",
            },
        },
        { parent: owner.parent, dependsOn },
    );
}

/** Error lines per 5 minutes above `threshold` (ticket: a page comes from the 5xx and SLO alarms). */
export function errorLogAlarm(serviceName: string, threshold = 10): AlarmSpec {
    return {
        id: "error-logs",
        title: "error-level log lines",
        severity: "ticket",
        metric: { namespace: LOG_METRIC_NAMESPACE, metricName: errorLogMetricName(serviceName), dimensions: {}, stat: "Sum" },
        period: 300,
        evaluationPeriods: 1,
        comparison: "GreaterThanThreshold",
        threshold,
        unit: "lines per 5 min",
        derivation: "more than a handful of pino error/fatal lines in 5 minutes",
        treatMissingData: "notBreaching",
        section: "Logs",
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringLogData.html",
    };
}
