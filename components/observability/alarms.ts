/**
 * The realiser: one component's resolved definitions → CloudWatch alarms routed by severity, an "unhealthy"
 * composite over its page alarms, and (for services) one dashboard drawn from the same definitions.
 *
 * Routing (docs/monitoring.md): an alarm that is a member of a composite notifies no one itself (the
 * composite does); a "ticket" alarm or composite notifies `actions.ticket`; every "page" alarm and composite is
 * a member of `<name>-unhealthy` (OR), which alone notifies `actions.page`, so one incident pages once.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { callerOf } from "../arn";
import type { AlarmActions, Monitoring } from "./args";
import { COMPARISON_SYMBOL, type AlarmSpec, type CompositeSpec, type DashboardSection, type MetricRef, type ResolvedAlarms } from "./spec";

/** Where descriptions point when `monitoring.runbookUrl` is not given. */
export const DEFAULT_RUNBOOK = "serverless-containers docs/runbooks.md";

/** CloudWatch's limit on each action list of an alarm (PutMetricAlarm / PutCompositeAlarm: AlarmActions, OKActions "Maximum number of 5 items"). */
export const MAX_ACTIONS = 5;

/** The standard statistics; anything else (p99, PR(:0.5), TM(…)) is an extended statistic (Statistics-definitions.html). */
const STANDARD_STATISTICS = new Set(["SampleCount", "Average", "Sum", "Minimum", "Maximum"]);

export interface MonitoringOwner {
    /** The component's resource name: children are `<name>-alarm-<id>`, `<name>-unhealthy`, `<name>-dashboard`. */
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly tags?: Record<string, string>;
}

export interface Realised {
    /** Alarm id → its alarm (composites included). */
    readonly alarms: Record<string, aws.cloudwatch.MetricAlarm | aws.cloudwatch.CompositeAlarm>;
    /** OR of the page alarms, routed to `actions.page` (absent when there is no page alarm). */
    readonly unhealthy?: aws.cloudwatch.CompositeAlarm;
    /** Names of the page-severity metric alarms (ECS deployment alarms take metric alarms by name). */
    readonly pageAlarmNames: pulumi.Output<string[]>;
    /** This component's widgets as dashboard JSON (an array), for another component's dashboard. */
    readonly widgets: pulumi.Output<string>;
    readonly dashboard?: aws.cloudwatch.Dashboard;
}

/** How each definition is routed, as the offline preview and the tests read it. */
export function routingOf(resolved: ResolvedAlarms): Record<string, "unhealthy" | "ticket" | `composite:${string}`> {
    const memberOf = new Map<string, string>();
    for (const c of resolved.composites) for (const m of c.members) memberOf.set(m, c.id);
    const routes: Record<string, "unhealthy" | "ticket" | `composite:${string}`> = {};
    for (const item of [...resolved.alarms, ...resolved.composites]) {
        const composite = memberOf.get(item.id);
        routes[item.id] = composite ? `composite:${composite}` : item.severity === "page" ? "unhealthy" : "ticket";
    }
    return routes;
}

function runbook(monitoring: Monitoring | undefined, id: string): string {
    return `${monitoring?.runbookUrl ?? DEFAULT_RUNBOOK}#${id}`;
}

function describe(spec: AlarmSpec | CompositeSpec, route: string, monitoring: Monitoring | undefined): string {
    const rule = "threshold" in spec ? ` when ${COMPARISON_SYMBOL[spec.comparison]} ${spec.threshold} ${spec.unit}` : "";
    const routed =
        route === "unhealthy"
            ? "Pages through the unhealthy composite."
            : route === "ticket"
              ? "Opens a ticket."
              : `Routed by ${route.slice(10)}.`;
    const text = `${spec.title}${rule} (${spec.derivation}). ${routed} Runbook: ${runbook(monitoring, spec.id)}`;
    return text.length <= 1024 ? text : `${text.slice(0, 1021)}...`;
}

function metricQuery(id: string, m: MetricRef, period: number, returnData: boolean): aws.types.input.cloudwatch.MetricAlarmMetricQuery {
    return {
        id,
        returnData,
        metric: { namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, stat: m.stat, period },
    };
}

