/**
 * visits-api's tables, as idempotent DDL: the one list both the app's schema init and the deploy-time
 * bootstrap (as the master user; in AWS the app user has DML only) execute. One source, so they cannot drift:
 * ./ddl.json, which the app bundles and the stack reads as data (stacks/database.ts →
 * components/database-user.ts). Each statement is stored as its lines; idempotency_keys holds the
 * Idempotency-Key records (service-kit idempotency.ts).
 */
import ddl from "./ddl.json";

/** Every statement, in order. */
export const VISITS_SCHEMA: readonly string[] = ddl.statements.map((lines) => lines.join("\n"));

/** The relations VISITS_SCHEMA creates (schema init skips the DDL when all exist). */
export const VISITS_RELATIONS: readonly string[] = ddl.relations;
