/**
 * The database the VPC stacks share a shape for: Aurora Serverless v2 behind RDS Proxy sized by the
 * stack's config, and the env contract the apps read (DB_* from DESIGN.md).
 *
 * Apps authenticate to the proxy with IAM auth tokens, not the master secret: RDS rotates its managed
 * master secret every 7 days, and a secret injected at container start would go stale at the first
 * rotation (new connections failing until a redeploy). The proxy itself still reads the secret — and
 * re-reads it after each rotation — to reach the database.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../components/iam";
import { AuroraWithProxy, type AuroraEngine } from "../components/aurora-with-proxy";
import type { StackConfig } from "./config";
import type { Network } from "./network";

export function auroraFromConfig(name: string, engine: AuroraEngine, databaseName: string, config: StackConfig, network: Network): AuroraWithProxy {
    return new AuroraWithProxy(name, {
        engine,
        databaseName,
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        availabilityZones: network.availabilityZones,
        minCapacity: config.auroraMinCapacity,
        maxCapacity: config.auroraMaxCapacity,
        readers: config.auroraReaders,
        backupRetentionDays: config.auroraBackupRetentionDays,
        deletionProtection: config.auroraDeletionProtection,
        iamAuth: true,
        tags: config.tags,
    });
}

/** Env for an app using `db` through its proxy: TLS on and IAM auth tokens signed in the app's region. */
export function databaseEnvironment(db: AuroraWithProxy): Record<string, pulumi.Input<string>> {
    return {
        DB_HOST: db.host,
        DB_PORT: db.port.apply(String),
        DB_NAME: db.databaseName,
        DB_USER: db.username,
        DB_TLS: "true",
        DB_IAM_AUTH: "true",
        AWS_REGION: aws.getRegionOutput().region,
    };
}

/** What the app's role needs to connect: `rds-db:connect` on exactly its proxy user. */
export function databaseAccess(db: AuroraWithProxy): PolicyStatement[] {
    return [db.connectStatement()];
}
