import type * as pulumiType from "@pulumi/pulumi";
import { errorOf, promiseOf, settle, setupMocks } from "../testing/mocks";
import type { AlarmSpec } from "./spec";

const mocks = setupMocks();
let pulumi: typeof pulumiType;
let obs: typeof import("./index");

beforeAll(async () => {
    pulumi = await import("@pulumi/pulumi");
    obs = await import("./index");
});
beforeEach(() => mocks.reset());

const PAGE_TOPIC = "arn:aws:sns:us-east-1:123456789012:page";
const TICKET_TOPIC = "arn:aws:sns:us-east-1:123456789012:ticket";

function specs(): AlarmSpec[] {
    const base = { period: 60, evaluationPeriods: 3, treatMissingData: "notBreaching", source: "test" } as const;
    return [
        {
            ...base,
            id: "latency-p99",
            title: "p99 latency",
            severity: "page",
            metric: { namespace: "AWS/X", metricName: "Latency", dimensions: { Service: pulumi.output("svc") }, stat: "p99" },
            comparison: "GreaterThanThreshold",
            threshold: 2,
            unit: "s",
            derivation: "twice the target",
            section: "Golden signals",
        },
        {
            ...base,
            id: "cpu-high",
            title: "CPU high",
            severity: "ticket",
            metric: { namespace: "AWS/X", metricName: "CPU", dimensions: { Service: "svc" }, stat: "Average" },
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: 80,
            unit: "%",
            derivation: "80 % of the task's CPU",
            section: "Saturation",
        },
        {
            ...base,
            id: "error-rate",
            title: "5xx rate",
            severity: "page",
            math: {
                expression: "100 * errors / requests",
                label: "5xx %",
                metrics: {
                    errors: { namespace: "AWS/X", metricName: "5xx", dimensions: { Service: "svc" }, stat: "Sum" },
                    requests: { namespace: "AWS/X", metricName: "Requests", dimensions: { Service: "svc" }, stat: "Sum" },
                },
            },
            comparison: "GreaterThanThreshold",
            threshold: 5,
            unit: "%",
            derivation: "5 % of requests",
            section: "Golden signals",
        },
    ];
}

function owner(name = "svc") {
    const parent = new pulumi.ComponentResource("test:index:Thing", name, {});
    return { name, parent, tags: { team: "a" } };
}

