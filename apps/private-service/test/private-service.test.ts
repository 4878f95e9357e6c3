import http from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningServer } from "@serverless-containers/service-kit";
import { eventually, freePort, request, spawnApp, startPostgres, type SqlServerHandle } from "../../../scripts/test-db";
import { startVisitsApi } from "../../visits-api/src/server";
import { startPrivateService } from "../src/server";

/** Shape of a real Fargate task metadata v4 `/task` document (trimmed). */
const TASK_DOCUMENT = {
    Cluster: "arn:aws:ecs:us-west-2:111122223333:cluster/AppRunnerDemoCluster",
    TaskARN: "arn:aws:ecs:us-west-2:111122223333:task/AppRunnerDemoCluster/f7265048cbbd449ab8d93c6b2a79e4ed",
    Family: "PrivateFargateTaskDef",
    Revision: "3",
    DesiredStatus: "RUNNING",
    KnownStatus: "RUNNING",
    LaunchType: "FARGATE",
    AvailabilityZone: "us-west-2a",
    Containers: [
        {
            DockerId: "f7265048cbbd449ab8d93c6b2a79e4ed-1234",
            Name: "PrivateDemoService",
            Image: "111122223333.dkr.ecr.us-west-2.amazonaws.com/private-service@sha256:abc",
            Networks: [{ NetworkMode: "awsvpc", IPv4Addresses: ["10.0.183.135"] }],
        },
    ],
};

interface FakeMetadata {
    url: string;
    hold(): void;
    release(): void;
    held(): number;
    close(): Promise<void>;
}

async function fakeMetadata(respond: (res: http.ServerResponse) => void): Promise<FakeMetadata> {
    let holding = false;
    let waiting: Array<() => void> = [];
    const server = http.createServer((req, res) => {
        const answer = (): void => {
            if (req.url !== "/v4/abc-123/task") {
                res.statusCode = 404;
                res.end();
                return;
            }
            respond(res);
        };
        if (holding) waiting.push(answer);
        else answer();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}/v4/abc-123`,
        hold: () => void (holding = true),
        release: () => {
            holding = false;
            waiting.forEach((go) => go());
            waiting = [];
        },
        held: () => waiting.length,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

const env = (extra: Record<string, string>): Record<string, string> => ({ PORT: "0", LOG_LEVEL: "silent", ...extra });
const sendJson = (body: unknown) => (res: http.ServerResponse) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(body));
};

describe("private-service reading ECS task metadata", () => {
    let metadata: FakeMetadata;
    let app: RunningServer;

    beforeAll(async () => {
        metadata = await fakeMetadata(sendJson(TASK_DOCUMENT));
        app = await startPrivateService(env({ ECS_CONTAINER_METADATA_URI_V4: metadata.url }));
    });

    afterAll(async () => {
        await app?.stop();
        await metadata?.close();
    });

    it("when GET / is called on a Fargate task, then the task ARN, cluster, launch type, service name and IP are returned", async () => {
        const res = await request(app.url, "/");
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
            TaskArn: TASK_DOCUMENT.TaskARN,
            Cluster: TASK_DOCUMENT.Cluster,
            LaunchType: "FARGATE",
            ServiceName: "PrivateDemoService",
            IpAddress: "10.0.183.135",
        });
    });

    it("when /health, /ready, /docs and unknown routes are called, then they answer JSON", async () => {
        expect((await request(app.url, "/health")).body).toEqual({ status: "healthy" });
        expect((await request(app.url, "/ready")).body).toEqual({ status: "ready" });
        expect(Object.keys((await request(app.url, "/docs")).body.paths).sort()).toEqual(["/", "/health", "/ready"]);
        expect((await request(app.url, "/nope")).status).toBe(404);
        expect((await request(app.url, "/", { method: "POST" })).status).toBe(405);
    });

    it("when ECS_CONTAINER_METADATA_URI_V4 is not set, then GET / answers a clear 503", async () => {
        const local = await startPrivateService(env({}));
        try {
            const res = await request(local.url, "/");
            expect(res.status).toBe(503);
            expect(res.headers.get("retry-after")).toBe("5");
            expect(res.body).toEqual({
                error: "metadata_unavailable",
                message: expect.stringContaining("ECS_CONTAINER_METADATA_URI_V4 is not set"),
            });
        } finally {
            await local.stop();
        }
    });

    it("when the metadata endpoint is unreachable, then 503; when it answers garbage, then 502", async () => {
        const closed = await startPrivateService(env({ ECS_CONTAINER_METADATA_URI_V4: `http://127.0.0.1:${await freePort()}/v4/x` }));
        const garbage = await fakeMetadata(sendJson({ unexpected: true }));
        const confused = await startPrivateService(env({ ECS_CONTAINER_METADATA_URI_V4: garbage.url }));
        try {
            const down = await request(closed.url, "/");
            expect(down.status).toBe(503);
            expect(down.body).toEqual({ error: "metadata_unavailable", message: "The ECS task metadata endpoint is not reachable" });
            const bad = await request(confused.url, "/");
            expect(bad.status).toBe(502);
            expect(bad.body.error).toBe("bad_metadata");
        } finally {
            await closed.stop();
            await confused.stop();
            await garbage.close();
        }
    });

    it("when SIGTERM arrives while a metadata read is in flight, then it completes and the process exits 0", async () => {
        const slow = await fakeMetadata(sendJson(TASK_DOCUMENT));
        const port = await freePort();
        const child = spawnApp("apps/private-service/src/server.ts", {
            PORT: String(port),
            LOG_LEVEL: "info",
            ECS_CONTAINER_METADATA_URI_V4: slow.url,
        });
        try {
            await child.waitForLog((l) => l.msg === "listening", "listening");
            slow.hold();
            const inFlight = request(`http://127.0.0.1:${port}`, "/");
            await eventually(async () => slow.held() === 1, "metadata read held");
            child.child.kill("SIGTERM");
            await child.waitForLog((l) => l.msg === "shutting down: draining in-flight requests", "drain started");
            slow.release();
            const res = await inFlight;
            expect(res.status).toBe(200);
            expect(res.body.TaskArn).toBe(TASK_DOCUMENT.TaskARN);
            expect(await child.exited).toEqual({ code: 0, signal: null });
        } finally {
            if (child.child.exitCode === null) child.child.kill("SIGKILL");
            await slow.close();
        }
    }, 20_000); // spawn + drain (the idle keep-alive window is up to 1 s) exceed Jest's 5 s default on a loaded machine
});

