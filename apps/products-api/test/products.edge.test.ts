import type { RunningServer } from "@serverless-containers/service-kit";
import { eventually, freePort, request, spawnApp, startDynalite, type DynaliteHandle } from "../../../scripts/test-db";
import { encodeCursor } from "../src/data/products-repository";
import { startProductsApi } from "../src/server";
import { appEnv, holdingProxy } from "./helpers";

const valid = { name: "Widget", price: 10, category: "demo" };

const badCases: ReadonlyArray<{
    name: string;
    method?: string;
    path: string;
    json?: unknown;
    body?: string;
    headers?: Record<string, string>;
    status: number;
    error: string;
    field?: string;
}> = [
    { name: "name is missing", method: "POST", path: "/products", json: { price: 1 }, status: 400, error: "bad_request", field: "name" },
    { name: "price is missing", method: "POST", path: "/products", json: { name: "x" }, status: 400, error: "bad_request", field: "price" },
    {
        name: "price is a string",
        method: "POST",
        path: "/products",
        json: { ...valid, price: "19.99" },
        status: 400,
        error: "bad_request",
        field: "price",
    },
    {
        name: "price is negative",
        method: "POST",
        path: "/products",
        json: { ...valid, price: -0.01 },
        status: 400,
        error: "bad_request",
        field: "price",
    },
    {
        name: "price has three decimals",
        method: "POST",
        path: "/products",
        json: { ...valid, price: 0.001 },
        status: 400,
        error: "bad_request",
        field: "price",
    },
    {
        name: "name is 201 characters",
        method: "POST",
        path: "/products",
        json: { ...valid, name: "n".repeat(201) },
        status: 400,
        error: "bad_request",
        field: "name",
    },
    {
        name: "description is a number",
        method: "POST",
        path: "/products",
        json: { ...valid, description: 5 },
        status: 400,
        error: "bad_request",
        field: "description",
    },
    {
        name: "description contains NUL",
        method: "POST",
        path: "/products",
        json: { ...valid, description: "a\u0000b" },
        status: 400,
        error: "bad_request",
        field: "description",
    },
    {
        name: "price has nine decimals",
        method: "POST",
        path: "/products",
        json: { ...valid, price: 1.000000001 },
        status: 400,
        error: "bad_request",
        field: "price",
    },
    {
        name: "description contains a control character",
        method: "POST",
        path: "/products",
        json: { ...valid, description: "ring\u0007bell" },
        status: 400,
        error: "bad_request",
        field: "description",
    },
    {
        name: "description contains a lone surrogate",
        method: "POST",
        path: "/products",
        json: { ...valid, description: "half \ud800 pair" },
        status: 400,
        error: "bad_request",
        field: "description",
    },
    {
        name: "productId is supplied by the client",
        method: "POST",
        path: "/products",
        json: { ...valid, productId: "mine" },
        status: 400,
        error: "bad_request",
    },
    {
        name: "the JSON is malformed",
        method: "POST",
        path: "/products",
        body: "{",
        headers: { "content-type": "application/json" },
        status: 400,
        error: "malformed_json",
    },
    {
        name: "the content type is form-encoded",
        method: "POST",
        path: "/products",
        body: "name=x&price=1",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        status: 415,
        error: "unsupported_media_type",
    },
    {
        name: "the body is 10 MB",
        method: "POST",
        path: "/products",
        body: `{"name":"${"a".repeat(10 * 1024 * 1024)}"}`,
        headers: { "content-type": "application/json" },
        status: 413,
        error: "payload_too_large",
    },
    { name: "limit is zero", path: "/products?limit=0", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is above 100", path: "/products?limit=101", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is not a number", path: "/products?limit=ten", status: 400, error: "bad_request", field: "limit" },
    { name: "the cursor is garbage", path: "/products?cursor=not-a-cursor", status: 400, error: "bad_request", field: "cursor" },
    {
        name: "the cursor is forged with extra keys",
        path: `/products?cursor=${encodeCursor({ productId: "a", admin: true })}`,
        status: 400,
        error: "bad_request",
        field: "cursor",
    },
    {
        name: "the cursor is valid base64 of a non-object",
        path: `/products?cursor=${Buffer.from("[1]").toString("base64url")}`,
        status: 400,
        error: "bad_request",
        field: "cursor",
    },
    {
        name: "the id has illegal characters",
        path: `/products/${encodeURIComponent("a b;DROP")}`,
        status: 400,
        error: "bad_request",
        field: "id",
    },
    { name: "the id is 65 characters", path: `/products/${"a".repeat(65)}`, status: 400, error: "bad_request", field: "id" },
    { name: "the id is unknown", path: "/products/does-not-exist", status: 404, error: "not_found" },
    { name: "an unknown id is deleted", method: "DELETE", path: "/products/does-not-exist", status: 404, error: "not_found" },
    { name: "PUT is sent to /products", method: "PUT", path: "/products", status: 405, error: "method_not_allowed" },
    { name: "the route does not exist", path: "/orders", status: 404, error: "not_found" },
];

