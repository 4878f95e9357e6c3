/**
 * Traces really emitted: the built visits-api and private-service (dist/, started with the tracing preload as the
 * image starts them) against a real PostgreSQL, exporting to an in-test OTLP receiver.
 */
import { request, startPostgres, type SqlServerHandle, type TestDatabase } from "../../../scripts/test-db";
import { SPAN_KIND, startOtlpGrpcReceiver, startOtlpReceiver, type OtlpReceiver } from "../../../packages/service-kit/test/otlp-receiver";
import {
    ancestors,
    buildApp,
    expectRequestTrace,
    requestTraces,
    startTracedApp,
    traces,
    waitReady,
    type BuiltApp,
} from "../../../packages/service-kit/test/traced-app";
import { appEnv } from "./helpers";

let server: SqlServerHandle;
let db: TestDatabase;
let visits: BuiltApp;
let privateService: BuiltApp;

beforeAll(async () => {
    server = await startPostgres();
    db = await server.createDatabase("traces");
    visits = buildApp("visits-api");
    privateService = buildApp("private-service");
}, 120_000);

afterAll(async () => {
    visits?.remove();
    privateService?.remove();
    await server?.destroy();
}, 60_000);

/** OTEL_* for a receiver; a short batch delay so spans leave while the test runs (SIGTERM flushes the rest). */
function otel(receiver: OtlpReceiver, extra: Record<string, string> = {}): Record<string, string> {
    return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "100", ...extra };
}

describe("visits-api traces (http/protobuf, the default protocol)", () => {
    let receiver: OtlpReceiver;
    let logs: Record<string, unknown>[];

    beforeAll(async () => {
        receiver = await startOtlpReceiver();
        const upstream = await startTracedApp(privateService, otel(receiver, { OTEL_SERVICE_NAME: "private-under-test" }));
        const api = await startTracedApp(visits, {
            ...appEnv(db, { LOG_LEVEL: "info", PORT: "0", ECSPRIVATESERVICE: upstream.url }),
            ...otel(receiver, { OTEL_SERVICE_NAME: "visits-under-test" }),
        });
        try {
            await waitReady(api.url);
            for (let i = 0; i < 3; i += 1)
                expect((await request(api.url, "/", { headers: { "user-agent": `trace-${i}` } })).status).toBe(200);
            expect((await request(api.url, "/recent-visits")).status).toBe(200);
            // private-service answers 503 outside ECS: what matters is that the call is in visits-api's trace.
            expect((await request(api.url, "/ecs-private-service")).status).toBeGreaterThanOrEqual(200);
        } finally {
            // SIGTERM: drain, then export what is still batched (runService → flushTracing).
            await api.stop();
            await upstream.stop();
        }
        logs = api.app.logs;
    }, 120_000);
    afterAll(() => receiver.close());

    it("exports http/protobuf to <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces, service.name from OTEL_SERVICE_NAME", () => {
        expect(receiver.requests.length).toBeGreaterThan(0);
        expect(new Set(receiver.requests.map((r) => `${r.path} ${r.contentType}`))).toEqual(new Set(["/v1/traces application/x-protobuf"]));
        expect(new Set(receiver.spans.map((s) => s.resource["service.name"]))).toEqual(
            new Set(["visits-under-test", "private-under-test"]),
        );
    });

    it("records one trace per request: server span → express spans → pg spans", () => {
        // 3 × GET /, GET /recent-visits, GET /ecs-private-service; /ready (the wait above) is not traced.
        const requests = requestTraces(receiver.spans, "visits-under-test");
        expect(requests).toHaveLength(5);
        const visitTraces = requests.filter((trace) => trace.some((s) => s.parentSpanId === "" && s.attributes["http.route"] === "/"));
        expect(visitTraces).toHaveLength(3);
        for (const trace of visitTraces) {
            expectRequestTrace(trace, "visits-under-test", "@opentelemetry/instrumentation-pg");
            const insert = trace.find(
                (s) =>
                    s.scope === "@opentelemetry/instrumentation-pg" &&
                    /INSERT/i.test(String(s.attributes["db.statement"] ?? s.attributes["db.query.text"])),
            );
            expect(insert).toBeDefined();
        }
    });

    it("carries the trace from visits-api to private-service: one trace, the callee's server span under the caller's fetch span", () => {
        const calleeRoots = receiver.spans.filter(
            (s) => s.resource["service.name"] === "private-under-test" && s.kind === SPAN_KIND.SERVER,
        );
        expect(calleeRoots).toHaveLength(1);
        const trace = traces(receiver.spans).get(calleeRoots[0].traceId)!;
        const chain = ancestors(calleeRoots[0], trace);
        expect(chain[0]).toMatchObject({ kind: SPAN_KIND.CLIENT, scope: "@opentelemetry/instrumentation-undici" });
        expect(chain.at(-1)).toMatchObject({ kind: SPAN_KIND.SERVER, parentSpanId: "" });
        expect(chain.at(-1)!.resource["service.name"]).toBe("visits-under-test");
    });

    it("writes the request's trace_id, span_id and trace_flags on its log lines", () => {
        // pino-http's line for each request ("request completed", or "request errored" for private-service's 503).
        const completed = logs.filter((l) => l.msg === "request completed" || l.msg === "request errored");
        expect(completed.length).toBeGreaterThanOrEqual(5);
        const traceIds = new Set(receiver.spans.filter((s) => s.resource["service.name"] === "visits-under-test").map((s) => s.traceId));
        for (const line of completed) {
            expect(traceIds.has(String(line.trace_id))).toBe(true);
            expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
            expect(line.trace_flags).toBe("01");
        }
    });
});

