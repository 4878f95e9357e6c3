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
 * access, no local AWS CLI) with the cluster's RDS-managed master secret, like seed 001's
 * AwsCustomResource did. The Data API serves Aurora MySQL and Aurora PostgreSQL Serverless v2 clusters:
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/Welcome.html
 * The deploying identity needs `rds-data:ExecuteStatement` on the cluster and `secretsmanager:GetSecretValue`
 * on the master secret. Every statement is idempotent, so a re-run (update, retry) converges.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AuroraEngine } from "./aurora-with-proxy";

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

export interface ExecuteOptions {
    readonly clusterArn: string;
    readonly secretArn: string;
    readonly database: string;
    readonly statements: readonly string[];
    /** Attempts per statement while the cluster resumes from 0 ACU. @default 12 */
    readonly attempts?: number;
    /** Wait between attempts in ms. @default 10000 */
    readonly delayMs?: number;
}

/**
 * Run the statements in order. A Serverless v2 cluster paused at 0 ACU answers the first call with
 * DatabaseResumingException while it resumes; that call is retried (bounded), every other error fails the
 * deployment with the statement's position.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html
 */
export async function executeStatements(execute: ExecuteStatement, options: ExecuteOptions): Promise<number> {
    const attempts = options.attempts ?? 12;
    const delayMs = options.delayMs ?? 10_000;
    let index = 0;
    for (const sql of options.statements) {
        index += 1;
        for (let attempt = 1; ; attempt++) {
            try {
                await execute({ resourceArn: options.clusterArn, secretArn: options.secretArn, database: options.database, sql });
                break;
            } catch (err) {
                const name = (err as { name?: string }).name ?? "";
                if (name === "DatabaseResumingException" && attempt < attempts) {
                    await new Promise((resolve) => setTimeout(resolve, delayMs));
                    continue;
                }
                // The cause is set as a property, not with `new Error(message, { cause })`: the nodejs plugin host
                // compiles this file with ts-node's ES6 lib, which has no ErrorOptions (plugin-host.pack.test.ts).
                const failure: Error & { cause?: unknown } = new Error(
                    `Database bootstrap statement ${index}/${options.statements.length} failed (${name || "error"}): ${(err as Error).message}`,
                );
                failure.cause = err;
                throw failure;
            }
        }
    }
    return index;
}

interface BootstrapInputs {
    readonly clusterArn: string;
    readonly secretArn: string;
    readonly database: string;
    readonly username: string;
    readonly statements: string[];
}

/**
 * The dynamic provider. It is serialized into the deployment, so it captures only `executeStatements` and
 * loads the AWS SDK at run time; the region comes from the cluster ARN (arn:aws:rds:<region>:…).
 */
const provider: pulumi.dynamic.ResourceProvider = {
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
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { RDSDataClient, ExecuteStatementCommand } = require("@aws-sdk/client-rds-data") as typeof import("@aws-sdk/client-rds-data");
    const region = inputs.clusterArn.split(":")[3];
    const client = new RDSDataClient({ region });
    try {
        await executeStatements((input) => client.send(new ExecuteStatementCommand(input)), inputs);
    } finally {
        client.destroy();
    }
}

export interface DatabaseUserArgs {
    readonly spec: AppUserSpec;
    readonly clusterArn: pulumi.Input<string>;
    /** ARN of the master user secret (the Data API signs in with it). */
    readonly masterSecretArn: pulumi.Input<string>;
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
        };
        super(provider, name, inputs, opts, "serverless-containers", "DatabaseUser");
    }
}
