/**
 * Traces really emitted: the built catalogue-api (dist/, started with the tracing preload as the image starts it)
 * against a real MariaDB, exporting to an in-test OTLP receiver.
 */
import { request, startMariaDb, type SqlServerHandle } from "../../../scripts/test-db";
import type { OtlpReceiver } from "../../../packages/service-kit/test/otlp-receiver";
import { expectRequestTrace, requestTraces, tracedRun, type BuiltApp } from "../../../packages/service-kit/test/traced-app";
import { appEnv } from "./helpers";

describe("catalogue-api traces", () => {
    let server: SqlServerHandle;
    let built: BuiltApp;
    let receiver: OtlpReceiver;
    let logs: Record<string, unknown>[];

    beforeAll(async () => {
        server = await startMariaDb();
        const db = await server.createDatabase("traces");
        ({ built, receiver, logs } = await tracedRun("catalogue-api", appEnv(db, { LOG_LEVEL: "info", PORT: "0" }), async (url) => {
            const created = await request(url, "/catalogue", { method: "POST", json: { name: "Lamp", price: 25, category: "home" } });
            expect(created.status).toBe(201);
            expect((await request(url, "/catalogue")).status).toBe(200);
        }));
    }, 120_000);

    afterAll(async () => {
        await receiver?.close();
        built?.remove();
        await server?.destroy();
    }, 60_000);

    it("records one trace per request: server span → express spans → mysql2 spans, and logs carry the trace id", () => {
        const traces = requestTraces(receiver.spans, "catalogue-api");
        expect(traces).toHaveLength(2);
        const roots = traces.map((trace) => expectRequestTrace(trace, "catalogue-api", "@opentelemetry/instrumentation-mysql2"));
        const insert = traces.flat().find((s) => /INSERT/i.test(String(s.attributes["db.statement"] ?? s.attributes["db.query.text"])));
        expect(insert).toBeDefined();
        const completed = logs.filter((l) => l.msg === "request completed");
        expect(completed.map((l) => l.trace_id).sort()).toEqual(roots.map((r) => r.traceId).sort());
    });
});
