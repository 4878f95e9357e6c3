import { z } from "zod";
import {
    baseEnvShape,
    dbEnvShape,
    env,
    loadConfig,
    resolveDbSettings,
    type DbSettings,
    type ResolveDbOptions,
} from "@serverless-containers/service-kit";

const schema = z.object({
    ...baseEnvShape,
    ...dbEnvShape({ port: 3306, user: "admin", database: "labdb" }),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** How long GET /catalogue/stats is answered from memory (ms; 0 = every call queries). */
    CATALOGUE_STATS_CACHE_MS: env.int(2_000, 0, 60_000),
});

export interface CatalogueConfig {
    readonly port: number;
    readonly shutdownGraceMs: number;
    readonly requestDeadlineMs: number;
    readonly readinessTimeoutMs: number;
    readonly logLevel: string;
    readonly statsCacheMs: number;
    readonly db: DbSettings;
}

/**
 * Reads and validates the environment once at start-up; throws naming the bad variable. `dbOptions` is the
 * code-only test seam of resolveDbSettings (an IAM token source standing in for the RDS signer).
 */
export function loadCatalogueConfig(
    env: Readonly<Record<string, string | undefined>> = process.env,
    dbOptions: ResolveDbOptions = {},
): CatalogueConfig {
    const cfg = loadConfig(schema, env);
    return {
        port: cfg.PORT,
        shutdownGraceMs: cfg.SHUTDOWN_GRACE_MS,
        requestDeadlineMs: cfg.REQUEST_DEADLINE_MS,
        readinessTimeoutMs: cfg.READINESS_TIMEOUT_MS,
        logLevel: cfg.LOG_LEVEL,
        statsCacheMs: cfg.CATALOGUE_STATS_CACHE_MS,
        db: resolveDbSettings(cfg, "admin", dbOptions),
    };
}
