import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { ConfigError, type RunningServer } from "@serverless-containers/service-kit";
import {
    dbIamAppEnv,
    eventually,
    parsePostgresLog,
    postgresPinningFindings,
    request,
    startPostgres,
    type SqlServerHandle,
    type TestDatabase,
} from "../../../scripts/test-db";
import { startVisitsApi } from "../src/server";

const MIN = 60_000;

const iamEnv = dbIamAppEnv;

async function backendPidsOf(server: SqlServerHandle, user: string): Promise<number[]> {
    const rows = await server.adminQuery<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE usename = $1", [user]);
    return rows.map((r) => Number(r.pid));
}

/**
 * The RDS signer needs AWS; a token source injected through the code-only test seam
 * (ResolveDbOptions.iamTokenSourceOverride) stands in for it and returns the test role's real password, which the
 * real PostgreSQL server checks (scram-sha-256) on every new connection. The token cache is the production one,
 * driven by a test clock. The local server has no certificate from the RDS CAs, so DB_TLS is false: the seam is
 * what lifts the TLS rule (the config tests below prove the env alone cannot).
 */
describe("visits-api with DB_IAM_AUTH=true against a real PostgreSQL", () => {
    let server: SqlServerHandle;
    let db: TestDatabase;
    let app: RunningServer;
    let clock = 1_000_000;
    let currentToken: string;
    let signatures = 0;

    beforeAll(async () => {
        server = await startPostgres({ logStatements: true });
        db = await server.createDatabase("visits_iam");
        currentToken = db.password;
        app = await startVisitsApi(iamEnv(db), {
            db: {
                iamTokenSourceOverride: async () => {
                    signatures += 1;
                    return currentToken;
                },
                iamTokenCache: { now: () => clock },
            },
        });
        await app.ready;
    }, 60_000);

    afterAll(async () => {
        await app?.stop();
        await server?.destroy();
    }, 60_000);

    it("when started with only an IAM token source (no DB_PASSWORD/DB_SECRET), then it connects and serves its routes, signing once however many requests and connections", async () => {
        expect((await request(app.url, "/ready")).body).toEqual({ status: "ready" });
        const visits = await Promise.all(
            Array.from({ length: 8 }, (_, i) => request(app.url, "/", { headers: { "user-agent": `iam-${i}` } })),
        );
        expect(visits.map((r) => r.status)).toEqual(Array(8).fill(200));
        const recent = await request(app.url, "/recent-visits?limit=8");
        expect(recent.status).toBe(200);
        expect(recent.body.count).toBe(8);
        expect((await backendPidsOf(server, db.user)).length).toBeGreaterThan(0);
        expect(signatures).toBe(1);
    });

    it("when the role's password changes on the server and the token source follows, then NEW connections of the running app use the new token without a restart", async () => {
        const before = await backendPidsOf(server, db.user);
        expect(before.length).toBeGreaterThan(0);

        // "Rotation": the server now accepts only the new secret, and the token source returns it.
        const oldToken = currentToken;
        const newToken = randomBytes(16).toString("hex");
        // The role name and the password are generated ([a-z0-9_] / hex): safe to inline in DDL.
        await server.adminQuery(`ALTER ROLE ${db.user} PASSWORD '${newToken}'`);
        currentToken = newToken;
        const stale = new Client({ host: db.host, port: db.port, user: db.user, password: oldToken, database: db.database });
        await expect(stale.connect()).rejects.toMatchObject({ code: "28P01" });

        // Force new physical connections: the server terminates every backend of the app's role.
        await server.adminQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [db.user]);

        // Control: with the clock unmoved the cache still holds the old token, so new connections are refused —
        // proving each new connection authenticates with what the provider hands out (pg's async password function).
        await eventually(
            async () => (await request(app.url, "/ready")).body?.reason === "database unreachable (28P01)",
            "new connections refused with the old token",
        );
        expect(signatures).toBe(1);

        // Ten minutes later: the cache answers at once with the old token and re-signs in the background (never
        // blocking a connection on a signature); the next new connection gets the new token.
        clock += 10 * MIN;
        await eventually(async () => (await request(app.url, "/ready")).status === 200, "ready 200 with the new token");
        expect(signatures).toBe(2);
        const visits = await Promise.all(
            Array.from({ length: 6 }, (_, i) => request(app.url, "/", { headers: { "user-agent": `rotated-${i}` } })),
        );
        expect(visits.map((r) => r.status)).toEqual(Array(6).fill(200));
        expect((await request(app.url, "/recent-visits?limit=1")).body.Response[0].user_agent).toMatch(/^rotated-/);

        const after = await backendPidsOf(server, db.user);
        expect(after.length).toBeGreaterThan(0);
        expect(after.filter((pid) => before.includes(pid))).toEqual([]);

        // Still pinning-free on every connection of the app's role.
        expect(postgresPinningFindings(parsePostgresLog(server.readStatementLog()).filter((e) => e.user === db.user))).toEqual([]);
    }, 30_000);
});

describe("visits-api DB_IAM_AUTH configuration errors", () => {
    const fakeDb: TestDatabase = { host: "127.0.0.1", port: 1, database: "apprunnerdemo", user: "app_user", password: "unused" };
    const tls = { DB_TLS: "true" };

    it.each([
        [
            "without DB_USER",
            { ...tls, DB_USER: undefined },
            ["DB_USER: is required when DB_IAM_AUTH=true (the database user the IAM auth token is signed for)"],
        ],
        ["without DB_TLS=true", {}, ["DB_TLS: must be true when DB_IAM_AUTH=true (RDS Proxy accepts IAM authentication only over TLS)"]],
        [
            "without AWS_REGION",
            { ...tls, AWS_REGION: undefined },
            ["AWS_REGION: is required when DB_IAM_AUTH=true (the region the IAM auth token is signed for)"],
        ],
        [
            "with DB_PASSWORD too",
            { ...tls, DB_PASSWORD: "pw" },
            ["DB_PASSWORD: must not be set when DB_IAM_AUTH=true; use one authentication method (IAM auth tokens or a password), not both"],
        ],
        [
            "with DB_SECRET too",
            { ...tls, DB_SECRET: '{"username":"u","password":"p"}' },
            ["DB_SECRET: must not be set when DB_IAM_AUTH=true; use one authentication method (IAM auth tokens or a password), not both"],
        ],
    ])("when DB_IAM_AUTH=true %s, then start-up fails before connecting, naming the variables", async (_what, change, problems) => {
        const started = startVisitsApi(iamEnv(fakeDb, change));
        await expect(started).rejects.toBeInstanceOf(ConfigError);
        await expect(started).rejects.toThrow(`Invalid environment configuration:\n  - ${problems.join("\n  - ")}`);
        await expect(started).rejects.toMatchObject({ problems });
    });
});
