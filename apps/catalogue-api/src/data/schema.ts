/**
 * catalogue-api's tables, as idempotent DDL: the one list both the app's schema init (locally, and anywhere
 * the app may create tables) and the deploy-time bootstrap (stacks/database.ts → components/database-user.ts,
 * run as the master user, since in AWS the app user has DML only) execute. One source, so they cannot drift.
 * No imports: the Pulumi program loads this file.
 */

/** Seed table; created_at is DATETIME(6) (UTC, microseconds) so "newest first" is stable within a second. */
export const CATALOGUE_TABLE_DDL = `
CREATE TABLE IF NOT EXISTS catalogue (
  id          VARCHAR(36)   NOT NULL PRIMARY KEY,
  name        VARCHAR(100)  NOT NULL,
  price       DECIMAL(10,2),
  category    VARCHAR(50),
  in_stock    BOOLEAN       DEFAULT TRUE,
  created_at  DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY idx_catalogue_created_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`;

/** Idempotency-Key records (service-kit idempotency.ts): key, request fingerprint, stored answer, expiry. */
export const IDEMPOTENCY_TABLE_DDL = `
CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope            VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  idem_key         VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  fingerprint      CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  state            ENUM('pending','done') NOT NULL,
  locked_until     DATETIME(3)  NOT NULL,
  expires_at       DATETIME(3)  NOT NULL,
  response_status  SMALLINT     NULL,
  response_body    MEDIUMTEXT   NULL,
  response_headers TEXT         NULL,
  PRIMARY KEY (scope, idem_key),
  KEY idx_idempotency_keys_expires_at (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`;

/** Every statement, in order. */
export const CATALOGUE_SCHEMA: readonly string[] = [CATALOGUE_TABLE_DDL, IDEMPOTENCY_TABLE_DDL];

/** The tables CATALOGUE_SCHEMA creates (schema init skips the DDL when all exist). */
export const CATALOGUE_TABLES: readonly string[] = ["catalogue", "idempotency_keys"];
