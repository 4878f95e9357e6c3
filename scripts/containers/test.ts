/**
 * `npm run test:containers` — build every app image with podman from the repository root and verify each
 * container the way the platforms run it :
 *   - the stand-in `node:24-bookworm-slim` base is built once and cached (base-image.ts);
 *   - the build context podman sends equals the BuildKit reading of .dockerignore that the tag hashes;
 *   - each container runs with a read-only root filesystem, all capabilities dropped, no-new-privileges and
 *     the image's non-root user, with the environment the stacks set (minus AWS: password instead of IAM
 *     auth, no TLS, dynalite instead of DynamoDB, a local task-metadata endpoint) against real MariaDB,
 *     PostgreSQL and dynalite on loopback;
 *   - the original lab guides' verification steps pass over HTTP through the containers, /health answers 200, SIGTERM ends the
 *     process with exit 0 within the platforms' 30 s grace period after in-flight requests completed;
 *   - figures per image: the app layers' compressed size, start → first 200 on /health, idle RSS (tracing off, the
 *     image's default);
 *   - with tracing switched on, visits-api and private-service containers export one trace per request, across
 *     both services, to an OTLP receiver on loopback.
 * Missing podman/runc/mmdebstrap fails with the install command; nothing is ever skipped.
 *
 *   npm run test:containers                 # test, print the figures, write bench/.out/containers.json
 *   npm run test:containers -- --publish    # … and update the containers section of docs/performance.md
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as os from "node:os";
import { after, before, describe, it } from "node:test";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { contextFiles } from "../../components/container-image";
import {
    freePort,
    request,
    startDynalite,
    startMariaDb,
    startPostgres,
    startWireTap,
    type DynaliteHandle,
    type SqlServerHandle,
    type TestDatabase,
    type WireTap,
} from "../test-db";
import { ensureBaseImage, BASE_IMAGE, NODE_VERSION } from "./base-image";
import { podmanContextFiles } from "./context";
import { APPS, buildAppImage, imageName, layerFigures, type App, type LayerFigures } from "./images";
import { podman, requireTools } from "./podman";
import { inspect, logs, procStatus, removeContainer, runContainer, type RunningContainer } from "./run";
import { publishContainersSection, writeContainersResult, type ContainersResult } from "./report";
import { SPAN_KIND, startOtlpReceiver } from "../../packages/service-kit/test/otlp-receiver";
import { ancestors, requestTraces } from "../../packages/service-kit/test/traced-app";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** ECS stopTimeout and the EKS pod's terminationGracePeriodSeconds are both 30 s (components/eks-fargate-service.ts). */
const PLATFORM_GRACE_MS = 30_000;
const RUN_ID = `${process.pid}`;

const figures: Partial<
    Record<App, { startToHealthyMs: number; idleRssKiB?: number; layers: LayerFigures; buildSeconds: number; sigtermExitMs?: number }>
> = {};
const buildSeconds: Partial<Record<App, number>> = {};
const containers: Partial<Record<App, RunningContainer>> = {};
let mariadb: SqlServerHandle | undefined;
let postgres: SqlServerHandle | undefined;
let dynamo: DynaliteHandle | undefined;
let metadata: http.Server | undefined;
const proxies: Partial<Record<App, WireTap>> = {};
let baseKey = "";
let load: ContainersResult["load"];

/** A Fargate task metadata v4 `/task` document, as the ECS agent serves it (trimmed), served slowly on demand. */
const TASK_DOCUMENT = {
    Cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/visits-demo",
    TaskARN: "arn:aws:ecs:us-east-1:123456789012:task/visits-demo/0123456789abcdef0123456789abcdef",
    Family: "visits-private",
    Revision: "1",
    LaunchType: "FARGATE",
    AvailabilityZone: "us-east-1a",
    Containers: [{ Name: "PrivateDemoService", Networks: [{ NetworkMode: "awsvpc", IPv4Addresses: ["10.0.183.135"] }] }],
};

const containerName = (app: App) => `sc-test-${app}-${RUN_ID}`;

async function startMetadataServer(): Promise<{ server: http.Server; port: number }> {
    const server = http.createServer((req, res) => {
        if (req.url !== "/v4/task-id/task") {
            res.statusCode = 404;
            res.end();
            return;
        }
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(TASK_DOCUMENT));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, port: (server.address() as AddressInfo).port };
}

