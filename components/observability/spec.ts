/**
 * Alarm definitions as data: each component turns its own inputs into a list of `AlarmSpec`s (metric,
 * statistic, threshold and why), and one realiser (alarms.ts) makes the CloudWatch alarms, the routing, the
 * composite and the dashboard from that same list, so what is alarmed is what is drawn and what the offline
 * preview lists.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AlarmSeverity, Monitoring } from "./args";

/** One CloudWatch metric with the statistic an alarm or graph reads. */
export interface MetricRef {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Record<string, pulumi.Input<string>>;
    /**
     * `Average`, `Sum`, `Minimum`, `Maximum`, `SampleCount`, a percentile (`p99`) or a percentile rank (`PR(:0.5)`)
     * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html).
     */
    readonly stat: string;
}

/** A metric math expression over named metrics (ids lower-case, as CloudWatch requires). */
export interface MathRef {
    readonly expression: string;
    readonly label: string;
    readonly metrics: Record<string, MetricRef>;
}

export type Comparison = "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";

/** Where a definition is drawn on the service's dashboard (in this order). */
export type DashboardSection = "Golden signals" | "Saturation" | "SLO" | "Logs" | "Database" | "Proxy" | "Table" | "Kubernetes";

/** One alarm, before overrides: what it watches, when it fires and why that threshold. */
export interface AlarmSpec {
    /** Stable id, kebab-case: the override key, the child's name suffix and the runbook anchor. */
    readonly id: string;
    /** What is wrong when it fires, in a few words ("5xx responses above 5 %"). */
    readonly title: string;
    readonly severity: AlarmSeverity;
    /** Exactly one of `metric` or `math`. */
    readonly metric?: MetricRef;
    readonly math?: MathRef;
    /** Seconds per datapoint: 10, 20, 30 or a multiple of 60. */
    readonly period: number;
    readonly evaluationPeriods: number;
    /** Datapoints out of `evaluationPeriods` that must breach. @default evaluationPeriods */
    readonly datapointsToAlarm?: number;
    readonly comparison: Comparison;
    readonly threshold: number;
    /** The threshold's unit as people read it ("%", "ms", "count", "ACU"). */
    readonly unit: string;
    /** How the threshold follows from the component's inputs ("90 % of maxCapacity 16 ACU"), for the description and the preview. */
    readonly derivation: string;
    readonly treatMissingData: "missing" | "notBreaching" | "breaching" | "ignore";
    readonly section: DashboardSection;
    /** The AWS page that documents the metric, its dimensions and statistics. */
    readonly source: string;
    /** Not drawn on the dashboard (a burn-rate window: the SLO graph draws the ratio once). */
    readonly hidden?: boolean;
}

/** An alarm over other alarms of the same component (`AND` of two burn-rate windows, `OR` of the page alarms). */
export interface CompositeSpec {
    readonly id: string;
    readonly title: string;
    readonly severity: AlarmSeverity;
    readonly operator: "AND" | "OR";
    /** Ids of `AlarmSpec`s or earlier `CompositeSpec`s of the same list. */
    readonly members: readonly string[];
    readonly derivation: string;
}

/** A component's definitions after its `monitoring` overrides: what the realiser creates. */
export interface ResolvedAlarms {
    readonly alarms: readonly AlarmSpec[];
    readonly composites: readonly CompositeSpec[];
}

const PERIODS_BELOW_A_MINUTE = new Set([10, 20, 30]);

