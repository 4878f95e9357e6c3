/**
 * catalogue-api's tables, as idempotent DDL: the one list both the app's schema init (locally, and anywhere
 * the app may create tables) and the deploy-time bootstrap (run as the master user, since in AWS the app user
 * has DML only) execute. One source, so they cannot drift: ./ddl.json, which the app bundles and the stack
 * reads as data (stacks/database.ts → components/database-user.ts). Each statement is stored as its lines.
 *
 * The catalogue table's created_at is DATETIME(6) (UTC, microseconds) so "newest first" is stable within a
 * second; idempotency_keys holds the Idempotency-Key records (service-kit idempotency.ts).
 */
import ddl from "./ddl.json";

/** Every statement, in order. */
export const CATALOGUE_SCHEMA: readonly string[] = ddl.statements.map((lines) => lines.join("\n"));

/** The tables CATALOGUE_SCHEMA creates (schema init skips the DDL when all exist). */
export const CATALOGUE_TABLES: readonly string[] = ddl.tables;