/** Env as the stacks set it, minus AWS (see the file comment); DB traffic goes through a wire tap that can hold it. */
function sqlEnv(db: TestDatabase, proxy: WireTap): Record<string, string> {
    return {
        DB_HOST: "127.0.0.1",
        DB_PORT: String(proxy.port),
        DB_NAME: db.database,
        DB_USER: db.user,
        DB_PASSWORD: db.password,
        DB_TLS: "false",
        NODE_ENV: "production",
    };
}

async function waitForReady(app: App, url: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
        const status = res?.status;
        await res?.arrayBuffer();
        if (status === 200) return;
        if (Date.now() > deadline)
            throw new Error(
                `${app}: /ready did not answer 200 within ${timeoutMs} ms (last: ${status ?? "no answer"})\n${logs(containerName(app))}`,
            );
        await new Promise((r) => setTimeout(r, 50));
    }
}

async function start(app: App, env: Record<string, string>): Promise<RunningContainer> {
    if (buildSeconds[app] === undefined) throw new Error(`${imageName(app)} was not built by this run (see the images test)`);
    const port = await freePort();
    const running = await runContainer(containerName(app), imageName(app), port, env);
    containers[app] = running;
    // /health (liveness) answers before the schema exists; DB routes answer 503 until /ready (readiness) is 200.
    await waitForReady(app, running.url);
    figures[app] = {
        startToHealthyMs: running.startToHealthyMs,
        layers: layerFigures(imageName(app)),
        buildSeconds: buildSeconds[app] ?? 0,
    };
    return running;
}

/** What the platforms enforce, read back from the running container. */
async function assertPlatformLike(app: App): Promise<void> {
    const c = containers[app]!;
    const status = procStatus(c.pid);
    const [ruid, euid, suid, fsuid] = status.Uid.split(/\s+/).map(Number);
    assert.ok(
        [ruid, euid, suid, fsuid].every((id) => id !== 0),
        `${app} runs as uid ${status.Uid}`,
    );
    assert.equal(euid, 1000, "the image's node user");
    assert.equal(status.CapEff, "0000000000000000", "no effective capabilities");
    assert.equal(status.NoNewPrivs, "1");
    const cmdline = readFileSync(`/proc/${c.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    assert.deepEqual(
        cmdline,
        ["node", "--require", "./tracing.js", "server.js"],
        "PID 1 is node itself (the entrypoint execs it), so SIGTERM reaches the app; the tracing preload loads first",
    );
    const host = inspect(c.name).HostConfig;
    assert.equal(host.ReadonlyRootfs, true);
    for (const dir of ["/srv", "/tmp", "/home/node"]) {
        const write = podman(["exec", c.name, "sh", "-c", `echo x > ${dir}/probe`], { allowFailure: true });
        assert.notEqual(write.status, 0, `${app} could write to ${dir}`);
        assert.match(write.stderr, /Read-only file system/);
    }
}

async function assertHealthy(app: App): Promise<void> {
    // Holds before and after the liveness/readiness split: 200 while the database is up, in the original lab code's words
    // ({"status": "healthy"}; the EKS lab's products-api also names itself and its runtime).
    const res = await request(containers[app]!.url, "/health");
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    assert.deepEqual(
        res.body,
        app === "products-api" ? { status: "healthy", service: "products-api", runtime: "eks-fargate" } : { status: "healthy" },
    );
}

/**
 * SIGTERM with a request in flight (its database/upstream call held at the proxy): the process keeps
 * running until the request completes, answers it, then exits 0 well within the grace period.
 */
async function assertGracefulStop(app: App, pathInFlight: string): Promise<void> {
    const c = containers[app]!;
    const proxy = proxies[app]!;
    proxy.hold();
    const inFlight = request(c.url, pathInFlight);
    await new Promise((r) => setTimeout(r, 500));
    const signalled = Date.now();
    podman(["kill", "--signal", "TERM", c.name]);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(inspect(c.name).State.Running, true, `${app} exited with a request in flight`);
    proxy.release();
    const res = await inFlight;
    assert.equal(res.status, 200, `in-flight ${pathInFlight}: ${res.text}`);
    const waited = podman(["wait", c.name]);
    const exitMs = Date.now() - signalled;
    assert.equal(Number(waited.stdout.trim()), 0, `${app} exit code\n${logs(c.name)}`);
    assert.ok(exitMs < PLATFORM_GRACE_MS, `${app} took ${exitMs} ms to exit`);
    figures[app]!.sigtermExitMs = exitMs;
}

function idleRss(app: App): number {
    return Number(procStatus(containers[app]!.pid).VmRSS.replace(/\s*kB$/, ""));
}

// Before the test runner starts: a missing tool is a failure with the install command, never a skip.
try {
    requireTools();
} catch (e) {
    process.stderr.write(`\n${e instanceof Error ? e.message : String(e)}\n\n`);
    process.exit(1);
}

before(
    async () => {
        baseKey = ensureBaseImage((l) => process.stdout.write(`# ${l}\n`));
        load = { load1: os.loadavg()[0], cpus: os.cpus().length };
        [mariadb, postgres, dynamo] = await Promise.all([startMariaDb(), startPostgres(), startDynalite()]);
        const meta = await startMetadataServer();
        metadata = meta.server;
        proxies["products-api"] = await startWireTap({ targetPort: dynamo.port });
        proxies["catalogue-api"] = await startWireTap({ targetPort: mariadb.port });
        proxies["visits-api"] = await startWireTap({ targetPort: postgres.port });
        proxies["private-service"] = await startWireTap({ targetPort: meta.port });
    },
    { timeout: 45 * 60_000 },
);

