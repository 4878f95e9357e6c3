import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { promiseOf, settle, setupMocks } from "./testing/mocks";
import { appUserStatements, executeStatements, MYSQL_IAM_AUTH_CLAUSE, type ExecuteStatement } from "./database-user";

const mocks = setupMocks();
// The first DatabaseUser in a file serializes its dynamic provider (Pulumi's closure serializer, ~3 s on a
// loaded 2-core machine, then cached): more than Jest's 5 s default leaves room for.
jest.setTimeout(30_000);
let DatabaseUser: typeof import("./database-user").DatabaseUser;

beforeAll(async () => {
    ({ DatabaseUser } = await import("./database-user"));
});
beforeEach(() => mocks.reset());

/** Node's own require (not Jest's module registry), as the dynamic-provider host loads the text. */
const requireFresh = (file: string): unknown => createRequire(__filename)(file);

const options = {
    clusterArn: "arn:aws:rds:eu-west-1:123456789012:cluster:db",
    secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!x",
    database: "labdb",
    delayMs: 0,
};

describe("appUserStatements", () => {
    it("should create a MySQL user that authenticates with IAM and gets DML on its database only", () => {
        const sql = appUserStatements({
            engine: "mysql",
            database: "labdb",
            username: "catalogue_app",
            schema: ["CREATE TABLE IF NOT EXISTS t (id INT)"],
        });
        expect(sql).toEqual([
            `CREATE USER IF NOT EXISTS 'catalogue_app'@'%' ${MYSQL_IAM_AUTH_CLAUSE}`,
            `ALTER USER 'catalogue_app'@'%' ${MYSQL_IAM_AUTH_CLAUSE}`,
            "CREATE TABLE IF NOT EXISTS t (id INT)",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON `labdb`.* TO 'catalogue_app'@'%'",
        ]);
    });

    it("should create a PostgreSQL role in rds_iam with DML on the tables and sequences of schema public", () => {
        const sql = appUserStatements({ engine: "postgresql", database: "appdb", username: "visits_app", schema: [] });
        expect(sql).toContain('GRANT rds_iam TO "visits_app"');
        expect(sql).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "visits_app"');
        expect(sql).toContain('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "visits_app"');
        expect(sql.join("\n")).not.toMatch(/PASSWORD|SUPERUSER|CREATEDB|CREATEROLE|GRANT ALL|WITH GRANT OPTION/i);
    });

    it("should refuse names that would need quoting and DDL that is not idempotent", () => {
        expect(() => appUserStatements({ engine: "mysql", database: "labdb", username: "x'; DROP", schema: [] })).toThrow(
            /appUser\.username/,
        );
        expect(() => appUserStatements({ engine: "mysql", database: "lab-db", username: "app", schema: [] })).toThrow(/databaseName/);
        expect(() =>
            appUserStatements({ engine: "mysql", database: "labdb", username: "app", schema: ["CREATE TABLE t (id INT)"] }),
        ).toThrow(/appUser\.schema\[0\]/);
    });
});

describe("executeStatements", () => {
    it("should send every statement in order to the cluster with the master secret and database", async () => {
        const sent: unknown[] = [];
        const count = await executeStatements(async (input) => void sent.push(input), { ...options, statements: ["A", "B"] });
        expect(count).toBe(2);
        expect(sent).toEqual([
            { resourceArn: options.clusterArn, secretArn: options.secretArn, database: "labdb", sql: "A" },
            { resourceArn: options.clusterArn, secretArn: options.secretArn, database: "labdb", sql: "B" },
        ]);
    });

    it("should retry a statement while the cluster resumes from 0 ACU, then go on", async () => {
        const calls: string[] = [];
        let resuming = 2;
        const execute: ExecuteStatement = async ({ sql }) => {
            calls.push(sql);
            if (sql === "A" && resuming-- > 0) throw Object.assign(new Error("resuming"), { name: "DatabaseResumingException" });
        };
        await executeStatements(execute, { ...options, statements: ["A", "B"] });
        expect(calls).toEqual(["A", "A", "A", "B"]);
    });

    it("should fail naming the statement's position on any other error, and give up resuming after the attempts", async () => {
        const denied: ExecuteStatement = async ({ sql }) => {
            if (sql === "B") throw Object.assign(new Error("Access denied"), { name: "BadRequestException" });
        };
        await expect(executeStatements(denied, { ...options, statements: ["A", "B", "C"] })).rejects.toThrow(
            "Database bootstrap statement 2/3 failed (BadRequestException): Access denied",
        );
        let calls = 0;
        const paused: ExecuteStatement = async () => {
            calls++;
            throw Object.assign(new Error("resuming"), { name: "DatabaseResumingException" });
        };
        await expect(executeStatements(paused, { ...options, statements: ["A"], attempts: 3 })).rejects.toThrow(
            /statement 1\/1 failed \(DatabaseResumingException\)/,
        );
        expect(calls).toBe(3);
    });
});

describe("DatabaseUser", () => {
    it("should serialize a provider that runs the statements through the RDS Data API", async () => {
        const user = new DatabaseUser("app-user", {
            spec: { engine: "mysql", database: "labdb", username: "catalogue_app", schema: [] },
            clusterArn: options.clusterArn,
            masterSecretArn: options.secretArn,
        });
        await settle();
        const recorded = mocks.one("pulumi-nodejs:dynamic/serverless-containers:DatabaseUser");
        const provider: string = recorded.inputs.__provider;
        expect(provider).toContain('require("@aws-sdk/client-rds-data")');
        expect(provider).toContain("ExecuteStatementCommand");
        expect(provider).toContain("DatabaseResumingException");
        expect(recorded.inputs.statements).toHaveLength(3);
        expect(await promiseOf(user.username)).toBe("catalogue_app");

        // The text is what the deployment's dynamic-provider host loads: it must load outside this program.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dynprov-"));
        try {
            const file = path.join(dir, "provider.js");
            fs.writeFileSync(file, provider);
            const loaded = requireFresh(file) as {
                handler: () => { diff: (id: string, olds: object, news: object) => Promise<{ changes: boolean; replaces: string[] }> };
            };
            const olds = { clusterArn: "a", secretArn: "s", database: "d", username: "u", statements: ["X"] };
            expect(await loaded.handler().diff("id", olds, { ...olds, statements: ["X", "Y"] })).toEqual({
                changes: true,
                replaces: [],
                deleteBeforeReplace: false,
            });
            expect(await loaded.handler().diff("id", olds, { ...olds, username: "v" })).toEqual({
                changes: true,
                replaces: ["username"],
                deleteBeforeReplace: false,
            });
            expect((await loaded.handler().diff("id", olds, { ...olds })).changes).toBe(false);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
