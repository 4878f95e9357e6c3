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
    ...dbEnvShape({ port: 5432, user: "postgres", database: "apprunnerdemo" }),
    /** Base URL of the private ECS service found through Cloud Map, e.g. http://privateservice.apprunner.demo:8080 */
    ECSPRIVATESERVICE: env.url().optional(),
    ECS_PRIVATE_SERVICE_TIMEOUT_MS: env.int(3_000, 100, 60_000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface VisitsConfig {
    readonly port: number;
    readonly shutdownGraceMs: number;
    readonly requestDeadlineMs: number;
    readonly readinessTimeoutMs: number;
    readonly logLevel: string;
    readonly db: DbSettings;
    readonly privateServiceUrl?: string;
    readonly privateServiceTimeoutMs: number;
}

/**
 * Reads and validates the environment once at start-up; throws naming the bad variable. `dbOptions` is the
 * code-only test seam of resolveDbSettings (an IAM token source standing in for the RDS signer).
 */
export function loadVisitsConfig(
    source: Readonly<Record<string, string | undefined>> = process.env,
    dbOptions: ResolveDbOptions = {},
): VisitsConfig {
    const cfg = loadConfig(schema, source);
    return {
        port: cfg.PORT,
        shutdownGraceMs: cfg.SHUTDOWN_GRACE_MS,
        requestDeadlineMs: cfg.REQUEST_DEADLINE_MS,
        readinessTimeoutMs: cfg.READINESS_TIMEOUT_MS,
        logLevel: cfg.LOG_LEVEL,
        db: resolveDbSettings(cfg, "postgres", dbOptions),
        privateServiceUrl: cfg.ECSPRIVATESERVICE,
        privateServiceTimeoutMs: cfg.ECS_PRIVATE_SERVICE_TIMEOUT_MS,
    };
}
