import type { RunningServer } from "@serverless-containers/service-kit";
import { freePort, request, startPostgres, type SqlServerHandle, type TestDatabase } from "../../../scripts/test-db";
import { startVisitsApi } from "../src/server";
import { appEnv, fakeUpstream, startAppOn } from "./helpers";

const TASK = {
    TaskArn: "arn:aws:ecs:us-west-2:111122223333:task/demo/f7265048",
    Cluster: "arn:aws:ecs:us-west-2:111122223333:cluster/demo",
    LaunchType: "FARGATE",
    ServiceName: "PrivateDemoService",
    IpAddress: "10.0.183.135",
};

describe("visits-api against a real PostgreSQL (the visits demo's walkthrough)", () => {
    let server: SqlServerHandle;
    let app: RunningServer;
    let db: TestDatabase;
    let upstream: Awaited<ReturnType<typeof fakeUpstream>>;

    beforeAll(async () => {
        upstream = await fakeUpstream((_req, res) => {
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify(TASK));
        });
        server = await startPostgres();
        ({ app, db } = await startAppOn(server, "visits_verify", { ECSPRIVATESERVICE: upstream.url }));
    }, 60_000);

    afterAll(async () => {
        await app?.stop();
        await upstream?.close();
        await server?.destroy();
    }, 60_000);

    it("when /test-connection is called, then it reports a TCP connection to the database without naming its address", async () => {
        const res = await request(app.url, "/test-connection");
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ Response: "Connection to the database succeeded!", reachable: true });
    });

    it("when / is visited twelve times, then each is registered and /recent-visits shows the last ten newest first", async () => {
        for (let i = 1; i <= 12; i += 1) {
            const res = await request(app.url, "/", { headers: { "user-agent": `walkthrough-browser/${i}` } });
            expect(res.status).toBe(200);
            expect(res.body).toEqual({ Response: "Registered request" });
        }
        const recent = await request(app.url, "/recent-visits");
        expect(recent.status).toBe(200);
        expect(recent.body.count).toBe(10);
        expect(recent.body.Response.map((v: { user_agent: string }) => v.user_agent)).toEqual(
            Array.from({ length: 10 }, (_, k) => `walkthrough-browser/${12 - k}`),
        );
        expect(recent.body.Response[0]).toEqual({
            id: expect.any(Number),
            timestamp: expect.stringMatching(/^\d{4}-/),
            user_agent: "walkthrough-browser/12",
        });
        const rows = await server.adminQuery<{ n: string }>("SELECT count(*) AS n FROM visits", [], db.database);
        expect(Number(rows[0].n)).toBe(12);
        expect((await request(app.url, "/recent-visits?limit=3")).body.count).toBe(3);
    });

    it("when /ecs-private-service is called, then the private service's task metadata is relayed", async () => {
        const res = await request(app.url, "/ecs-private-service");
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ Response: TASK });
    });

    it("when /health, /ready and /docs are called, then they describe a live, ready, documented service", async () => {
        expect((await request(app.url, "/health")).body).toEqual({ status: "healthy" });
        expect((await request(app.url, "/ready")).body).toEqual({ status: "ready" });
        const docs = await request(app.url, "/docs");
        expect(Object.keys(docs.body.paths).sort()).toEqual([
            "/",
            "/ecs-private-service",
            "/health",
            "/ready",
            "/recent-visits",
            "/test-connection",
        ]);
    });
});

describe("visits-api calling a failing private service", () => {
    let server: SqlServerHandle;
    let db: TestDatabase;

    beforeAll(async () => {
        server = await startPostgres();
        db = await server.createDatabase("visits_upstream");
    }, 60_000);

    afterAll(async () => {
        await server?.destroy();
    }, 60_000);

    async function withApp(extra: Record<string, string>, check: (app: RunningServer) => Promise<void>): Promise<void> {
        const app = await startVisitsApi(appEnv(db, extra));
        await app.ready;
        try {
            await check(app);
        } finally {
            await app.stop();
        }
    }

    it("when the private service refuses connections, then 502 JSON", async () => {
        const closedPort = await freePort();
        await withApp({ ECSPRIVATESERVICE: `http://127.0.0.1:${closedPort}` }, async (app) => {
            const res = await request(app.url, "/ecs-private-service");
            expect(res.status).toBe(502);
            expect(res.body).toEqual({ error: "bad_gateway", message: expect.stringContaining("ECONNREFUSED") });
        });
    });

    it("when the private service never answers, then 504 JSON after the timeout", async () => {
        const hanging = await fakeUpstream(() => undefined);
        try {
            await withApp({ ECSPRIVATESERVICE: hanging.url, ECS_PRIVATE_SERVICE_TIMEOUT_MS: "200" }, async (app) => {
                const res = await request(app.url, "/ecs-private-service");
                expect(res.status).toBe(504);
                expect(res.body.error).toBe("gateway_timeout");
            });
        } finally {
            await hanging.close();
        }
    });

    it("when the private service answers 500 or non-JSON, then 502 JSON", async () => {
        const broken = await fakeUpstream((req, res) => {
            if (req.url === "/") {
                res.statusCode = 500;
                res.end(JSON.stringify({ oops: true }));
            }
        });
        const html = await fakeUpstream((_req, res) => res.end("<html>not json</html>"));
        try {
            await withApp({ ECSPRIVATESERVICE: broken.url }, async (app) => {
                const res = await request(app.url, "/ecs-private-service");
                expect(res.status).toBe(502);
                expect(res.body).toEqual({ error: "bad_gateway", message: "The private service answered 500" });
            });
            await withApp({ ECSPRIVATESERVICE: html.url }, async (app) => {
                const res = await request(app.url, "/ecs-private-service");
                expect(res.status).toBe(502);
                expect(res.body.message).toContain("without valid JSON");
            });
        } finally {
            await broken.close();
            await html.close();
        }
    });

    it("when ECSPRIVATESERVICE is not set, then 503 not_configured", async () => {
        await withApp({}, async (app) => {
            const res = await request(app.url, "/ecs-private-service");
            expect(res.status).toBe(503);
            expect(res.body.error).toBe("not_configured");
        });
    });
});

describe("visits-api with DB_TLS=true", () => {
    let server: SqlServerHandle;

    beforeAll(async () => {
        server = await startPostgres();
    }, 60_000);

    afterAll(async () => {
        await server?.destroy();
    }, 60_000);

    it("when the server cannot offer TLS signed by the RDS CAs, then the pool refuses to connect rather than fall back to plaintext", async () => {
        const { createPool } = await import("../src/data/pool");
        const { VisitsRepository } = await import("../src/data/visits-repository");
        const { createLogger } = await import("@serverless-containers/service-kit");
        const db = await server.createDatabase("visits_tls");
        const settings = { ...db, poolMax: 1, connectTimeoutMs: 2_000, queryTimeoutMs: 2_000 };
        const tlsPool = createPool({ ...settings, tls: true }, createLogger("test", "silent"));
        try {
            await expect(new VisitsRepository(tlsPool).ping()).rejects.toThrow(/SSL/i);
        } finally {
            await tlsPool.end();
        }
        const plainPool = createPool({ ...settings, tls: false }, createLogger("test", "silent"));
        try {
            await expect(new VisitsRepository(plainPool).ping()).resolves.toBeUndefined();
        } finally {
            await plainPool.end();
        }
    });
});
