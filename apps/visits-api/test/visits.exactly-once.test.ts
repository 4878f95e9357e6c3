import { randomUUID } from "node:crypto";
import { rawRequest, request, runBounded, type JsonResponse } from "../../../scripts/test-db";
import { appOnPostgres, visitsBy } from "./helpers";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("visits-api: exactly once on every path (PostgreSQL frozen with SIGSTOP)", () => {
    const t = appOnPostgres(
        "visits_exactly_once",
        { REQUEST_DEADLINE_MS: "1500", DB_CONNECT_TIMEOUT_MS: "1000" },
        { requireManaged: true },
    );

    it("when a visit is requested as GET http://host/ and the database hangs past the deadline, then it is never answered 503 'retry later' while it was recorded", async () => {
        for (let i = 0; i < 3; i += 1) await runBounded(8, 8, () => request(t.app.url, "/recent-visits?limit=1"));
        const agent = `absolute-${randomUUID()}`;
        await t.server.pause();
        let answer: JsonResponse;
        try {
            // `GET http://host/ HTTP/1.1`: express routes it to GET /, which records a visit.
            answer = await rawRequest(t.app.url, "/", { absoluteForm: true, headers: { "user-agent": agent } });
        } finally {
            await t.server.resume();
        }
        await sleep(500);
        const stored = await visitsBy(t.server, t.db, agent);
        expect({ status: answer.status, error: answer.body?.error, stored }).toEqual({
            status: 504,
            error: "write_outcome_unknown",
            stored: 1,
        });
    }, 60_000);

    it("when two User-Agents differ only after their 512th character and share one Idempotency-Key, then the second is 422, not a replay of the first", async () => {
        const key = randomUUID();
        const prefix = "Mozilla/5.0 ".padEnd(512, "x");
        const first = await request(t.app.url, "/", { headers: { "User-Agent": `${prefix}-first`, "Idempotency-Key": key } });
        const second = await request(t.app.url, "/", { headers: { "User-Agent": `${prefix}-second`, "Idempotency-Key": key } });
        const again = await request(t.app.url, "/", { headers: { "User-Agent": `${prefix}-first`, "Idempotency-Key": key } });

        expect(first.status).toBe(200);
        expect({ status: second.status, error: second.body?.error }).toEqual({ status: 422, error: "idempotency_key_reused" });
        expect({ status: again.status, replayed: again.headers.get("idempotent-replayed") }).toEqual({ status: 200, replayed: "true" });
    });

    it("when /test-connection is called, then the answer says whether the database is reachable without showing its host or port", async () => {
        const res = await request(t.app.url, "/test-connection");

        expect(res.status).toBe(200);
        expect(res.body.reachable).toBe(true);
        expect(res.text).not.toContain(t.db.host);
        expect(res.text).not.toContain(String(t.db.port));
    });
});
