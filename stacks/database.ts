/**
 * The database the VPC stacks share a shape for: Aurora Serverless v2 behind RDS Proxy sized by the
 * stack's config, and each app's database user. A stack wires its service with `db.connect(name, service)`,
 * which opens the security groups on the engine's port, grants the service's role `rds-db:connect` as the
 * app user, and returns the DB_* environment the apps read (docs/architecture.md, "The environment contract").
 *
 * Apps authenticate to the proxy with IAM auth tokens as their own DML-only database user (never the
 * master user), and the proxy authenticates to the database with IAM too (end-to-end IAM): no password
 * reaches the app or the proxy, so the master secret's 7-day rotation cannot break either. The master
 * secret is used only by the deploy-time bootstrap that creates the app user (components/database-user.ts).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { AuroraWithProxy, type AuroraEngine } from "../components/index";
import { stackMonitoring } from "./alarm-routing";
import type { StackConfig } from "./config";
import { REPO_ROOT } from "./images";
import type { Network } from "./network";

/** An app's database user: its name and the tables the bootstrap creates for it. */
export interface AppDatabaseUser {
    readonly username: string;
    readonly schema: readonly string[];
}

export function auroraFromConfig(
    name: string,
    engine: AuroraEngine,
    databaseName: string,
    appUser: AppDatabaseUser,
    config: StackConfig,
    network: Network,
): AuroraWithProxy {
    return new AuroraWithProxy(name, {
        engine,
        // One config key per engine (auroraMysqlVersion / auroraPostgresqlVersion): see docs/databases.md, "Engine versions".
        engineVersion: engine === "mysql" ? config.auroraMysqlVersion : config.auroraPostgresqlVersion,
        databaseName,
        appUser: { username: appUser.username, schema: [...appUser.schema] },
        vpc: { vpcId: network.vpcId, subnetIds: network.privateSubnetIds },
        availabilityZones: network.availabilityZones,
        minCapacity: config.auroraMinCapacity,
        maxCapacity: config.auroraMaxCapacity,
        readers: config.auroraReaders,
        backupRetentionDays: config.auroraBackupRetentionDays,
        // A retiring stack lifts the protection (and Pulumi protect) so `pulumi destroy` can go; the final
        // snapshot the stack takes stays (docs/deploying.md, "Retiring an environment").
        deletionProtection: config.auroraDeletionProtection && !config.retire,
        finalSnapshot: config.auroraDeletionProtection,
        applyImmediately: !config.auroraDeletionProtection,
        // Alarms routed as the stack's config says (README, "Alarms and dashboards"); their graphs reach the linked services' dashboards.
        monitoring: stackMonitoring(config),
        tags: config.tags,
    });
}

// ---- application database users ----------------------------------------------------
// The bootstrap (components/database-user.ts) creates these tables as the master user and gives each app
// a DML-only user. The statements are what each app ships in apps/<app>/src/data/ddl.json, the file its own
// schema init runs too (the app bundles it), read here as data: the program imports no app source. The db test
// (components/database-user.sql.test.ts) proves the app user can then use them through the app's own
// repository code on real MariaDB/PostgreSQL.

/** The statements of an app's schema file, each stored as its lines. */
const SCHEMA_FILE = z.object({ statements: z.array(z.array(z.string())).min(1) });

/** The schema file `app` ships: apps/<app>/src/data/ddl.json. */
export function appSchemaFile(app: string): string {
    return path.join(REPO_ROOT, "apps", app, "src", "data", "ddl.json");
}

/** The statements of an app's schema file, in order (each stored as its lines). */
export function readAppSchema(file: string): string[] {
    const parsed = SCHEMA_FILE.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success)
        throw new Error(`${file} must hold "statements", a list of statements each given as its lines: ${parsed.error.message}`);
    return parsed.data.statements.map((lines) => lines.join("\n"));
}

/** catalogue-api (Aurora MySQL, database labdb): its tables are the app's own schema. */
export const CATALOGUE_APP_USER: AppDatabaseUser = { username: "catalogue_app", schema: readAppSchema(appSchemaFile("catalogue-api")) };

/** visits-api (Aurora PostgreSQL, database apprunnerdemo). */
export const VISITS_APP_USER: AppDatabaseUser = { username: "visits_app", schema: readAppSchema(appSchemaFile("visits-api")) };
