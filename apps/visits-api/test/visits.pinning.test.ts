import { Client } from "pg";
import type { RunningServer } from "@serverless-containers/service-kit";
import {
    parsePostgresLog,
    postgresPinningFindings,
    request,
    startPostgres,
    type SqlServerHandle,
    type TestDatabase,
} from "../../../scripts/test-db";
import { fakeUpstream, startAppOn } from "./helpers";

describe("visits-api is RDS-Proxy pinning-free (PostgreSQL log_statement=all)", () => {
    let server: SqlServerHandle;
    let app: RunningServer;
    let db: TestDatabase;
    let upstream: Awaited<ReturnType<typeof fakeUpstream>>;

    beforeAll(async () => {
        upstream = await fakeUpstream((_req, res) => res.end("{}"));
        server = await startPostgres({ logStatements: true });
        ({ app, db } = await startAppOn(server, "visits_pinning", { ECSPRIVATESERVICE: upstream.url }));
    }, 60_000);

    afterAll(async () => {
        await app?.stop();
        await upstream?.close();
        await server?.destroy();
    }, 60_000);

    it("when every route has been called, then the app ran unnamed parameterised INSERT/SELECT and nothing that pins", async () => {
        for (const path of [
            "/",
            "/",
            "/recent-visits",
            "/recent-visits?limit=1",
            "/health",
            "/ready",
            "/test-connection",
            "/ecs-private-service",
            "/docs",
        ]) {
            expect((await request(app.url, path, { headers: { "user-agent": "pin-check" } })).status).toBe(200);
        }
        expect((await request(app.url, "/recent-visits?limit=0")).status).toBe(400);

        const entries = parsePostgresLog(server.readStatementLog()).filter((e) => e.user === db.user);
        expect(
            entries.some(
                (e) =>
                    e.kind === "execute <unnamed>" &&
                    e.statement.startsWith("INSERT INTO visits (last_update, user_agent) VALUES ($1, $2)"),
            ),
        ).toBe(true);
        expect(
            entries.some((e) => e.kind === "execute <unnamed>" && e.statement.startsWith("SELECT id, last_update, user_agent FROM visits")),
        ).toBe(true);
        expect(entries.some((e) => e.kind === "statement" && /CREATE TABLE IF NOT EXISTS visits/.test(e.statement))).toBe(true);
        expect(entries.some((e) => e.kind === "statement" && e.statement === "SELECT 1")).toBe(true);
        expect(postgresPinningFindings(entries)).toEqual([]);
    });

    it("when a client does use a named statement, SET, LISTEN and an advisory lock, then the same check reports each (the check can fail)", async () => {
        const client = new Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
        await client.connect();
        await client.query({ name: "named_visit_count", text: "SELECT count(*) FROM visits WHERE id > $1", values: [0] });
        await client.query("SET application_name = 'pinned'");
        await client.query("LISTEN visits_channel");
        await client.query("SELECT pg_advisory_lock(42)");
        await client.end();
        const findings = postgresPinningFindings(parsePostgresLog(server.readStatementLog()).filter((e) => e.user === db.user));
        expect(findings.some((f) => f.includes("named prepared statement (execute named_visit_count)"))).toBe(true);
        expect(findings.some((f) => f.includes("SET application_name"))).toBe(true);
        expect(findings.some((f) => f.includes("LISTEN visits_channel"))).toBe(true);
        expect(findings.some((f) => f.includes("pg_advisory_lock(42)"))).toBe(true);
    });
});
