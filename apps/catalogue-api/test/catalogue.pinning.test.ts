import mysql from "mysql2/promise";
import type { RunningServer } from "@serverless-containers/service-kit";
import {
    mariaDbEntriesOfUser,
    mariaDbPinningFindings,
    parseMariaDbGeneralLog,
    request,
    startMariaDb,
    type SqlServerHandle,
    type TestDatabase,
} from "../../../scripts/test-db";
import { startAppOn } from "./helpers";

describe("catalogue-api is RDS-Proxy pinning-free (MariaDB general log)", () => {
    let server: SqlServerHandle;
    let app: RunningServer;
    let db: TestDatabase;

    beforeAll(async () => {
        server = await startMariaDb({ generalLog: true });
        ({ app, db } = await startAppOn(server, "catalogue_pinning"));
    }, 60_000);

    afterAll(async () => {
        await app?.stop();
        await server?.destroy();
    }, 60_000);

    it("when every route has been called, then the app's connections ran INSERT/SELECT via plain queries and nothing that pins", async () => {
        const created = await request(app.url, "/catalogue", { method: "POST", json: { name: "Pin check", price: 5, category: "x" } });
        expect(created.status).toBe(201);
        // /ready runs the readiness SELECT 1 (liveness /health no longer touches the database).
        for (const path of [
            "/health",
            "/ready",
            "/catalogue",
            "/catalogue?limit=5",
            `/catalogue/${created.body.id}`,
            "/catalogue/stats",
            "/docs",
        ]) {
            expect((await request(app.url, path)).status).toBe(200);
        }
        expect((await request(app.url, "/catalogue/00000000-0000-4000-8000-000000000000")).status).toBe(404);
        expect((await request(app.url, "/catalogue", { method: "POST", json: { name: "" } })).status).toBe(400);

        const entries = mariaDbEntriesOfUser(parseMariaDbGeneralLog(server.readStatementLog()), db.user);
        const queries = entries.filter((e) => e.command === "Query").map((e) => e.argument);
        expect(queries.some((q) => /CREATE TABLE IF NOT EXISTS catalogue/.test(q))).toBe(true);
        expect(queries.some((q) => /^INSERT INTO catalogue .*'Pin check'/.test(q))).toBe(true);
        expect(queries.some((q) => /^SELECT id, name, price, category, in_stock, created_at FROM catalogue ORDER BY/.test(q))).toBe(true);
        expect(queries.some((q) => /^SELECT id, .* WHERE id = '/.test(q))).toBe(true);
        expect(queries.some((q) => /COUNT\(\*\)\s+AS item_count/.test(q))).toBe(true);
        expect(queries.some((q) => q === "SELECT 1")).toBe(true);
        expect(mariaDbPinningFindings(entries)).toEqual([]);
    });

    it("when a client does use execute() and SET, then the same check reports it (the check can fail)", async () => {
        const conn = await mysql.createConnection({
            host: db.host,
            port: db.port,
            user: db.user,
            password: db.password,
            database: db.database,
        });
        await conn.execute("SELECT ? AS x", [1]);
        await conn.query("SET @pinned = 1");
        await conn.end();
        const findings = mariaDbPinningFindings(mariaDbEntriesOfUser(parseMariaDbGeneralLog(server.readStatementLog()), db.user));
        expect(findings.some((f) => / Prepare: SELECT \? AS x/.test(f))).toBe(true);
        expect(findings.some((f) => / Execute: /.test(f))).toBe(true);
        expect(findings.some((f) => /Query: SET @pinned = 1/.test(f))).toBe(true);
    });
});
