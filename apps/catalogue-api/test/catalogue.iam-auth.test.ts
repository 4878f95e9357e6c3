import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { ConfigError, type RunningServer } from "@serverless-containers/service-kit";
import {
    dbIamAppEnv,
    eventually,
    mariaDbEntriesOfUser,
    mariaDbPinningFindings,
    parseMariaDbGeneralLog,
    request,
    startMariaDb,
    type SqlServerHandle,
    type TestDatabase,
} from "../../../scripts/test-db";
import { createPool, endPool, iamClearPasswordPlugin, refreshPoolToken } from "../src/data/pool";
import { startCatalogueApi } from "../src/server";

const MIN = 60_000;

const iamEnv = dbIamAppEnv;

async function connectionIdsOf(server: SqlServerHandle, user: string): Promise<number[]> {
    const rows = await server.adminQuery<{ ID: number }>("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?", [user]);
    return rows.map((r) => Number(r.ID));
}

/**
 * The RDS signer needs AWS; here a token source injected through the code-only test seam
 * (ResolveDbOptions.iamTokenSourceOverride) stands in for it and returns the test user's real password, which the
 * real MariaDB server checks on every new connection. The token cache is the production one, driven by a test
 * clock instead of waiting ten minutes. The local server has no certificate from the RDS CAs, so DB_TLS is false:
 * the seam is what lifts the TLS rule (config tests below prove the env alone cannot).
 */
describe("catalogue-api with DB_IAM_AUTH=true against a real MariaDB", () => {
    let server: SqlServerHandle;
    let db: TestDatabase;
    let app: RunningServer;
    let clock = 1_000_000;
    let currentToken: string;
    let signatures = 0;

    beforeAll(async () => {
        server = await startMariaDb({ generalLog: true });
        db = await server.createDatabase("catalogue_iam");
        currentToken = db.password;
        app = await startCatalogueApi(iamEnv(db), {
            db: {
                iamTokenSourceOverride: async () => {
                    signatures += 1;
                    return currentToken;
                },
                iamTokenCache: { now: () => clock },
            },
            tokenRefreshMs: 50,
        });
        await app.ready;
    }, 60_000);

    afterAll(async () => {
        await app?.stop();
        await server?.destroy();
    }, 60_000);

    it("when started with only an IAM token source (no DB_PASSWORD/DB_SECRET), then it connects and serves its routes, signing once however many requests and connections", async () => {
        expect((await request(app.url, "/ready")).body).toEqual({ status: "ready" });
        const created = await request(app.url, "/catalogue", { method: "POST", json: { name: "IAM widget", price: 10, category: "iam" } });
        expect(created.status).toBe(201);
        // Parallel requests open several pool connections; all authenticate with the one cached token.
        const parallel = await Promise.all(Array.from({ length: 8 }, () => request(app.url, "/catalogue")));
        expect(parallel.map((r) => r.status)).toEqual(Array(8).fill(200));
        expect((await request(app.url, `/catalogue/${created.body.id}`)).body.name).toBe("IAM widget");
        expect((await request(app.url, "/catalogue/stats")).status).toBe(200);
        expect((await connectionIdsOf(server, db.user)).length).toBeGreaterThan(0);
        expect(signatures).toBe(1);
    });

    it("when the user's password changes on the server and the token source follows, then NEW connections of the running app use the new token once it is refreshed", async () => {
        const before = await connectionIdsOf(server, db.user);
        expect(before.length).toBeGreaterThan(0);

        // "Rotation": the server now accepts only the new secret, and the token source returns it.
        const oldToken = currentToken;
        const newToken = randomBytes(16).toString("hex");
        await server.adminQuery("ALTER USER ?@'%' IDENTIFIED BY ?", [db.user, newToken]);
        currentToken = newToken;
        await expect(
            mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: oldToken, database: db.database }),
        ).rejects.toMatchObject({
            code: "ER_ACCESS_DENIED_ERROR",
        });

        // Force new physical connections: the server drops every open connection of the app's user.
        for (const id of before) await server.adminQuery("KILL ?", [id]);

        // Control: the cached token (clock not moved) is still the old one, so new connections are refused —
        // which proves new connections really authenticate with what the provider hands out.
        await eventually(
            async () => (await request(app.url, "/ready")).body?.reason === "database unreachable (ER_ACCESS_DENIED_ERROR)",
            "new connections refused with the old token",
        );
        expect(signatures).toBe(1);

        // Ten minutes later the cache serves the old token once more and re-signs in the background; the pool's
        // refresh timer then puts the new token into the config used for new connections. No restart.
        clock += 10 * MIN;
        await eventually(async () => (await request(app.url, "/ready")).status === 200, "ready 200 with the new token");
        expect(signatures).toBe(2);
        const created = await request(app.url, "/catalogue", { method: "POST", json: { name: "after rotation", price: 1 } });
        expect(created.status).toBe(201);
        const parallel = await Promise.all(Array.from({ length: 6 }, () => request(app.url, "/catalogue?limit=2")));
        expect(parallel.map((r) => r.status)).toEqual(Array(6).fill(200));

        const after = await connectionIdsOf(server, db.user);
        expect(after.length).toBeGreaterThan(0);
        expect(after.filter((id) => before.includes(id))).toEqual([]);

        // Still pinning-free: token refresh is client-side only (no SET, no PREPARE) on every connection.
        expect(mariaDbPinningFindings(mariaDbEntriesOfUser(parseMariaDbGeneralLog(server.readStatementLog()), db.user))).toEqual([]);
    }, 30_000);

    it("when RDS Proxy negotiates mysql_clear_password, then the pool's plugin answers with the provider's current token (NUL-terminated)", async () => {
        let token = "signed-token-1";
        const credentials = { kind: "iam" as const, token: async () => token };
        const plugin = iamClearPasswordPlugin(credentials);
        const answer = plugin({ connection: {} as never, command: "auth" });
        expect(await answer(Buffer.alloc(0))).toEqual(Buffer.from("signed-token-1\0"));
        token = "signed-token-2";
        expect(await answer(Buffer.alloc(0))).toEqual(Buffer.from("signed-token-2\0"));

        // And createPool wires it (plus the refreshed config password) into the pool's connection config.
        const pool = createPool({
            host: db.host,
            port: db.port,
            user: db.user,
            database: db.database,
            tls: false,
            poolMax: 1,
            connectTimeoutMs: 2_000,
            queryTimeoutMs: 2_000,
            credentials,
        });
        try {
            const connectionConfig = (
                pool as unknown as { config: { connectionConfig: { password?: string; authPlugins?: Record<string, unknown> } } }
            ).config.connectionConfig;
            expect(typeof connectionConfig.authPlugins?.mysql_clear_password).toBe("function");
            expect(connectionConfig.password).toBeUndefined();
            await refreshPoolToken(pool);
            expect(connectionConfig.password).toBe("signed-token-2");
        } finally {
            await endPool(pool);
        }
    });
});

