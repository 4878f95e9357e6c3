/**
 * The database the VPC stacks share a shape for: Aurora Serverless v2 behind RDS Proxy sized by the
 * stack's config, and the env contract the apps read (DB_* from DESIGN.md, the secret as DB_SECRET).
 */
import type * as pulumi from "@pulumi/pulumi";
import { AuroraWithProxy, type AuroraEngine } from "../components/aurora-with-proxy";
import type { StackConfig } from "./config";
import type { Network } from "./network";

export function auroraFromConfig(name: string, engine: AuroraEngine, databaseName: string, config: StackConfig, network: Network): AuroraWithProxy {
    return new AuroraWithProxy(name, {
        engine,
        databaseName,
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        minCapacity: config.auroraMinCapacity,
        maxCapacity: config.auroraMaxCapacity,
        readers: config.auroraReaders,
        backupRetentionDays: config.auroraBackupRetentionDays,
        deletionProtection: config.auroraDeletionProtection,
        tags: config.tags,
    });
}

/** Plain env for an app using `db` through its proxy, with TLS on (RDS Proxy requires it). */
export function databaseEnvironment(db: AuroraWithProxy): Record<string, pulumi.Input<string>> {
    return { DB_HOST: db.host, DB_PORT: db.port.apply(String), DB_NAME: db.databaseName, DB_USER: db.username, DB_TLS: "true" };
}

/** The RDS-managed master secret (`{"username","password"}`), injected at start; never a plain env var. */
export function databaseSecrets(db: AuroraWithProxy): Record<string, pulumi.Input<string>> {
    return { DB_SECRET: db.secretArn };
}
