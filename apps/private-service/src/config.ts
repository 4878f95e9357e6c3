import { z } from "zod";
import { baseEnvShape, env, loadConfig } from "@serverless-containers/service-kit";

const schema = z.object({
    ...baseEnvShape,
    /** Injected by the ECS agent into every container of a task (Fargate platform 1.4+). */
    ECS_CONTAINER_METADATA_URI_V4: env.url().optional(),
    METADATA_TIMEOUT_MS: env.int(2_000, 100, 30_000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface PrivateServiceConfig {
    readonly port: number;
    readonly shutdownGraceMs: number;
    readonly requestDeadlineMs: number;
    readonly readinessTimeoutMs: number;
    readonly logLevel: string;
    readonly metadataUri?: string;
    readonly metadataTimeoutMs: number;
}

export function loadPrivateServiceConfig(source: Readonly<Record<string, string | undefined>> = process.env): PrivateServiceConfig {
    const cfg = loadConfig(schema, source);
    return {
        port: cfg.PORT,
        shutdownGraceMs: cfg.SHUTDOWN_GRACE_MS,
        requestDeadlineMs: cfg.REQUEST_DEADLINE_MS,
        readinessTimeoutMs: cfg.READINESS_TIMEOUT_MS,
        logLevel: cfg.LOG_LEVEL,
        metadataUri: cfg.ECS_CONTAINER_METADATA_URI_V4,
        metadataTimeoutMs: cfg.METADATA_TIMEOUT_MS,
    };
}
