// The stack-level control "service-alarms-routed", offline (evaluate) and through the pack's StackValidationPolicy adapter.
import { evaluate, type EvaluatedResource } from "./evaluate";
import { buildStackPolicies } from "./policies";
import { UNKNOWN_SENTINELS } from "./unknowns";

const STACK = "urn:pulumi:prod::serverless-containers::pulumi:pulumi:Stack::serverless-containers-prod";
const COMPONENT = "urn:pulumi:prod::serverless-containers::serverless-containers:index:EcsExpressService::visits";
const child = (type: string, name: string, props: Record<string, unknown> = {}, parent = COMPONENT): EvaluatedResource => ({
    type,
    name,
    urn: `${parent.replace(/::[^:]+$/, "")}$${type}::${name}`,
    parent,
    custom: true,
    props,
});
const stack: EvaluatedResource = { type: "pulumi:pulumi:Stack", name: "serverless-containers-prod", urn: STACK, custom: false, props: {} };
const component: EvaluatedResource = {
    type: "serverless-containers:index:EcsExpressService",
    name: "visits",
    urn: COMPONENT,
    parent: STACK,
    custom: false,
    props: {},
};
const service = child("aws:ecs/expressGatewayService:ExpressGatewayService", "visits-service", { serviceName: "visits" });
const alarm = (actions?: unknown) =>
    child("aws:cloudwatch/metricAlarm:MetricAlarm", "visits-alarm-cpu-high", actions === undefined ? {} : { alarmActions: actions });
const composite = (actions?: unknown) =>
    child("aws:cloudwatch/compositeAlarm:CompositeAlarm", "visits-unhealthy", actions === undefined ? {} : { alarmActions: actions });
const TOPIC = "arn:aws:sns:us-east-1:123456789012:page";

const findings = (resources: EvaluatedResource[], env: "dev" | "staging" | "prod" = "prod") =>
    evaluate(resources, env, []).map((f) => [f.controlId, f.enforcement, f.resourceName, f.message]);

describe("service-alarms-routed", () => {
    it("should block a prod service with no alarms under its component, and only advise in staging", () => {
        expect(findings([stack, component, service])).toEqual([
            ["service-alarms-routed", "mandatory", "visits-service", "visits-service has no CloudWatch alarms under visits."],
        ]);
        expect(findings([stack, component, service], "staging")[0][1]).toBe("advisory");
        expect(findings([stack, component, service], "dev")).toEqual([]);
    });

    it("should block alarms that notify no one, and pass once one of them is routed (or its topic is not known yet)", () => {
        expect(findings([stack, component, service, alarm(), composite([])])).toEqual([
            [
                "service-alarms-routed",
                "mandatory",
                "visits-service",
                "visits-service has 2 alarm(s) under visits but none notifies anyone (every alarmActions is empty).",
            ],
        ]);
        expect(findings([stack, component, service, alarm(), composite([TOPIC])])).toEqual([]);
        // A preview: the topic is created by the same plan, so its ARN is unknown (the key stays, its value undefined).
        expect(findings([stack, component, service, alarm(), { ...composite(), props: { alarmActions: undefined } }])).toEqual([]);
    });

    it("should block a prod service whose tickets are routed but whose unhealthy composite (the one alarm that pages) notifies no one", () => {
        expect(findings([stack, component, service, alarm([TOPIC]), composite([])])).toEqual([
            [
                "service-alarms-routed",
                "mandatory",
                "visits-service",
                "visits-service's page alarms notify no one: visits-unhealthy (the composite that pages) has no alarmActions.",
            ],
        ]);
        expect(findings([stack, component, service, alarm([TOPIC]), composite([TOPIC])])).toEqual([]);
    });

    it("should not count another component's alarms, and should skip a Deployment that no component owns", () => {
        const other = "urn:pulumi:prod::serverless-containers::serverless-containers:index:AuroraWithProxy::db";
        const otherAlarm = { ...child("aws:cloudwatch/compositeAlarm:CompositeAlarm", "db-unhealthy", { alarmActions: [TOPIC] }, other) };
        expect(findings([stack, component, service, otherAlarm])).toHaveLength(1);
        const loadgen: EvaluatedResource = {
            type: "kubernetes:apps/v1:Deployment",
            name: "loadgen",
            urn: `${STACK}$kubernetes:apps/v1:Deployment::loadgen`,
            parent: STACK,
            custom: true,
            props: {},
        };
        expect(findings([stack, loadgen])).toEqual([]);
    });

    it("should run as a StackValidationPolicy over the SDK's resources: parents by object, components without a provider, unknowns as the SDK's sentinels", () => {
        const [policy] = buildStackPolicies("prod");
        expect(policy).toMatchObject({ name: "service-alarms-routed", enforcementLevel: "mandatory" });
        expect(buildStackPolicies("dev")).toEqual([]);
        const sdk = (r: EvaluatedResource, provider: boolean) => ({
            type: r.type,
            name: r.name,
            urn: r.urn!,
            props: r.props,
            provider: provider ? {} : undefined,
        });
        const s = sdk(stack, false);
        const c = { ...sdk(component, false), parent: s };
        const run = (alarmActions: unknown) => {
            const reported: [string, string | undefined][] = [];
            const resources = [s, c, { ...sdk(service, true), parent: c }, { ...sdk(composite(alarmActions), true), parent: c }];
            policy.validateStack({ resources, getConfig: <T extends object>() => ({}) as T }, (m, urn) => reported.push([m, urn]));
            return reported;
        };
        expect(run([])).toEqual([[expect.stringContaining("none notifies anyone"), service.urn]]);
        expect(run([TOPIC])).toEqual([]);
        // The SDK hands an unknown list as its array sentinel (@pulumi/policy proxy.js unknownArrayValue).
        expect(run("6a19a0b0-7e62-4c92-b797-7f8e31da9cc2")).toEqual([]);
        expect(UNKNOWN_SENTINELS.has("6a19a0b0-7e62-4c92-b797-7f8e31da9cc2")).toBe(true);
    });
});