/** Problems with the definitions themselves (a component bug, not the caller's): checked by the tests of every component. */
export function specProblems(alarms: readonly AlarmSpec[], composites: readonly CompositeSpec[] = []): string[] {
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const a of alarms) {
        if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(a.id)) problems.push(`alarm id "${a.id}" is not kebab-case`);
        if (ids.has(a.id)) problems.push(`alarm id "${a.id}" appears twice`);
        ids.add(a.id);
        if (!a.metric === !a.math) problems.push(`alarm "${a.id}" needs exactly one of metric or math`);
        if (!(PERIODS_BELOW_A_MINUTE.has(a.period) || (a.period > 0 && a.period % 60 === 0))) {
            problems.push(`alarm "${a.id}": period ${a.period} is not 10, 20, 30 or a multiple of 60`);
        }
        // PutMetricAlarm: "the number of periods multiplied by the period must not exceed one day" (API_PutMetricAlarm, EvaluationPeriods).
        if (a.period * a.evaluationPeriods > 86_400) problems.push(`alarm "${a.id}" evaluates more than one day`);
        if ((a.datapointsToAlarm ?? a.evaluationPeriods) > a.evaluationPeriods)
            problems.push(`alarm "${a.id}": datapointsToAlarm above evaluationPeriods`);
        if (!Number.isFinite(a.threshold)) problems.push(`alarm "${a.id}": threshold ${a.threshold} is not a number`);
        for (const id of Object.keys(a.math?.metrics ?? {})) {
            if (!/^[a-z][a-zA-Z0-9_]*$/.test(id)) problems.push(`alarm "${a.id}": metric id "${id}" must start with a lower-case letter`);
        }
    }
    for (const c of composites) {
        if (ids.has(c.id)) problems.push(`composite id "${c.id}" appears twice`);
        for (const m of c.members) if (!ids.has(m)) problems.push(`composite "${c.id}" names "${m}", which is not defined before it`);
        ids.add(c.id);
    }
    return problems;
}

/**
 * Apply the caller's `monitoring.alarms` overrides: unknown ids and bad values are the caller's mistakes
 * (returned as problems, the component refuses them by name); a removed alarm also leaves every composite
 * it was in (a composite left with no member is removed).
 */
export function applyOverrides(
    alarms: readonly AlarmSpec[],
    composites: readonly CompositeSpec[],
    monitoring: Monitoring | undefined,
): { resolved: ResolvedAlarms; problems: string[] } {
    const problems: string[] = [];
    const overrides = monitoring?.alarms ?? {};
    const known = new Set([...alarms.map((a) => a.id), ...composites.map((c) => c.id)]);
    for (const [id, o] of Object.entries(overrides)) {
        if (!known.has(id)) {
            problems.push(`monitoring.alarms["${id}"]: no such alarm (this component has: ${[...known].join(", ")})`);
            continue;
        }
        if (o === null || typeof o !== "object") {
            problems.push(`monitoring.alarms["${id}"] must be an object ({ enabled?, threshold?, severity? })`);
            continue;
        }
        if (o.threshold !== undefined && (typeof o.threshold !== "number" || !Number.isFinite(o.threshold))) {
            problems.push(`monitoring.alarms["${id}"].threshold must be a number`);
        }
        if (o.threshold !== undefined && composites.some((c) => c.id === id)) {
            problems.push(`monitoring.alarms["${id}"].threshold: "${id}" is a composite alarm (it has no threshold)`);
        }
        if (o.severity !== undefined && o.severity !== "page" && o.severity !== "ticket") {
            problems.push(`monitoring.alarms["${id}"].severity must be "page" or "ticket"`);
        }
        if (o.enabled !== undefined && typeof o.enabled !== "boolean")
            problems.push(`monitoring.alarms["${id}"].enabled must be a boolean`);
    }
    const removed = new Set(
        Object.entries(overrides)
            .filter(([, o]) => o?.enabled === false)
            .map(([id]) => id),
    );
    const kept = alarms
        .filter((a) => !removed.has(a.id))
        .map((a): AlarmSpec => {
            const o = overrides[a.id];
            if (!o) return a;
            return {
                ...a,
                ...(typeof o.threshold === "number"
                    ? { threshold: o.threshold, derivation: `${o.threshold} ${a.unit} set by monitoring.alarms` }
                    : {}),
                ...(o.severity === "page" || o.severity === "ticket" ? { severity: o.severity } : {}),
            };
        });
    const present = new Set(kept.map((a) => a.id));
    const keptComposites: CompositeSpec[] = [];
    for (const c of composites) {
        const members = c.members.filter((m) => present.has(m));
        if (removed.has(c.id) || members.length === 0) continue;
        const o = overrides[c.id];
        keptComposites.push({ ...c, members, ...(o?.severity === "page" || o?.severity === "ticket" ? { severity: o.severity } : {}) });
        present.add(c.id);
    }
    return { resolved: { alarms: kept, composites: keptComposites }, problems };
}

/** `>=` etc., for the preview and descriptions. */
export const COMPARISON_SYMBOL: Record<Comparison, string> = {
    GreaterThanOrEqualToThreshold: ">=",
    GreaterThanThreshold: ">",
    LessThanThreshold: "<",
    LessThanOrEqualToThreshold: "<=",
};
