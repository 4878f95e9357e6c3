import { z } from "zod";

/** Thrown at start-up when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid environment configuration:\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigError";
    }
}

type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * Parses `env` (default `process.env`) against a zod object whose keys are the variable names.
 * Empty strings count as unset, so `FOO=` in a compose file falls back to the default.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: EnvSource = process.env): z.output<S> {
    const cleaned: Record<string, string> = {};
    for (const [key, value] of Object.entries(env)) {
        if (value !== undefined && value !== "") cleaned[key] = value;
    }
    const result = schema.safeParse(cleaned);
    if (result.success) return result.data;
    throw new ConfigError(
        result.error.issues.map((issue) => {
            const name = issue.path.length > 0 ? issue.path.join(".") : "(environment)";
            return `${name}: ${issue.message}`;
        }),
    );
}

/** Reusable env field schemas (strings in, typed values out). */
export const env = {
    port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
    int: (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback),
    boolean: (fallback: boolean) =>
        z
            .enum(["true", "false", "1", "0", "yes", "no", "TRUE", "FALSE", "True", "False"], {
                message: "must be true or false",
            })
            .default(fallback ? "true" : "false")
            .transform((value) => ["true", "1", "yes"].includes(value.toLowerCase())),
    url: () => z.url({ message: "must be an absolute URL such as http://host:8080" }),
};

/** PORT, common to every service (App Runner / ECS / EKS all pass 8080). */
export const baseEnvShape = {
    PORT: env.port(8080),
    /**
     * Milliseconds from SIGTERM to exit 0: in-flight requests finish or are answered 503, keep-alive clients are
     * told `Connection: close`, the pool close is bounded. Keep it below the platform's own SIGTERM→SIGKILL
     * window: 30 s on ECS Fargate unless stopTimeout says otherwise
     * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html, stopTimeout) and
     * Kubernetes' default terminationGracePeriodSeconds (30 s).
     */
    SHUTDOWN_GRACE_MS: env.int(10_000, 0, 120_000),
    /**
     * Every request is answered within this many milliseconds: when it passes, 503 + Retry-After, and the
     * database connection the request was waiting on is destroyed rather than returned to the pool. Below every
     * platform timeout in front of the services: App Runner cuts a request at 120 s
     * (https://docs.aws.amazon.com/apprunner/latest/dg/develop.html), an ALB (ECS Express Mode) closes an idle
     * connection after 60 s by default
     * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html),
     * the EKS NLB's TCP idle timeout is 350 s
     * (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html). The maximum
     * (55 s) stays under the smallest of them.
     */
    REQUEST_DEADLINE_MS: env.int(10_000, 100, 55_000),
    /** Readiness (`GET /ready`) gives the database this long to answer one round trip. */
    READINESS_TIMEOUT_MS: env.int(2_000, 50, 30_000),
};
