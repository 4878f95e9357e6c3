import { Client } from "pg";
import { eventually, freePort, request, spawnApp, startPostgres, type SqlServerHandle, type TestDatabase } from "../../../scripts/test-db";
import { appEnv } from "./helpers";

describe("visits-api graceful shutdown (real process)", () => {
    let server: SqlServerHandle;
    let db: TestDatabase;

    beforeAll(async () => {
        server = await startPostgres();
        db = await server.createDatabase("visits_shutdown");
    }, 60_000);

    afterAll(async () => {
        await server?.destroy();
    }, 60_000);

    it("when SIGTERM arrives while visits are being recorded, then they complete with 200 and the process exits 0", async () => {
        const port = await freePort();
        const app = spawnApp("apps/visits-api/src/server.ts", appEnv(db, { PORT: String(port), LOG_LEVEL: "info" }));
        const url = `http://127.0.0.1:${port}`;
        try {
            await app.waitForLog((l) => l.msg === "listening", "listening");
            // The server listens before the schema exists (start-up during an outage); the table is needed below.
            await app.waitForLog((l) => l.msg === "database schema ready", "schema ready");

            // Hold the INSERTs in the database with a table lock so they are in flight when the signal arrives.
            const locker = new Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
            await locker.connect();
            await locker.query("BEGIN");
            await locker.query("LOCK TABLE visits IN ACCESS EXCLUSIVE MODE");
            const inFlight = [1, 2, 3].map((i) => request(url, "/", { headers: { "user-agent": `in-flight-${i}` } }));
            await eventually(async () => {
                const rows = await server.adminQuery<{ n: string }>(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO visits%'",
                    [db.database],
                );
                return Number(rows[0].n) === 3;
            }, "three INSERTs waiting on the lock");

            app.child.kill("SIGTERM");
            await app.waitForLog((l) => l.msg === "shutting down: draining in-flight requests", "drain started");
            await locker.query("COMMIT");
            await locker.end();

            const responses = await Promise.all(inFlight);
            expect(responses.map((r) => [r.status, r.body])).toEqual([1, 2, 3].map(() => [200, { Response: "Registered request" }]));
            expect(await app.exited).toEqual({ code: 0, signal: null });
            expect(app.logs.some((l) => l.msg === "shutdown complete")).toBe(true);

            const rows = await server.adminQuery<{ user_agent: string }>(
                "SELECT user_agent FROM visits ORDER BY user_agent",
                [],
                db.database,
            );
            expect(rows.map((r) => r.user_agent)).toEqual(["in-flight-1", "in-flight-2", "in-flight-3"]);
        } finally {
            if (app.child.exitCode === null) app.child.kill("SIGKILL");
        }
    }, 30_000);

    it("when DB_SECRET is not JSON, then the process exits 1 naming DB_SECRET", async () => {
        const { DB_PASSWORD: _omitted, ...env } = appEnv(db, { PORT: "0", LOG_LEVEL: "info", DB_SECRET: "not-json" });
        const app = spawnApp("apps/visits-api/src/server.ts", env);
        expect((await app.exited).code).toBe(1);
        expect(JSON.stringify(app.logs)).toContain("DB_SECRET");
    }, 30_000);
});
