/**
 * The offline preview's "Alarms" section: every CloudWatch alarm the plan creates, grouped by the component
 * that owns it, with what it watches, when it fires and where it goes. Read from the recorded resources (the
 * inputs the program sent), so it lists what `pulumi up` would create, not what the components meant to.
 * Pure: no Pulumi runtime.
 */
import type { RecordedResource } from "../../components/testing/mocks";

export interface AlarmRow {
    /** The owning component's logical name ("(stack)" for an alarm outside any component). */
    readonly component: string;
    /** The alarm's id within its component (`5xx-rate`, `unhealthy` …): the resource name without `<component>-alarm-`. */
    readonly id: string;
    /** `AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum`, a metric math expression, or a composite's rule. */
    readonly watches: string;
    /** `> 5` (metric alarms), `any of 3` / `all of 2` (composites). */
    readonly fires: string;
    /** `page: <topic>`, `ticket: <topic>`, `via <composite id>`, or `nobody`. */
    readonly routing: string;
}

const METRIC = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const SYMBOL: Record<string, string> = {
    GreaterThanOrEqualToThreshold: ">=",
    GreaterThanThreshold: ">",
    LessThanThreshold: "<",
    LessThanOrEqualToThreshold: "<=",
};

/** The last part of an SNS topic ARN (its name), or the value as given when it is not one (unknown in a preview). */
const topicName = (arn: unknown) =>
    typeof arn === "string" && arn.startsWith("arn:") ? arn.slice(arn.lastIndexOf(":") + 1) : "(known after apply)";

/** Alarm rows of a plan, in registration order. */
export function alarmRows(resources: readonly RecordedResource[]): AlarmRow[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const owner = (r: RecordedResource): RecordedResource | undefined => {
        for (let p = r.parent; p !== undefined; p = byUrn.get(p)?.parent) {
            const parent = byUrn.get(p);
            if (!parent || parent.type === "pulumi:pulumi:Stack") return undefined;
            if (!parent.custom) return parent;
        }
        return undefined;
    };
    const alarms = resources.filter((r) => r.type === METRIC || r.type === COMPOSITE);
    // A metric alarm is "via" the composite whose rule names its ARN (state: the ARN the provider returned).
    const arnOf = (r: RecordedResource) => (typeof r.state.arn === "string" ? r.state.arn : undefined);
    const composites = alarms.filter((r) => r.type === COMPOSITE);
    const idOf = (r: RecordedResource) => {
        const c = owner(r)?.name;
        return c && r.name.startsWith(`${c}-alarm-`)
            ? r.name.slice(c.length + 7)
            : c && r.name.startsWith(`${c}-`)
              ? r.name.slice(c.length + 1)
              : r.name;
    };
    return alarms.map((r) => {
        const i = r.inputs;
        const component = owner(r)?.name ?? "(stack)";
        let watches: string;
        let fires: string;
        if (r.type === COMPOSITE) {
            const rule = String(i.alarmRule ?? "");
            const members = rule.split(/ (?:AND|OR) /).length;
            watches = `composite of ${members} alarm(s)`;
            fires = rule.includes(" AND ") ? `all of ${members}` : `any of ${members}`;
        } else {
            const queries = i.metricQueries as
                { expression?: string; metric?: { namespace?: string; metricName?: string; stat?: string; period?: number } }[] | undefined;
            const metrics = (queries ?? []).flatMap((q) => (q.metric ? [q.metric] : []));
            const expression = queries?.find((q) => q.expression)?.expression;
            watches = queries
                ? `${metrics[0]?.namespace ?? ""} ${expression} over ${metrics.map((m) => `${m.metricName} ${m.stat}`).join(", ")}`
                : `${i.namespace} ${i.metricName} ${i.statistic ?? i.extendedStatistic}`;
            const period = queries ? metrics[0]?.period : i.period;
            const symbol = SYMBOL[String(i.comparisonOperator)] ?? i.comparisonOperator;
            fires = `${symbol} ${i.threshold} (${i.datapointsToAlarm ?? i.evaluationPeriods} of ${i.evaluationPeriods} × ${period} s)`;
        }
        const actions = (i.alarmActions as unknown[] | undefined) ?? [];
        const arn = arnOf(r);
        const via = arn ? composites.find((c) => c !== r && String(c.inputs.alarmRule ?? "").includes(arn)) : undefined;
        const routing = actions.length > 0 ? actions.map(topicName).join(", ") : via ? `via ${idOf(via)}` : "nobody";
        return { component, id: idOf(r), watches, fires, routing };
    });
}

/** The section's lines: per component, one line per alarm. */
export function formatAlarms(rows: readonly AlarmRow[]): string[] {
    if (rows.length === 0) return ["  (no alarms)"];
    const out: string[] = [];
    const components = [...new Set(rows.map((r) => r.component))];
    for (const c of components) {
        const mine = rows.filter((r) => r.component === c);
        out.push(`  ${c} (${mine.length}):`);
        const width = Math.max(...mine.map((r) => r.id.length));
        for (const r of mine) out.push(`    ${r.id.padEnd(width)}  ${r.watches}  ${r.fires}  → ${r.routing}`);
    }
    return out;
}
