import mysql from "mysql2/promise";
import type { RunningServer } from "@serverless-containers/service-kit";
import { makeTestCa, request, startMariaDb, type SqlServerHandle, type TestCa, type TestDatabase } from "../../../scripts/test-db";
import { CatalogueRepository } from "../src/data/catalogue-repository";
import { createPool, endPool } from "../src/data/pool";
import { startCatalogueApi } from "../src/server";
import { appEnv } from "./helpers";

describe("catalogue-api with DB_TLS=true against a TLS MariaDB (harness CA)", () => {
    let ca: TestCa;
    let server: SqlServerHandle;
    let db: TestDatabase;
    let app: RunningServer | undefined;
    const savedExtraCa = process.env.NODE_EXTRA_CA_CERTS;

    beforeAll(async () => {
        ca = makeTestCa();
        server = await startMariaDb({ requireManaged: true, tls: ca });
        db = await server.createDatabase("catalogue_tls");
        // Plain connections of this user are refused from now on: whatever works below went over TLS.
        await server.adminQuery(`ALTER USER '${db.user}'@'%' REQUIRE SSL`);
    }, 60_000);

    afterAll(async () => {
        if (savedExtraCa === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
        else process.env.NODE_EXTRA_CA_CERTS = savedExtraCa;
        await app?.stop();
        await server?.destroy();
        ca?.destroy();
    }, 60_000);

    it("when the user requires SSL, then a plain connection is refused and a TLS one without the harness CA fails verification", async () => {
        await expect(
            mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database }),
        ).rejects.toThrow(/denied/i);
        delete process.env.NODE_EXTRA_CA_CERTS;
        const pool = createPool({
            host: db.host,
            port: db.port,
            user: db.user,
            password: db.password,
            database: db.database,
            tls: true,
            poolMax: 1,
            connectTimeoutMs: 2_000,
            queryTimeoutMs: 2_000,
        });
        try {
            await expect(new CatalogueRepository(pool, 2_000).ping(2_000)).rejects.toThrow(/self.signed|certificate/i);
        } finally {
            await endPool(pool);
        }
    });

    it("when the app trusts the harness CA (NODE_EXTRA_CA_CERTS) with DB_TLS=true, then it starts, writes and reads over TLS", async () => {
        process.env.NODE_EXTRA_CA_CERTS = ca.caFile;
        app = await startCatalogueApi(appEnv(db, { DB_TLS: "true" }));
        await app.ready; // the server listens before the schema check; DB routes answer 503 until then

        const created = await request(app.url, "/catalogue", { method: "POST", json: { name: "over tls", price: 1.25 } });
        const listed = await request(app.url, "/catalogue?limit=1");

        expect(created.status).toBe(201);
        expect(listed.body.items[0]).toMatchObject({ name: "over tls", price: 1.25 });
        expect((await request(app.url, "/health")).status).toBe(200);
    });
});
