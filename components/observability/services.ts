/**
 * The services' alarm definitions, as pure functions of each platform's normalized inputs (scaling min/max and
 * target, the latency objective) and the CloudWatch dimensions the adapter resolved. The service skeleton
 * (service/skeleton.ts, `monitorService`) adds the SLO burn-rate pairs and the log error metric and realises
 * them once; the offline preview and the policy pack can list them without creating anything.
 *
 * Sources (the `source` of each definition):
 *   - ALB: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 *     (AWS/ApplicationELB; HTTPCode_Target_5XX_Count, RequestCount, TargetResponseTime (seconds), UnHealthyHostCount
 *     by LoadBalancer + TargetGroup; HTTPCode_ELB_5XX_Count by LoadBalancer)
 *   - NLB: https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html
 *     (AWS/NetworkELB; HealthyHostCount / UnHealthyHostCount by LoadBalancer + TargetGroup; TCP_Target_Reset_Count,
 *     TCP_ELB_Reset_Count by LoadBalancer)
 *   - ECS Container Insights: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html
 *     (ECS/ContainerInsights; CpuUtilized, CpuReserved, MemoryUtilized, MemoryReserved, RunningTaskCount by
 *     ClusterName + ServiceName; the same utilisation metrics and TaskCount by ClusterName)
 *   - App Runner: https://docs.aws.amazon.com/apprunner/latest/dg/monitor-cw.html (AWS/AppRunner; Requests,
 *     5xxStatusResponses, RequestLatency (milliseconds), Concurrency, ActiveInstances by ServiceName + ServiceID)
 *   - fixed thresholds (5 % errors, 80 % CPU/memory): AWS's recommended alarms,
 *     https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html
 *   - percentile rank `PR(:x)` as a statistic: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html
 *     (CloudWatch computes percentiles, and so percentile ranks, for metrics it has raw data points of: the load
 *     balancers' TargetResponseTime and App Runner's RequestLatency publish percentiles).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ScalingTarget } from "../service/args";
import type { RequestSli } from "./slo";
import type { AlarmSpec, MathRef, MetricRef } from "./spec";

const ALB_SOURCE = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html";
const NLB_SOURCE = "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html";
const ECS_INSIGHTS_SOURCE = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html";
const APP_RUNNER_SOURCE = "https://docs.aws.amazon.com/apprunner/latest/dg/monitor-cw.html";
const RECOMMENDED = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html";

/** What the thresholds derive from: the service's normalized scaling and its latency objective. */
export interface ServiceThresholdInputs {
    readonly scaling: { readonly min: number; readonly max: number; readonly target?: ScalingTarget };
    /** `monitoring.slo` with its defaults: the p99 alarm fires above `latencyMs` (default 1000). */
    readonly slo: { readonly latencyMs: number };
}

/** The fixed error-rate threshold (percent of requests), from AWS's recommended alarms. */
export const ERROR_RATE_PERCENT = 5;
/** The fixed CPU / memory utilisation threshold (percent), from AWS's recommended alarms. */
export const UTILISATION_PERCENT = 80;
/** App Runner's Concurrency alarm: this share of the most the service can take (max concurrency × max instances). */
export const CONCURRENCY_SHARE = 0.8;

type Dims = Record<string, pulumi.Input<string>>;
const metric = (namespace: string, metricName: string, dimensions: Dims, stat: string): MetricRef => ({
    namespace,
    metricName,
    dimensions,
    stat,
});

/** `FILL(a,0) + FILL(b,0) …`: a sum over series of which some may have no data (an idle target group). */
const filledSum = (ids: string[]) => ids.map((id) => `FILL(${id},0)`).join(" + ");

// ---- load balancers -------------------------------------------------------------------------------------

/**
 * An ALB target group's dimensions. ECS Express deploys by canary between two target groups of its own (the
 * service's primary and alternate): both are watched, so the alarms stay right after a deployment swaps them.
 */
