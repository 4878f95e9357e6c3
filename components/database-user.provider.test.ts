/**
 * The database bootstrap's serialized dynamic provider, run the way Pulumi's dynamic-provider host runs it
 * (@pulumi/pulumi/cmd/dynamic-provider/index.js: `require-from-string` of the `__provider` text, then
 * `configure({ config })` with the stack's whole config — the engine sends dynamic providers every key,
 * namespaces kept: pulumi/pulumi pkg/resource/deploy/target.go GetPackageConfig — then create/update), against
 * a loopback stand-in for the RDS Data API and STS that answers in the services' wire formats (restJson1 with
 * `x-amzn-ErrorType`, STS awsQuery XML). What the stand-in records is what the SDK really sent: the SigV4
 * credential scope (access key, region, service), the security token, the STS parameters.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import {
    closeStandIns,
    hostedProvider,
    isolateAwsEnvironment,
    standIn,
    type Answer,
    type HostedProvider,
} from "./testing/dynamic-host.test-util";
import { settle, setupMocks } from "./testing/mocks";

const mocks = setupMocks();
// Serializing the provider takes seconds on a loaded 2-core machine (see database-user.test.ts).
jest.setTimeout(60_000);

const PROJECT = "serverless-containers";
const CLUSTER_ARN = "arn:aws:rds:eu-west-1:123456789012:cluster:catalogue-db-cluster-1a2b3c4";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-1a2b-AbCdEf";

let providerText: string;

beforeAll(async () => {
    const { DatabaseUser } = await import("./database-user");
    new DatabaseUser("app-user", {
        spec: { engine: "mysql", database: "labdb", username: "catalogue_app", schema: [] },
        clusterArn: CLUSTER_ARN,
        masterSecretArn: SECRET_ARN,
    });
    await settle();
    providerText = mocks.one("pulumi-nodejs:dynamic/serverless-containers:DatabaseUser").inputs.__provider;
});

// ---- a loopback stand-in for the Data API (restJson1) and STS (awsQuery) ----------------------------------

/** A Data API error as the service sends it: status from the service model, type header, JSON message. */
function dataApiError(name: string, status: number, message: string): Answer {
    return {
        status,
        headers: {
            "content-type": "application/json",
            "x-amzn-errortype": `${name}:http://internal.amazon.com/coral/com.amazon.rbs.datagateway/`,
        },
        body: JSON.stringify({ message }),
    };
}
const executed: Answer = {
    status: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ numberOfRecordsUpdated: 0 }),
};

/** STS's answer to AssumeRole / AssumeRoleWithWebIdentity (awsQuery XML), the n-th session's credentials. */
function assumedRole(n: number, action = "AssumeRole"): Answer {
    return {
        status: 200,
        headers: { "content-type": "text/xml" },
        body:
            `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result>` +
            `<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE${n}:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r${n}/s</Arn></AssumedRoleUser>` +
            `<Credentials><AccessKeyId>ASIAASSUMED${n}</AccessKeyId><SecretAccessKey>assumed-secret-${n}</SecretAccessKey>` +
            `<SessionToken>session-token-${n}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>` +
            `</${action}Result><ResponseMetadata><RequestId>req-${n}</RequestId></ResponseMetadata></${action}Response>`,
    };
}

afterAll(closeStandIns);

// ---- the host's steps ------------------------------------------------------------------------------------

/** No ambient AWS identity: only what the stack (or the explicit provider) says may be used. */
const scratchDir = isolateAwsEnvironment("db-bootstrap-");

/** Load and configure the provider as the host does: a fresh module per run, configure() with the whole stack config. */
const hosted = (config: Record<string, string>): Promise<HostedProvider> => hostedProvider(providerText, config, PROJECT);

/** A profile `deploy` in a shared credentials file of its own (and an empty shared config file). */
function profileFiles(): { credentials: string; config: string } {
    const credentials = path.join(scratchDir(), "credentials");
    const config = path.join(scratchDir(), "config");
    writeFileSync(credentials, "[deploy]\naws_access_key_id = AKIAPROFILEDEPLOY\naws_secret_access_key = profile-secret\n");
    writeFileSync(config, "");
    return { credentials, config };
}