function metricAlarmArgs(spec: AlarmSpec): Partial<aws.cloudwatch.MetricAlarmArgs> {
    if (spec.metric) {
        const m = spec.metric;
        return {
            namespace: m.namespace,
            metricName: m.metricName,
            dimensions: m.dimensions,
            period: spec.period,
            ...(STANDARD_STATISTICS.has(m.stat) ? { statistic: m.stat } : { extendedStatistic: m.stat }),
        };
    }
    const math = spec.math!;
    return {
        metricQueries: [
            { id: "e1", expression: math.expression, label: math.label, returnData: true },
            ...Object.entries(math.metrics).map(([id, m]) => metricQuery(id, m, spec.period, false)),
        ],
    };
}

const actionList = (targets: pulumi.Input<string>[] | undefined) => (targets && targets.length > 0 ? targets : undefined);

/** Create the alarms, the unhealthy composite and (when `dashboard` is given) the dashboard of one component. */
export function realiseMonitoring(
    owner: MonitoringOwner,
    resolved: ResolvedAlarms,
    monitoring: Monitoring | undefined,
    dashboard?: { readonly title: string; readonly extraWidgets?: pulumi.Input<string>[] },
): Realised {
    const { name, parent, tags } = owner;
    const actions: AlarmActions = monitoring?.actions ?? {};
    const routes = routingOf(resolved);
    const created: Record<string, aws.cloudwatch.MetricAlarm | aws.cloudwatch.CompositeAlarm> = {};
    const metricAlarms: Record<string, aws.cloudwatch.MetricAlarm> = {};

    for (const spec of resolved.alarms) {
        const route = routes[spec.id];
        const ticket = route === "ticket" ? actionList(actions.ticket) : undefined;
        const alarm = new aws.cloudwatch.MetricAlarm(
            `${name}-alarm-${spec.id}`,
            {
                alarmDescription: describe(spec, route, monitoring),
                comparisonOperator: spec.comparison,
                threshold: spec.threshold,
                evaluationPeriods: spec.evaluationPeriods,
                datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods,
                treatMissingData: spec.treatMissingData,
                alarmActions: ticket,
                okActions: ticket,
                tags,
                ...metricAlarmArgs(spec),
            },
            { parent },
        );
        created[spec.id] = alarm;
        metricAlarms[spec.id] = alarm;
    }

    const rule = (members: readonly string[], operator: "AND" | "OR") =>
        pulumi.all(members.map((m) => created[m].arn)).apply((arns) => arns.map((a) => `ALARM("${a}")`).join(` ${operator} `));

    for (const c of resolved.composites) {
        const route = routes[c.id];
        const ticket = route === "ticket" ? actionList(actions.ticket) : undefined;
        created[c.id] = new aws.cloudwatch.CompositeAlarm(
            `${name}-alarm-${c.id}`,
            {
                alarmName: compositeName(parent, `${name}-${c.id}`),
                alarmDescription: describe(c, route, monitoring),
                alarmRule: rule(c.members, c.operator),
                alarmActions: ticket,
                okActions: ticket,
                tags,
            },
            { parent },
        );
    }

    const pageMembers = Object.entries(routes)
        .filter(([, r]) => r === "unhealthy")
        .map(([id]) => id);
    const unhealthy =
        pageMembers.length === 0
            ? undefined
            : new aws.cloudwatch.CompositeAlarm(
                  `${name}-unhealthy`,
                  {
                      alarmName: compositeName(parent, `${name}-unhealthy`),
                      alarmDescription: `${name} is unhealthy: one of its page alarms fired (${pageMembers.join(", ")}). Runbook: ${runbook(monitoring, "unhealthy")}`,
                      alarmRule: rule(pageMembers, "OR"),
                      alarmActions: actionList(actions.page),
                      okActions: actionList(actions.page),
                      tags,
                  },
                  { parent },
              );

    const pageAlarmNames = pulumi.all(
        resolved.alarms.filter((a) => a.severity === "page" && routes[a.id] === "unhealthy").map((a) => metricAlarms[a.id].name),
    );
    const region = callerOf(parent).region;
    const widgets = widgetsJson(resolved, created, region);
    const board = dashboard
        ? new aws.cloudwatch.Dashboard(
              `${name}-dashboard`,
              {
                  dashboardName: dashboardName(parent, name),
                  dashboardBody: pulumi
                      .all([
                          widgets,
                          pulumi.all(dashboard.extraWidgets ?? []),
                          unhealthy?.arn,
                          pulumi.all(Object.values(created).map((a) => a.arn)),
                      ])
                      .apply(([own, extra, unhealthyArn, arns]) =>
                          JSON.stringify({
                              start: "-PT6H",
                              widgets: [
                                  {
                                      type: "text",
                                      width: 24,
                                      height: 2,
                                      properties: {
                                          markdown: `# ${dashboard.title}\nAlarms, then golden signals, then what the service depends on.`,
                                      },
                                  },
                                  {
                                      type: "alarm",
                                      width: 24,
                                      height: 3,
                                      properties: {
                                          title: "Alarms",
                                          // An alarm status widget shows 1-100 alarms (CloudWatch-Dashboard-Body-Structure, "Properties of an Alarm Status Widget Object").
                                          alarms: [...(unhealthyArn ? [unhealthyArn] : []), ...arns].slice(0, 100),
                                          sortBy: "stateUpdatedTimestamp",
                                      },
                                  },
                                  ...JSON.parse(own),
                                  ...extra.flatMap((e) => JSON.parse(e) as unknown[]),
                              ],
                          }),
                      ),
              },
              { parent },
          )
        : undefined;
    return { alarms: created, unhealthy, pageAlarmNames, widgets, dashboard: board };
}

