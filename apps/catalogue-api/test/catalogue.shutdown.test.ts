import mysql from "mysql2/promise";
import { eventually, freePort, request, spawnApp, startMariaDb, type SqlServerHandle, type TestDatabase } from "../../../scripts/test-db";
import { appEnv } from "./helpers";

describe("catalogue-api graceful shutdown (real process)", () => {
    let server: SqlServerHandle;
    let db: TestDatabase;

    beforeAll(async () => {
        server = await startMariaDb();
        db = await server.createDatabase("catalogue_shutdown");
    }, 60_000);

    afterAll(async () => {
        await server?.destroy();
    }, 60_000);

    it("when SIGTERM arrives while writes are in flight, then they complete with 201, new work is refused and the process exits 0", async () => {
        const port = await freePort();
        const app = spawnApp("apps/catalogue-api/src/server.ts", appEnv(db, { PORT: String(port), LOG_LEVEL: "info" }));
        const url = `http://127.0.0.1:${port}`;
        try {
            await app.waitForLog((l) => l.msg === "listening", "listening");
            // The server listens before the schema exists (start-up during an outage); the table is needed below.
            await app.waitForLog((l) => l.msg === "database schema ready", "schema ready");

            // Hold the in-flight requests deterministically: a table lock makes the INSERTs wait in the database.
            const locker = await mysql.createConnection({
                host: db.host,
                port: db.port,
                user: db.user,
                password: db.password,
                database: db.database,
            });
            await locker.query("LOCK TABLES catalogue WRITE");
            const inFlight = [1, 2, 3].map((i) =>
                request(url, "/catalogue", { method: "POST", json: { name: `in-flight-${i}`, price: i } }),
            );
            await eventually(async () => {
                const rows = await server.adminQuery<{ n: number }>(
                    "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = ? AND info LIKE 'INSERT INTO catalogue%'",
                    [db.database],
                );
                return Number(rows[0].n) === 3;
            }, "three INSERTs waiting on the lock");

            app.child.kill("SIGTERM");
            await app.waitForLog((l) => l.msg === "shutting down: draining in-flight requests", "drain started");
            await locker.query("UNLOCK TABLES");
            await locker.end();

            const responses = await Promise.all(inFlight);
            expect(responses.map((r) => r.status)).toEqual([201, 201, 201]);
            expect(await app.exited).toEqual({ code: 0, signal: null });
            expect(app.logs.some((l) => l.msg === "shutdown complete")).toBe(true);
            await expect(fetch(`${url}/health`)).rejects.toThrow();

            const rows = await server.adminQuery<{ name: string }>("SELECT name FROM catalogue ORDER BY name", [], db.database);
            expect(rows.map((r) => r.name)).toEqual(["in-flight-1", "in-flight-2", "in-flight-3"]);
        } finally {
            if (app.child.exitCode === null) app.child.kill("SIGKILL");
        }
    }, 30_000);

    it("when a required variable is missing, then the process exits 1 naming it", async () => {
        const { DB_HOST: _omitted, ...env } = appEnv(db, { PORT: "0", LOG_LEVEL: "info" });
        const app = spawnApp("apps/catalogue-api/src/server.ts", env);
        expect((await app.exited).code).toBe(1);
        expect(JSON.stringify(app.logs)).toContain("DB_HOST");
    }, 30_000);
});
