import { z } from "zod";
import { baseEnvShape, env, loadConfig } from "@serverless-containers/service-kit";

const schema = z.object({
    ...baseEnvShape,
    TABLE_NAME: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{3,255}$/, { message: "must be a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)" })
        .default("AppRunnerProducts"),
    AWS_REGION: z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: "must be an AWS region such as us-east-1" })
        .default("us-east-1"),
    /** Shown by GET / and /health: "eks-fargate", "AWS App Runner", "ecs-express"… */
    RUNTIME: z.string().min(1).max(64).default("container"),
    /** Local development only (dynalite / DynamoDB Local). Never set in AWS. */
    DYNAMODB_ENDPOINT: env.url().optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface ProductsConfig {
    readonly port: number;
    readonly shutdownGraceMs: number;
    readonly requestDeadlineMs: number;
    readonly readinessTimeoutMs: number;
    readonly logLevel: string;
    readonly tableName: string;
    readonly region: string;
    readonly runtime: string;
    readonly endpoint?: string;
}

export function loadProductsConfig(source: Readonly<Record<string, string | undefined>> = process.env): ProductsConfig {
    const cfg = loadConfig(schema, source);
    return {
        port: cfg.PORT,
        shutdownGraceMs: cfg.SHUTDOWN_GRACE_MS,
        requestDeadlineMs: cfg.REQUEST_DEADLINE_MS,
        readinessTimeoutMs: cfg.READINESS_TIMEOUT_MS,
        logLevel: cfg.LOG_LEVEL,
        tableName: cfg.TABLE_NAME,
        region: cfg.AWS_REGION,
        runtime: cfg.RUNTIME,
        endpoint: cfg.DYNAMODB_ENDPOINT,
    };
}
