/**
 * Request-based SLOs as multi-window, multi-burn-rate alarms (the Google SRE workbook's "Alerting on SLOs",
 * https://sre.google/workbook/alerting-on-slos/): the error ratio over a long window AND over a short window
 * (1/12 of it, so the alarm clears soon after the burn stops) both above burn-rate × error budget.
 *
 *   page:   1 h and 5 min at 14.4×  (2 % of a 30-day budget in an hour)
 *           6 h and 30 min at 6×    (5 % in six hours)
 *   ticket: 24 h and 2 h at 3×      (the workbook's 3-day/6-hour 1× window does not fit CloudWatch: an alarm
 *                                    evaluates at most one day, PutMetricAlarm "EvaluationPeriods")
 *
 * Plain CloudWatch metric math with @pulumi/aws, not Application Signals SLOs: those need @pulumi/aws-native
 * (a second provider plugin in every user's program) and Application Signals' own instrumentation or
 * CloudWatch's metric-based SLO pricing; the alarms here read the load balancer's / App Runner's own metrics.
 */
import type { ServiceSlo } from "./args";
import type { AlarmSpec, CompositeSpec, MathRef } from "./spec";

export const SLO_DEFAULTS = { availability: 99.9, latencyMs: 1000, latencyPercent: 99 } as const;

export interface BurnWindow {
    readonly long: number;
    readonly short: number;
    readonly burnRate: number;
    readonly severity: "page" | "ticket";
    /** Id suffix of the pair's composite. */
    readonly name: string;
}

export const BURN_WINDOWS: readonly BurnWindow[] = [
    { long: 3600, short: 300, burnRate: 14.4, severity: "page", name: "fast" },
    { long: 21_600, short: 1800, burnRate: 6, severity: "page", name: "medium" },
    { long: 86_400, short: 7200, burnRate: 3, severity: "ticket", name: "slow" },
];

/** What the platform measures: the ratio (0-1) of bad requests over `period` seconds, as metric math. */
export interface RequestSli {
    /** 5xx ratio. */
    readonly errors: (period: number) => MathRef;
    /** Ratio of requests slower than `ms`. */
    readonly slow: (period: number, ms: number) => MathRef;
    /** The page documenting the metrics the ratios read. */
    readonly source: string;
}

/** The objectives with defaults applied, and the problems of what the caller gave. */
export function normalizeSlo(slo: ServiceSlo | undefined): { slo: Required<ServiceSlo>; problems: string[] } {
    const problems: string[] = [];
    const s = {
        enabled: slo?.enabled ?? true,
        ...SLO_DEFAULTS,
        ...Object.fromEntries(Object.entries(slo ?? {}).filter(([, v]) => v !== undefined)),
    };
    const percent = (key: "availability" | "latencyPercent") => {
        const v = s[key];
        if (typeof v !== "number" || !(v > 0 && v < 100))
            problems.push(`monitoring.slo.${key} must be a percentage above 0 and below 100 (got ${JSON.stringify(v)})`);
    };
    percent("availability");
    percent("latencyPercent");
    if (typeof s.latencyMs !== "number" || !(s.latencyMs > 0))
        problems.push(`monitoring.slo.latencyMs must be a positive number of milliseconds (got ${JSON.stringify(s.latencyMs)})`);
    if (typeof s.enabled !== "boolean") problems.push("monitoring.slo.enabled must be a boolean");
    return { slo: s, problems };
}

const span = (seconds: number) => (seconds % 3600 === 0 ? `${seconds / 3600}h` : `${seconds / 60}m`);
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Two burn-rate pairs that page and one that tickets, for availability and for latency. */
export function sloAlarms(sli: RequestSli, slo: Required<ServiceSlo>): { alarms: AlarmSpec[]; composites: CompositeSpec[] } {
    const alarms: AlarmSpec[] = [];
    const composites: CompositeSpec[] = [];
    if (!slo.enabled) return { alarms, composites };
    const objectives = [
        {
            kind: "availability",
            budget: 1 - slo.availability / 100,
            what: `${slo.availability} % of requests succeed`,
            ratio: (p: number) => sli.errors(p),
        },
        {
            kind: "latency",
            budget: 1 - slo.latencyPercent / 100,
            what: `${slo.latencyPercent} % of requests under ${slo.latencyMs} ms`,
            ratio: (p: number) => sli.slow(p, slo.latencyMs),
        },
    ] as const;
    for (const o of objectives) {
        for (const w of BURN_WINDOWS) {
            const threshold = round(w.burnRate * o.budget);
            const members: string[] = [];
            for (const period of [w.long, w.short]) {
                const id = `slo-${o.kind}-${span(period)}`;
                members.push(id);
                alarms.push({
                    id,
                    title: `${o.kind} SLO burn over ${span(period)}`,
                    severity: w.severity,
                    math: o.ratio(period),
                    period,
                    evaluationPeriods: 1,
                    comparison: "GreaterThanThreshold",
                    threshold,
                    unit: "ratio",
                    derivation: `burn rate ${w.burnRate}× of the ${round(o.budget * 100)} % error budget (objective: ${o.what})`,
                    // No requests in a window: nothing burnt.
                    treatMissingData: "notBreaching",
                    section: "SLO",
                    source: sli.source,
                    // The SLO section draws the 5-minute ratio once per objective (below), not every window.
                    hidden: period !== 300,
                });
            }
            composites.push({
                id: `slo-${o.kind}-${w.name}-burn`,
                title: `${o.kind} SLO burning ${w.burnRate}× its budget (${span(w.long)} and ${span(w.short)})`,
                severity: w.severity,
                operator: "AND",
                members,
                derivation: `objective: ${o.what}`,
            });
        }
    }
    return { alarms, composites };
}