describe("visits-api traces: protocols, endpoints and switches", () => {
    /** Starts visits-api with `env`, makes two requests, stops it (flushing) and returns the receiver's view. */
    async function run(env: Record<string, string>, receiverPath?: string, grpc = false): Promise<OtlpReceiver> {
        const receiver = grpc ? await startOtlpGrpcReceiver() : await startOtlpReceiver({ path: receiverPath });
        const api = await startTracedApp(visits, {
            ...appEnv(db, { LOG_LEVEL: "info", PORT: "0" }),
            OTEL_BSP_SCHEDULE_DELAY: "100",
            // What the image sets (Dockerfile: ENV OTEL_SERVICE_NAME=$APP).
            OTEL_SERVICE_NAME: "visits-api",
            ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace("{receiver}", receiver.url)])),
        });
        try {
            await waitReady(api.url);
            expect((await request(api.url, "/")).status).toBe(200);
            expect((await request(api.url, "/recent-visits")).status).toBe(200);
        } finally {
            await api.stop();
            await receiver.close();
        }
        return receiver;
    }

    it("OTEL_EXPORTER_OTLP_PROTOCOL=http/json exports OTLP/JSON, with the same trace shape", async () => {
        const receiver = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: "{receiver}", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" });
        expect(new Set(receiver.requests.map((r) => `${r.path} ${r.contentType}`))).toEqual(new Set(["/v1/traces application/json"]));
        const requests = requestTraces(receiver.spans, "visits-api");
        expect(requests).toHaveLength(2);
        for (const trace of requests) expectRequestTrace(trace, "visits-api", "@opentelemetry/instrumentation-pg");
    }, 120_000);

    it("OTEL_EXPORTER_OTLP_PROTOCOL=grpc exports over OTLP/gRPC (App Runner's collector listens on localhost:4317), with the same trace shape", async () => {
        const receiver = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: "{receiver}", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, undefined, true);
        expect(new Set(receiver.requests.map((r) => r.path))).toEqual(
            new Set(["/opentelemetry.proto.collector.trace.v1.TraceService/Export"]),
        );
        const requests = requestTraces(receiver.spans, "visits-api");
        expect(requests).toHaveLength(2);
        for (const trace of requests) expectRequestTrace(trace, "visits-api", "@opentelemetry/instrumentation-pg");
    }, 120_000);

    it("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as is (nothing appended)", async () => {
        const receiver = await run({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "{receiver}/custom/traces" }, "/custom/traces");
        expect(receiver.requests.length).toBeGreaterThan(0);
        expect(new Set(receiver.requests.map((r) => r.path))).toEqual(new Set(["/custom/traces"]));
        expect(requestTraces(receiver.spans, "visits-api")).toHaveLength(2);
    }, 120_000);

    it("OTEL_PROPAGATORS=tracecontext,baggage,xray continues a trace arriving as X-Amzn-Trace-Id (App Runner's front end)", async () => {
        const receiver = await startOtlpReceiver();
        const api = await startTracedApp(visits, {
            ...appEnv(db, { LOG_LEVEL: "info", PORT: "0" }),
            OTEL_BSP_SCHEDULE_DELAY: "100",
            OTEL_SERVICE_NAME: "visits-api",
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
            OTEL_PROPAGATORS: "tracecontext,baggage,xray",
        });
        try {
            await waitReady(api.url);
            const header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
            expect((await request(api.url, "/recent-visits", { headers: { "x-amzn-trace-id": header } })).status).toBe(200);
        } finally {
            await api.stop();
            await receiver.close();
        }
        const server = receiver.spans.filter((s) => s.kind === SPAN_KIND.SERVER);
        expect(server.map((s) => [s.traceId, s.parentSpanId])).toEqual([["5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8"]]);
    }, 120_000);

    it.each([
        ["OTEL_TRACES_EXPORTER=none", { OTEL_TRACES_EXPORTER: "none" }],
        ["OTEL_SDK_DISABLED=true", { OTEL_SDK_DISABLED: "TRUE" }],
    ])(
        "%s sends nothing and writes no trace ids",
        async (_name, env) => {
            const receiver = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: "{receiver}", ...env });
            expect(receiver.requests).toEqual([]);
        },
        120_000,
    );
});
