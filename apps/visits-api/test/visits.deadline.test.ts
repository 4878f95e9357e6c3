import { randomUUID } from "node:crypto";
import { createLogger, runWithDeadline } from "@serverless-containers/service-kit";
import { startLoad } from "../../../scripts/test-db";
import { createPool, endPool } from "../src/data/pool";
import { appOnPostgres } from "./helpers";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Each request runs under its OWN deadline. pg-pool hands a freed client to the next waiting request from inside
 * the releasing query's callback, i.e. in the async context of whoever opened that connection: a deadline read
 * there is another (older, possibly long past) request's.
 */
describe("visits-api: every request runs under its own deadline on a healthy PostgreSQL", () => {
    // 2 s: long enough that a loaded 2-core machine answers within it, short enough that the load below spans
    // several deadlines.
    const t = appOnPostgres("visits_deadline", { REQUEST_DEADLINE_MS: "2000" });

    it("when a client opened by a request whose deadline has passed is handed to a waiting request, then that request's statement still runs under its own deadline", async () => {
        const pool = createPool(
            { ...t.db, tls: false, poolMax: 1, connectTimeoutMs: 5_000, queryTimeoutMs: 10_000 },
            createLogger("t", "silent"),
        );
        try {
            // The pool's only connection is opened by a request whose deadline then passes. (The deadline must
            // outlast opening the connection, which a loaded machine can take well over 50 ms to do.)
            await runWithDeadline(1_000, () => pool.query("SELECT 1"));
            await sleep(1_100);
            // Two fresh requests with 5 s each: the second waits for the client the first releases.
            const holder = runWithDeadline(5_000, () => pool.query("SELECT pg_sleep(0.2)"));
            const waiter = runWithDeadline(5_000, () => pool.query("SELECT 2 AS n"));
            const [, second] = await Promise.allSettled([holder, waiter]).then((results) =>
                results.map((r) => (r.status === "fulfilled" ? "ok" : `${(r.reason as Error).name}: ${(r.reason as Error).message}`)),
            );
            expect(second).toBe("ok");
        } finally {
            await endPool(pool);
        }
    });

    it("when 32 keep-alive clients read /recent-visits (pool 10) with /ready and keyed visits mixed in for several deadlines, then every answer is 2xx", async () => {
        const load = startLoad(t.app.url, 32, (i, marker) =>
            i % 16 === 0
                ? { method: "GET", path: "/ready" }
                : i % 16 === 8
                  ? { method: "GET", path: "/", headers: { "user-agent": marker, "idempotency-key": randomUUID() } }
                  : { method: "GET", path: "/recent-visits?limit=5" },
        );
        await sleep(6_500);
        const outcomes = await load.stop();

        expect(outcomes.length).toBeGreaterThan(100);
        expect(
            outcomes
                .filter((o) => o.status === undefined || o.status >= 300)
                .map((o) => ({ path: o.path, status: o.status ?? o.error, ms: o.ms })),
        ).toEqual([]);
    }, 60_000);
});
