import type { RunningServer } from "@serverless-containers/service-kit";
import {
    eventually,
    freePort,
    request,
    spawnApp,
    startLoad,
    startPostgres,
    type SqlServerHandle,
    type TestDatabase,
} from "../../../scripts/test-db";
import { startVisitsApi } from "../src/server";
import { appEnv, appOnPostgres } from "./helpers";

/** Short on purpose (REQUEST_DEADLINE_MS is configurable) so the hang tests stay fast. */
const DEADLINE_MS = 2_000;
const HANG_ENV = { REQUEST_DEADLINE_MS: String(DEADLINE_MS), READINESS_TIMEOUT_MS: "500", DB_CONNECT_TIMEOUT_MS: "1000" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("visits-api when PostgreSQL hangs (postmaster and backends stopped with SIGSTOP)", () => {
    const t = appOnPostgres("visits_hang", HANG_ENV, { requireManaged: true });

    it("when the database hangs under a bounded load, then every request is answered within the deadline + 1 s (200, or 503 + Retry-After: pg Query read timeout is no 500), /health stays 200 while /ready is 503, and the same process recovers when it resumes", async () => {
        const load = startLoad(t.app.url, 6, (i, marker) =>
            i % 2 === 0
                ? { method: "GET", path: "/", headers: { "user-agent": marker } }
                : { method: "GET", path: "/recent-visits?limit=5" },
        );
        await eventually(async () => load.outcomes.length >= 20, "20 requests before the hang", 200, 25);
        await t.server.pause();
        let health;
        let ready;
        try {
            // Long enough for requests to run into the deadline, several times over.
            await sleep(DEADLINE_MS + 500);
            health = await request(t.app.url, "/health");
            ready = await request(t.app.url, "/ready");
            await sleep(DEADLINE_MS);
        } finally {
            await t.server.resume();
        }
        await eventually(
            async () => (await request(t.app.url, "/", { headers: { "user-agent": "probe" } })).status === 200,
            "writes again after the resume",
            100,
            100,
        );
        await sleep(300);
        const outcomes = await load.stop();

        expect(outcomes.filter((o) => o.error !== undefined)).toEqual([]);
        // An unkeyed visit (GET / records one) whose INSERT may have reached the hung database is 504
        // write_outcome_unknown (Idempotency-Key semantics), never "retry later"; everything else is 200 or 503.
        const unknownWrite = (o: (typeof outcomes)[number]) =>
            o.status === 504 && o.path === "/" && (o.body as { error?: string })?.error === "write_outcome_unknown";
        expect(
            outcomes
                .filter((o) => ![200, 503].includes(o.status!) && !unknownWrite(o))
                .map((o) => ({ path: o.path, status: o.status, body: o.body })),
        ).toEqual([]);
        // Bounded: nothing answered after the deadline + 1 s.
        expect(outcomes.filter((o) => o.ms > DEADLINE_MS + 1_000).map((o) => ({ path: o.path, ms: o.ms, status: o.status }))).toEqual([]);
        const unavailable = outcomes.filter((o) => o.status === 503);
        expect(unavailable.length).toBeGreaterThan(0);
        expect(unavailable.every((o) => o.retryAfter === "5")).toBe(true);

        // Liveness never waits on the database; readiness says the truth.
        expect(health.status).toBe(200);
        expect(health.body).toEqual({ status: "degraded", db: expect.stringContaining("unreachable") });
        expect(ready.status).toBe(503);
        expect(ready.headers.get("retry-after")).toBe("5");
        expect((await request(t.app.url, "/ready")).status).toBe(200);

        // Recovery without restart: the same process writes again.
        expect((await request(t.app.url, "/", { headers: { "user-agent": "after the hang" } })).status).toBe(200);
        expect((await request(t.app.url, "/health")).body).toEqual({ status: "healthy" });
    }, 60_000);

    it("when the app starts while the database hangs, then it listens at once: liveness 200 within 1 s, readiness and DB routes 503 + Retry-After; it becomes ready when the database resumes", async () => {
        const fresh = await t.server.createDatabase("visits_hang_start");
        await t.server.pause();
        let started: RunningServer | undefined;
        try {
            const t0 = Date.now();
            // Today's code retries the schema before listening: this await would not return while the database hangs.
            started = await startVisitsApi(appEnv(fresh, HANG_ENV));
            const health = await request(started.url, "/health");
            const elapsed = Date.now() - t0;
            expect(health.status).toBe(200);
            expect(health.body).toEqual({ status: "degraded", db: "schema not ready" });
            expect(elapsed).toBeLessThan(1_000);
            for (const path of ["/ready", "/", "/recent-visits"]) {
                const res = await request(started.url, path);
                expect(res.status).toBe(503);
                expect(res.headers.get("retry-after")).toBe("5");
            }
        } finally {
            await t.server.resume();
        }
        await started.ready;
        expect((await request(started.url, "/ready")).status).toBe(200);
        expect((await request(started.url, "/", { headers: { "user-agent": "after start" } })).status).toBe(200);
        await started.stop();
    }, 60_000);
});

describe("visits-api stopping while PostgreSQL hangs (real process)", () => {
    let server: SqlServerHandle;
    let db: TestDatabase;

    beforeAll(async () => {
        server = await startPostgres({ requireManaged: true });
        db = await server.createDatabase("visits_hang_stop");
    }, 60_000);

    afterAll(async () => {
        await server?.resume();
        await server?.destroy();
    }, 60_000);

    it("when SIGTERM arrives while requests wait on the hung database, then each is answered 503 with Connection: close (none reset) and the process exits 0 within the grace period", async () => {
        const port = await freePort();
        // The request deadline is longer than the grace period here: the shutdown itself must answer them.
        const app = spawnApp(
            "apps/visits-api/src/server.ts",
            appEnv(db, { PORT: String(port), LOG_LEVEL: "info", SHUTDOWN_GRACE_MS: "3000", REQUEST_DEADLINE_MS: "20000" }),
        );
        const url = `http://127.0.0.1:${port}`;
        try {
            await app.waitForLog((l) => l.msg === "database schema ready", "schema ready");
            await app.waitForLog((l) => l.msg === "listening", "listening");
            await server.pause();
            const inFlight = [1, 2, 3, 4, 5, 6].map((i) =>
                fetch(`${url}${i % 2 ? "/" : "/recent-visits"}`, { headers: { "user-agent": `stuck-${i}` } }).then(
                    async (res) => ({
                        status: res.status,
                        connection: res.headers.get("connection"),
                        retryAfter: res.headers.get("retry-after"),
                        body: await res.json(),
                    }),
                    (err: unknown) => ({ error: String((err as { cause?: unknown }).cause ?? err) }),
                ),
            );
            await sleep(500);
            const t0 = Date.now();
            app.child.kill("SIGTERM");
            const exit = await app.exited;
            const exitMs = Date.now() - t0;
            expect(exit).toEqual({ code: 0, signal: null });
            expect(exitMs).toBeLessThan(3_000 + 1_000);
            for (const [i, outcome] of (await Promise.all(inFlight)).entries()) {
                // Requests 1, 3, 5 are GET / (each records a visit, unkeyed): 504 outcome unknown, not "retry later".
                expect(outcome).toEqual(
                    (i + 1) % 2 === 1
                        ? {
                              status: 504,
                              connection: "close",
                              retryAfter: null,
                              body: { error: "write_outcome_unknown", message: expect.any(String) },
                          }
                        : {
                              status: 503,
                              connection: "close",
                              retryAfter: "5",
                              body: { error: "service_unavailable", message: expect.any(String) },
                          },
                );
            }
        } finally {
            await server.resume();
            if (app.child.exitCode === null) app.child.kill("SIGKILL");
        }
    }, 60_000);
});