describe("products-api edge cases against dynalite", () => {
    let dynamo: DynaliteHandle;
    let app: RunningServer;

    beforeAll(async () => {
        dynamo = await startDynalite();
        app = await startProductsApi(appEnv(dynamo.endpoint, "ProductsEdge"));
    });

    afterAll(async () => {
        await app?.stop();
        await dynamo?.destroy();
    });

    it.each(badCases.map((c) => [c.name, c] as const))("when %s, then a JSON 4xx is returned", async (_name, c) => {
        const res = await request(app.url, c.path, { method: c.method ?? "GET", json: c.json, body: c.body, headers: c.headers });
        expect(res.status).toBe(c.status);
        expect(res.body).toMatchObject({ error: c.error, message: expect.any(String) });
        if (c.field !== undefined) expect(res.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: c.field })]));
    });

    it("when names are unicode and injection-like, then they round-trip verbatim", async () => {
        for (const name of ["Ünïcødé 漢字 😀", "'; DROP TABLE products; --", '{"$ne": null}']) {
            const created = await request(app.url, "/products", { method: "POST", json: { name, price: 1 } });
            expect(created.status).toBe(201);
            expect((await request(app.url, `/products/${created.body.productId}`)).body.name).toBe(name);
        }
    });

    it("when DynamoDB is unreachable, then writes, reads and /ready answer 503 with Retry-After and liveness /health stays 200; when it is back, then the same process serves again", async () => {
        await dynamo.stop();
        const write = await request(app.url, "/products", { method: "POST", json: valid });
        expect(write.status).toBe(503);
        expect(write.headers.get("retry-after")).toBe("5");
        expect(write.body).toEqual({ error: "service_unavailable", message: expect.any(String) });
        expect((await request(app.url, "/products")).status).toBe(503);
        expect((await request(app.url, "/health")).status).toBe(200);
        const ready = await request(app.url, "/ready");
        expect(ready.status).toBe(503);
        expect(ready.headers.get("retry-after")).toBe("5");

        await dynamo.start();
        // dynalite keeps data in memory: the restarted instance has no table, which is also a 503.
        expect((await request(app.url, "/products")).status).toBe(503);
        const { createDocumentClient, ensureLocalTable } = await import("../src/data/dynamo");
        const { client } = createDocumentClient({ region: "us-east-1", endpoint: dynamo.endpoint });
        await ensureLocalTable(client, "ProductsEdge");
        client.destroy();
        await eventually(
            async () => (await request(app.url, "/products", { method: "POST", json: valid })).status === 201,
            "201 after restart",
        );
    });
});

describe("products-api graceful shutdown (real process)", () => {
    it("when SIGTERM arrives while writes are in flight, then they complete with 201 and the process exits 0", async () => {
        const dynamo = await startDynalite();
        const proxy = await holdingProxy(dynamo.endpoint);
        const port = await freePort();
        const app = spawnApp(
            "apps/products-api/src/server.ts",
            appEnv(proxy.url, "ProductsShutdown", { PORT: String(port), LOG_LEVEL: "info" }),
        );
        try {
            await app.waitForLog((l) => l.msg === "listening", "listening");
            proxy.hold();
            const inFlight = [1, 2, 3].map((i) =>
                request(`http://127.0.0.1:${port}`, "/products", { method: "POST", json: { name: `in-flight-${i}`, price: i } }),
            );
            await eventually(async () => proxy.held() === 3, "three PutItem calls held");
            app.child.kill("SIGTERM");
            await app.waitForLog((l) => l.msg === "shutting down: draining in-flight requests", "drain started");
            proxy.release();
            expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([201, 201, 201]);
            expect(await app.exited).toEqual({ code: 0, signal: null });
        } finally {
            if (app.child.exitCode === null) app.child.kill("SIGKILL");
            await proxy.close();
            await dynamo.destroy();
        }
    }, 20_000); // spawn + drain (the idle keep-alive window is up to 1 s) exceed Jest's 5 s default on a loaded machine
});
