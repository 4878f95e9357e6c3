import type { RunningServer } from "@serverless-containers/service-kit";
import { request, startMariaDb, type SqlServerHandle, type TestDatabase } from "../../../scripts/test-db";
import { startAppOn } from "./helpers";

describe("catalogue-api against a real MariaDB (the original lab guide's verification steps)", () => {
    let server: SqlServerHandle;
    let app: RunningServer;
    let db: TestDatabase;

    beforeAll(async () => {
        server = await startMariaDb();
        ({ app, db } = await startAppOn(server, "catalogue_verify"));
    }, 60_000);

    afterAll(async () => {
        await app?.stop();
        await server?.destroy();
    }, 60_000);

    it("when the database answers, then liveness /health is 200 healthy (the seed's word) and readiness /ready is 200 ready", async () => {
        const res = await request(app.url, "/health");
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ status: "healthy" });
        const ready = await request(app.url, "/ready");
        expect(ready.status).toBe(200);
        expect(ready.body).toEqual({ status: "ready" });
    });

    it("when the three seed items are posted, then the list shows 3 newest first and stats group them by category", async () => {
        const seed = [
            { name: "Aurora Widget", price: 49.99, category: "electronics" },
            { name: "Aurora Chair", price: 299.99, category: "furniture" },
            { name: "Aurora Keyboard", price: 89.99, category: "electronics" },
        ];
        const created = [];
        for (const item of seed) {
            const res = await request(app.url, "/catalogue", { method: "POST", json: item });
            expect(res.status).toBe(201);
            expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), ...item, in_stock: true });
            expect(res.headers.get("location")).toBe(`/catalogue/${res.body.id}`);
            created.push(res.body);
        }

        const list = await request(app.url, "/catalogue");
        expect(list.status).toBe(200);
        expect(list.body.count).toBe(3);
        expect(list.body.items.map((i: { name: string }) => i.name)).toEqual(["Aurora Keyboard", "Aurora Chair", "Aurora Widget"]);
        expect(list.body.items[0]).toEqual({ ...created[2], created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

        const stats = await request(app.url, "/catalogue/stats");
        expect(stats.status).toBe(200);
        expect(stats.body).toEqual({
            stats: [
                { category: "electronics", item_count: 2, avg_price: 69.99, total_value: 139.98, in_stock_count: 2 },
                { category: "furniture", item_count: 1, avg_price: 299.99, total_value: 299.99, in_stock_count: 1 },
            ],
        });

        const rows = await server.adminQuery<{ n: number }>("SELECT COUNT(*) AS n FROM catalogue", [], db.database);
        expect(Number(rows[0].n)).toBe(3);
    });

    it("when an item is fetched by id, then it is returned; when the id is unknown, then 404 JSON", async () => {
        const created = await request(app.url, "/catalogue", {
            method: "POST",
            json: { name: "Out of stock lamp", price: 10, category: "lighting", in_stock: false },
        });
        const found = await request(app.url, `/catalogue/${created.body.id}`);
        expect(found.status).toBe(200);
        expect(found.body).toMatchObject({ id: created.body.id, name: "Out of stock lamp", price: 10, in_stock: false });

        const missing = await request(app.url, "/catalogue/00000000-0000-4000-8000-000000000000");
        expect(missing.status).toBe(404);
        expect(missing.body).toEqual({ error: "not_found", message: expect.stringContaining("not found") });
    });

    it("when /catalogue?limit=1 is asked, then only the newest item is returned", async () => {
        const res = await request(app.url, "/catalogue?limit=1");
        expect(res.status).toBe(200);
        expect(res.body.count).toBe(1);
        expect(res.body.items[0].name).toBe("Out of stock lamp");
    });

    it("when /docs is fetched, then it is an OpenAPI 3.1 document describing every route", async () => {
        const res = await request(app.url, "/docs");
        expect(res.status).toBe(200);
        expect(res.body.openapi).toBe("3.1.0");
        expect(Object.keys(res.body.paths).sort()).toEqual(["/catalogue", "/catalogue/stats", "/catalogue/{id}", "/health", "/ready"]);
        expect(res.body.paths["/catalogue"].post.requestBody.content["application/json"].schema.required).toEqual(["name", "price"]);
    });

    it("when any response is sent, then helmet headers and a request id are present", async () => {
        const res = await request(app.url, "/health", { headers: { "x-request-id": "abc-123" } });
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        expect(res.headers.get("x-powered-by")).toBeNull();
        expect(res.headers.get("x-request-id")).toBe("abc-123");
    });
});

describe("catalogue-api with DB_TLS=true", () => {
    let server: SqlServerHandle;

    beforeAll(async () => {
        server = await startMariaDb();
    }, 60_000);

    afterAll(async () => {
        await server?.destroy();
    }, 60_000);

    it("when the server cannot offer TLS signed by the RDS CAs, then the pool refuses to connect rather than fall back to plaintext", async () => {
        const { createPool, endPool } = await import("../src/data/pool");
        const { CatalogueRepository } = await import("../src/data/catalogue-repository");
        const db = await server.createDatabase("catalogue_tls");
        const pool = createPool({ ...db, tls: true, poolMax: 1, connectTimeoutMs: 2_000, queryTimeoutMs: 2_000 });
        try {
            await expect(new CatalogueRepository(pool, 2_000).ping(2_000)).rejects.toThrow();
        } finally {
            await endPool(pool);
        }
        const plain = createPool({ ...db, tls: false, poolMax: 1, connectTimeoutMs: 2_000, queryTimeoutMs: 2_000 });
        try {
            await expect(new CatalogueRepository(plain, 2_000).ping(2_000)).resolves.toBeUndefined();
        } finally {
            await endPool(plain);
        }
    });
});