const STATEMENTS = ["CREATE USER IF NOT EXISTS 'catalogue_app'@'%'", "GRANT SELECT ON `labdb`.* TO 'catalogue_app'@'%'"];

function inputs(extra: object = {}): Record<string, unknown> {
    return {
        clusterArn: CLUSTER_ARN,
        secretArn: SECRET_ARN,
        database: "labdb",
        username: "catalogue_app",
        statements: STATEMENTS,
        retry: { baseDelayMs: 1, maxDelayMs: 5 },
        ...extra,
    };
}

describe("the bootstrap's AWS identity and endpoint", () => {
    it("should sign Data API calls with the aws:profile from aws:sharedCredentialsFiles, for aws:region, at aws:endpoints' rdsdata URL", async () => {
        const aws = await standIn(() => executed);
        const files = profileFiles();
        const provider = await hosted({
            "aws:region": "eu-west-1",
            "aws:profile": "deploy",
            "aws:sharedCredentialsFiles": JSON.stringify([files.credentials]),
            "aws:sharedConfigFiles": JSON.stringify([files.config]),
            "aws:endpoints": JSON.stringify([{ rdsdata: aws.url }]),
        });
        await provider.create(
            inputs({
                awsConfigKeys: ["aws:endpoints", "aws:profile", "aws:region", "aws:sharedConfigFiles", "aws:sharedCredentialsFiles"],
            }),
        );
        expect(aws.requests.map((r) => [r.path, r.signedBy])).toEqual([
            ["/Execute", { accessKeyId: "AKIAPROFILEDEPLOY", region: "eu-west-1", service: "rds-data" }],
            ["/Execute", { accessKeyId: "AKIAPROFILEDEPLOY", region: "eu-west-1", service: "rds-data" }],
        ]);
        expect(JSON.parse(aws.requests[0].body)).toMatchObject({ resourceArn: CLUSTER_ARN, secretArn: SECRET_ARN, database: "labdb" });
    });

    it("should assume aws:assumeRoles in order, each with the previous role's credentials, and call the Data API as the last role", async () => {
        const aws = await standIn((req) => (req.path === "/" ? assumedRole(aws.requests.filter((r) => r.path === "/").length) : executed));
        const provider = await hosted({
            "aws:region": "eu-west-1",
            "aws:accessKey": "AKIASTATICBASE",
            "aws:secretKey": "static-secret",
            "aws:assumeRoles": JSON.stringify([
                { roleArn: "arn:aws:iam::123456789012:role/hub", sessionName: "hub-session", externalId: "ext-1" },
                { roleArn: "arn:aws:iam::123456789012:role/deploy", sessionName: "deploy-session", duration: "15m" },
            ]),
            "aws:endpoints": JSON.stringify([{ rdsdata: aws.url, sts: aws.url }]),
        });
        await provider.create(
            inputs({
                statements: ["SELECT 1"],
                awsConfigKeys: ["aws:accessKey", "aws:assumeRoles", "aws:endpoints", "aws:region", "aws:secretKey"],
            }),
        );
        const sts = aws.requests.filter((r) => r.path === "/");
        expect(sts.map((r) => r.signedBy.accessKeyId)).toEqual(["AKIASTATICBASE", "ASIAASSUMED1"]);
        const params = sts.map((r) => Object.fromEntries(new URLSearchParams(r.body)));
        expect(params[0]).toMatchObject({
            Action: "AssumeRole",
            RoleArn: "arn:aws:iam::123456789012:role/hub",
            RoleSessionName: "hub-session",
            ExternalId: "ext-1",
        });
        expect(params[1]).toMatchObject({
            Action: "AssumeRole",
            RoleArn: "arn:aws:iam::123456789012:role/deploy",
            RoleSessionName: "deploy-session",
            DurationSeconds: "900",
        });
        const data = aws.requests.filter((r) => r.path === "/Execute");
        expect(data.map((r) => [r.signedBy, r.headers["x-amz-security-token"]])).toEqual([
            [{ accessKeyId: "ASIAASSUMED2", region: "eu-west-1", service: "rds-data" }, "session-token-2"],
        ]);
    });

    it("should take its base identity from aws:assumeRoleWithWebIdentity's token file (the CI's OIDC token)", async () => {
        const aws = await standIn((req) => (req.path === "/" ? assumedRole(7, "AssumeRoleWithWebIdentity") : executed));
        const tokenFile = path.join(scratchDir(), "oidc-token");
        writeFileSync(tokenFile, "eyJhbGciOiJSUzI1NiJ9.example.token\n");
        const provider = await hosted({
            "aws:region": "eu-west-1",
            "aws:assumeRoleWithWebIdentity": JSON.stringify({
                roleArn: "arn:aws:iam::123456789012:role/github-deploy",
                sessionName: "gh",
                webIdentityTokenFile: tokenFile,
            }),
            "aws:endpoints": JSON.stringify([{ rdsdata: aws.url, sts: aws.url }]),
        });
        await provider.create(
            inputs({ statements: ["SELECT 1"], awsConfigKeys: ["aws:assumeRoleWithWebIdentity", "aws:endpoints", "aws:region"] }),
        );
        const [sts, data] = aws.requests;
        expect(Object.fromEntries(new URLSearchParams(sts.body))).toMatchObject({
            Action: "AssumeRoleWithWebIdentity",
            RoleArn: "arn:aws:iam::123456789012:role/github-deploy",
            RoleSessionName: "gh",
            WebIdentityToken: "eyJhbGciOiJSUzI1NiJ9.example.token",
        });
        expect([data.path, data.signedBy.accessKeyId, data.headers["x-amz-security-token"]]).toEqual([
            "/Execute",
            "ASIAASSUMED7",
            "session-token-7",
        ]);
    });

    it("should use an explicit aws.Provider's settings (passed as inputs) instead of the stack's aws: config", async () => {
        const aws = await standIn(() => executed);
        const files = profileFiles();
        const provider = await hosted({ "aws:region": "us-east-1", "aws:accessKey": "AKIASTACKDEFAULT", "aws:secretKey": "stack-secret" });
        await provider.create(
            inputs({
                statements: ["SELECT 1"],
                awsConfigKeys: ["aws:accessKey", "aws:region", "aws:secretKey"],
                awsProvider: {
                    name: "eu",
                    settings: {
                        region: "eu-west-1",
                        profile: "deploy",
                        sharedCredentialsFiles: JSON.stringify([files.credentials]),
                        sharedConfigFiles: JSON.stringify([files.config]),
                        endpoints: JSON.stringify([{ rdsdata: aws.url }]),
                    },
                },
            }),
        );
        expect(aws.requests.map((r) => r.signedBy)).toEqual([
            { accessKeyId: "AKIAPROFILEDEPLOY", region: "eu-west-1", service: "rds-data" },
        ]);
    });

    it("should refuse, naming the key, a setting it cannot honour instead of ignoring it", async () => {
        const provider = await hosted({ "aws:region": "eu-west-1", "aws:httpsProxy": "http://proxy.internal:3128" });
        await expect(provider.create(inputs({ awsConfigKeys: ["aws:httpsProxy", "aws:region"] }))).rejects.toThrow(/`aws:httpsProxy`/);
    });

    it("should refuse when the stack's aws:region is not the cluster's region", async () => {
        const provider = await hosted({ "aws:region": "us-east-1", "aws:accessKey": "AKIASTATICBASE", "aws:secretKey": "s" });
        await expect(provider.create(inputs({ awsConfigKeys: ["aws:accessKey", "aws:region", "aws:secretKey"] }))).rejects.toThrow(
            /`aws:region` is us-east-1 but the cluster arn:aws:rds:eu-west-1:123456789012:cluster:catalogue-db-cluster-1a2b3c4 is in eu-west-1/,
        );
    });

    it("should refuse when the engine did not hand the stack's aws: config to the provider (a CLI older than 3.139)", async () => {
        const provider = await hosted({});
        await expect(provider.create(inputs({ awsConfigKeys: ["aws:profile", "aws:region"] }))).rejects.toThrow(
            /the program's config sets aws:profile, aws:region, but the Pulumi engine did not pass them to the database bootstrap/,
        );
    });

    it("should report, at preview (check), a setting it cannot honour", async () => {
        const provider = await hosted({ "aws:region": "eu-west-1", "aws:customCaBundle": "/etc/ssl/corp.pem" });
        expect(provider.check).toBeDefined();
        const result = await provider.check!({}, inputs({ awsConfigKeys: ["aws:customCaBundle", "aws:region"] }));
        expect(result.failures).toEqual([{ property: "awsConfigKeys", reason: expect.stringContaining("`aws:customCaBundle`") }]);
    });
});