/** Composite alarms have no auto-name in the provider (alarm_name Required): `<project>-<stack>-<name>`, at most 255 characters. */
function compositeName(_parent: pulumi.Resource, base: string): string {
    return `${pulumi.getProject()}-${pulumi.getStack()}-${base}`.slice(0, 255);
}

/** Dashboard names: letters, digits, `-` and `_`, at most 255 (PutDashboard DashboardName). */
function dashboardName(_parent: pulumi.Resource, name: string): string {
    return `${pulumi.getProject()}-${pulumi.getStack()}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 255);
}

const SECTIONS: readonly DashboardSection[] = ["Golden signals", "Saturation", "SLO", "Logs", "Kubernetes", "Database", "Proxy", "Table"];

/** One graph per visible definition, with its threshold as a horizontal annotation named after its alarm; a text header per section. */
function widgetsJson(
    resolved: ResolvedAlarms,
    created: Record<string, aws.cloudwatch.MetricAlarm | aws.cloudwatch.CompositeAlarm>,
    region: pulumi.Output<string>,
): pulumi.Output<string> {
    const visible = resolved.alarms.filter((a) => !a.hidden);
    return pulumi
        .all([
            region,
            pulumi.all(visible.map((a) => pulumi.all([pulumi.output(resolveDims(a)), (created[a.id] as aws.cloudwatch.MetricAlarm).name]))),
        ])
        .apply(([r, resolvedDims]) => {
            const out: unknown[] = [];
            for (const section of SECTIONS) {
                const inSection = visible.map((a, i) => [a, resolvedDims[i]] as const).filter(([a]) => a.section === section);
                if (inSection.length === 0) continue;
                out.push({ type: "text", width: 24, height: 1, properties: { markdown: `## ${section}` } });
                for (const [a, [dims, alarmName]] of inSection) out.push(graph(a, dims, alarmName, r));
            }
            return JSON.stringify(out);
        });
}

type PlainDims = Record<string, Record<string, string>>;

/** Every metric's dimensions of a definition, resolved (key: "" for `metric`, the math id otherwise). */
function resolveDims(a: AlarmSpec): pulumi.Output<PlainDims> {
    const refs: Record<string, MetricRef> = a.metric ? { "": a.metric } : a.math!.metrics;
    return pulumi.output(
        Object.fromEntries(Object.entries(refs).map(([k, m]) => [k, pulumi.output(m.dimensions)])) as Record<
            string,
            pulumi.Output<Record<string, string>>
        >,
    );
}

function metricRow(m: MetricRef, dims: Record<string, string>, extra: Record<string, unknown>): unknown[] {
    return [m.namespace, m.metricName, ...Object.entries(dims).flat(), { stat: m.stat, ...extra }];
}

function graph(a: AlarmSpec, dims: PlainDims, alarmName: string, region: string): unknown {
    const metrics = a.metric
        ? [metricRow(a.metric, dims[""], { label: a.title })]
        : [
              [{ expression: a.math!.expression, label: a.math!.label, id: "e1" }],
              ...Object.entries(a.math!.metrics).map(([id, m]) => metricRow(m, dims[id], { id, visible: false })),
          ];
    return {
        type: "metric",
        width: 8,
        height: 6,
        properties: {
            title: a.title,
            region,
            view: "timeSeries",
            period: a.period,
            metrics,
            annotations: {
                horizontal: [{ label: `${alarmName} (${COMPARISON_SYMBOL[a.comparison]} ${a.threshold} ${a.unit})`, value: a.threshold }],
            },
        },
    };
}
