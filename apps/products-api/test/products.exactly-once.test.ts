import { randomUUID } from "node:crypto";
import type { RunningServer } from "@serverless-containers/service-kit";
import { rawRequest, request, startDynalite, type DynaliteHandle } from "../../../scripts/test-db";
import { startProductsApi } from "../src/server";
import { appEnv, holdingProxy, liveItemsNamed } from "./helpers";

/**
 * The answers' contract against dynalite behind a proxy that can hold requests (DynamoDB hanging):
 * 503 + Retry-After = nothing happened; 504 write_outcome_unknown = it may have happened; nothing a request
 * does starts after its answer; within its lifetime a key replays its first answer.
 */
const DEADLINE_MS = 1_500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("products-api: exactly once on every path (DynamoDB held by a proxy)", () => {
    let dynamo: DynaliteHandle;
    let proxy: Awaited<ReturnType<typeof holdingProxy>>;
    let app: RunningServer;
    const table = "ProductsExactlyOnce";

    const itemsNamed = (name: string): Promise<number> => liveItemsNamed(dynamo.endpoint, table, name);

    beforeAll(async () => {
        dynamo = await startDynalite();
        proxy = await holdingProxy(dynamo.endpoint);
        app = await startProductsApi(appEnv(proxy.url, table, { REQUEST_DEADLINE_MS: String(DEADLINE_MS) }));
    });

    afterAll(async () => {
        proxy?.release();
        await app?.stop();
        await proxy?.close();
        await dynamo?.destroy();
    });

    /** Runs `send` while the proxy holds DynamoDB's requests, then lets them through (they are applied late). */
    async function whileHeld<T>(send: () => Promise<T>): Promise<T> {
        proxy.hold();
        try {
            return await send();
        } finally {
            proxy.release();
        }
    }

    it("when a create is spelled /PRODUCTS, /products/ or http://host/products and DynamoDB hangs past the deadline, then it is never answered 503 'retry later' while the product is stored", async () => {
        const spellings = ["/PRODUCTS", "/products/", "absolute"];
        const answers = await whileHeld(() =>
            Promise.all(
                spellings.map((path, i) => {
                    const json = { name: `spelling-${i}-${randomUUID()}`, price: 1 };
                    const sent =
                        path === "absolute"
                            ? rawRequest(app.url, "/products", {
                                  method: "POST",
                                  absoluteForm: true,
                                  headers: { "content-type": "application/json" },
                                  body: JSON.stringify(json),
                              })
                            : request(app.url, path, { method: "POST", json });
                    return sent.then((res) => ({ res, name: json.name }));
                }),
            ),
        );
        await sleep(500);
        const outcomes = await Promise.all(
            answers.map(async ({ res, name }, i) => ({
                spelling: spellings[i],
                status: res.status,
                error: res.body?.error,
                stored: await itemsNamed(name),
            })),
        );
        expect(outcomes.filter((o) => o.status === 503 && o.stored > 0)).toEqual([]);
        expect(outcomes.map((o) => `${o.spelling}: ${o.status} ${o.error}`)).toEqual(
            spellings.map((s) => `${s}: 504 write_outcome_unknown`),
        );
    }, 30_000);

    it("when DynamoDB hangs during a create, then no SDK attempt leaves the app after the answer", async () => {
        const name = `attempts-${randomUUID()}`;
        const answeredAt = await whileHeld(async () => {
            const res = await request(app.url, "/products", { method: "POST", json: { name, price: 1 } });
            const at = Date.now();
            expect(res.status).toBe(504);
            // Long enough for the SDK's next attempt (per-attempt timeout 5 s, then a retry).
            await sleep(6_500);
            return at;
        });
        const attempts = proxy.arrivals().filter((a) => a.body.includes(name));
        expect(attempts.length).toBeGreaterThan(0);
        expect(attempts.filter((a) => a.at > answeredAt).map((a) => ({ target: a.target, msAfterAnswer: a.at - answeredAt }))).toEqual([]);
    }, 30_000);

    it("when DynamoDB hangs during a DELETE that is applied, then the answer is 504 write_outcome_unknown, not 503 'retry later'", async () => {
        const created = await request(app.url, "/products", { method: "POST", json: { name: `delete-hang-${randomUUID()}`, price: 1 } });
        expect(created.status).toBe(201);
        const id = created.body.productId as string;
        const answer = await whileHeld(() => request(app.url, `/products/${id}`, { method: "DELETE" }));
        await sleep(500);
        expect((await request(app.url, `/products/${id}`)).status).toBe(404); // the held DeleteItem was applied
        expect({ status: answer.status, error: answer.body?.error, retryAfter: answer.headers.get("retry-after") }).toEqual({
            status: 504,
            error: "write_outcome_unknown",
            retryAfter: null,
        });
    }, 30_000);

    it("when a DELETE carries an Idempotency-Key, then an invalid key is 400 and deletes nothing, and a retry with the same key replays the 200", async () => {
        const created = await request(app.url, "/products", { method: "POST", json: { name: `delete-key-${randomUUID()}`, price: 1 } });
        const id = created.body.productId as string;

        const invalid = await request(app.url, `/products/${id}`, { method: "DELETE", headers: { "Idempotency-Key": "x".repeat(300) } });
        expect(invalid.status).toBe(400);
        expect((await request(app.url, `/products/${id}`)).status).toBe(200);

        const key = randomUUID();
        const first = await request(app.url, `/products/${id}`, { method: "DELETE", headers: { "Idempotency-Key": key } });
        const retried = await request(app.url, `/products/${id}`, { method: "DELETE", headers: { "Idempotency-Key": key } });
        const otherKey = await request(app.url, `/products/${id}`, { method: "DELETE", headers: { "Idempotency-Key": randomUUID() } });

        expect(first.status).toBe(200);
        expect({ status: retried.status, body: retried.body, replayed: retried.headers.get("idempotent-replayed") }).toEqual({
            status: 200,
            body: first.body,
            replayed: "true",
        });
        expect(otherKey.status).toBe(404);
        expect((await request(app.url, `/products/${id}`)).status).toBe(404);
    });

    it("when a product created with a key is deleted and the create is retried with that key, then the first 201 is replayed and nothing is re-created", async () => {
        const key = randomUUID();
        const json = { name: `recreate-${randomUUID()}`, price: 2.5, category: "idem" };
        const first = await request(app.url, "/products", { method: "POST", json, headers: { "Idempotency-Key": key } });
        expect(first.status).toBe(201);
        expect((await request(app.url, `/products/${first.body.productId}`, { method: "DELETE" })).status).toBe(200);

        const again = await request(app.url, "/products", { method: "POST", json, headers: { "Idempotency-Key": key } });

        expect({ status: again.status, body: again.body, replayed: again.headers.get("idempotent-replayed") }).toEqual({
            status: 201,
            body: first.body,
            replayed: "true",
        });
        expect((await request(app.url, `/products/${first.body.productId}`)).status).toBe(404);
        expect(await itemsNamed(json.name)).toBe(0);
        const listed = await request(app.url, "/products?limit=100");
        expect(listed.body.products.map((p: { productId: string }) => p.productId)).not.toContain(first.body.productId);
    });
});
