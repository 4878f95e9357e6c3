/**
 * Every service's alarms through the one path (skeleton `monitorService`): for each platform, each alarm's
 * namespace, metric(s), resolved dimensions, statistic, threshold (derived from the inputs: changing the input
 * moves it), and routing by severity; overriding, removing and opting out; the dashboard with linked databases'
 * sections; ECS deployment alarms on private Fargate.
 */
import { errorOf, settle, setupMocks, type RecordedResource } from "../testing/mocks";
import { testEksCluster } from "../testing/eks-cluster.test-util";
import type { DatabaseLink } from "../database-link";

const mocks = setupMocks({
    subnets: { "subnet-pub-a": "10.0.128.0/22", "subnet-pub-b": "10.0.132.0/22" },
});

let express: typeof import("../ecs-express-service");
let appRunner: typeof import("../app-runner-service");
let vpcAppRunner: typeof import("../vpc-connected-app-runner");
let fargate: typeof import("../private-fargate-service");
let eks: typeof import("../eks-fargate-service");
let web: typeof import("../web-service-platform");

beforeAll(async () => {
    express = await import("../ecs-express-service");
    appRunner = await import("../app-runner-service");
    vpcAppRunner = await import("../vpc-connected-app-runner");
    fargate = await import("../private-fargate-service");
    eks = await import("../eks-fargate-service");
    web = await import("../web-service-platform");
});
beforeEach(() => mocks.reset());

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/products@sha256:${"a".repeat(64)}`;
const PAGE = "arn:aws:sns:us-east-1:123456789012:page";
const TICKET = "arn:aws:sns:us-east-1:123456789012:ticket";
const ACTIONS = { actions: { page: [PAGE], ticket: [TICKET] } };

type Scaling = { min: number; max: number; target?: { metric: "concurrency" | "cpu"; value: number } };
type Extra = { scaling?: Scaling; monitoring?: Record<string, unknown>; databases?: Record<string, DatabaseLink> };

/** One constructor per platform, with the same name ("svc") and routing. */
const PLATFORMS = {
    "ecs-express": (x: Extra = {}) =>
        new express.EcsExpressService("svc", {
            image: IMAGE,
            network: { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-pub-a", "subnet-pub-b"] } },
            scaling: x.scaling ?? { min: 2, max: 6 },
            monitoring: { ...ACTIONS, ...x.monitoring },
            databases: x.databases,
        }),
    "app-runner": (x: Extra = {}) =>
        new appRunner.AppRunnerService("svc", {
            image: IMAGE,
            serviceName: "svc-api",
            scaling: x.scaling ?? { min: 1, max: 5, target: { metric: "concurrency", value: 50 } },
            monitoring: { ...ACTIONS, ...x.monitoring },
        }),
    "private-fargate": (x: Extra = {}) =>
        new fargate.PrivateFargateService("svc", {
            image: IMAGE,
            network: { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] }, allowFrom: ["sg-0client0000000000"] },
            namespaceName: "svc.internal",
            scaling: x.scaling ?? { min: 2, max: 2 },
            monitoring: { ...ACTIONS, ...x.monitoring },
        }),
    eks: (x: Extra = {}) =>
        new eks.EksFargateService("svc", {
            cluster: testEksCluster(),
            namespace: "svc-api",
            image: IMAGE,
            scaling: x.scaling ?? { min: 2, max: 4 },
            monitoring: { ...ACTIONS, ...x.monitoring },
        }),
} as const;
type Platform = keyof typeof PLATFORMS;

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const alarm = (id: string) => mocks.one(ALARM, `svc-alarm-${id}`);
const alarmIds = () =>
    mocks
        .byType(ALARM)
        .map((r) => r.name.replace(/^svc-alarm-/, ""))
        .sort();

interface Seen {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    stat: string;
}
/** Every metric an alarm reads (one, or the metric queries of its math), with resolved dimensions. */
function metricsOf(a: RecordedResource): Seen[] {
    const i = a.inputs;
    if (i.metricName)
        return [{ namespace: i.namespace, metricName: i.metricName, dimensions: i.dimensions, stat: i.statistic ?? i.extendedStatistic }];
    return i.metricQueries
        .filter((q: { metric?: unknown }) => q.metric)
        .map((q: { metric: { namespace: string; metricName: string; dimensions: Record<string, string>; stat: string } }) => ({
            namespace: q.metric.namespace,
            metricName: q.metric.metricName,
            dimensions: q.metric.dimensions,
            stat: q.metric.stat,
        }));
}

/** The burn-rate windows of observability/slo.ts (a long and a short window per pair). */
const SLO_IDS = ["availability", "latency"].flatMap((kind) => ["5m", "1h", "30m", "6h", "2h", "24h"].map((w) => `slo-${kind}-${w}`));

/** The alarm ids each platform creates by default. */
const EXPECTED_IDS: Record<Platform, string[]> = {
    "ecs-express": [
        "cpu-high",
        "elb-5xx-rate",
        "error-logs",
        "latency-p99",
        "memory-high",
        "running-tasks",
        "target-5xx-rate",
        "unhealthy-hosts",
    ],
    "app-runner": ["5xx-rate", "concurrency-high", "error-logs", "instances-at-max", "latency-p99"],
    "private-fargate": ["cpu-high", "error-logs", "memory-high", "running-tasks"],
    eks: ["healthy-below-min", "tcp-resets", "unhealthy-hosts"],
};
const WEB: Platform[] = ["ecs-express", "app-runner"];

type AlarmRow = { namespace: string; metrics: Record<string, string>; severity: "page" | "ticket" };
/** Both ECS platforms' utilisation alarms (Container Insights). */
const ECS_UTILISATION: Record<string, AlarmRow> = {
    "cpu-high": { namespace: "ECS/ContainerInsights", metrics: { CpuUtilized: "Sum", CpuReserved: "Sum" }, severity: "ticket" },
    "memory-high": { namespace: "ECS/ContainerInsights", metrics: { MemoryUtilized: "Sum", MemoryReserved: "Sum" }, severity: "ticket" },
};
/** The error-line alarm, on the metric named after the mocks' project and stack and the service. */
const ERROR_LOGS: Record<string, AlarmRow> = {
    "error-logs": {
        namespace: "ServerlessContainers/Logs",
        metrics: { "serverless-containers-test-svc-error-lines": "Sum" },
        severity: "ticket",
    },
};

/** Per alarm: what it reads (metric name → statistic, all in one namespace) and its default severity. */
const ALARMS: Record<Platform, Record<string, AlarmRow>> = {
    "ecs-express": {
        "target-5xx-rate": {
            namespace: "AWS/ApplicationELB",
            metrics: { HTTPCode_Target_5XX_Count: "Sum", RequestCount: "Sum" },
            severity: "page",
        },
        "elb-5xx-rate": {
            namespace: "AWS/ApplicationELB",
            metrics: { HTTPCode_ELB_5XX_Count: "Sum", RequestCount: "Sum" },
            severity: "page",
        },
        "latency-p99": { namespace: "AWS/ApplicationELB", metrics: { TargetResponseTime: "p99" }, severity: "ticket" },
        "unhealthy-hosts": { namespace: "AWS/ApplicationELB", metrics: { UnHealthyHostCount: "Maximum" }, severity: "ticket" },
        "running-tasks": { namespace: "ECS/ContainerInsights", metrics: { RunningTaskCount: "Minimum" }, severity: "page" },
        ...ECS_UTILISATION,
        ...ERROR_LOGS,
    },
    "app-runner": {
        "5xx-rate": { namespace: "AWS/AppRunner", metrics: { "5xxStatusResponses": "Sum", Requests: "Sum" }, severity: "page" },
        "latency-p99": { namespace: "AWS/AppRunner", metrics: { RequestLatency: "p99" }, severity: "ticket" },
        "concurrency-high": { namespace: "AWS/AppRunner", metrics: { Concurrency: "Maximum" }, severity: "ticket" },
        "instances-at-max": { namespace: "AWS/AppRunner", metrics: { ActiveInstances: "Maximum" }, severity: "ticket" },
        ...ERROR_LOGS,
    },
    "private-fargate": {
        "running-tasks": { namespace: "ECS/ContainerInsights", metrics: { TaskCount: "Minimum" }, severity: "page" },
        ...ECS_UTILISATION,
        ...ERROR_LOGS,
    },
    eks: {
        "healthy-below-min": { namespace: "AWS/NetworkELB", metrics: { HealthyHostCount: "Minimum" }, severity: "page" },
        "unhealthy-hosts": { namespace: "AWS/NetworkELB", metrics: { UnHealthyHostCount: "Maximum" }, severity: "ticket" },
        "tcp-resets": { namespace: "AWS/NetworkELB", metrics: { TCP_Target_Reset_Count: "Sum" }, severity: "ticket" },
    },
};

/** The dimension values each platform's alarms must carry, read from the mocked resources and invokes. */
function expectedDimensions(platform: Platform): (m: Seen) => Record<string, unknown> {
    const lb = (kind: "app" | "net") => expect.stringMatching(new RegExp(`^${kind}/[A-Za-z0-9-]+/[0-9a-f]{16}$`));
    const tg = expect.stringMatching(/^targetgroup\/[A-Za-z0-9-]+\/[0-9a-f]{16}$/);
    switch (platform) {
        case "ecs-express": {
            const cluster = mocks.one("aws:ecs/cluster:Cluster").state.name;
            const serviceName = mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService").state.serviceName;
            return (m) =>
                m.namespace === "ECS/ContainerInsights"
                    ? { ClusterName: cluster, ServiceName: serviceName }
                    : m.metricName === "HTTPCode_ELB_5XX_Count" || (m.metricName === "RequestCount" && !("TargetGroup" in m.dimensions))
                      ? { LoadBalancer: lb("app") }
                      : m.namespace === "ServerlessContainers/Logs"
                        ? {}
                        : { LoadBalancer: lb("app"), TargetGroup: tg };
        }
        case "app-runner": {
            const service = mocks.one("aws:apprunner/service:Service");
            return (m) =>
                m.namespace === "AWS/AppRunner" ? { ServiceName: service.inputs.serviceName, ServiceID: service.state.serviceId } : {};
        }
        case "private-fargate": {
            const cluster = mocks.one("aws:ecs/cluster:Cluster").state.name;
            return (m) => (m.namespace === "ECS/ContainerInsights" ? { ClusterName: cluster } : {});
        }
        case "eks":
            return (m) =>
                m.metricName === "TCP_Target_Reset_Count" ? { LoadBalancer: lb("net") } : { LoadBalancer: lb("net"), TargetGroup: tg };
    }
}

describe.each(Object.keys(PLATFORMS) as Platform[])("%s monitoring", (platform) => {
    const build = PLATFORMS[platform];

    it("should create the platform's alarms (and the SLO burn pairs on a web service) by default", async () => {
        build();
        await settle();
        expect(alarmIds()).toEqual([...EXPECTED_IDS[platform], ...(WEB.includes(platform) ? SLO_IDS : [])].sort());
    });

    it.each(Object.keys(ALARMS[platform]))("should read the documented metrics, statistics and resolved dimensions for %s", async (id) => {
        build();
        await settle();
        const want = ALARMS[platform][id];
        const seen = metricsOf(alarm(id));
        const dims = expectedDimensions(platform);
        expect(seen.length).toBeGreaterThan(0);
        for (const m of seen) {
            expect(m.namespace).toBe(want.namespace);
            expect(want.metrics[m.metricName]).toBe(m.stat);
            expect(m.dimensions ?? {}).toEqual(dims(m));
        }
        expect(new Set(seen.map((m) => m.metricName))).toEqual(new Set(Object.keys(want.metrics)));
    });

    it.each(Object.keys(ALARMS[platform]))(
        "should route %s by its severity (page: through the unhealthy composite only; ticket: to the ticket topics)",
        async (id) => {
            build();
            await settle();
            const a = alarm(id);
            const unhealthy = mocks.one("aws:cloudwatch/compositeAlarm:CompositeAlarm", "svc-unhealthy").inputs;
            expect(unhealthy.alarmActions).toEqual([PAGE]);
            if (ALARMS[platform][id].severity === "page") {
                expect(a.inputs.alarmActions).toBeUndefined();
                expect(unhealthy.alarmRule).toContain(`ALARM("${a.state.arn}")`);
            } else {
                expect(a.inputs).toMatchObject({ alarmActions: [TICKET], okActions: [TICKET] });
                expect(unhealthy.alarmRule).not.toContain(a.state.arn);
            }
        },
    );

    it("should override a threshold, make a ticket a page, and remove an alarm through monitoring.alarms", async () => {
        const [first, second] = Object.keys(ALARMS[platform]).filter((id) => ALARMS[platform][id].severity === "ticket");
        build({ monitoring: { alarms: { [first]: { threshold: 1234, severity: "page" }, [second]: { enabled: false } } } });
        await settle();
        expect(alarm(first).inputs.threshold).toBe(1234);
        expect(alarm(first).inputs.alarmActions).toBeUndefined();
        expect(mocks.one("aws:cloudwatch/compositeAlarm:CompositeAlarm", "svc-unhealthy").inputs.alarmRule).toContain(
            alarm(first).state.arn,
        );
        expect(alarmIds()).not.toContain(second);
    });

    it("should create no alarm, composite, dashboard or metric filter, and output neither, with enabled: false", async () => {
        const service = build({ monitoring: { enabled: false } });
        await settle();
        for (const type of [
            ALARM,
            "aws:cloudwatch/compositeAlarm:CompositeAlarm",
            "aws:cloudwatch/dashboard:Dashboard",
            "aws:cloudwatch/logMetricFilter:LogMetricFilter",
        ]) {
            expect(mocks.byType(type)).toEqual([]);
        }
        expect([service.dashboardName, service.unhealthyAlarmArn]).toEqual([undefined, undefined]);
    });

    it("should draw one dashboard with a graph per alarm and output its name and the unhealthy composite's ARN", async () => {
        const service = build();
        await settle();
        const board = mocks.one("aws:cloudwatch/dashboard:Dashboard", "svc-dashboard");
        const body = JSON.parse(board.inputs.dashboardBody);
        const titles = body.widgets
            .filter((w: { type: string }) => w.type === "metric")
            .map((w: { properties: { title: string } }) => w.properties.title);
        // One graph per alarm; the SLO pairs draw their short window's graph only.
        expect(titles).toHaveLength(alarmIds().filter((id) => !id.startsWith("slo-")).length + (WEB.includes(platform) ? 2 : 0));
        expect(body.widgets[0].properties.markdown).toMatch(/^# svc on /);
        const [name, arn] = await Promise.all([
            new Promise((resolve) => service.dashboardName!.apply(resolve)),
            new Promise((resolve) => service.unhealthyAlarmArn!.apply(resolve)),
        ]);
        expect(name).toBe(board.state.dashboardName ?? board.inputs.dashboardName);
        expect(arn).toBe(mocks.one("aws:cloudwatch/compositeAlarm:CompositeAlarm", "svc-unhealthy").state.arn);
    });

    it("should refuse an override of an alarm the platform does not have, naming the ones it has", async () => {
        expect(await errorOf(() => build({ monitoring: { alarms: { "no-such-alarm": { threshold: 1 } } } }))).toMatch(
            /monitoring\.alarms\["no-such-alarm"\]: no such alarm \(this component has: /,
        );
    });
});

describe("thresholds derived from the inputs", () => {
    const threshold = async (platform: Platform, id: string, x: Extra) => {
        mocks.reset();
        PLATFORMS[platform](x);
        await settle();
        return alarm(id).inputs.threshold;
    };

    it("should alarm on running tasks below scaling.min on ECS (Express and private Fargate)", async () => {
        expect(await threshold("ecs-express", "running-tasks", { scaling: { min: 2, max: 6 } })).toBe(2);
        expect(await threshold("ecs-express", "running-tasks", { scaling: { min: 3, max: 6 } })).toBe(3);
        expect(await threshold("private-fargate", "running-tasks", { scaling: { min: 4, max: 4 } })).toBe(4);
        expect(alarm("running-tasks").inputs.comparisonOperator).toBe("LessThanThreshold");
    });

    it("should alarm on healthy NLB targets below scaling.min, and resets at 100 per minimum replica, on EKS", async () => {
        expect(await threshold("eks", "healthy-below-min", { scaling: { min: 2, max: 4 } })).toBe(2);
        expect(await threshold("eks", "healthy-below-min", { scaling: { min: 3, max: 4 } })).toBe(3);
        expect(await threshold("eks", "tcp-resets", { scaling: { min: 3, max: 4 } })).toBe(300);
    });

    it("should put App Runner's concurrency alarm at 80 % of max concurrency × scaling.max, and the instances alarm at scaling.max", async () => {
        expect(
            await threshold("app-runner", "concurrency-high", {
                scaling: { min: 1, max: 5, target: { metric: "concurrency", value: 50 } },
            }),
        ).toBe(200);
        expect(
            await threshold("app-runner", "concurrency-high", {
                scaling: { min: 1, max: 3, target: { metric: "concurrency", value: 100 } },
            }),
        ).toBe(240);
        expect(
            await threshold("app-runner", "instances-at-max", {
                scaling: { min: 1, max: 3, target: { metric: "concurrency", value: 100 } },
            }),
        ).toBe(3);
    });

    it("should not alarm on App Runner instances at scaling.max when the service cannot scale (min = max): it would always be at max", async () => {
        mocks.reset();
        PLATFORMS["app-runner"]({ scaling: { min: 2, max: 2, target: { metric: "concurrency", value: 100 } } });
        await settle();
        const ids = mocks.byType("aws:cloudwatch/metricAlarm:MetricAlarm").map((r) => r.name);
        expect(ids).not.toContain("svc-alarm-instances-at-max");
        expect(ids).toContain("svc-alarm-concurrency-high");
    });

    it("should divide the load balancer's own 5xx by every request it answered: RequestCount leaves out requests it could not send to a target", async () => {
        mocks.reset();
        PLATFORMS["ecs-express"]();
        await settle();
        const queries = alarm("elb-5xx-rate").inputs.metricQueries as { id: string; expression?: string }[];
        expect(queries.find((q) => q.expression)?.expression).toBe("100 * FILL(lb5xx,0) / (FILL(lbrequests,0) + FILL(lb5xx,0))");
    });

    it("should put the p99 alarm at the latency objective (seconds on the ALB, milliseconds on App Runner)", async () => {
        expect(await threshold("ecs-express", "latency-p99", {})).toBe(1);
        expect(await threshold("ecs-express", "latency-p99", { monitoring: { slo: { latencyMs: 250 } } })).toBe(0.25);
        expect(await threshold("app-runner", "latency-p99", { monitoring: { slo: { latencyMs: 250 } } })).toBe(250);
    });

    it("should count App Runner's slow requests with the percentile rank of RequestLatency at latencyMs (milliseconds)", async () => {
        PLATFORMS["app-runner"]({ monitoring: { slo: { latencyMs: 400 } } });
        await settle();
        expect(metricsOf(alarm("slo-latency-5m")).map((m) => m.stat)).toContain("PR(:400)");
    });

    it("should count the ALB's slow responses with the percentile rank of TargetResponseTime at latencyMs in seconds", async () => {
        PLATFORMS["ecs-express"]({ monitoring: { slo: { latencyMs: 400 } } });
        await settle();
        expect(
            metricsOf(alarm("slo-latency-5m"))
                .filter((m) => m.metricName === "TargetResponseTime")
                .map((m) => m.stat),
        ).toEqual(["PR(:0.4)", "PR(:0.4)"]);
    });

    it("should leave out the task and healthy-target minimum alarms, and the composite, with scaling.min 0 (a stopped service)", async () => {
        PLATFORMS["private-fargate"]({ scaling: { min: 0, max: 0 } });
        await settle();
        expect(alarmIds()).toEqual(["cpu-high", "error-logs", "memory-high"]);
        // No page alarm left: no composite, and no deployment alarms on the service.
        expect(mocks.byType("aws:cloudwatch/compositeAlarm:CompositeAlarm")).toEqual([]);
        expect(mocks.one("aws:ecs/service:Service").inputs.alarms).toBeUndefined();
    });
});

describe("platform wiring", () => {
    // Two stacks in one account (dev and prod side by side) write to the same custom namespace: a metric named
    // after the service alone would count both stacks' error lines in each stack's alarm.
    it("should name the error-line metric after the project and stack too, in the filter and in the alarm", async () => {
        const pulumi = await import("@pulumi/pulumi");
        PLATFORMS["private-fargate"]();
        await settle();
        const metric = `${pulumi.getProject()}-${pulumi.getStack()}-svc-error-lines`;
        expect(mocks.one("aws:cloudwatch/logMetricFilter:LogMetricFilter").inputs.metricTransformation.name).toBe(metric);
        expect(alarm("error-logs").inputs.metricName).toBe(metric);
    });

    it("should give private Fargate's ECS service deployment alarms over the page alarms, rolling back unless monitoring.rollback is false", async () => {
        PLATFORMS["private-fargate"]();
        await settle();
        const service = mocks.one("aws:ecs/service:Service").inputs;
        expect(service.alarms).toEqual({ alarmNames: [alarm("running-tasks").state.name], enable: true, rollback: true });
        expect(service.deploymentController?.type ?? "ECS").toBe("ECS");
        mocks.reset();
        PLATFORMS["private-fargate"]({ monitoring: { rollback: false } });
        await settle();
        expect(mocks.one("aws:ecs/service:Service").inputs.alarms.rollback).toBe(false);
    });

    it("should give private Fargate's ECS service no deployment alarms when no page alarm is left", async () => {
        PLATFORMS["private-fargate"]({ monitoring: { alarms: { "running-tasks": { severity: "ticket" } } } });
        await settle();
        expect(mocks.one("aws:ecs/service:Service").inputs.alarms).toBeUndefined();
    });

    it("should count error lines from the log group each platform's app writes to", async () => {
        PLATFORMS["ecs-express"]();
        await settle();
        expect(mocks.one("aws:cloudwatch/logMetricFilter:LogMetricFilter").inputs).toMatchObject({
            logGroupName: mocks.one("aws:cloudwatch/logGroup:LogGroup").state.name,
            pattern: '{ $.level = "error" || $.level = "fatal" }',
            metricTransformation: { namespace: "ServerlessContainers/Logs", value: "1", defaultValue: "0" },
        });
        mocks.reset();
        PLATFORMS["app-runner"]();
        await settle();
        const service = mocks.one("aws:apprunner/service:Service");
        expect(mocks.one("aws:cloudwatch/logMetricFilter:LogMetricFilter").inputs.logGroupName).toBe(
            `/aws/apprunner/${service.inputs.serviceName}/${service.state.serviceId}/application`,
        );
        mocks.reset();
        PLATFORMS.eks();
        await settle();
        expect(mocks.byType("aws:cloudwatch/logMetricFilter:LogMetricFilter")).toEqual([]);
    });

    it("should find the EKS NLB's target group by the Load Balancer Controller's stack tags", async () => {
        PLATFORMS.eks();
        await settle();
        const lookup = mocks.invokes.find((i) => i.token === "aws:lb/getTargetGroup:getTargetGroup");
        expect(lookup?.inputs.tags).toEqual({ "elbv2.k8s.aws/cluster": "test-cluster", "service.k8s.aws/stack": "svc-api/svc-api" });
    });

    it("should show linked databases' dashboard sections after the service's own, then monitoring.widgets", async () => {
        const link = (sg: string, widgets?: string): DatabaseLink => ({
            name: "products",
            securityGroupId: sg,
            port: 5432,
            connectResourceArn: "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABC/app",
            environment: {
                DB_HOST: "db",
                DB_PORT: "5432",
                DB_NAME: "app",
                DB_USER: "app",
                DB_TLS: "true",
                DB_IAM_AUTH: "true",
                AWS_REGION: "us-east-1",
            },
            ...(widgets ? { dashboardWidgets: widgets } : {}),
        });
        const mine = JSON.stringify([{ type: "text", properties: { markdown: "## mine" } }]);
        const db = JSON.stringify([{ type: "text", properties: { markdown: "## Database" } }]);
        new vpcAppRunner.VpcConnectedAppRunner("svc", {
            image: IMAGE,
            serviceName: "svc-api",
            network: { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a"] } },
            databases: { main: link("sg-0db00000000000000", db), other: link("sg-0db00000000000001") },
            monitoring: { widgets: [mine] },
        });
        await settle();
        const markdown = JSON.parse(mocks.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody)
            .widgets.filter((w: { type: string }) => w.type === "text")
            .map((w: { properties: { markdown: string } }) => w.properties.markdown);
        expect(markdown.slice(-2)).toEqual(["## Database", "## mine"]);
    });

    it("should hand createWebService's dashboard and unhealthy composite outputs through", async () => {
        const handle = web.createWebService("app-runner", "svc", { image: IMAGE, serviceName: "svc-api", monitoring: ACTIONS });
        await settle();
        expect(handle.dashboardName).toBe(handle.resource.dashboardName);
        expect(handle.unhealthyAlarmArn).toBe(handle.resource.unhealthyAlarmArn);
        expect(mocks.byType("aws:cloudwatch/dashboard:Dashboard")).toHaveLength(1);
    });
});
