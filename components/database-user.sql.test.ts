/**
 * The deploy-time bootstrap's SQL on real MariaDB and PostgreSQL (the harness in scripts/test-db/).
 *
 * Substitutions, because the local servers lack Aurora's IAM pieces — exactly these and nothing else:
 *   - MariaDB: the clause `IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'` (Aurora's plugin) is replaced
 *     by `IDENTIFIED BY '<password>'` so the test can log in as the app user.
 *   - PostgreSQL: a stand-in NOLOGIN role `rds_iam` is created before the bootstrap (Aurora has it built in),
 *     and the test gives the app user a password afterwards so it can log in (IAM does that on Aurora).
 * Everything else runs verbatim as the master/admin user, as the Data API runs it on Aurora.
 */
import { randomBytes } from "node:crypto";
import mysql from "mysql2";
import pg from "pg";
import { startMariaDb, startPostgres, type SqlServerHandle } from "../scripts/test-db";
import { CatalogueRepository } from "../apps/catalogue-api/src/data/catalogue-repository";
import { VisitsRepository } from "../apps/visits-api/src/data/visits-repository";
import { CATALOGUE_APP_USER, VISITS_APP_USER } from "../stacks/database";
import { appUserStatements, MYSQL_IAM_AUTH_CLAUSE, POSTGRES_IAM_ROLE } from "./database-user";

const password = randomBytes(12).toString("hex");

