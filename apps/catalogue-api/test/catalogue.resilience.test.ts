import type { RunningServer } from "@serverless-containers/service-kit";
import { eventually, request, runBounded, startMariaDb, type SqlServerHandle, type TestDatabase } from "../../../scripts/test-db";
import { startAppOn } from "./helpers";

describe("catalogue-api when the MariaDB server goes away and comes back", () => {
    let server: SqlServerHandle;
    let app: RunningServer;
    let db: TestDatabase;

    beforeAll(async () => {
        server = await startMariaDb({ requireManaged: true });
        ({ app, db } = await startAppOn(server, "catalogue_resilience"));
    }, 60_000);

    afterAll(async () => {
        await app?.stop();
        await server?.destroy();
    }, 60_000);

    it("when the database is stopped, then liveness /health stays 200 (degraded) while /ready and data routes are 503 with Retry-After; when it is started again, then the same app process is ready", async () => {
        expect((await request(app.url, "/health")).body).toEqual({ status: "healthy" });
        expect((await request(app.url, "/ready")).status).toBe(200);

        await server.stop();
        const ready = await request(app.url, "/ready");
        expect(ready.status).toBe(503);
        expect(ready.headers.get("retry-after")).toBe("5");
        expect(ready.body).toEqual({ status: "not_ready", reason: expect.stringContaining("unreachable") });
        // Liveness never touches the database: the platform must not replace this instance during an outage.
        const health = await request(app.url, "/health");
        expect(health.status).toBe(200);
        expect(health.body).toEqual({ status: "degraded", db: expect.stringContaining("unreachable") });
        for (const [method, path, json] of [
            ["GET", "/catalogue", undefined],
            ["GET", "/catalogue/stats", undefined],
            ["POST", "/catalogue", { name: "while down", price: 1 }],
        ] as const) {
            const res = await request(app.url, path, { method, json });
            expect(res.status).toBe(503);
            expect(res.headers.get("retry-after")).toBe("5");
            expect(res.body).toEqual({ error: "service_unavailable", message: expect.any(String) });
        }

        await server.start();
        await eventually(async () => (await request(app.url, "/ready")).status === 200, "ready 200 after restart");
        expect((await request(app.url, "/health")).body).toEqual({ status: "healthy" });
        expect((await request(app.url, "/catalogue", { method: "POST", json: { name: "after restart", price: 1 } })).status).toBe(201);
    });

    it("when the database restarts under a bounded write load, then every 201 is durable, every 503 (Retry-After) stored nothing, in-flight writes are 504 outcome-unknown, and the app recovers", async () => {
        const total = 200;
        let completed = 0;
        let failuresWhileDown = 0;
        let markStopped!: () => void;
        const stopped = new Promise<void>((resolve) => (markStopped = resolve));
        let markRestarted!: () => void;
        const restarted = new Promise<void>((resolve) => (markRestarted = resolve));
        let restartFailed: unknown;

        // Chaos: stop the server once 50 writes have completed, start it again once writes have failed
        // against the stopped server; writes from #150 on wait for the restart so some run after it.
        const chaos = (async () => {
            await eventually(async () => completed >= 50, "50 writes completed", 600, 10);
            await server.stop();
            markStopped();
            await eventually(async () => failuresWhileDown >= 10, "10 writes failed while down", 600, 10);
            await server.start();
            markRestarted();
        })().catch((err: unknown) => {
            restartFailed = err;
            markStopped();
            markRestarted();
        });

        let isDown = false;
        void stopped.then(() => (isDown = true));
        void restarted.then(() => (isDown = false));

        const results = await runBounded(total, 8, async (i) => {
            if (i >= 150) await restarted;
            const res = await request(app.url, "/catalogue", { method: "POST", json: { name: `load-${i}`, price: 1.5, category: "load" } });
            completed += 1;
            if (res.status !== 201 && isDown) failuresWhileDown += 1;
            return { i, status: res.status, retryAfter: res.headers.get("retry-after"), body: res.body };
        });
        await chaos;
        expect(restartFailed).toBeUndefined();

        // 503 = nothing was stored, retry later; 504 = a write in flight when the server died: its outcome is
        // unknown and the answer says so instead of inviting a blind retry.
        const statuses = new Set(results.map((r) => r.status));
        expect([...statuses].every((s) => s === 201 || s === 503 || s === 504)).toBe(true);
        const failures = results.filter((r) => r.status === 503);
        expect(failures.length).toBeGreaterThanOrEqual(10);
        for (const failure of failures) {
            expect(failure.retryAfter).toBe("5");
            expect(failure.body).toEqual({ error: "service_unavailable", message: expect.any(String) });
        }
        for (const unknown of results.filter((r) => r.status === 504)) {
            expect(unknown.body).toEqual({ error: "write_outcome_unknown", message: expect.any(String) });
        }
        const refusedNames = failures.map((r) => `load-${r.i}`);
        const storedNames = (
            await server.adminQuery<{ name: string }>("SELECT name FROM catalogue WHERE category = 'load'", [], db.database)
        ).map((r) => r.name);
        expect(storedNames.filter((name) => refusedNames.includes(name))).toEqual([]);

        const acknowledged = results.filter((r) => r.status === 201).map((r) => r.body.id as string);
        expect(acknowledged.length).toBeGreaterThan(50);
        const rows = await server.adminQuery<{ id: string }>("SELECT id FROM catalogue WHERE category = 'load'", [], db.database);
        const stored = new Set(rows.map((r) => r.id));
        expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);

        // Writes issued after the restart went through the same app process.
        expect(results.slice(150).filter((r) => r.status === 201).length).toBeGreaterThan(0);
        expect((await request(app.url, "/health")).status).toBe(200);
    });
});
