import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { errorOf, promiseOf, settle, setupMocks } from "./testing/mocks";
import {
    AccessDeniedException,
    BadRequestException,
    DatabaseErrorException,
    DatabaseNotFoundException,
    DatabaseResumingException,
    DatabaseUnavailableException,
    ForbiddenException,
    HttpEndpointNotEnabledException,
    InternalServerErrorException,
    RDSDataServiceException,
    SecretsErrorException,
    ServiceUnavailableError,
    StatementTimeoutException,
} from "@aws-sdk/client-rds-data";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { appUserStatements, executeStatements, MYSQL_IAM_AUTH_CLAUSE, type ExecuteStatement, type RetryPolicy } from "./database-user";

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

/** A Data API error as the SDK raises it: its own exception class, the service's status and message. */
function serviceError<T extends RDSDataServiceException>(
    Exception: new (opts: { message: string; $metadata: object }) => T,
    status: number,
    message: string,
): T {
    return new Exception({
        message,
        $metadata: { httpStatusCode: status, requestId: "8c1b2a9e-0000-4000-8000-000000000000", attempts: 1, totalRetryDelay: 0 },
    });
}

/** An error of a name the model does not list (front-door throttling), as the SDK raises unmodelled errors. */
function unmodelled(name: string, status: number, message: string): RDSDataServiceException {
    return new RDSDataServiceException({
        name,
        $fault: "client",
        message,
        $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 },
    });
}