describe("catalogue-api DB_IAM_AUTH configuration errors", () => {
    const fakeDb: TestDatabase = { host: "127.0.0.1", port: 1, database: "labdb", user: "app_user", password: "unused" };
    const tls = { DB_TLS: "true" };

    it.each([
        [
            "without DB_USER",
            { ...tls, DB_USER: undefined },
            "DB_USER: is required when DB_IAM_AUTH=true (the database user the IAM auth token is signed for)",
        ],
        ["without DB_TLS=true", {}, "DB_TLS: must be true when DB_IAM_AUTH=true (RDS Proxy accepts IAM authentication only over TLS)"],
        [
            "with DB_TLS=false",
            { DB_TLS: "false" },
            "DB_TLS: must be true when DB_IAM_AUTH=true (RDS Proxy accepts IAM authentication only over TLS)",
        ],
        [
            "without AWS_REGION",
            { ...tls, AWS_REGION: undefined },
            "AWS_REGION: is required when DB_IAM_AUTH=true (the region the IAM auth token is signed for)",
        ],
        [
            "with DB_PASSWORD too",
            { ...tls, DB_PASSWORD: "pw" },
            "DB_PASSWORD: must not be set when DB_IAM_AUTH=true; use one authentication method (IAM auth tokens or a password), not both",
        ],
    ])("when DB_IAM_AUTH=true %s, then start-up fails before connecting, naming the variables", async (_what, change, problem) => {
        const started = startCatalogueApi(iamEnv(fakeDb, change));
        await expect(started).rejects.toBeInstanceOf(ConfigError);
        await expect(started).rejects.toThrow(`Invalid environment configuration:\n  - ${problem}`);
        await expect(started).rejects.toMatchObject({ problems: [problem] });
    });
});
