/**
 * visits-api's tables, as idempotent DDL: the one list both the app's schema init and the deploy-time
 * bootstrap (stacks/database.ts → components/database-user.ts, as the master user; in AWS the app user has DML
 * only) execute. One source, so they cannot drift. No imports: the Pulumi program loads this file.
 */
export const VISITS_SCHEMA: readonly string[] = [
    `CREATE TABLE IF NOT EXISTS visits (
     id           BIGSERIAL    PRIMARY KEY,
     last_update  TIMESTAMPTZ  NOT NULL DEFAULT now(),
     user_agent   TEXT
   )`,
    "CREATE INDEX IF NOT EXISTS visits_last_update_idx ON visits (last_update DESC)",
    // Idempotency-Key records (service-kit idempotency.ts): key, request fingerprint, stored answer, expiry.
    `CREATE TABLE IF NOT EXISTS idempotency_keys (
     scope            TEXT         NOT NULL,
     idem_key         TEXT         NOT NULL,
     fingerprint      TEXT         NOT NULL,
     state            TEXT         NOT NULL CHECK (state IN ('pending', 'done')),
     locked_until     TIMESTAMPTZ  NOT NULL,
     expires_at       TIMESTAMPTZ  NOT NULL,
     response_status  INTEGER,
     response_body    TEXT,
     response_headers TEXT,
     PRIMARY KEY (scope, idem_key)
   )`,
    "CREATE INDEX IF NOT EXISTS idempotency_keys_expires_at_idx ON idempotency_keys (expires_at)",
];

/** The relations VISITS_SCHEMA creates (schema init skips the DDL when all exist). */
export const VISITS_RELATIONS: readonly string[] = [
    "visits",
    "visits_last_update_idx",
    "idempotency_keys",
    "idempotency_keys_expires_at_idx",
];
