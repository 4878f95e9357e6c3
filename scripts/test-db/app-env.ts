import type { TestDatabase } from "./types";

/** The DB_* environment a SQL service needs for a test database, authenticating with its password. */
export function dbAppEnv(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
    return {
        PORT: "0",
        DB_HOST: db.host,
        DB_PORT: String(db.port),
        DB_USER: db.user,
        DB_PASSWORD: db.password,
        DB_NAME: db.database,
        LOG_LEVEL: "silent",
        SHUTDOWN_GRACE_MS: "5000",
        ...extra,
    };
}

/**
 * The same with DB_IAM_AUTH=true: no DB_PASSWORD / DB_SECRET. DB_TLS stays false (the local servers
 * have no RDS-signed certificate); tests lift the TLS rule through the code-only token-source seam.
 */
export function dbIamAppEnv(db: TestDatabase, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    const { DB_PASSWORD: _password, ...env } = dbAppEnv(db);
    return { ...env, DB_IAM_AUTH: "true", AWS_REGION: "eu-west-1", ...extra };
}