describe("visits-api → private-service end to end (the visits demo's /ecs-private-service)", () => {
    let pg: SqlServerHandle;
    let metadata: FakeMetadata;
    let privateService: RunningServer;
    let visits: RunningServer;

    beforeAll(async () => {
        metadata = await fakeMetadata(sendJson(TASK_DOCUMENT));
        privateService = await startPrivateService(env({ ECS_CONTAINER_METADATA_URI_V4: metadata.url }));
        pg = await startPostgres();
        const db = await pg.createDatabase("visits_e2e");
        visits = await startVisitsApi({
            PORT: "0",
            LOG_LEVEL: "silent",
            DB_HOST: db.host,
            DB_PORT: String(db.port),
            DB_USER: db.user,
            DB_PASSWORD: db.password,
            DB_NAME: db.database,
            ECSPRIVATESERVICE: privateService.url,
        });
        await visits.ready;
    }, 60_000); // a PostgreSQL start plus two services: more than Jest's 5 s default on a loaded machine

    afterAll(async () => {
        await visits?.stop();
        await privateService?.stop();
        await metadata?.close();
        await pg?.destroy();
    });

    it("when visits-api's /ecs-private-service is called, then it relays the private service's task summary", async () => {
        const res = await request(visits.url, "/ecs-private-service");
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
            Response: {
                TaskArn: TASK_DOCUMENT.TaskARN,
                Cluster: TASK_DOCUMENT.Cluster,
                LaunchType: "FARGATE",
                ServiceName: "PrivateDemoService",
                IpAddress: "10.0.183.135",
            },
        });
    });

    it("when the private service cannot read its metadata, then visits-api answers 502 (upstream failed)", async () => {
        await metadata.close();
        const res = await request(visits.url, "/ecs-private-service");
        expect(res.status).toBe(502);
        expect(res.body).toEqual({ error: "bad_gateway", message: "The private service answered 503" });
    });
});
