import type { RecordedResource } from "../../components/testing/mocks";
import { alarmRows, formatAlarms } from "./alarm-report";

const STACK = "urn:pulumi:prod::p::pulumi:pulumi:Stack::p-prod";
const COMPONENT = "urn:pulumi:prod::p::serverless-containers:index:EcsExpressService::visits";
function res(
    type: string,
    name: string,
    inputs: RecordedResource["inputs"],
    state: RecordedResource["inputs"] = {},
    parent = COMPONENT,
    custom = true,
): RecordedResource {
    return {
        type,
        name,
        urn: `${parent}$${type}::${name}`,
        parent,
        dependsOn: [],
        inputs,
        secretInputs: [],
        state: { ...inputs, ...state },
        custom,
    };
}
const ARN = (n: string) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${n}`;

describe("alarmRows", () => {
    it("should list each alarm under its component with what it watches, when it fires and where it goes", () => {
        const resources = [
            { ...res("pulumi:pulumi:Stack", "p-prod", {}, {}, undefined, false), urn: STACK, parent: undefined },
            { ...res("serverless-containers:index:EcsExpressService", "visits", {}, {}, STACK, false), urn: COMPONENT },
            res("aws:cloudwatch/metricAlarm:MetricAlarm", "visits-alarm-cpu-high", {
                namespace: "AWS/ECS",
                metricName: "CPUUtilization",
                statistic: "Average",
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: 80,
                evaluationPeriods: 5,
                datapointsToAlarm: 3,
                period: 60,
                alarmActions: ["arn:aws:sns:us-east-1:123456789012:ticket"],
            }),
            res(
                "aws:cloudwatch/metricAlarm:MetricAlarm",
                "visits-alarm-5xx-rate",
                {
                    metricQueries: [
                        { id: "e1", expression: "100*e/r" },
                        {
                            id: "e",
                            metric: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", stat: "Sum", period: 60 },
                        },
                        { id: "r", metric: { namespace: "AWS/ApplicationELB", metricName: "RequestCount", stat: "Sum", period: 60 } },
                    ],
                    comparisonOperator: "GreaterThanThreshold",
                    threshold: 5,
                    evaluationPeriods: 3,
                },
                { arn: ARN("visits-5xx") },
            ),
            res("aws:cloudwatch/compositeAlarm:CompositeAlarm", "visits-unhealthy", {
                alarmRule: `ALARM("${ARN("visits-5xx")}") OR ALARM("${ARN("other")}")`,
                alarmActions: ["arn:aws:sns:us-east-1:123456789012:page"],
            }),
        ];
        expect(alarmRows(resources)).toEqual([
            {
                component: "visits",
                id: "cpu-high",
                watches: "AWS/ECS CPUUtilization Average",
                fires: ">= 80 (3 of 5 × 60 s)",
                routing: "ticket",
            },
            {
                component: "visits",
                id: "5xx-rate",
                watches: "AWS/ApplicationELB 100*e/r over HTTPCode_Target_5XX_Count Sum, RequestCount Sum",
                fires: "> 5 (3 of 3 × 60 s)",
                routing: "via unhealthy",
            },
            { component: "visits", id: "unhealthy", watches: "composite of 2 alarm(s)", fires: "any of 2", routing: "page" },
        ]);
        expect(formatAlarms(alarmRows(resources))[0]).toBe("  visits (3):");
    });

    it("should say when an alarm notifies nobody, and when there are no alarms", () => {
        const lone = res(
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "x",
            {
                namespace: "N",
                metricName: "M",
                statistic: "Sum",
                threshold: 1,
                evaluationPeriods: 1,
                period: 60,
                comparisonOperator: "GreaterThanThreshold",
            },
            {},
            STACK,
        );
        expect(alarmRows([lone])[0]).toMatchObject({ component: "(stack)", routing: "nobody" });
        expect(formatAlarms([])).toEqual(["  (no alarms)"]);
    });
});
