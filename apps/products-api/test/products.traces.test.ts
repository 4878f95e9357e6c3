/**
 * Traces really emitted: the built products-api (dist/, started with the tracing preload as the image starts it)
 * against dynalite, exporting to an in-test OTLP receiver.
 */
import { request, startDynalite, type DynaliteHandle } from "../../../scripts/test-db";
import type { OtlpReceiver } from "../../../packages/service-kit/test/otlp-receiver";
import { expectRequestTrace, requestTraces, tracedRun, type BuiltApp } from "../../../packages/service-kit/test/traced-app";
import { appEnv } from "./helpers";

describe("products-api traces", () => {
    let dynamo: DynaliteHandle;
    let built: BuiltApp;
    let receiver: OtlpReceiver;
    let logs: Record<string, unknown>[];

    beforeAll(async () => {
        dynamo = await startDynalite();
        ({ built, receiver, logs } = await tracedRun(
            "products-api",
            appEnv(dynamo.endpoint, "ProductsTraces", { LOG_LEVEL: "info", PORT: "0" }),
            async (url) => {
                expect((await request(url, "/products", { method: "POST", json: { name: "Widget", price: 9.99 } })).status).toBe(201);
                expect((await request(url, "/products")).status).toBe(200);
            },
        ));
    }, 120_000);

    afterAll(async () => {
        await receiver?.close();
        built?.remove();
        await dynamo?.destroy();
    }, 60_000);

    it("records one trace per request: server span → express spans → DynamoDB (AWS SDK v3) spans, and logs carry the trace id", () => {
        const traces = requestTraces(receiver.spans, "products-api");
        expect(traces).toHaveLength(2);
        const roots = traces.map((trace) => expectRequestTrace(trace, "products-api", "@opentelemetry/instrumentation-aws-sdk"));
        const dynamoSpans = traces.flat().filter((s) => s.scope === "@opentelemetry/instrumentation-aws-sdk");
        expect(new Set(dynamoSpans.map((s) => s.attributes["rpc.service"]))).toEqual(new Set(["DynamoDB"]));
        // suppressInternalInstrumentation: the SDK's own HTTP request is not a span of its own under the AWS span.
        expect(traces.flat().filter((s) => dynamoSpans.some((d) => d.spanId === s.parentSpanId))).toEqual([]);
        const completed = logs.filter((l) => l.msg === "request completed");
        expect(completed.map((l) => l.trace_id).sort()).toEqual(roots.map((r) => r.traceId).sort());
    });
});
