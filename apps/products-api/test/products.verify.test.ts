import type { RunningServer } from "@serverless-containers/service-kit";
import { request, startDynalite, type DynaliteHandle } from "../../../scripts/test-db";
import { startProductsApi } from "../src/server";
import { appEnv } from "./helpers";

describe("products-api against dynalite (the original lab guides' verification steps for EKS and App Runner)", () => {
    let dynamo: DynaliteHandle;
    let app: RunningServer;

    beforeAll(async () => {
        dynamo = await startDynalite();
        app = await startProductsApi(appEnv(dynamo.endpoint, "ProductsVerify"));
    });

    afterAll(async () => {
        await app?.stop();
        await dynamo?.destroy();
    });

    it("when / , /health and /ready are called, then / names the service and its runtime, liveness answers the seed's words (healthy, service, runtime) and the table answers readiness", async () => {
        const root = await request(app.url, "/");
        expect(root.status).toBe(200);
        expect(root.body).toEqual({
            service: "products-api",
            version: "1.0.0",
            runtime: "eks-fargate",
            timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        });
        const health = await request(app.url, "/health");
        // What the EKS lab's products service answers: {"status": "healthy", "service": "products-api", "runtime": "eks-fargate"}.
        expect(health.body).toEqual({ status: "healthy", service: "products-api", runtime: "eks-fargate" });
        expect((await request(app.url, "/ready")).body).toEqual({ status: "ready" });
    });

    it("when the EKS guide's widget is created, then it is listed", async () => {
        const created = await request(app.url, "/products", {
            method: "POST",
            json: { name: "EKS Widget", price: 29.99, category: "demo" },
        });
        expect(created.status).toBe(201);
        expect(created.body).toEqual({
            productId: expect.stringMatching(/^[0-9a-f-]{36}$/),
            name: "EKS Widget",
            price: 29.99,
            category: "demo",
            description: "",
            createdAt: expect.stringMatching(/^\d{4}-/),
        });
        const list = await request(app.url, "/products");
        expect(list.status).toBe(200);
        expect(list.body.products).toContainEqual(created.body);
        expect(list.body.count).toBe(list.body.products.length);
    });

    it("when the App Runner guide's products are created, then each can be fetched by id and deleted, after which it is 404", async () => {
        const widget = await request(app.url, "/products", {
            method: "POST",
            json: { name: "App Runner Widget", price: 19.99, category: "demo" },
        });
        const pro = await request(app.url, "/products", {
            method: "POST",
            json: { name: "App Runner Pro", price: 99.99, category: "premium", description: "Top tier product" },
        });
        expect([widget.status, pro.status]).toEqual([201, 201]);
        expect(pro.headers.get("location")).toBe(`/products/${pro.body.productId}`);

        const fetched = await request(app.url, `/products/${pro.body.productId}`);
        expect(fetched.status).toBe(200);
        expect(fetched.body).toEqual(pro.body);

        const names = (await request(app.url, "/products")).body.products.map((p: { name: string }) => p.name).sort();
        expect(names).toEqual(["App Runner Pro", "App Runner Widget", "EKS Widget"]);

        const deleted = await request(app.url, `/products/${widget.body.productId}`, { method: "DELETE" });
        expect(deleted.status).toBe(200);
        expect(deleted.body).toEqual({ message: `Product ${widget.body.productId} deleted` });
        const gone = await request(app.url, `/products/${widget.body.productId}`);
        expect(gone.status).toBe(404);
        expect(gone.body).toEqual({ error: "not_found", message: expect.stringContaining("not found") });
        expect((await request(app.url, `/products/${widget.body.productId}`, { method: "DELETE" })).status).toBe(404);
    });

    it("when products are paged with limit and cursor, then every product appears exactly once", async () => {
        for (let i = 0; i < 7; i += 1) {
            expect((await request(app.url, "/products", { method: "POST", json: { name: `Paged ${i}`, price: i } })).status).toBe(201);
        }
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
            const res = await request(app.url, `/products?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
            expect(res.status).toBe(200);
            expect(res.body.count).toBeLessThanOrEqual(3);
            seen.push(...res.body.products.map((p: { productId: string }) => p.productId));
            cursor = res.body.nextCursor;
            pages += 1;
        } while (cursor !== undefined && pages < 20);
        expect(cursor).toBeUndefined();
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.length).toBe(9); // 2 earlier products + 7 paged ones
        expect(pages).toBeGreaterThanOrEqual(3);
    });

    it("when /docs is fetched, then it documents every route", async () => {
        const docs = await request(app.url, "/docs");
        expect(Object.keys(docs.body.paths).sort()).toEqual(["/", "/health", "/products", "/products/{id}", "/ready"]);
        expect(Object.keys(docs.body.paths["/products/{id}"]).sort()).toEqual(["delete", "get"]);
    });
});
