import { randomUUID } from "node:crypto";
import type { RunningServer } from "@serverless-containers/service-kit";
import {
    eventually,
    request,
    runBounded,
    startMariaDb,
    type JsonResponse,
    type SqlServerHandle,
    type TestDatabase,
} from "../../../scripts/test-db";
import { startCatalogueApi } from "../src/server";
import { appEnv, startAppOn } from "./helpers";

/** Retries a keyed write until it is answered with something other than 409/503, honouring Retry-After (bounded). */
async function retryUntilAnswered(url: string, json: unknown, key: string): Promise<{ final: JsonResponse; attempts: JsonResponse[] }> {
    const attempts: JsonResponse[] = [];
    for (let i = 0; i < 30; i += 1) {
        const res = await request(url, "/catalogue", { method: "POST", json, headers: { "Idempotency-Key": key } });
        attempts.push(res);
        if (res.status !== 409 && res.status !== 503) return { final: res, attempts };
        const wait = Math.min(Number(res.headers.get("retry-after") ?? "1"), 5) * 1000;
        await new Promise((r) => setTimeout(r, wait));
    }
    throw new Error(`no final answer after 30 attempts: ${attempts.map((a) => a.status).join(",")}`);
}

describe("catalogue-api Idempotency-Key against a real MariaDB", () => {
    let server: SqlServerHandle;
    let app: RunningServer;
    let db: TestDatabase;

    const rowsNamed = async (name: string): Promise<number> =>
        Number((await server.adminQuery<{ n: number }>("SELECT COUNT(*) AS n FROM catalogue WHERE name = ?", [name], db.database))[0].n);

    beforeAll(async () => {
        server = await startMariaDb({ requireManaged: true });
        ({ app, db } = await startAppOn(server, "catalogue_idem", { DB_QUERY_TIMEOUT_MS: "1000", DB_CONNECT_TIMEOUT_MS: "1000" }));
    }, 60_000);

    afterAll(async () => {
        await server?.resume().catch(() => undefined);
        await app?.stop();
        await server?.destroy();
    }, 60_000);

    it("when a create is retried with the same key and body, then the original 201 is replayed and one row exists", async () => {
        const key = randomUUID();
        const json = { name: "idem replay", price: 3.5, category: "idem" };
        const first = await request(app.url, "/catalogue", { method: "POST", json, headers: { "Idempotency-Key": key } });
        const again = await request(app.url, "/catalogue", {
            method: "POST",
            json: { category: "idem", price: 3.5, name: "idem replay" },
            headers: { "Idempotency-Key": `"${key}"` },
        });

        expect(first.status).toBe(201);
        expect(first.headers.get("idempotent-replayed")).toBeNull();
        expect(again.status).toBe(201);
        expect(again.body).toEqual(first.body);
        expect(again.headers.get("location")).toBe(first.headers.get("location"));
        expect(again.headers.get("idempotent-replayed")).toBe("true");
        expect(await rowsNamed("idem replay")).toBe(1);
    });

    it("when /docs is read, then POST /catalogue documents the Idempotency-Key header, its answers and the outcome-unknown 504", async () => {
        const docs = await request(app.url, "/docs");
        const post = docs.body.paths["/catalogue"].post;

        expect(post.parameters).toEqual(
            expect.arrayContaining([expect.objectContaining({ name: "Idempotency-Key", in: "header", required: false })]),
        );
        expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["201", "409", "422", "503", "504"]));
        expect(post.description).toMatch(/24 hours/);
    });

    it("when the same key comes with another body, then 422 and nothing more is stored", async () => {
        const key = randomUUID();
        expect(
            (
                await request(app.url, "/catalogue", {
                    method: "POST",
                    json: { name: "idem first", price: 1 },
                    headers: { "Idempotency-Key": key },
                })
            ).status,
        ).toBe(201);

        const reused = await request(app.url, "/catalogue", {
            method: "POST",
            json: { name: "idem second", price: 1 },
            headers: { "Idempotency-Key": key },
        });

        expect(reused.status).toBe(422);
        expect(reused.body).toEqual({ error: "idempotency_key_reused", message: expect.any(String) });
        expect(await rowsNamed("idem second")).toBe(0);
    });

    it("when the key is malformed, then 400 naming the header and nothing is stored", async () => {
        for (const bad of ["x".repeat(256), "", " ", "a\u00e9b"]) {
            const res = await request(app.url, "/catalogue", {
                method: "POST",
                json: { name: "idem bad key", price: 1 },
                headers: { "Idempotency-Key": bad },
            }).catch(
                () => undefined, // fetch refuses some header bytes itself
            );
            if (res === undefined) continue;
            expect(res.status).toBe(400);
            expect(res.body.issues[0]).toEqual({ field: "Idempotency-Key", location: "header", message: expect.any(String) });
        }
        expect(await rowsNamed("idem bad key")).toBe(0);
    });

    it("when another request holds the key (in flight), then 409 with Retry-After and nothing is stored", async () => {
        const key = randomUUID();
        const json = { name: "idem in flight", price: 2, category: "general", in_stock: true };
        // Another instance's claim: pending, lease running. The fingerprint is what this app computes for the body.
        const { requestFingerprint } = await import("@serverless-containers/service-kit");
        await server.adminQuery(
            "INSERT INTO idempotency_keys (scope, idem_key, fingerprint, state, locked_until, expires_at) VALUES ('POST /catalogue', ?, ?, 'pending', UTC_TIMESTAMP(3) + INTERVAL 30 SECOND, UTC_TIMESTAMP(3) + INTERVAL 1 DAY)",
            [key, requestFingerprint(json)],
            db.database,
        );

        const res = await request(app.url, "/catalogue", { method: "POST", json, headers: { "Idempotency-Key": key } });

        expect(res.status).toBe(409);
        expect(res.body).toEqual({ error: "idempotency_key_in_use", message: expect.any(String) });
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(await rowsNamed("idem in flight")).toBe(0);
    });

    it("when a key has expired (24 h), then it may be used again with another body, and expired keys are purged", async () => {
        const key = randomUUID();
        for (const [k, fp] of [
            [key, "0".repeat(64)],
            [`old-${randomUUID()}`, "1".repeat(64)],
            [`old-${randomUUID()}`, "2".repeat(64)],
        ] as const) {
            await server.adminQuery(
                "INSERT INTO idempotency_keys (scope, idem_key, fingerprint, state, locked_until, expires_at, response_status, response_body, response_headers) VALUES ('POST /catalogue', ?, ?, 'done', UTC_TIMESTAMP(3) - INTERVAL 2 DAY, UTC_TIMESTAMP(3) - INTERVAL 1 DAY, 201, '{}', '{}')",
                [k, fp],
                db.database,
            );
        }

        // A fresh instance: each instance purges at most once a minute, starting with its first keyed write.
        const fresh = await startCatalogueApi(appEnv(db));
        await fresh.ready; // the server listens before the schema check; DB routes answer 503 until then
        let reused: JsonResponse;
        try {
            reused = await request(fresh.url, "/catalogue", {
                method: "POST",
                json: { name: "idem after expiry", price: 1 },
                headers: { "Idempotency-Key": key },
            });
        } finally {
            await fresh.stop();
        }

        expect(reused.status).toBe(201);
        expect(reused.headers.get("idempotent-replayed")).toBeNull();
        expect(await rowsNamed("idem after expiry")).toBe(1);
        await eventually(
            async () =>
                Number(
                    (
                        await server.adminQuery<{ n: number }>(
                            "SELECT COUNT(*) AS n FROM idempotency_keys WHERE expires_at <= UTC_TIMESTAMP(3)",
                            [],
                            db.database,
                        )
                    )[0].n,
                ) === 0,
            "expired keys purged",
            50,
            100,
        );
    }, 30_000);

    it("when the database hangs (SIGSTOP) during writes, then keyed writes answer 503 and unkeyed 504 outcome-unknown; every keyed write retried after the hang exists exactly once", async () => {
        // An open pooled connection, so the unkeyed write below is sent (its statement reaches the server).
        await runBounded(4, 4, () => request(app.url, "/catalogue?limit=1"));
        const writes = Array.from({ length: 4 }, (_, i) => ({
            key: randomUUID(),
            json: { name: `idem hang ${i}`, price: 10 + i, category: "hang" },
        }));

        await server.pause();
        let during: JsonResponse[];
        let unkeyed: JsonResponse;
        try {
            unkeyed = await request(app.url, "/catalogue", {
                method: "POST",
                json: { name: "idem hang unkeyed", price: 1, category: "hang" },
            });
            during = await Promise.all(
                writes.map((w) => request(app.url, "/catalogue", { method: "POST", json: w.json, headers: { "Idempotency-Key": w.key } })),
            );
        } finally {
            await server.resume();
        }

        for (const res of during) {
            expect(res.status).toBe(503);
            expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        }
        expect(unkeyed.status).toBe(504);
        expect(unkeyed.body).toEqual({
            error: "write_outcome_unknown",
            message: expect.stringContaining("may or may not have been stored"),
        });

        const finals = await Promise.all(writes.map((w) => retryUntilAnswered(app.url, w.json, w.key)));
        for (const [i, { final }] of finals.entries()) {
            expect(final.status).toBe(201);
            expect(final.body).toEqual(expect.objectContaining({ name: writes[i].json.name, price: writes[i].json.price }));
            expect(await rowsNamed(writes[i].json.name)).toBe(1);
            // One more retry replays the same item.
            const replay = await request(app.url, "/catalogue", {
                method: "POST",
                json: writes[i].json,
                headers: { "Idempotency-Key": writes[i].key },
            });
            expect(replay.status).toBe(201);
            expect(replay.body.id).toBe(final.body.id);
        }
    }, 90_000);
});