describe("the bootstrap's retries against a just-created writer", () => {
    const creds = { "aws:region": "eu-west-1", "aws:accessKey": "AKIASTATICBASE", "aws:secretKey": "static-secret" };
    const keys = ["aws:accessKey", "aws:endpoints", "aws:region", "aws:secretKey"];

    it("should retry what a new or resuming writer answers, then run each statement once it succeeds", async () => {
        const answers = [
            dataApiError("DatabaseNotFoundException", 404, "The DB cluster doesn't have a DB instance."),
            dataApiError("HttpEndpointNotEnabledException", 400, "HttpEndpoint is not enabled for cluster catalogue-db-cluster-1a2b3c4."),
            dataApiError(
                "DatabaseResumingException",
                400,
                "The Aurora DB instance is resuming after being auto-paused. Please wait a few seconds and try again.",
            ),
            dataApiError("DatabaseUnavailableException", 504, "The writer instance in the DB cluster isn't available."),
            dataApiError("ServiceUnavailableError", 503, "The service specified by the resourceArn parameter isn't available."),
            dataApiError("ThrottlingException", 400, "Rate exceeded"),
        ];
        const aws = await standIn((_req, nth) => answers[nth - 1] ?? executed);
        const provider = await hosted({ ...creds, "aws:endpoints": JSON.stringify([{ rdsdata: aws.url }]) });
        await provider.create(inputs({ awsConfigKeys: keys }));
        const sqlSent = aws.requests.map((r) => (JSON.parse(r.body) as { sql: string }).sql);
        expect(sqlSent).toEqual([...Array(7).fill(STATEMENTS[0]), STATEMENTS[1]]);
    });

    it("should stop at the attempt bound, naming the cluster, the statement and the last error, with no hidden SDK retries", async () => {
        const aws = await standIn(() =>
            dataApiError("DatabaseUnavailableException", 504, "The writer instance in the DB cluster isn't available."),
        );
        const provider = await hosted({ ...creds, "aws:endpoints": JSON.stringify([{ rdsdata: aws.url }]) });
        const failure = provider.create(inputs({ awsConfigKeys: keys, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } }));
        await expect(failure).rejects.toThrow(`Database bootstrap of ${CLUSTER_ARN}: statement 1/2 still failing after 3 attempts`);
        await expect(failure).rejects.toThrow(
            /last error DatabaseUnavailableException \(HTTP 504\): The writer instance in the DB cluster isn't available\./,
        );
        // 3 attempts = 3 requests: the SDK's own retry strategy (3 attempts per call by default) is off.
        expect(aws.requests).toHaveLength(3);
    });

    it("should not retry what waiting cannot fix (a SQL error), and name it", async () => {
        const aws = await standIn(() =>
            dataApiError("DatabaseErrorException", 400, "Database error code: 1064. Message: You have an error in your SQL syntax."),
        );
        const provider = await hosted({ ...creds, "aws:endpoints": JSON.stringify([{ rdsdata: aws.url }]) });
        await expect(provider.create(inputs({ awsConfigKeys: keys }))).rejects.toThrow(
            `Database bootstrap of ${CLUSTER_ARN}: statement 1/2 failed (DatabaseErrorException): Database error code: 1064.`,
        );
        expect(aws.requests).toHaveLength(1);
    });
});