after(async () => {
    for (const app of APPS) removeContainer(containerName(app));
    for (const app of ["visits-api", "private-service"] as const) removeContainer(`${containerName(app)}-traced`);
    await Promise.all(Object.values(proxies).map((p) => p.close()));
    await new Promise<void>((resolve) => (metadata ? metadata.close(() => resolve()) : resolve()));
    await Promise.allSettled([mariadb?.destroy(), postgres?.destroy(), dynamo?.destroy()]);
    const complete = APPS.every((app) => figures[app]?.idleRssKiB !== undefined && figures[app]?.sigtermExitMs !== undefined);
    if (!complete) return;
    const result: ContainersResult = {
        date: new Date().toISOString(),
        baseImage: `${BASE_IMAGE} (stand-in ${baseKey}: Debian bookworm minbase, Node ${NODE_VERSION})`,
        command: "npm run test:containers",
        load,
        images: APPS.map((app) => ({ app, ...figures[app]! }) as ContainersResult["images"][number]),
    };
    process.stdout.write(`\n${renderTable(result)}\n`);
    process.stdout.write(`# results: ${path.relative(REPO_ROOT, writeContainersResult(result))}\n`);
    if (process.argv.includes("--publish"))
        process.stdout.write(`# updated ${path.relative(REPO_ROOT, publishContainersSection(result))}\n`);
});

function renderTable(r: ContainersResult): string {
    const rows = r.images.map((i) =>
        [
            i.app,
            `${(i.layers.compressedBytes / 1024).toFixed(0)} KiB`,
            `${(i.layers.uncompressedBytes / 1024).toFixed(0)} KiB`,
            `${i.startToHealthyMs} ms`,
            `${(i.idleRssKiB / 1024).toFixed(1)} MiB`,
            `${i.sigtermExitMs} ms`,
        ].join(" | "),
    );
    return ["app | app layers (gzip) | app layers (raw) | start → first 200 /health | idle RSS | SIGTERM → exit 0", ...rows]
        .map((l) => `# ${l}`)
        .join("\n");
}

describe("build context", () => {
    it("podman sends exactly the files the BuildKit reading of .dockerignore lists (what the tag hashes)", () => {
        const expected = contextFiles(REPO_ROOT);
        const actual = podmanContextFiles(REPO_ROOT);
        assert.ok(expected.length > 10, "the allow-list lets the apps through");
        assert.deepEqual(actual, expected);
    });
});

describe("images", () => {
    it("each app builds from the repository root with the one Dockerfile (--build-arg APP)", async () => {
        // Sequential: the first build runs `npm ci` (a layer shared by all four), the rest reuse it.
        for (const app of APPS) {
            podman(["rmi", "--force", imageName(app)], { allowFailure: true });
            buildSeconds[app] = await buildAppImage(app, REPO_ROOT);
            process.stdout.write(`# built ${imageName(app)} in ${buildSeconds[app].toFixed(1)} s\n`);
        }
    });
});