describe("monitor()", () => {
    it("should create one alarm per definition with the metric, statistic and threshold given, percentiles as extended statistics and math as metric queries", async () => {
        obs.monitor(
            owner(),
            { actions: { page: [PAGE_TOPIC], ticket: [TICKET_TOPIC] } },
            { component: "Thing", alarms: specs(), dashboardTitle: "svc" },
        );
        await settle();
        const p99 = mocks.one("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-alarm-latency-p99").inputs;
        expect(p99).toMatchObject({
            namespace: "AWS/X",
            metricName: "Latency",
            dimensions: { Service: "svc" },
            extendedStatistic: "p99",
            threshold: 2,
            period: 60,
        });
        expect(p99.statistic).toBeUndefined();
        const cpu = mocks.one("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-alarm-cpu-high").inputs;
        expect(cpu).toMatchObject({
            statistic: "Average",
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            datapointsToAlarm: 3,
            tags: { team: "a" },
        });
        const rate = mocks.one("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-alarm-error-rate").inputs;
        expect(rate.metricName).toBeUndefined();
        expect(rate.metricQueries).toEqual(
            expect.arrayContaining([
                expect.objectContaining({ id: "e1", expression: "100 * errors / requests", returnData: true }),
                expect.objectContaining({
                    id: "errors",
                    returnData: false,
                    metric: expect.objectContaining({ metricName: "5xx", stat: "Sum", period: 60 }),
                }),
            ]),
        );
    });

    it("should page once, through the unhealthy composite over the page alarms, and ticket directly", async () => {
        obs.monitor(owner(), { actions: { page: [PAGE_TOPIC], ticket: [TICKET_TOPIC] } }, { component: "Thing", alarms: specs() });
        await settle();
        const alarm = (id: string) => mocks.one("aws:cloudwatch/metricAlarm:MetricAlarm", `svc-alarm-${id}`);
        expect(alarm("latency-p99").inputs.alarmActions).toBeUndefined();
        expect(alarm("error-rate").inputs.alarmActions).toBeUndefined();
        expect(alarm("cpu-high").inputs).toMatchObject({ alarmActions: [TICKET_TOPIC], okActions: [TICKET_TOPIC] });
        expect(alarm("cpu-high").inputs.alarmDescription).toMatch(
            /Opens a ticket\. Runbook: serverless-containers docs\/runbooks\.md#cpu-high$/,
        );
        const unhealthy = mocks.one("aws:cloudwatch/compositeAlarm:CompositeAlarm", "svc-unhealthy").inputs;
        expect(unhealthy.alarmActions).toEqual([PAGE_TOPIC]);
        expect(unhealthy.alarmRule).toBe(`ALARM("${alarm("latency-p99").state.arn}") OR ALARM("${alarm("error-rate").state.arn}")`);
    });

    it("should apply overrides: a new threshold and severity, a removed alarm, and refuse an unknown id by name", async () => {
        obs.monitor(
            owner(),
            { alarms: { "cpu-high": { threshold: 95, severity: "page" }, "latency-p99": { enabled: false } } },
            { component: "Thing", alarms: specs() },
        );
        await settle();
        expect(
            mocks
                .byType("aws:cloudwatch/metricAlarm:MetricAlarm")
                .map((r) => r.name)
                .sort(),
        ).toEqual(["svc-alarm-cpu-high", "svc-alarm-error-rate"]);
        expect(mocks.one("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-alarm-cpu-high").inputs).toMatchObject({ threshold: 95 });
        expect(mocks.one("aws:cloudwatch/compositeAlarm:CompositeAlarm", "svc-unhealthy").inputs.alarmRule).toContain("cpu-high");
        expect(
            await errorOf(() =>
                obs.monitor(owner("b"), { alarms: { "cpu-hgih": { threshold: 1 } } }, { component: "Thing", alarms: specs() }),
            ),
        ).toBe('Thing "b": monitoring.alarms["cpu-hgih"]: no such alarm (this component has: latency-p99, cpu-high, error-rate)');
    });

    it("should create nothing with enabled: false, and refuse malformed monitoring arguments", async () => {
        expect(obs.monitor(owner(), { enabled: false }, { component: "Thing", alarms: specs(), dashboardTitle: "svc" })).toBeUndefined();
        await settle();
        expect(mocks.byType("aws:cloudwatch/metricAlarm:MetricAlarm")).toHaveLength(0);
        expect(mocks.byType("aws:cloudwatch/dashboard:Dashboard")).toHaveLength(0);
        expect(await errorOf(() => obs.monitor(owner("c"), false as never, { component: "Thing", alarms: specs() }))).toMatch(
            /use `\{ enabled: false \}` to opt out/,
        );
        expect(
            await errorOf(() => obs.monitor(owner("d"), { actions: { page: ["not-an-arn"] } }, { component: "Thing", alarms: specs() })),
        ).toContain('`monitoring.actions.page`: "not-an-arn" is not an SNS topic ARN');
        expect(await errorOf(() => obs.monitor(owner("e"), { slo: {} }, { component: "Thing", alarms: specs() }))).toContain(
            "`monitoring.slo` is not an argument of this component",
        );
    });

    it("should draw a dashboard from the same definitions: an alarm status widget, then one graph per alarm with its threshold, by section", async () => {
        const r = obs.monitor(owner(), {}, { component: "Thing", alarms: specs(), dashboardTitle: "svc on ECS" });
        await settle();
        const board = mocks.one("aws:cloudwatch/dashboard:Dashboard");
        expect(board.inputs.dashboardName).toBe(`${pulumi.getProject()}-${pulumi.getStack()}-svc`);
        const body = JSON.parse(board.inputs.dashboardBody);
        const alarmArns = mocks.byType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.state.arn);
        expect(body.widgets[1]).toMatchObject({ type: "alarm", properties: { alarms: expect.arrayContaining(alarmArns) } });
        const headers = body.widgets
            .filter((w: { type: string }) => w.type === "text")
            .map((w: { properties: { markdown: string } }) => w.properties.markdown);
        expect(headers.slice(1)).toEqual(["## Golden signals", "## Saturation"]);
        const p99 = body.widgets.find((w: { properties: { title?: string } }) => w.properties.title === "p99 latency");
        expect(p99.properties.metrics).toEqual([["AWS/X", "Latency", "Service", "svc", { stat: "p99", label: "p99 latency" }]]);
        expect(p99.properties.annotations.horizontal[0].value).toBe(2);
        expect(p99.properties.region).toBe("us-east-1");
        expect(JSON.parse(await promiseOf(r!.widgets))).toHaveLength(body.widgets.length - 2);
    });

    it("should derive SLO burn-rate thresholds from the objective: 14.4x and 6x page, 3x tickets, each an AND of a long and a short window", () => {
        const ratio = (p: number) => ({ expression: `e${p}`, label: "r", metrics: {} });
        const { slo } = obs.normalizeSlo({ availability: 99.9 });
        const { alarms, composites } = obs.sloAlarms({ errors: ratio, slow: ratio, source: "s" }, slo);
        const t = (id: string) => alarms.find((a) => a.id === id)!.threshold;
        expect([t("slo-availability-1h"), t("slo-availability-5m"), t("slo-availability-6h"), t("slo-availability-24h")]).toEqual([
            0.0144, 0.0144, 0.006, 0.003,
        ]);
        expect(t("slo-latency-1h")).toBe(0.144);
        expect(composites.map((c) => [c.id, c.severity, c.members])).toContainEqual([
            "slo-availability-fast-burn",
            "page",
            ["slo-availability-1h", "slo-availability-5m"],
        ]);
        expect(composites.find((c) => c.id === "slo-latency-slow-burn")!.severity).toBe("ticket");
        expect(obs.normalizeSlo({ availability: 100 }).problems).toEqual([
            "monitoring.slo.availability must be a percentage above 0 and below 100 (got 100)",
        ]);
    });
});
