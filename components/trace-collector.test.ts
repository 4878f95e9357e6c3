// `observability` on PrivateFargateService and EksFargateService: the collector sidecar, the app's OTEL_* variables,
// the X-Ray statement on the app's role, the hardening the policy pack demands of every container, and the pack itself
// run over what the components register.
import type * as EksModule from "./eks-fargate-service";
import type * as PrivateModule from "./private-fargate-service";
import { evaluate, type EvaluatedResource } from "../policy/evaluate";
import { errorOf, settle, setupMocks } from "./testing/mocks";
import { k8sObjectsOf, schemaErrors } from "../scripts/lib/k8s-schema";
import { testEksCluster } from "./testing/eks-cluster.test-util";
import { collectorConfig, COLLECTOR_IMAGE } from "./service/trace-collector";

const mocks = setupMocks();
let ecs: typeof PrivateModule;
let eks: typeof EksModule;

beforeAll(async () => {
    ecs = await import("./private-fargate-service");
    eks = await import("./eks-fargate-service");
});
beforeEach(() => mocks.reset());

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${"c".repeat(64)}`;
const TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/products";

/** Exactly what the app container gets with `observability: true`. */
const TRACING_ENV = {
    OTEL_SDK_DISABLED: "false",
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318",
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
    OTEL_PROPAGATORS: "tracecontext,baggage,xray",
    OTEL_METRICS_EXPORTER: "none",
};
const XRAY_STATEMENT = { Sid: "PutTraceSegments", Effect: "Allow", Action: ["xray:PutTraceSegments"], Resource: ["*"] };

const privateService = (extra: Partial<PrivateModule.PrivateFargateServiceArgs> = {}) =>
    new ecs.PrivateFargateService("private", {
        image: IMAGE,
        network: { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] }, allowFrom: ["sg-0client"] },
        namespaceName: "apprunner.demo",
        environment: { GREETING: "hello" },
        tags: { project: "serverless-containers", environment: "prod" },
        ...extra,
    });

const eksService = (extra: Partial<EksModule.EksFargateServiceArgs> = {}) =>
    new eks.EksFargateService("products", {
        cluster: testEksCluster(),
        namespace: "products-api",
        image: IMAGE,
        environment: { TABLE_NAME: "products" },
        policyStatements: [{ actions: ["dynamodb:GetItem"], resources: [TABLE_ARN] }],
        tags: { project: "serverless-containers", environment: "prod" },
        ...extra,
    });

type Json = Record<string, unknown> & { name?: string };
const containerDefinitions = (): Json[] => JSON.parse(mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions);
const envOf = (list: { name: string; value: string }[]): Record<string, string> => Object.fromEntries(list.map((e) => [e.name, e.value]));
const podSpec = () => mocks.one("kubernetes:apps/v1:Deployment").inputs.spec.template.spec;

/** The policy pack's findings, in prod, on the resources the component registered. */
function findings(environment: "dev" | "prod" = "prod", patch?: (r: EvaluatedResource) => EvaluatedResource) {
    const resources = mocks.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
    return evaluate(patch ? resources.map(patch) : resources, environment).map((f) => `${f.controlId} ${f.resourceName}: ${f.message}`);
}

describe("PrivateFargateService observability", () => {
    it("should run the app alone, with no OTEL_* variable and no X-Ray grant, when observability is not set", async () => {
        privateService();
        await settle();
        const defs = containerDefinitions();
        expect(defs.map((c) => c.name)).toEqual(["app"]);
        expect(Object.keys(envOf(defs[0].environment as never)).filter((k) => k.startsWith("OTEL_"))).toEqual([]);
        expect(defs[0].dependsOn).toBeUndefined();
        expect(mocks.byType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.policy.includes("xray:"))).toEqual([]);
    });

    it("should add a non-essential, restartable ADOT collector listening on loopback when observability is true", async () => {
        privateService({ observability: true });
        await settle();
        const [app, collector] = containerDefinitions();
        expect(collector).toMatchObject({
            name: "otel-collector",
            image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0",
            essential: false,
            restartPolicy: { enabled: true, restartAttemptPeriod: 60 },
            healthCheck: { command: ["CMD", "/healthcheck"] },
        });
        expect(collector.portMappings).toBeUndefined();
        const config = JSON.parse(envOf(collector.environment as never).AOT_CONFIG_CONTENT);
        expect(config).toEqual(JSON.parse(collectorConfig("us-east-1")));
        expect(config.receivers).toEqual({ otlp: { protocols: { http: { endpoint: "127.0.0.1:4318" } } } });
        expect(config.exporters).toEqual({ awsxray: { region: "us-east-1" } });
        expect(config.service.pipelines).toEqual({
            traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["awsxray"] },
        });
        expect(app.dependsOn).toEqual([{ containerName: "otel-collector", condition: "START" }]);
    });

    it("should set exactly the tracing variables on the app, next to PORT and the caller's, when observability is true", async () => {
        privateService({ observability: true });
        await settle();
        expect(envOf(containerDefinitions()[0].environment as never)).toEqual({ PORT: "8080", GREETING: "hello", ...TRACING_ENV });
    });

    it("should harden the collector as the app (non-root, read-only root, not privileged, logged) when observability is true", async () => {
        privateService({ observability: true });
        await settle();
        const [app, collector] = containerDefinitions();
        expect(collector).toMatchObject({ user: "4317:4317", readonlyRootFilesystem: true, privileged: false });
        expect(collector.logConfiguration).toEqual(app.logConfiguration);
    });

    it("should carve the collector's share out of the task size, which stays the caller's pair, when observability is true", async () => {
        privateService({ observability: true, cpu: 0.25, memory: 0.5 });
        await settle();
        const task = mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs;
        expect([task.cpu, task.memory]).toEqual(["256", "512"]);
        const [app, collector] = containerDefinitions();
        expect([collector.cpu, collector.memory]).toEqual([51, 128]);
        expect([app.cpu, app.memory]).toEqual([undefined, undefined]);
    });

    it("should grant the task role xray:PutTraceSegments on * after the caller's statements when observability is true", async () => {
        privateService({ observability: true, policyStatements: [{ actions: ["dynamodb:GetItem"], resources: [TABLE_ARN] }] });
        await settle();
        const policy = JSON.parse(mocks.one("aws:iam/rolePolicy:RolePolicy", "private-task-policy").inputs.policy);
        expect(policy.Statement).toEqual([{ Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: [TABLE_ARN] }, XRAY_STATEMENT]);
    });

    it("should pass the policy pack in prod with the sidecar, and fail it once the sidecar's root is writable", async () => {
        privateService({ observability: true });
        await settle();
        expect(findings()).toEqual([]);
        const writable = findings("prod", (r) =>
            r.type === "aws:ecs/taskDefinition:TaskDefinition"
                ? {
                      ...r,
                      props: {
                          ...r.props,
                          containerDefinitions: JSON.stringify(
                              containerDefinitions().map((c) =>
                                  c.name === "otel-collector" ? { ...c, readonlyRootFilesystem: false } : c,
                              ),
                          ),
                      },
                  }
                : r,
        );
        expect(writable).toContain(
            'ecs-task-readonly-root-fs private-task: container "otel-collector" must set "readonlyRootFilesystem": true (got false).',
        );
    });

    it("should throw naming the property when observability is not a boolean", async () => {
        expect(await errorOf(() => privateService({ observability: "yes" as never }))).toContain(
            '`observability` must be true or false (got the string "yes").',
        );
    });

    it("should keep the caller's value of a tracing variable, as App Runner does, when the environment sets one", async () => {
        privateService({ observability: true, environment: { OTEL_PROPAGATORS: "xray" } });
        await settle();
        expect(envOf(containerDefinitions()[0].environment as never)).toEqual({ PORT: "8080", ...TRACING_ENV, OTEL_PROPAGATORS: "xray" });
    });
});

describe("EksFargateService observability", () => {
    it("should run one container, with no OTEL_* variable and no X-Ray grant, when observability is not set", async () => {
        eksService();
        await settle();
        const spec = podSpec();
        expect(spec.containers.map((c: Json) => c.name)).toEqual(["products-api"]);
        expect(spec.initContainers).toBeUndefined();
        expect(Object.keys(envOf(spec.containers[0].env)).filter((k) => k.startsWith("OTEL_"))).toEqual([]);
        expect(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs.policy).not.toContain("xray:");
    });

    it("should add the ADOT collector as a second container, stopping after the app, when observability is true", async () => {
        eksService({ observability: true });
        await settle();
        const [, collector] = podSpec().containers;
        expect(collector).toMatchObject({
            name: "otel-collector",
            image: COLLECTOR_IMAGE,
            livenessProbe: { exec: { command: ["/healthcheck"] } },
            lifecycle: { preStop: { sleep: { seconds: 15 } } },
        });
        expect(collector.ports).toBeUndefined();
        expect(collector.readinessProbe).toBeUndefined();
        expect(JSON.parse(envOf(collector.env).AOT_CONFIG_CONTENT)).toEqual(JSON.parse(collectorConfig("us-east-1")));
    });

    it("should render a Deployment valid against the Kubernetes OpenAPI schema (preStop sleep included) when observability is true", async () => {
        eksService({ observability: true });
        await settle();
        const objects = k8sObjectsOf(mocks.resources).filter((o) => o.object.kind === "Deployment");
        expect(objects).toHaveLength(1);
        expect(schemaErrors(objects)).toEqual([]);
    });

    it("should set exactly the tracing variables on the app, next to PORT and the caller's, when observability is true", async () => {
        eksService({ observability: true });
        await settle();
        expect(envOf(podSpec().containers[0].env)).toEqual({ PORT: "8080", TABLE_NAME: "products", ...TRACING_ENV });
    });

    it("should harden the collector with the restricted security context and limits = requests when observability is true", async () => {
        eksService({ observability: true });
        await settle();
        const [app, collector] = podSpec().containers;
        expect(collector.securityContext).toEqual(app.securityContext);
        expect(collector.securityContext).toMatchObject({
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
        });
        expect(collector.resources).toEqual({ requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "50m", memory: "128Mi" } });
    });

    it("should carve the collector's share from the app's requests, keeping the pod's Fargate size, when observability is true", async () => {
        const svc = eksService({ observability: true, cpu: 0.5, memory: 1 });
        await settle();
        expect(podSpec().containers[0].resources).toEqual({
            requests: { cpu: "450m", memory: "896Mi" },
            limits: { cpu: "450m", memory: "896Mi" },
        });
        expect(await new Promise((resolve) => svc.podSize.apply(resolve))).toEqual({ vcpu: 0.5, memoryGiB: 2 });
    });

    it("should grant the IRSA role xray:PutTraceSegments on * and mount the token when observability is true without statements", async () => {
        eksService({ observability: true, policyStatements: [] });
        await settle();
        expect(JSON.parse(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs.policy).Statement).toEqual([XRAY_STATEMENT]);
        expect(podSpec().automountServiceAccountToken).toBe(true);
    });

    it("should pass the policy pack in prod with the collector, and fail it once the collector has no memory limit", async () => {
        eksService({ observability: true });
        await settle();
        expect(findings()).toEqual([]);
        const unlimited = findings("prod", (r) => {
            if (r.type !== "kubernetes:apps/v1:Deployment") return r;
            const deployment = mocks.one("kubernetes:apps/v1:Deployment").inputs;
            const spec = deployment.spec.template.spec;
            const containers = spec.containers.map((c: Json) => (c.name === "otel-collector" ? { ...c, resources: {} } : c));
            return {
                ...r,
                props: {
                    ...deployment,
                    spec: { ...deployment.spec, template: { ...deployment.spec.template, spec: { ...spec, containers } } },
                },
            };
        });
        expect(unlimited.filter((f) => f.startsWith("k8s-memory-limits"))).toEqual([
            'k8s-memory-limits products-deployment: container "otel-collector" must set resources.limits.memory.',
        ]);
    });

    it("should throw naming cpu and memory when they leave the app too little beside the collector", async () => {
        expect(await errorOf(() => eksService({ observability: true, cpu: 0.1, memory: 0.25 }))).toContain(
            '`cpu` must be more than 0.1 vCPU with `observability`: the collector takes 0.05 vCPU of it (got "100m").',
        );
        expect(await errorOf(() => eksService({ observability: true, cpu: 0.25, memory: 0.25 }))).toContain(
            '`memory` must be more than 0.25 GiB with `observability`: the collector takes 128 MiB of it (got "256Mi").',
        );
    });

    it("should throw naming the property when observability is not a boolean", async () => {
        expect(await errorOf(() => eksService({ observability: 1 as never }))).toContain(
            "`observability` must be true or false (got number 1).",
        );
    });

    it("should keep the caller's value of a tracing variable, as App Runner does, when the environment sets one", async () => {
        eksService({ observability: true, environment: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://x:4318" } });
        await settle();
        expect(envOf(podSpec().containers[0].env)).toEqual({ PORT: "8080", ...TRACING_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: "http://x:4318" });
    });
});