describe("products-api (EKS and App Runner guides)", () => {
    before(async () => {
        await start("products-api", {
            TABLE_NAME: "ContainerProducts",
            AWS_REGION: "us-east-1",
            RUNTIME: "eks-fargate",
            DYNAMODB_ENDPOINT: `http://127.0.0.1:${proxies["products-api"]!.port}`,
            // dynalite accepts any signature; the AWS SDK needs some credentials to sign with
            AWS_ACCESS_KEY_ID: "local",
            AWS_SECRET_ACCESS_KEY: "local",
        });
    });
    it("runs like the platforms run it: non-root, no capabilities, no-new-privileges, read-only root", () =>
        assertPlatformLike("products-api"));
    it("answers 200 healthy on /health", () => assertHealthy("products-api"));
    it("passes the verification steps: the EKS and App Runner guides' products are created, listed, fetched and deleted", async () => {
        const url = containers["products-api"]!.url;
        const created = [];
        for (const p of [
            { name: "EKS Widget", price: 29.99, category: "demo" },
            { name: "App Runner Widget", price: 19.99, category: "demo" },
            { name: "App Runner Pro", price: 99.99, category: "premium", description: "Top tier product" },
        ]) {
            const res = await request(url, "/products", { method: "POST", json: p });
            assert.equal(res.status, 201, res.text);
            assert.deepEqual(
                { ...res.body, productId: undefined, createdAt: undefined },
                { description: "", ...p, productId: undefined, createdAt: undefined },
            );
            created.push(res.body);
        }
        const list = await request(url, "/products");
        assert.equal(list.status, 200);
        assert.deepEqual(list.body.products.map((p: { name: string }) => p.name).sort(), [
            "App Runner Pro",
            "App Runner Widget",
            "EKS Widget",
        ]);
        const fetched = await request(url, `/products/${created[2].productId}`);
        assert.deepEqual(fetched.body, created[2]);
        assert.equal((await request(url, `/products/${created[2].productId}`, { method: "DELETE" })).status < 300, true);
        assert.equal((await request(url, `/products/${created[2].productId}`)).status, 404);
        const root = await request(url, "/");
        assert.equal(root.body.runtime, "eks-fargate");
    });
    it("stops on SIGTERM with exit 0 after finishing an in-flight request", async () => {
        await new Promise((r) => setTimeout(r, 2_000));
        figures["products-api"]!.idleRssKiB = idleRss("products-api");
        await assertGracefulStop("products-api", "/products");
    });
});

describe("catalogue-api (App Runner + VPC + Aurora MySQL guide)", () => {
    before(async () => {
        const db = await mariadb!.createDatabase("ctr_catalogue");
        await start("catalogue-api", sqlEnv(db, proxies["catalogue-api"]!));
    });
    it("runs like the platforms run it: non-root, no capabilities, no-new-privileges, read-only root", () =>
        assertPlatformLike("catalogue-api"));
    it("answers 200 healthy on /health", () => assertHealthy("catalogue-api"));
    it("passes the verification steps: three items, listed newest first, stats by category", async () => {
        const url = containers["catalogue-api"]!.url;
        for (const item of [
            { name: "Aurora Widget", price: 49.99, category: "electronics" },
            { name: "Aurora Chair", price: 299.99, category: "furniture" },
            { name: "Aurora Keyboard", price: 89.99, category: "electronics" },
        ]) {
            const res = await request(url, "/catalogue", { method: "POST", json: item });
            assert.equal(res.status, 201, res.text);
            assert.equal(res.body.name, item.name);
        }
        const list = await request(url, "/catalogue");
        assert.equal(list.body.count, 3);
        assert.deepEqual(
            list.body.items.map((i: { name: string }) => i.name),
            ["Aurora Keyboard", "Aurora Chair", "Aurora Widget"],
        );
        const stats = await request(url, "/catalogue/stats");
        assert.deepEqual(stats.body, {
            stats: [
                { category: "electronics", item_count: 2, avg_price: 69.99, total_value: 139.98, in_stock_count: 2 },
                { category: "furniture", item_count: 1, avg_price: 299.99, total_value: 299.99, in_stock_count: 1 },
            ],
        });
    });
    it("stops on SIGTERM with exit 0 after finishing an in-flight request", async () => {
        await new Promise((r) => setTimeout(r, 2_000));
        figures["catalogue-api"]!.idleRssKiB = idleRss("catalogue-api");
        await assertGracefulStop("catalogue-api", "/catalogue");
    });
});