describe("app database user bootstrap on MariaDB (Aurora MySQL stand-in)", () => {
    let server: SqlServerHandle;
    let pool: mysql.Pool;
    const database = "labdb";
    const { username } = CATALOGUE_APP_USER;

    const statements = (): string[] => {
        const sql = appUserStatements({ engine: "mysql", database, ...CATALOGUE_APP_USER });
        // The substitution must hit: the IAM clause is in the user statements.
        expect(sql.filter((s) => s.includes(MYSQL_IAM_AUTH_CLAUSE))).toHaveLength(2);
        return sql.map((s) => s.replace(MYSQL_IAM_AUTH_CLAUSE, `IDENTIFIED BY '${password}'`));
    };
    const bootstrap = async (): Promise<void> => {
        for (const sql of statements()) await server.adminQuery(sql, [], database);
    };
    const asApp = (sql: string, values: unknown[] = []): Promise<unknown> => pool.promise().query(sql, values);

    beforeAll(async () => {
        server = await startMariaDb();
        await server.adminQuery(`CREATE DATABASE ${database}`);
        await bootstrap();
        await bootstrap(); // idempotent: the second run must not fail
        pool = mysql.createPool({ host: server.host, port: server.port, user: username, password, database, connectionLimit: 2 });
    });
    afterAll(async () => {
        await pool?.promise().end();
        await server?.destroy();
    });

    it("should let the app user read and write its tables through the app's own repository", async () => {
        const repo = new CatalogueRepository(pool, 5_000);
        await repo.ensureSchema(); // the app's schema init must cope with tables that already exist
        const item = (await repo.add({ name: "lamp", price: 12.5, category: "home", in_stock: true })).response.body as { id: string };
        expect(await repo.get(item.id)).toMatchObject({ name: "lamp", price: 12.5 });
        // A write with an Idempotency-Key goes through the idempotency table, which the bootstrap must have made.
        const keyed = await repo.add({ name: "desk", price: 99, category: "home", in_stock: true }, "jest-key-1");
        const replay = await repo.add({ name: "desk", price: 99, category: "home", in_stock: true }, "jest-key-1");
        expect([keyed.response.status, replay.replayed, (replay.response.body as { id: string }).id]).toEqual([
            201,
            true,
            (keyed.response.body as { id: string }).id,
        ]);
        await asApp("UPDATE catalogue SET price = 13 WHERE id = ?", [item.id]);
        await asApp("DELETE FROM catalogue WHERE id = ?", [item.id]);
        expect(await repo.get(item.id)).toBeUndefined();
    });

    it.each([
        ["DROP TABLE", "DROP TABLE catalogue"],
        ["CREATE TABLE", "CREATE TABLE evil (id INT)"],
        ["ALTER TABLE", "ALTER TABLE catalogue ADD COLUMN evil INT"],
        ["CREATE USER", "CREATE USER 'evil'@'%' IDENTIFIED BY 'x'"],
        ["GRANT", `GRANT SELECT ON ${database}.catalogue TO '${username}'@'%'`],
        ["DROP DATABASE", `DROP DATABASE ${database}`],
    ])("should refuse %s to the app user", async (_what, sql) => {
        await expect(asApp(sql)).rejects.toThrow(/denied/i);
    });

    it("should grant the app user exactly DML on its database and nothing globally", async () => {
        const grants = await server.adminQuery<Record<string, string>>(`SHOW GRANTS FOR '${username}'@'%'`);
        const lines = grants.map((row) => Object.values(row)[0]);
        expect(lines).toHaveLength(2);
        expect(lines[0]).toMatch(/^GRANT USAGE ON \*\.\* TO `catalogue_app`@`%`/);
        expect(lines[1]).toBe("GRANT SELECT, INSERT, UPDATE, DELETE ON `labdb`.* TO `catalogue_app`@`%`");
    });

    it("should create the same columns and indexes as the app's own schema init (no drift)", async () => {
        const appCreated = "labdb_app";
        await server.adminQuery(`CREATE DATABASE ${appCreated}`);
        // Record the DDL the app's schema init sends to an empty database, then run it as the admin.
        const ddl: string[] = [];
        // The app's bounded query() takes a connection from the pool and releases it: record on that connection.
        const connection = {
            query: (options: { sql: string }, cb: (err: null, rows: unknown[]) => void) => (
                ddl.push(options.sql),
                setImmediate(() => cb(null, [])),
                {}
            ),
            release: () => undefined,
            destroy: () => undefined,
        };
        const recorder = { getConnection: (cb: (err: null, conn: typeof connection) => void) => setImmediate(() => cb(null, connection)) };
        await new CatalogueRepository(recorder as unknown as mysql.Pool, 5_000).ensureSchema();
        const create = ddl.find((s) => /CREATE TABLE/i.test(s));
        expect(create).toBeDefined();
        await server.adminQuery(create as string, [], appCreated);
        const shape = (db: string) =>
            server.adminQuery(
                `SELECT c.column_name AS name, c.column_type AS type, c.is_nullable AS nullable, c.column_default AS dflt, c.column_key AS k
                   FROM information_schema.columns c WHERE c.table_schema = ? AND c.table_name = 'catalogue' ORDER BY c.ordinal_position`,
                [db],
            );
        const indexes = (db: string) =>
            server.adminQuery(
                `SELECT index_name, column_name, seq_in_index FROM information_schema.statistics WHERE table_schema = ? AND table_name = 'catalogue' ORDER BY index_name, seq_in_index`,
                [db],
            );
        expect(await shape(database)).toEqual(await shape(appCreated));
        expect(await indexes(database)).toEqual(await indexes(appCreated));
    });
});