export interface AlbTargets {
    /** `app/<name>/<id>`. */
    readonly loadBalancer: pulumi.Input<string>;
    /** `targetgroup/<name>/<id>` of each target group that may carry the service's traffic. */
    readonly targetGroups: pulumi.Input<string>[];
}

function perTargetGroup(t: AlbTargets, prefix: string, metricName: string, stat: string): Record<string, MetricRef> {
    return Object.fromEntries(
        t.targetGroups.map((tg, i) => [
            `${prefix}${i}`,
            metric("AWS/ApplicationELB", metricName, { LoadBalancer: t.loadBalancer, TargetGroup: tg }, stat),
        ]),
    );
}

/** The ALB's request SLI (5xx ratio, ratio slower than `ms`), over every target group of the service. */
export function albSli(t: AlbTargets): RequestSli {
    const ids = (p: string) => t.targetGroups.map((_, i) => `${p}${i}`);
    return {
        source: ALB_SOURCE,
        errors: (): MathRef => ({
            expression: `(${filledSum(ids("e"))}) / (${filledSum(ids("r"))})`,
            label: "target 5xx ratio",
            metrics: { ...perTargetGroup(t, "e", "HTTPCode_Target_5XX_Count", "Sum"), ...perTargetGroup(t, "r", "RequestCount", "Sum") },
        }),
        // PR(:s) is the percentage of responses at most s seconds; each target group's slow share is weighted by its requests.
        slow: (_p: number, ms: number): MathRef => ({
            expression: `(${t.targetGroups.map((_, i) => `FILL(r${i},0) * (100 - FILL(f${i},100))`).join(" + ")}) / 100 / (${filledSum(ids("r"))})`,
            label: `share of responses slower than ${ms} ms`,
            metrics: {
                ...perTargetGroup(t, "f", "TargetResponseTime", `PR(:${ms / 1000})`),
                ...perTargetGroup(t, "r", "RequestCount", "Sum"),
            },
        }),
    };
}

