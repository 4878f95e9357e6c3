import { randomUUID } from "node:crypto";
import type { RunningServer } from "@serverless-containers/service-kit";
import { request, startDynalite, type DynaliteHandle, type JsonResponse } from "../../../scripts/test-db";
import { startProductsApi } from "../src/server";
import { appEnv, holdingProxy, liveItemsNamed } from "./helpers";

describe("products-api Idempotency-Key against dynalite (conditional put)", () => {
    let dynamo: DynaliteHandle;
    let proxy: Awaited<ReturnType<typeof holdingProxy>>;
    let app: RunningServer;
    const table = "ProductsIdem";

    const itemsNamed = (name: string): Promise<number> => liveItemsNamed(dynamo.endpoint, table, name);

    beforeAll(async () => {
        dynamo = await startDynalite();
        proxy = await holdingProxy(dynamo.endpoint);
        app = await startProductsApi(appEnv(proxy.url, table));
    });

    afterAll(async () => {
        proxy?.release();
        await app?.stop();
        await proxy?.close();
        await dynamo?.destroy();
    });

    it("when a create is retried with the same key and body, then the original 201 is replayed, one item exists, and GET shows no internal attributes", async () => {
        const key = randomUUID();
        const json = { name: "idem product", price: 4.25, category: "idem" };
        const first = await request(app.url, "/products", { method: "POST", json, headers: { "Idempotency-Key": key } });
        const again = await request(app.url, "/products", { method: "POST", json, headers: { "Idempotency-Key": key } });
        const other = await request(app.url, "/products", {
            method: "POST",
            json: { ...json, price: 5 },
            headers: { "Idempotency-Key": key },
        });

        expect(first.status).toBe(201);
        expect(again.status).toBe(201);
        expect(again.body).toEqual(first.body);
        expect(again.headers.get("idempotent-replayed")).toBe("true");
        expect(other.status).toBe(422);
        expect(other.body).toEqual({ error: "idempotency_key_reused", message: expect.any(String) });
        expect(await itemsNamed("idem product")).toBe(1);
        const fetched = await request(app.url, `/products/${first.body.productId}`);
        expect(Object.keys(fetched.body).sort()).toEqual(["category", "createdAt", "description", "name", "price", "productId"]);
    });

    it("when DynamoDB hangs during a create, then the keyed create answers 503 and the unkeyed one 504 outcome-unknown; the keyed create retried afterwards exists exactly once", async () => {
        const key = randomUUID();
        const json = { name: "idem hang product", price: 7, category: "hang" };

        proxy.hold();
        let keyed: JsonResponse;
        let unkeyed: JsonResponse;
        try {
            [keyed, unkeyed] = await Promise.all([
                request(app.url, "/products", { method: "POST", json, headers: { "Idempotency-Key": key } }),
                request(app.url, "/products", { method: "POST", json: { name: "idem hang unkeyed", price: 1 } }),
            ]);
        } finally {
            proxy.release(); // the held puts now reach dynalite: the writes happen after their clients gave up
        }
        expect(keyed.status).toBe(503);
        expect(unkeyed.status).toBe(504);
        expect(unkeyed.body).toEqual({
            error: "write_outcome_unknown",
            message: expect.stringContaining("may or may not have been stored"),
        });

        const retried = await request(app.url, "/products", { method: "POST", json, headers: { "Idempotency-Key": key } });
        expect(retried.status).toBe(201);
        expect(retried.body).toEqual(expect.objectContaining(json));
        expect(await itemsNamed("idem hang product")).toBe(1);
    }, 90_000);
});