describe("app database user bootstrap on PostgreSQL (Aurora PostgreSQL stand-in)", () => {
    let server: SqlServerHandle;
    let pool: pg.Pool;
    const database = "apprunnerdemo";
    const { username } = VISITS_APP_USER;

    const bootstrap = async (): Promise<void> => {
        const sql = appUserStatements({ engine: "postgresql", database, ...VISITS_APP_USER });
        expect(sql).toContain(`GRANT ${POSTGRES_IAM_ROLE} TO "${username}"`);
        for (const statement of sql) await server.adminQuery(statement, [], database);
    };
    const asApp = (sql: string, values: unknown[] = []) => pool.query(sql, values);

    beforeAll(async () => {
        server = await startPostgres();
        await server.adminQuery(`CREATE DATABASE ${database}`);
        await server.adminQuery(`CREATE ROLE ${POSTGRES_IAM_ROLE} NOLOGIN`); // Aurora's built-in role, absent locally
        await bootstrap();
        await bootstrap(); // idempotent: the second run must not fail
        await server.adminQuery(`ALTER ROLE ${username} PASSWORD '${password}'`); // IAM's job on Aurora
        pool = new pg.Pool({ host: server.host, port: server.port, user: username, password, database, max: 2 });
    });
    afterAll(async () => {
        await pool?.end();
        await server?.destroy();
    });

    it("should let the app user read and write its tables through the app's own repository", async () => {
        const repo = new VisitsRepository(pool);
        await repo.ensureSchema(); // the app's schema init must cope with tables that already exist
        await repo.record("jest");
        // A keyed visit goes through the idempotency table, which the bootstrap must have made.
        const keyed = await repo.record("jest-keyed", new Date(), "jest-key-1");
        expect((await repo.record("jest-keyed", new Date(), "jest-key-1")).replayed).toBe(true);
        expect(keyed.response.status).toBe(200);
        await asApp("DELETE FROM visits WHERE user_agent = $1", ["jest-keyed"]);
        const [visit] = await repo.recent(1);
        expect(visit).toMatchObject({ user_agent: "jest" });
        await asApp("UPDATE visits SET user_agent = 'x' WHERE id = $1", [visit.id]);
        await asApp("DELETE FROM visits WHERE id = $1", [visit.id]);
        expect(await repo.recent(10)).toEqual([]);
    });

    it.each([
        ["DROP TABLE", "DROP TABLE visits", /must be owner/],
        ["CREATE TABLE", "CREATE TABLE evil (id INT)", /permission denied for schema public/],
        ["ALTER TABLE", "ALTER TABLE visits ADD COLUMN evil INT", /must be owner/],
        ["TRUNCATE", "TRUNCATE visits", /permission denied/],
        ["CREATE USER", "CREATE USER evil", /permission denied to create role/],
        ["DROP DATABASE", `DROP DATABASE ${database}`, /must be owner|being accessed/],
    ])("should refuse %s to the app user", async (_what, sql, message) => {
        await expect(asApp(sql)).rejects.toThrow(message);
    });

    it("should grant nothing when the app user tries to GRANT (PostgreSQL only warns)", async () => {
        await asApp("GRANT SELECT, INSERT ON visits TO PUBLIC");
        await expect(asApp(`GRANT pg_read_all_data TO "${username}"`)).rejects.toThrow(
            /must have admin option|permission denied to grant role/,
        );
        const grants = await server.adminQuery(
            "SELECT privilege_type FROM information_schema.role_table_grants WHERE table_name = 'visits' AND grantee = 'PUBLIC'",
            [],
            database,
        );
        expect(grants).toEqual([]);
    });

    it("should give the app user no role attributes beyond LOGIN and membership only in rds_iam", async () => {
        const [role] = await server.adminQuery<Record<string, boolean>>(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolbypassrls FROM pg_roles WHERE rolname = $1",
            [username],
        );
        expect(role).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolcanlogin: true, rolbypassrls: false });
        const memberships = await server.adminQuery<{ rolname: string }>(
            "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1",
            [username],
        );
        expect(memberships.map((m) => m.rolname)).toEqual([POSTGRES_IAM_ROLE]);
    });

    it("should create the same columns and indexes as the app's own schema init (no drift)", async () => {
        const appCreated = "apprunnerdemo_app";
        await server.adminQuery(`CREATE DATABASE ${appCreated}`);
        const ddl: string[] = [];
        const recorder = { query: async (sql: string) => (ddl.push(sql), { rows: [] }) };
        await new VisitsRepository(recorder as unknown as pg.Pool).ensureSchema();
        const creates = ddl.filter((s) => /CREATE (TABLE|INDEX)/i.test(s));
        expect(creates.length).toBeGreaterThanOrEqual(2);
        for (const statement of creates) await server.adminQuery(statement, [], appCreated);
        const columns = (db: string) =>
            server.adminQuery(
                "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'visits' ORDER BY ordinal_position",
                [],
                db,
            );
        const indexes = (db: string) =>
            server.adminQuery("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'visits' ORDER BY indexname", [], db);
        expect(await columns(database)).toEqual(await columns(appCreated));
        expect(await indexes(database)).toEqual(await indexes(appCreated));
    });
});
