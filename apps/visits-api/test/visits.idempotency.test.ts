import { randomUUID } from "node:crypto";
import { rawRequest, request, runBounded, type JsonResponse } from "../../../scripts/test-db";
import { appOnPostgres, visitsBy } from "./helpers";

async function recordUntilAnswered(url: string, userAgent: string, key: string): Promise<JsonResponse> {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) {
        const res = await request(url, "/", { headers: { "User-Agent": userAgent, "Idempotency-Key": key } });
        statuses.push(res.status);
        if (res.status !== 409 && res.status !== 503) return res;
        await new Promise((r) => setTimeout(r, Math.min(Number(res.headers.get("retry-after") ?? "1"), 5) * 1000));
    }
    throw new Error(`no final answer after 30 attempts: ${statuses.join(",")}`);
}

describe("visits-api Idempotency-Key and HEAD against a real PostgreSQL", () => {
    const t = appOnPostgres("visits_idem", { DB_QUERY_TIMEOUT_MS: "1000", DB_CONNECT_TIMEOUT_MS: "1000" }, { requireManaged: true });

    it("when HEAD / is sent, then it answers like GET and records no visit", async () => {
        const res = await rawRequest(t.app.url, "/", { method: "HEAD", headers: { "User-Agent": "head-probe" } });

        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/application\/json/);
        expect(res.text).toBe("");
        expect(await visitsBy(t.server, t.db, "head-probe")).toBe(0);
    });

    it("when a visit is retried with the same key, then it is recorded once and the answer is replayed; another User-Agent with that key is 422", async () => {
        const key = randomUUID();
        const first = await request(t.app.url, "/", { headers: { "User-Agent": "idem-agent", "Idempotency-Key": key } });
        const again = await request(t.app.url, "/", { headers: { "User-Agent": "idem-agent", "Idempotency-Key": key } });
        const other = await request(t.app.url, "/", { headers: { "User-Agent": "idem-other-agent", "Idempotency-Key": key } });

        expect(first.status).toBe(200);
        expect(again.status).toBe(200);
        expect(again.body).toEqual(first.body);
        expect(again.headers.get("idempotent-replayed")).toBe("true");
        expect(other.status).toBe(422);
        expect(other.body).toEqual({ error: "idempotency_key_reused", message: expect.any(String) });
        expect(await visitsBy(t.server, t.db, "idem-agent")).toBe(1);
        expect(await visitsBy(t.server, t.db, "idem-other-agent")).toBe(0);
    });

    it("when the database hangs (SIGSTOP) during visits, then keyed ones answer 503 and an unkeyed one 504 outcome-unknown; every keyed visit retried after the hang is recorded exactly once", async () => {
        await runBounded(4, 4, () => request(t.app.url, "/recent-visits?limit=1"));
        const agents = Array.from({ length: 4 }, (_, i) => ({ agent: `idem-hang-${i}-${randomUUID()}`, key: randomUUID() }));

        await t.server.pause();
        let during: JsonResponse[];
        let unkeyed: JsonResponse;
        try {
            unkeyed = await request(t.app.url, "/", { headers: { "User-Agent": "idem-hang-unkeyed" } });
            during = await Promise.all(
                agents.map((a) => request(t.app.url, "/", { headers: { "User-Agent": a.agent, "Idempotency-Key": a.key } })),
            );
        } finally {
            await t.server.resume();
        }

        expect(unkeyed.status).toBe(504);
        expect(unkeyed.body).toEqual({
            error: "write_outcome_unknown",
            message: expect.stringContaining("may or may not have been stored"),
        });
        for (const res of during) {
            expect(res.status).toBe(503);
            expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        }
        for (const a of agents) {
            const final = await recordUntilAnswered(t.app.url, a.agent, a.key);
            expect(final.status).toBe(200);
            expect(await visitsBy(t.server, t.db, a.agent)).toBe(1);
        }
    }, 90_000);
});
