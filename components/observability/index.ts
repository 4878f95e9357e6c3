/**
 * `monitor()`: what every component calls once with its own definitions and its `monitoring` argument.
 * Checks the argument, applies the overrides, and realises alarms, routing, the unhealthy composite and
 * (for a service) the dashboard. `monitoring.enabled: false` creates nothing.
 */
import type * as pulumi from "@pulumi/pulumi";
import { throwIfAny } from "../limits";
import { MAX_ACTIONS, realiseMonitoring, type MonitoringOwner, type Realised } from "./alarms";
import type { ServiceMonitoring } from "./args";
import { applyOverrides, specProblems, type AlarmSpec, type CompositeSpec } from "./spec";

export * from "./args";
export { errorLogAlarm, errorLogFilter, errorLogMetricName, LOG_METRIC_NAMESPACE } from "./logs";
export { normalizeSlo, sloAlarms, SLO_DEFAULTS, type RequestSli } from "./slo";
export { routingOf, DEFAULT_RUNBOOK, type MonitoringOwner, type Realised } from "./alarms";
export type { AlarmSpec, CompositeSpec, MetricRef, MathRef } from "./spec";
export {
    albAlarms,
    albSli,
    appRunnerAlarms,
    appRunnerSli,
    ecsAlarms,
    loadBalancerDimension,
    nlbAlarms,
    type AlbTargets,
    type NlbTargets,
} from "./services";

const isList = (v: unknown): v is unknown[] => Array.isArray(v);

/** Problems with the shape of `monitoring` itself (the per-alarm overrides are checked against the definitions). */
export function monitoringProblems(monitoring: unknown, service: boolean): string[] {
    if (monitoring === undefined) return [];
    if (monitoring === null || typeof monitoring !== "object" || isList(monitoring)) {
        return ["`monitoring` must be an object ({ enabled?, actions?, alarms?, runbookUrl? …}); use `{ enabled: false }` to opt out"];
    }
    const m = monitoring as Record<string, unknown> & ServiceMonitoring;
    const problems: string[] = [];
    const allowed = service
        ? ["enabled", "actions", "alarms", "runbookUrl", "dashboard", "slo", "rollback", "widgets"]
        : ["enabled", "actions", "alarms", "runbookUrl"];
    for (const key of Object.keys(m))
        if (!allowed.includes(key))
            problems.push(`\`monitoring.${key}\` is not an argument of this component (it takes ${allowed.join(", ")})`);
    for (const key of ["enabled", "dashboard", "rollback"] as const) {
        if (m[key] !== undefined && typeof m[key] !== "boolean") problems.push(`\`monitoring.${key}\` must be a boolean`);
    }
    if (m.runbookUrl !== undefined && (typeof m.runbookUrl !== "string" || m.runbookUrl.length === 0))
        problems.push("`monitoring.runbookUrl` must be a non-empty string");
    if (m.actions !== undefined) {
        if (m.actions === null || typeof m.actions !== "object")
            problems.push("`monitoring.actions` must be an object ({ page?, ticket? })");
        else {
            for (const [key, list] of Object.entries(m.actions)) {
                if (key !== "page" && key !== "ticket") problems.push(`\`monitoring.actions.${key}\`: severities are "page" and "ticket"`);
                else if (list !== undefined && (!isList(list) || list.length > MAX_ACTIONS)) {
                    problems.push(
                        `\`monitoring.actions.${key}\` must be a list of at most ${MAX_ACTIONS} SNS topic ARNs (CloudWatch's limit per alarm)`,
                    );
                } else {
                    for (const t of list ?? []) {
                        if (typeof t === "string" && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(t)) {
                            problems.push(`\`monitoring.actions.${key}\`: ${JSON.stringify(t)} is not an SNS topic ARN`);
                        }
                    }
                }
            }
        }
    }
    if (m.alarms !== undefined && (m.alarms === null || typeof m.alarms !== "object" || isList(m.alarms))) {
        problems.push("`monitoring.alarms` must be an object keyed by alarm id");
    }
    if (m.widgets !== undefined && !isList(m.widgets))
        problems.push("`monitoring.widgets` must be a list of dashboard widget JSON strings");
    return problems;
}

export interface MonitorSpec {
    /** The component's class name, for messages. */
    readonly component: string;
    readonly alarms: readonly AlarmSpec[];
    readonly composites?: readonly CompositeSpec[];
    /** Services: draw a dashboard with this title (unless `monitoring.dashboard` is false). */
    readonly dashboardTitle?: string;
    /** More dashboard sections (linked databases' widgets, `monitoring.widgets`). */
    readonly extraWidgets?: pulumi.Input<string>[];
}

/** Check, override and realise one component's monitoring; `undefined` when `monitoring.enabled` is false. */
export function monitor(owner: MonitoringOwner, monitoring: ServiceMonitoring | undefined, spec: MonitorSpec): Realised | undefined {
    const service = spec.dashboardTitle !== undefined;
    throwIfAny(spec.component, owner.name, monitoringProblems(monitoring, service), owner.parent);
    const own = specProblems(spec.alarms, spec.composites);
    if (own.length > 0)
        throw new Error(`${spec.component} "${owner.name}": its alarm definitions are invalid (a bug in the component): ${own.join("; ")}`);
    const { resolved, problems } = applyOverrides(spec.alarms, spec.composites ?? [], monitoring);
    throwIfAny(spec.component, owner.name, problems, owner.parent);
    if (monitoring?.enabled === false) return undefined;
    const dashboard =
        spec.dashboardTitle !== undefined && monitoring?.dashboard !== false
            ? { title: spec.dashboardTitle, extraWidgets: [...(spec.extraWidgets ?? []), ...(monitoring?.widgets ?? [])] }
            : undefined;
    return realiseMonitoring(owner, resolved, monitoring, dashboard);
}
