import type { RunningServer } from "@serverless-containers/service-kit";
import { eventually, request, runBounded, startPostgres, type SqlServerHandle, type TestDatabase } from "../../../scripts/test-db";
import { startAppOn } from "./helpers";

describe("visits-api when the PostgreSQL server goes away and comes back", () => {
    let server: SqlServerHandle;
    let app: RunningServer;
    let db: TestDatabase;

    beforeAll(async () => {
        server = await startPostgres({ requireManaged: true });
        ({ app, db } = await startAppOn(server, "visits_resilience"));
    }, 60_000);

    afterAll(async () => {
        await app?.stop();
        await server?.destroy();
    }, 60_000);

    it("when the database is stopped, then /ready, / and /recent-visits answer 503 with Retry-After, liveness /health stays 200 and /test-connection reports unreachable; when it is started again, then the same app process recovers", async () => {
        expect((await request(app.url, "/")).status).toBe(200);
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
        for (const path of ["/", "/recent-visits"]) {
            const res = await request(app.url, path);
            expect(res.status).toBe(503);
            expect(res.headers.get("retry-after")).toBe("5");
            expect(res.body).toEqual({ error: "service_unavailable", message: expect.any(String) });
        }
        const probe = await request(app.url, "/test-connection");
        expect(probe.status).toBe(503);
        expect(probe.body).toMatchObject({ reachable: false, Response: expect.stringContaining("ECONNREFUSED") });

        await server.start();
        await eventually(async () => (await request(app.url, "/ready")).status === 200, "ready 200 after restart");
        expect((await request(app.url, "/health")).body).toEqual({ status: "healthy" });
        expect((await request(app.url, "/", { headers: { "user-agent": "after-restart" } })).status).toBe(200);
        const recent = await request(app.url, "/recent-visits?limit=1");
        expect(recent.body.Response[0].user_agent).toBe("after-restart");
        expect((await request(app.url, "/test-connection")).body.reachable).toBe(true);
    });

    it("when the database restarts under a bounded visit load, then every acknowledged visit is stored, every 503 stored nothing, and in-flight visits are 504 outcome-unknown", async () => {
        let completed = 0;
        let markRestarted!: () => void;
        const restarted = new Promise<void>((resolve) => (markRestarted = resolve));
        const chaos = (async () => {
            await eventually(async () => completed >= 40, "40 visits", 600, 10);
            await server.stop();
            await eventually(async () => completed >= 80, "80 visits", 600, 10);
            await server.start();
        })().finally(() => markRestarted());

        const results = await runBounded(150, 8, async (i) => {
            if (i >= 110) await restarted;
            const res = await request(app.url, "/", { headers: { "user-agent": `load-${i}` } });
            completed += 1;
            return { i, status: res.status, retryAfter: res.headers.get("retry-after") };
        });
        await chaos;
        // 503 = nothing stored, retry later; 504 = in flight when the server went away: outcome unknown, said so.
        expect(results.every((r) => r.status === 200 || (r.status === 503 && r.retryAfter === "5") || r.status === 504)).toBe(true);
        expect(results.some((r) => r.status === 503)).toBe(true);
        await eventually(async () => (await request(app.url, "/ready")).status === 200, "ready 200 after restart");
        const rows = await server.adminQuery<{ user_agent: string }>(
            "SELECT user_agent FROM visits WHERE user_agent LIKE 'load-%'",
            [],
            db.database,
        );
        const storedAgents = new Set(rows.map((r) => r.user_agent));
        const acknowledged = results.filter((r) => r.status === 200).map((r) => `load-${r.i}`);
        expect(acknowledged.length).toBeGreaterThan(40);
        expect(acknowledged.filter((agent) => !storedAgents.has(agent))).toEqual([]);
        const refused = results.filter((r) => r.status === 503).map((r) => `load-${r.i}`);
        expect(refused.filter((agent) => storedAgents.has(agent))).toEqual([]);
        expect(results.slice(110).some((r) => r.status === 200)).toBe(true);
    });
});