/** ALB alarms of a web service behind its own target groups: 5xx from the targets and the load balancer, p99, unhealthy hosts. */
export function albAlarms(t: AlbTargets, inputs: ServiceThresholdInputs): AlarmSpec[] {
    const ids = (p: string) => t.targetGroups.map((_, i) => `${p}${i}`);
    const seconds = inputs.slo.latencyMs / 1000;
    const base = { period: 60, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching" as const, source: ALB_SOURCE };
    return [
        {
            ...base,
            id: "target-5xx-rate",
            title: "5xx responses from the service",
            severity: "page",
            math: {
                expression: `100 * (${filledSum(ids("e"))}) / (${filledSum(ids("r"))})`,
                label: "target 5xx %",
                metrics: {
                    ...perTargetGroup(t, "e", "HTTPCode_Target_5XX_Count", "Sum"),
                    ...perTargetGroup(t, "r", "RequestCount", "Sum"),
                },
            },
            comparison: "GreaterThanThreshold",
            threshold: ERROR_RATE_PERCENT,
            unit: "%",
            derivation: `${ERROR_RATE_PERCENT} % of requests (AWS recommended alarms: ${RECOMMENDED}), 3 of 5 minutes`,
            section: "Golden signals",
        },
        {
            ...base,
            id: "elb-5xx-rate",
            title: "5xx responses from the load balancer itself",
            severity: "page",
            math: {
                // RequestCount counts only requests the load balancer could send to a target, so the 503s it answers
                // itself when none is healthy are added to the denominator (an outage would otherwise divide by ~0).
                expression: "100 * FILL(lb5xx,0) / (FILL(lbrequests,0) + FILL(lb5xx,0))",
                label: "load balancer 5xx %",
                metrics: {
                    lb5xx: metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", { LoadBalancer: t.loadBalancer }, "Sum"),
                    lbrequests: metric("AWS/ApplicationELB", "RequestCount", { LoadBalancer: t.loadBalancer }, "Sum"),
                },
            },
            comparison: "GreaterThanThreshold",
            threshold: ERROR_RATE_PERCENT,
            unit: "%",
            derivation: `${ERROR_RATE_PERCENT} % of the load balancer's requests (no healthy target, a timeout): AWS recommended alarms, 3 of 5 minutes`,
            section: "Golden signals",
        },
        {
            ...base,
            id: "latency-p99",
            title: "p99 response time of the service",
            severity: "ticket",
            math: {
                expression: `MAX([${ids("p").join(",")}])`,
                label: "p99 (s)",
                metrics: perTargetGroup(t, "p", "TargetResponseTime", "p99"),
            },
            comparison: "GreaterThanThreshold",
            threshold: seconds,
            unit: "s",
            derivation: `the latency objective monitoring.slo.latencyMs ${inputs.slo.latencyMs} ms = ${seconds} s, 3 of 5 minutes (the SLO burn alarms page)`,
            section: "Golden signals",
        },
        {
            ...base,
            id: "unhealthy-hosts",
            title: "tasks failing the load balancer's health check",
            severity: "ticket",
            math: {
                expression: `MAX([${ids("u").join(",")}])`,
                label: "unhealthy targets",
                metrics: perTargetGroup(t, "u", "UnHealthyHostCount", "Maximum"),
            },
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: 1,
            unit: "targets",
            derivation:
                "any target unhealthy 3 of 5 minutes (AWS recommended alarms: UnHealthyHostCount > 0); too few healthy tasks is running-tasks",
            section: "Saturation",
        },
    ];
}

/** An NLB's target group (the AWS Load Balancer Controller's, found by its tags). */
export interface NlbTargets {
    /** `net/<name>/<id>`. */
    readonly loadBalancer: pulumi.Input<string>;
    /** `targetgroup/<name>/<id>`. */
    readonly targetGroup: pulumi.Input<string>;
}

/** Fewer healthy NLB targets than scaling.min: each replica is one IP target. */
function healthyBelowMin(
    tg: Dims,
    inputs: ServiceThresholdInputs,
    base: { period: number; evaluationPeriods: number; datapointsToAlarm: number; source: string },
): AlarmSpec {
    return {
        ...base,
        id: "healthy-below-min",
        title: "fewer healthy pods than scaling.min",
        severity: "page",
        metric: metric("AWS/NetworkELB", "HealthyHostCount", tg, "Minimum"),
        comparison: "LessThanThreshold",
        threshold: inputs.scaling.min,
        unit: "targets",
        derivation: `scaling.min ${inputs.scaling.min}: each replica is one IP target, so fewer healthy targets is fewer working replicas (3 of 5 minutes)`,
        // No datapoint at all: the target group has no target (every replica gone).
        treatMissingData: "breaching",
        section: "Golden signals",
    };
}

/** NLB alarms (TCP: no request count, status codes or response time, so no SLO). */
export function nlbAlarms(t: NlbTargets, inputs: ServiceThresholdInputs): AlarmSpec[] {
    const tg = { LoadBalancer: t.loadBalancer, TargetGroup: t.targetGroup };
    const base = { period: 60, evaluationPeriods: 5, datapointsToAlarm: 3, source: NLB_SOURCE };
    return [
        // scaling.min 0 allows no replica at all: nothing to fall below.
        ...(inputs.scaling.min > 0 ? [healthyBelowMin(tg, inputs, base)] : []),
        {
            ...base,
            id: "unhealthy-hosts",
            title: "pods failing the load balancer's health check",
            severity: "ticket",
            metric: metric("AWS/NetworkELB", "UnHealthyHostCount", tg, "Maximum"),
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: 1,
            unit: "targets",
            derivation: "any target unhealthy 3 of 5 minutes (AWS recommended alarms: UnHealthyHostCount > 0)",
            treatMissingData: "notBreaching",
            section: "Saturation",
        },
        {
            ...base,
            id: "tcp-resets",
            title: "TCP resets sent by the pods",
            severity: "ticket",
            metric: metric("AWS/NetworkELB", "TCP_Target_Reset_Count", { LoadBalancer: t.loadBalancer }, "Sum"),
            period: 300,
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
            comparison: "GreaterThanThreshold",
            threshold: 100 * inputs.scaling.min,
            unit: "resets per 5 min",
            derivation: `100 per replica of scaling.min ${inputs.scaling.min} in 5 minutes, 2 of 3 (a sustained rate, not a restart's handful)`,
            treatMissingData: "notBreaching",
            section: "Saturation",
        },
    ];
}

// ---- ECS tasks ------------------------------------------------------------------------------------------

/**
 * Where Container Insights counts the tasks: a service (`ClusterName` + `ServiceName`, RunningTaskCount) or a
 * cluster of its own (`ClusterName` only, TaskCount) — private Fargate uses the latter, because its ECS service
 * takes the alarms' names (deployment alarms) and so cannot also be their dimension.
 */
export type EcsScope = { readonly clusterName: pulumi.Input<string>; readonly serviceName?: pulumi.Input<string> };

/** Running tasks below scaling.min, CPU and memory high, from Container Insights (the component's cluster enables it). */
export function ecsAlarms(scope: EcsScope, inputs: ServiceThresholdInputs): AlarmSpec[] {
    const dims: Dims =
        scope.serviceName === undefined
            ? { ClusterName: scope.clusterName }
            : { ClusterName: scope.clusterName, ServiceName: scope.serviceName };
    const tasks = scope.serviceName === undefined ? "TaskCount" : "RunningTaskCount";
    const insight = (name: string, stat: string) => metric("ECS/ContainerInsights", name, dims, stat);
    const base = { period: 60, evaluationPeriods: 5, datapointsToAlarm: 5, source: ECS_INSIGHTS_SOURCE };
    const utilisation = (id: string, what: "Cpu" | "Memory"): AlarmSpec => ({
        ...base,
        id,
        title: `${what === "Cpu" ? "CPU" : "memory"} of the tasks high`,
        severity: "ticket",
        period: 300,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        math: {
            expression: "100 * used / reserved",
            label: `${what === "Cpu" ? "CPU" : "memory"} %`,
            metrics: { used: insight(`${what}Utilized`, "Sum"), reserved: insight(`${what}Reserved`, "Sum") },
        },
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: UTILISATION_PERCENT,
        unit: "%",
        derivation: `${UTILISATION_PERCENT} % of the tasks' ${what === "Cpu" ? "CPU" : "memory"} for 15 minutes (AWS recommended alarms)`,
        treatMissingData: "notBreaching",
        section: "Saturation",
    });
    return [
        // scaling.min 0 is a stopped service: nothing to count.
        ...(inputs.scaling.min > 0
            ? [
                  {
                      ...base,
                      id: "running-tasks",
                      title: "fewer running tasks than scaling.min",
                      severity: "page" as const,
                      metric: insight(tasks, "Minimum"),
                      comparison: "LessThanThreshold" as const,
                      threshold: inputs.scaling.min,
                      unit: "tasks",
                      derivation: `scaling.min ${inputs.scaling.min} (the desired count never goes below it), 5 minutes running`,
                      // No datapoint: Container Insights reports nothing for a service with no running task.
                      treatMissingData: "breaching" as const,
                      section: "Golden signals" as const,
                  },
              ]
            : []),
        utilisation("cpu-high", "Cpu"),
        utilisation("memory-high", "Memory"),
    ];
}

// ---- App Runner -----------------------------------------------------------------------------------------

export interface AppRunnerDims {
    readonly serviceName: pulumi.Input<string>;
    readonly serviceId: pulumi.Input<string>;
}

const appRunnerDims = (d: AppRunnerDims): Dims => ({ ServiceName: d.serviceName, ServiceID: d.serviceId });

/** App Runner's request SLI. */
export function appRunnerSli(d: AppRunnerDims): RequestSli {
    const m = (name: string, stat: string) => metric("AWS/AppRunner", name, appRunnerDims(d), stat);
    return {
        source: APP_RUNNER_SOURCE,
        errors: () => ({
            expression: "FILL(errors,0) / requests",
            label: "5xx ratio",
            metrics: { errors: m("5xxStatusResponses", "Sum"), requests: m("Requests", "Sum") },
        }),
        // RequestLatency is in milliseconds.
        slow: (_p: number, ms: number) => ({
            expression: "(100 - fast) / 100",
            label: `share of requests slower than ${ms} ms`,
            metrics: { fast: m("RequestLatency", `PR(:${ms})`) },
        }),
    };
}

/** App Runner alarms: 5xx rate, p99 RequestLatency, Concurrency near what the service can take, instances at max. */
export function appRunnerAlarms(d: AppRunnerDims, inputs: ServiceThresholdInputs): AlarmSpec[] {
    const m = (name: string, stat: string) => metric("AWS/AppRunner", name, appRunnerDims(d), stat);
    const perInstance = inputs.scaling.target?.value ?? 100;
    const capacity = perInstance * inputs.scaling.max;
    const base = {
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: "notBreaching" as const,
        source: APP_RUNNER_SOURCE,
    };
    return [
        {
            ...base,
            id: "5xx-rate",
            title: "5xx responses",
            severity: "page",
            math: {
                expression: "100 * FILL(errors,0) / requests",
                label: "5xx %",
                metrics: { errors: m("5xxStatusResponses", "Sum"), requests: m("Requests", "Sum") },
            },
            comparison: "GreaterThanThreshold",
            threshold: ERROR_RATE_PERCENT,
            unit: "%",
            derivation: `${ERROR_RATE_PERCENT} % of requests (AWS recommended alarms), 3 of 5 minutes`,
            section: "Golden signals",
        },
        {
            ...base,
            id: "latency-p99",
            title: "p99 request latency",
            severity: "ticket",
            metric: m("RequestLatency", "p99"),
            comparison: "GreaterThanThreshold",
            threshold: inputs.slo.latencyMs,
            unit: "ms",
            derivation: `the latency objective monitoring.slo.latencyMs ${inputs.slo.latencyMs} ms, 3 of 5 minutes (the SLO burn alarms page)`,
            section: "Golden signals",
        },
        {
            ...base,
            id: "concurrency-high",
            title: "concurrent requests near what the service can take",
            severity: "ticket",
            metric: m("Concurrency", "Maximum"),
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: Math.floor(CONCURRENCY_SHARE * capacity),
            unit: "requests",
            derivation: `${CONCURRENCY_SHARE * 100} % of scaling.target.value ${perInstance} concurrent requests per instance × scaling.max ${inputs.scaling.max} instances = ${capacity}`,
            section: "Saturation",
        },
        // A service that cannot scale (min = max) always runs at max: nothing to tell.
        ...(inputs.scaling.min === inputs.scaling.max
            ? []
            : [
                  {
                      ...base,
                      id: "instances-at-max",
                      title: "scaled out to scaling.max",
                      severity: "ticket",
                      metric: m("ActiveInstances", "Maximum"),
                      period: 300,
                      evaluationPeriods: 3,
                      datapointsToAlarm: 3,
                      comparison: "GreaterThanOrEqualToThreshold",
                      threshold: inputs.scaling.max,
                      unit: "instances",
                      derivation: `scaling.max ${inputs.scaling.max} for 15 minutes: App Runner cannot add another instance`,
                      section: "Saturation",
                  } satisfies AlarmSpec,
              ]),
    ];
}

/**
 * The `LoadBalancer` dimension of a load balancer ARN: the part after `loadbalancer/` (`app/<name>/<id>`,
 * `net/<name>/<id>`), as the provider's `arnSuffix` (the ALB metrics page: "LoadBalancer … app/load-balancer-name/1234567890123456").
 */
export function loadBalancerDimension(arn: string): string {
    const at = arn.indexOf(":loadbalancer/");
    if (at < 0) throw new Error(`not a load balancer ARN: ${JSON.stringify(arn)}`);
    return arn.slice(at + ":loadbalancer/".length);
}
