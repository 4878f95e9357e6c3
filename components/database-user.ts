/**
 * A least-privilege application user in an Aurora database, created at deploy time.
 *
 * Why: the apps used to log in as the master user, so a compromised app could drop the database. The
 * bootstrap here runs as the master user once per change and leaves the app a user that may only
 * SELECT/INSERT/UPDATE/DELETE in its database: no DDL, no CREATE USER, no GRANT.
 *
 * Schema ownership (the choice): the bootstrap, as the master user, creates the app's tables (`schema`, the
 * same `CREATE … IF NOT EXISTS` statements the app's own schema init runs) and grants the app user DML on
 * them. The app user owns nothing, so it cannot DROP or ALTER its tables either (in PostgreSQL an owner
 * always can). The apps' schema init skips tables that already exist, so it still creates them where it
 * runs with an owner's rights (local dev, tests) and is a no-op under the DML-only user.
 *
 * Authentication: the user has no password. It authenticates with IAM both at RDS Proxy (clients) and
 * from the proxy to the database (RDS Proxy end-to-end IAM authentication, `DefaultAuthScheme=IAM_AUTH`),
 * which needs the IAM-auth marker on the database user:
 *   - MySQL: `IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'`
 *   - PostgreSQL: membership in the `rds_iam` role
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.IAMDBAuth.DBAccounts.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-iam-setup.html (end-to-end IAM)
 *
 * How the SQL runs at deploy time: a Pulumi dynamic resource calls the RDS Data API (HTTPS, no VPC
 * access, no local AWS CLI) with the cluster's RDS-managed master secret, like the original visits demo's
 * AwsCustomResource did. The Data API serves Aurora MySQL and Aurora PostgreSQL Serverless v2 clusters:
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/Welcome.html
 * The deploying identity needs `rds-data:ExecuteStatement` on the cluster and `secretsmanager:GetSecretValue`
 * on the master secret. Every statement is idempotent, so a re-run (update, retry) converges.
 *
 * Who calls the Data API, and where: the identity, region and endpoints of the AWS provider that created the
 * cluster — the stack's `aws:` config, or an explicit aws.Provider given to the component (aws-settings.ts
 * says which settings, and refuses by name those it cannot reproduce). A writer that is not ready yet (just
 * created, resuming from 0 ACU, briefly unavailable) is waited out within a bound (executeStatements).
 */
import * as pulumi from "@pulumi/pulumi";
import type { AuroraEngine } from "./aurora-with-proxy";
import { regionForCluster, sdkClientSettings, type AwsSettings } from "./aws-settings";
import { awsCallInputs, awsCallSettings, hasUnknown, withoutAwsProvider, type AwsCallInputs, type HostConfig } from "./dynamic-aws";

export { explicitProviderSettings } from "./dynamic-aws";

/** The MySQL clause that makes a user authenticate with IAM tokens (Aurora's plugin; absent in MariaDB). */
export const MYSQL_IAM_AUTH_CLAUSE = "IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'";
/** The PostgreSQL role that makes its members authenticate with IAM tokens (Aurora's role; absent in PostgreSQL). */
export const POSTGRES_IAM_ROLE = "rds_iam";
/** DML only: what the app user may do in its database. */
export const APP_USER_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE"] as const;

/** MySQL user names are at most 32 characters; lower-case so IAM resource names and DB names match exactly. */
const USERNAME = /^[a-z][a-z0-9_]{0,31}$/;
const DATABASE = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

export interface AppUserSpec {
    readonly engine: AuroraEngine;
    /** The database the user may use (created with the cluster). */
    readonly database: string;
    /** The application user's name. */
    readonly username: string;
    /** Idempotent DDL the bootstrap runs as the master user before granting (the app's tables). */
    readonly schema: readonly string[];
}

/** Problems with the user part of a spec (name, schema), each naming the field; empty when valid. */
export function appUserProblems(spec: Pick<AppUserSpec, "username" | "schema">): string[] {
    const problems: string[] = [];
    if (!USERNAME.test(spec.username)) {
        problems.push(
            `\`appUser.username\` must be 1-32 lower-case letters, digits or _, starting with a letter (got ${JSON.stringify(spec.username)}).`,
        );
    }
    spec.schema.forEach((statement, i) => {
        if (!/^\s*CREATE\s+(TABLE|INDEX|UNIQUE\s+INDEX)\s+IF\s+NOT\s+EXISTS\s/i.test(statement)) {
            problems.push(`\`appUser.schema[${i}]\` must be an idempotent CREATE TABLE/INDEX IF NOT EXISTS statement.`);
        }
    });
    return problems;
}

