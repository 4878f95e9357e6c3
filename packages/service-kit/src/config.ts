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
  /** Milliseconds in-flight requests get to finish after SIGTERM before sockets are cut. */
  SHUTDOWN_GRACE_MS: env.int(10_000, 0, 120_000),
};