describe("private-service and visits-api (the App Runner VPC demo)", () => {
    before(async () => {
        const privateService = await start("private-service", {
            ECS_CONTAINER_METADATA_URI_V4: `http://127.0.0.1:${proxies["private-service"]!.port}/v4/task-id`,
        });
        const db = await postgres!.createDatabase("ctr_visits");
        await start("visits-api", { ...sqlEnv(db, proxies["visits-api"]!), ECSPRIVATESERVICE: privateService.url });
    });
    it("run like the platforms run them: non-root, no capabilities, no-new-privileges, read-only root", async () => {
        await assertPlatformLike("private-service");
        await assertPlatformLike("visits-api");
    });
    it("answer 200 healthy on /health", async () => {
        await assertHealthy("private-service");
        await assertHealthy("visits-api");
    });
    it("pass the verification steps: visits are registered and listed newest first, the private service's task metadata is relayed", async () => {
        const url = containers["visits-api"]!.url;
        for (let i = 1; i <= 12; i += 1) {
            const res = await request(url, "/", { headers: { "user-agent": `container-browser/${i}` } });
            assert.equal(res.status, 200, res.text);
            assert.deepEqual(res.body, { Response: "Registered request" });
        }
        const recent = await request(url, "/recent-visits");
        assert.equal(recent.body.count, 10);
        assert.deepEqual(
            recent.body.Response.map((v: { user_agent: string }) => v.user_agent),
            Array.from({ length: 10 }, (_, k) => `container-browser/${12 - k}`),
        );
        const direct = await request(containers["private-service"]!.url, "/");
        assert.equal(direct.status, 200, direct.text);
        const relayed = await request(url, "/ecs-private-service");
        assert.equal(relayed.status, 200, relayed.text);
        assert.deepEqual(relayed.body, { Response: direct.body });
        assert.equal(JSON.stringify(relayed.body).includes(TASK_DOCUMENT.TaskARN), true);
    });
    it("stop on SIGTERM with exit 0 after finishing an in-flight request", async () => {
        await new Promise((r) => setTimeout(r, 2_000));
        figures["visits-api"]!.idleRssKiB = idleRss("visits-api");
        figures["private-service"]!.idleRssKiB = idleRss("private-service");
        await assertGracefulStop("visits-api", "/recent-visits");
        await assertGracefulStop("private-service", "/");
    });
});

describe("tracing switched on (visits-api → private-service)", () => {
    it("the images export one trace per request, across both services, to an OTLP receiver (http/protobuf)", async () => {
        const receiver = await startOtlpReceiver();
        try {
            const otel = { OTEL_SDK_DISABLED: "false", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "100" };
            const upstream = await runContainer(
                `${containerName("private-service")}-traced`,
                imageName("private-service"),
                await freePort(),
                {
                    ECS_CONTAINER_METADATA_URI_V4: `http://127.0.0.1:${proxies["private-service"]!.port}/v4/task-id`,
                    ...otel,
                },
            );
            const db = await postgres!.createDatabase("ctr_traced");
            const api = await runContainer(`${containerName("visits-api")}-traced`, imageName("visits-api"), await freePort(), {
                ...sqlEnv(db, proxies["visits-api"]!),
                ECSPRIVATESERVICE: upstream.url,
                ...otel,
            });
            await waitForReady("visits-api", api.url);
            assert.equal((await request(api.url, "/")).status, 200);
            assert.equal((await request(api.url, "/ecs-private-service")).status, 200);
            // The batch processor exports every 100 ms (OTEL_BSP_SCHEDULE_DELAY). Wait for the spans here, before the
            // containers are stopped: podman() blocks this process, receiver included, while a container drains.
            const exported = (): boolean =>
                requestTraces(receiver.spans, "visits-api").length === 2 &&
                receiver.spans.some((s) => s.resource["service.name"] === "private-service" && s.kind === SPAN_KIND.SERVER);
            for (const deadline = Date.now() + 20_000; !exported() && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 100));
            const seen = receiver.spans.map(
                (s) => `${String(s.resource["service.name"])} ${s.kind} ${s.name} ${s.traceId.slice(0, 8)}/${s.parentSpanId || "root"}`,
            );
            assert.ok(exported(), `${JSON.stringify(receiver.requests)}\n${seen.join("\n")}`);
            for (const c of [api, upstream]) {
                podman(["kill", "--signal", "TERM", c.name]);
                assert.equal(Number(podman(["wait", c.name]).stdout.trim()), 0, logs(c.name));
            }
            const traces = requestTraces(receiver.spans, "visits-api");
            const visit = traces.find((t) => t.some((s) => s.parentSpanId === "" && s.attributes["http.route"] === "/"));
            assert.ok(
                visit?.some((s) => s.scope === "@opentelemetry/instrumentation-pg"),
                "GET / → an INSERT span (pg) in its trace",
            );
            const callee = receiver.spans.filter((s) => s.resource["service.name"] === "private-service" && s.kind === SPAN_KIND.SERVER);
            assert.equal(callee.length, 1);
            const trace = traces.find((t) => t[0].traceId === callee[0].traceId);
            assert.ok(trace, "private-service's span is in one of visits-api's request traces");
            assert.equal(ancestors(callee[0], trace).at(-1)?.resource["service.name"], "visits-api");
        } finally {
            await receiver.close();
        }
    });
});