/**
 * The bootstrap's statements, in order, each idempotent (run twice = run once). They run as the master
 * user in `spec.database`.
 */
export function appUserStatements(spec: AppUserSpec): string[] {
    const problems = appUserProblems(spec);
    if (!DATABASE.test(spec.database)) {
        problems.push(
            `\`databaseName\` must start with a letter and contain only letters, digits and _ (max 63) (got ${JSON.stringify(spec.database)}).`,
        );
    }
    if (problems.length > 0) throw new Error(`appUserStatements: ${problems.join(" ")}`);
    const privileges = APP_USER_PRIVILEGES.join(", ");
    if (spec.engine === "mysql") {
        const user = `'${spec.username}'@'%'`;
        return [
            `CREATE USER IF NOT EXISTS ${user} ${MYSQL_IAM_AUTH_CLAUSE}`,
            // A user that existed before (created by hand with a password) is switched to IAM auth too.
            `ALTER USER ${user} ${MYSQL_IAM_AUTH_CLAUSE}`,
            ...spec.schema,
            `GRANT ${privileges} ON \`${spec.database}\`.* TO ${user}`,
        ];
    }
    const role = `"${spec.username}"`;
    return [
        // PostgreSQL has no CREATE ROLE IF NOT EXISTS.
        `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${spec.username}') THEN CREATE ROLE ${role} LOGIN; END IF; END $$`,
        `GRANT ${POSTGRES_IAM_ROLE} TO ${role}`,
        // PostgreSQL 15+ already withholds CREATE on schema public from PUBLIC; older majors did not.
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        ...spec.schema,
        `GRANT CONNECT ON DATABASE "${spec.database}" TO ${role}`,
        `GRANT USAGE ON SCHEMA public TO ${role}`,
        `GRANT ${privileges} ON ALL TABLES IN SCHEMA public TO ${role}`,
        // BIGSERIAL ids: INSERT needs nextval() on the table's sequence.
        `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    ];
}

/** One Data API call: `send(ExecuteStatement input)`; injected so the sequencing is testable without AWS. */
export type ExecuteStatement = (input: { resourceArn: string; secretArn: string; database: string; sql: string }) => Promise<unknown>;

/** How long the bootstrap keeps trying while the writer is not ready (every bound counts waits included). */
export interface RetryPolicy {
    /** Attempts per statement. @default 10 */
    readonly maxAttempts: number;
    /** Time for the whole bootstrap, all statements and waits. @default 600000 (10 minutes) */
    readonly maxElapsedMs: number;
    /** Cap of the first wait; each retry doubles it. @default 2000 */
    readonly baseDelayMs: number;
    /** Largest cap of a wait. @default 30000 */
    readonly maxDelayMs: number;
}

/**
 * Ten attempts with waits capped at 2, 4, 8, 16, 30, 30… s (full jitter: a random wait up to the cap) give a
 * resuming instance (typically ~15 s to resume: aurora-serverless-v2-auto-pause.html) and a writer that has just
 * become available well over a minute, and stop a deployment that cannot succeed within 10 minutes.
 */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, maxElapsedMs: 600_000, baseDelayMs: 2_000, maxDelayMs: 30_000 };

/**
 * Data API answers that mean "not yet" for a writer that was just created, is resuming from 0 ACU or is briefly
 * unavailable; the descriptions are the service model's (ExecuteStatement errors,
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_ExecuteStatement.html#API_ExecuteStatement_Errors).
 * Every statement is idempotent, so repeating one that may have run (a timeout) is safe.
 */
export const TRANSIENT_DATA_API_ERRORS: Readonly<Record<string, string>> = {
    // "The Data API request automatically resumes the DB instance. Wait a few seconds and try again."
    DatabaseResumingException: "the instance was paused at 0 ACU and is resuming",
    // "The DB cluster doesn't have a DB instance": the writer the bootstrap waits for is not yet attached.
    DatabaseNotFoundException: "the cluster has no DB instance yet",
    // "The writer instance in the DB cluster isn't available" (HTTP 504, a server fault).
    DatabaseUnavailableException: "the writer instance is not available",
    // The endpoint is enabled by CreateDBCluster (EnableHttpEndpoint; terraform-provider-aws
    // internal/service/rds/cluster.go); retried in case the Data API learns of it later, and named when the
    // bound ends (its lasting causes: data-api.troubleshooting.html, "HttpEndpoint is not enabled for cluster").
    HttpEndpointNotEnabledException: "the Data API endpoint is not enabled (yet) for the cluster",
    // "The execution of the SQL statement timed out": a cold writer; the statements are idempotent.
    StatementTimeoutException: "the statement timed out",
    ServiceUnavailableError: "the Data API is unavailable",
    InternalServerErrorException: "the Data API had an internal error",
};

/** Why an error is worth waiting out, or undefined when it is not. */
export function transientReason(err: unknown): string | undefined {
    const e = (err ?? {}) as { name?: string; message?: string };
    const known = TRANSIENT_DATA_API_ERRORS[e.name ?? ""];
    if (known) return known;
    // Serverless v1-era clusters report the disabled endpoint as a BadRequestException with this text.
    if (e.name === "BadRequestException" && /HttpEndpoint is not enabled/i.test(e.message ?? ""))
        return TRANSIENT_DATA_API_ERRORS.HttpEndpointNotEnabledException;
    // Throttling, 5xx and network failures by the SDK's own classification (what its retry strategy would retry).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require("@smithy/core/retry") as typeof import("@smithy/core/retry");
    const sdkError = err as Parameters<typeof sdk.isThrottlingError>[0];
    if (sdk.isThrottlingError(sdkError)) return "the request was throttled";
    if (sdk.isTransientError(sdkError) || sdk.isServerError(sdkError)) return "a transient service or network failure";
    return undefined;
}

export interface ExecuteOptions {
    readonly clusterArn: string;
    readonly secretArn: string;
    readonly database: string;
    readonly statements: readonly string[];
    /** The retry bound; unset fields take DEFAULT_RETRY's. */
    readonly retry?: Partial<RetryPolicy>;
    /** Test seams: the wait, the clock and the jitter. */
    readonly sleep?: (ms: number) => Promise<void>;
    readonly now?: () => number;
    readonly random?: () => number;
}

/**
 * Run the statements in order. An answer that means "not ready yet" (transientReason) is retried with
 * exponential backoff and full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog:
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/) within the bound; any other error,
 * or the bound spent, fails the deployment naming the cluster, the statement's position and the last error.
 */
export async function executeStatements(execute: ExecuteStatement, options: ExecuteOptions): Promise<number> {
    const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const now = options.now ?? Date.now;
    const random = options.random ?? Math.random;
    const started = now();
    const total = options.statements.length;
    const fail = (message: string, cause: unknown): Error => {
        // The cause is set as a property, not with `new Error(message, { cause })`: the nodejs plugin host
        // compiles this file with ts-node's ES6 lib, which has no ErrorOptions (plugin-host.pack.test.ts).
        const failure: Error & { cause?: unknown } = new Error(`Database bootstrap of ${options.clusterArn}: ${message}`);
        failure.cause = cause;
        return failure;
    };
    let index = 0;
    for (const sql of options.statements) {
        index += 1;
        for (let attempt = 1; ; attempt++) {
            try {
                await execute({ resourceArn: options.clusterArn, secretArn: options.secretArn, database: options.database, sql });
                break;
            } catch (err) {
                const e = (err ?? {}) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
                const name = e.name || "Error";
                const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : "";
                if (!transientReason(err)) throw fail(`statement ${index}/${total} failed (${name}): ${e.message}`, err);
                const spent = now() - started;
                const bound = `the bound is ${policy.maxAttempts} attempts per statement and ${policy.maxElapsedMs / 1000} s in all`;
                const last = `last error ${name}${status}: ${e.message}`;
                const tried = `statement ${index}/${total} still failing after ${attempt} attempts in ${(spent / 1000).toFixed(1)} s`;
                if (attempt >= policy.maxAttempts) throw fail(`${tried} (${bound}); ${last}`, err);
                const wait = Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
                if (spent + wait > policy.maxElapsedMs)
                    throw fail(`${tried}, and another wait would pass the time bound (${bound}); ${last}`, err);
                await sleep(wait);
            }
        }
    }
    return index;
}

/** What the engine stores and hands back: the bootstrap's inputs (no credentials, ever). */
interface BootstrapInputs extends AwsCallInputs {
    readonly clusterArn: string;
    readonly secretArn: string;
    readonly database: string;
    readonly username: string;
    readonly statements: string[];
    readonly retry?: Partial<RetryPolicy>;
}

/** The stack's config as the dynamic-provider host hands it to `configure` (see dynamic-aws.ts). */
const hosted: { config?: HostConfig } = {};

/** The settings the bootstrap calls AWS with: the explicit provider's when the component got one, else the stack's `aws:` config. */
const bootstrapSettings = (inputs: BootstrapInputs): AwsSettings => awsCallSettings(inputs, hosted.config, "the database bootstrap");

/**
 * The dynamic provider. It is serialized into the deployment with the functions it calls, and loads the AWS
 * SDK at run time. `configure` receives the stack's config (see aws-settings.ts); `check` refuses at preview
 * what `create`/`update` could not honour.
 */
const provider: pulumi.dynamic.ResourceProvider = {
    async configure(req: pulumi.dynamic.ConfigureRequest) {
        hosted.config = req.config;
    },
    async check(_olds: BootstrapInputs, news: BootstrapInputs) {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        if (!hasUnknown(news.awsProvider) && !hasUnknown(news.awsConfigKeys)) {
            try {
                const settings = bootstrapSettings(news);
                if (!hasUnknown(news.clusterArn)) regionForCluster(settings, news.clusterArn);
            } catch (err) {
                failures.push({ property: news.awsProvider ? "awsProvider" : "awsConfigKeys", reason: (err as Error).message });
            }
        }
        return { inputs: news, failures };
    },
    async create(inputs: BootstrapInputs) {
        await run(inputs);
        return { id: `${inputs.clusterArn}/${inputs.username}`, outs: inputs };
    },
    async diff(_id: string, olds: BootstrapInputs, news: BootstrapInputs) {
        const keys = ["clusterArn", "secretArn", "database", "username", "statements"] as const;
        const changed = keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        // A new cluster or user name is a new user: replace, so the id follows; statement changes re-run in place.
        const replaces = changed.filter((k) => k === "clusterArn" || k === "username" || k === "database");
        return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },
    async update(_id: string, _olds: BootstrapInputs, news: BootstrapInputs) {
        await run(news);
        return { outs: news };
    },
    // Deleting the resource leaves the user in place: the cluster is deleted with the stack, and dropping a
    // user while the app is still connected would only turn a rollback into an outage.
    async delete() {},
};

async function run(inputs: BootstrapInputs): Promise<void> {
    let client: { send: (command: unknown) => Promise<unknown>; destroy: () => void };
    let command: new (input: object) => unknown;
    try {
        const settings = bootstrapSettings(inputs);
        const region = regionForCluster(settings, inputs.clusterArn);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const sdk = require("@aws-sdk/client-rds-data") as typeof import("@aws-sdk/client-rds-data");
        // maxAttempts 1: executeStatements is the only retry, so its bound is the whole bound.
        client = new sdk.RDSDataClient({ ...(sdkClientSettings(settings, region) as object), maxAttempts: 1 }) as typeof client;
        command = sdk.ExecuteStatementCommand as unknown as typeof command;
    } catch (err) {
        const failure: Error & { cause?: unknown } = new Error(`Database bootstrap of ${inputs.clusterArn}: ${(err as Error).message}`);
        failure.cause = err;
        throw failure;
    }
    try {
        await executeStatements((input) => client.send(new command(input)), inputs);
    } finally {
        client.destroy();
    }
}

export interface DatabaseUserArgs {
    readonly spec: AppUserSpec;
    readonly clusterArn: pulumi.Input<string>;
    /** ARN of the master user secret (the Data API signs in with it). */
    readonly masterSecretArn: pulumi.Input<string>;
    /** How long to wait for a writer that is not ready. @default DEFAULT_RETRY */
    readonly retry?: Partial<RetryPolicy>;
}

/** The bootstrap as a resource: re-runs when the statements change; `username` resolves once the user exists. */
export class DatabaseUser extends pulumi.dynamic.Resource {
    // `declare`: the engine fills these outputs in the base constructor; an ES2022 class field would reset them.
    declare public readonly username: pulumi.Output<string>;
    declare public readonly statements: pulumi.Output<string[]>;

    constructor(name: string, args: DatabaseUserArgs, opts?: pulumi.CustomResourceOptions) {
        const inputs: Record<keyof BootstrapInputs, pulumi.Input<unknown>> = {
            clusterArn: args.clusterArn,
            secretArn: args.masterSecretArn,
            database: args.spec.database,
            username: args.spec.username,
            statements: appUserStatements(args.spec),
            ...awsCallInputs(opts, "The database bootstrap"),
            retry: args.retry,
        };
        super(provider, name, inputs, withoutAwsProvider(opts), "serverless-containers", "DatabaseUser");
    }
}