/** A clock the waits advance, so bounds are tested without waiting. */
function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; waits: number[] } {
    let t = 1_000_000;
    const waits: number[] = [];
    return { now: () => t, sleep: async (ms) => void (waits.push(ms), (t += ms)), waits };
}

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

    it("should wait out each answer of a new, resuming or briefly unavailable writer, with exponential backoff and full jitter", async () => {
        const answers: unknown[] = [
            serviceError(DatabaseNotFoundException, 404, "The DB cluster doesn't have a DB instance."),
            serviceError(
                DatabaseResumingException,
                400,
                "The Aurora DB instance is resuming after being auto-paused. Please wait a few seconds and try again.",
            ),
            serviceError(DatabaseUnavailableException, 504, "The writer instance in the DB cluster isn't available."),
            serviceError(HttpEndpointNotEnabledException, 400, "HttpEndpoint is not enabled for cluster db."),
            serviceError(StatementTimeoutException, 400, "The execution of the SQL statement timed out."),
            serviceError(ServiceUnavailableError, 503, "The service specified by the resourceArn parameter isn't available."),
            serviceError(InternalServerErrorException, 500, "An internal error occurred."),
            unmodelled("ThrottlingException", 400, "Rate exceeded"),
            Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
        ];
        const calls: string[] = [];
        const clock = fakeClock();
        const execute: ExecuteStatement = async ({ sql }) => {
            calls.push(sql);
            const answer = sql === "A" ? answers.shift() : undefined;
            if (answer) throw answer as Error;
        };
        await executeStatements(execute, { ...options, statements: ["A", "B"], ...clock, random: () => 0.5 });
        expect(calls).toEqual([...Array(10).fill("A"), "B"]);
        // Half (the jitter) of a cap that doubles from 2 s up to 30 s.
        expect(clock.waits).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000, 15_000, 15_000]);
    });

    it("should retry the older BadRequestException that says the HTTP endpoint is not enabled yet", async () => {
        let calls = 0;
        const execute: ExecuteStatement = async () => {
            if (calls++ === 0)
                throw serviceError(
                    BadRequestException,
                    400,
                    "HttpEndpoint is not enabled for cluster db. Please refer to https://docs.aws.amazon.com/...",
                );
        };
        await executeStatements(execute, { ...options, statements: ["A"], ...fakeClock() });
        expect(calls).toBe(2);
    });

    const permanent: [string, unknown][] = [
        ["AccessDeniedException", serviceError(AccessDeniedException, 403, "User is not authorized to perform: rds-data:ExecuteStatement")],
        ["BadRequestException", serviceError(BadRequestException, 400, "Database name must not be empty")],
        [
            "DatabaseErrorException",
            serviceError(DatabaseErrorException, 400, "Database error code: 1064. Message: You have an error in your SQL syntax."),
        ],
        ["ForbiddenException", serviceError(ForbiddenException, 403, "Forbidden")],
        ["SecretsErrorException", serviceError(SecretsErrorException, 400, "The secret couldn't be decrypted.")],
    ];
    it.each(permanent)("should fail at once on %s, naming the cluster, the statement and the error", async (name, error) => {
        let calls = 0;
        const execute: ExecuteStatement = async ({ sql }) => {
            calls++;
            if (sql === "B") throw error;
        };
        await expect(executeStatements(execute, { ...options, statements: ["A", "B", "C"], ...fakeClock() })).rejects.toThrow(
            `Database bootstrap of ${options.clusterArn}: statement 2/3 failed (${name}): ${(error as Error).message}`,
        );
        expect(calls).toBe(2);
    });

    const bounds: [string, unknown, Partial<RetryPolicy>, string][] = [
        [
            "after the attempts per statement",
            serviceError(DatabaseResumingException, 400, "The Aurora DB instance is resuming after being auto-paused."),
            { maxAttempts: 3 },
            "statement 1/1 still failing after 3 attempts in 6.0 s (the bound is 3 attempts per statement and 600 s in all); last error DatabaseResumingException (HTTP 400): The Aurora DB instance is resuming after being auto-paused.",
        ],
        [
            "before a wait would pass the time bound",
            serviceError(DatabaseUnavailableException, 504, "The writer instance in the DB cluster isn't available."),
            { maxElapsedMs: 10_000 },
            "statement 1/1 still failing after 3 attempts in 6.0 s, and another wait would pass the time bound (the bound is 10 attempts per statement and 10 s in all); last error DatabaseUnavailableException (HTTP 504): The writer instance in the DB cluster isn't available.",
        ],
    ];
    it.each(bounds)("should give up %s, naming the cluster and the last error", async (_case, error, retry, message) => {
        let calls = 0;
        const failing: ExecuteStatement = async () => {
            calls++;
            throw error as Error;
        };
        const clock = fakeClock();
        await expect(executeStatements(failing, { ...options, statements: ["A"], retry, ...clock, random: () => 1 })).rejects.toThrow(
            `Database bootstrap of ${options.clusterArn}: ${message}`,
        );
        // Full waits (random 1) of a cap doubling from 2 s: 2 s, then 4 s.
        expect([calls, clock.waits]).toEqual([3, [2_000, 4_000]]);
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

describe("DatabaseUser and the AWS provider settings", () => {
    const spec = { engine: "mysql" as const, database: "labdb", username: "catalogue_app", schema: [] };

    it("should hand the bootstrap an explicit aws provider's settings, never its credentials, and keep it off the dynamic resource", async () => {
        const eu = new aws.Provider("eu", {
            region: "eu-west-1",
            profile: "deploy",
            assumeRoles: [{ roleArn: "arn:aws:iam::123456789012:role/deploy", sessionName: "pulumi", externalId: "ext-1" }],
            endpoints: [{ rdsdata: "https://rds-data.eu-west-1.example.internal" }],
        });
        const parent = new pulumi.ComponentResource("test:index:Database", "db", {}, { providers: [eu] });
        new DatabaseUser("app-user", { spec, clusterArn: options.clusterArn, masterSecretArn: options.secretArn }, { parent });
        await settle();
        const recorded = mocks.one("pulumi-nodejs:dynamic/serverless-containers:DatabaseUser");
        expect(recorded.inputs.awsProvider).toEqual({
            name: "eu",
            settings: {
                region: "eu-west-1",
                profile: "deploy",
                assumeRoles: [{ roleArn: "arn:aws:iam::123456789012:role/deploy", sessionName: "pulumi", externalId: "ext-1" }],
                endpoints: [{ rdsdata: "https://rds-data.eu-west-1.example.internal" }],
            },
        });
        expect(recorded.secretInputs).toEqual([]);
        expect(recorded.provider ?? "").not.toMatch(/pulumi:providers:aws/);
    });

    it("should refuse an explicit aws provider with static credentials, which could only reach the bootstrap through the state", async () => {
        const { explicitProviderSettings } = await import("./database-user");
        expect(() => explicitProviderSettings("keys", { region: "eu-west-1" }, true)).toThrow(
            'the aws.Provider "keys" cannot be honoured by the database bootstrap: `accessKey` of the aws.Provider "keys" (static credentials) cannot reach the bootstrap without writing them into the state; give the provider a profile or assumeRoles.',
        );
        expect(() => explicitProviderSettings("proxied", { region: "eu-west-1", httpsProxy: "http://proxy:3128" }, false)).toThrow(
            '`httpsProxy` of the aws.Provider "proxied" is set, but the bootstrap\'s HTTPS client does not go through a proxy',
        );
    });

    it("should refuse, in the program, an explicit aws provider whose settings it cannot read (a provider reference)", async () => {
        const reference = new pulumi.DependencyProviderResource(
            "urn:pulumi:test::serverless-containers::pulumi:providers:aws::consumer-aws::0123",
        );
        const parent = new pulumi.ComponentResource("test:index:Database", "db", {}, { providers: [reference] });
        expect(
            await errorOf(
                () =>
                    new DatabaseUser("app-user", { spec, clusterArn: options.clusterArn, masterSecretArn: options.secretArn }, { parent }),
            ),
        ).toMatch(/^The database bootstrap cannot read the settings of an explicit aws provider that reached the component as a reference/);
    });

    it("should name the aws: config keys the program sees, not their values, so the provider can check it was given them", async () => {
        const saved = pulumi.runtime.allConfig();
        pulumi.runtime.setAllConfig({
            ...saved,
            "aws:region": "eu-west-1",
            "aws:profile": "deploy",
            "serverless-containers:environment": "dev",
        });
        try {
            new DatabaseUser("app-user", { spec, clusterArn: options.clusterArn, masterSecretArn: options.secretArn });
            await settle();
        } finally {
            pulumi.runtime.setAllConfig(saved);
        }
        const recorded = mocks.one("pulumi-nodejs:dynamic/serverless-containers:DatabaseUser");
        expect(recorded.inputs.awsConfigKeys).toEqual(["aws:profile", "aws:region"]);
        expect(JSON.stringify(recorded.inputs)).not.toContain("deploy");
        expect(recorded.inputs.awsProvider).toBeUndefined();
    });
});
