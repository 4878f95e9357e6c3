/**
 * Test database harness: real servers for the apps' integration tests.
 *   startMariaDb()  — mariadbd (OS user mysql), throwaway datadir under os.tmpdir(), random loopback port,
 *                     a password-authenticated admin user; TEST_MYSQL_URL selects an existing server instead.
 *   startPostgres() — initdb + postgres (OS user postgres), same idea; TEST_PG_URL selects an existing one.
 *   startDynalite() — DynamoDB API in-process.
 * Every handle supports stop()/start() on the same port and data, readStatementLog() and destroy().
 */
export { startMariaDb, type MariaDbOptions } from "./mariadb";
export { startPostgres, type PostgresOptions } from "./postgres";
export { startDynalite, type DynaliteHandle } from "./dynalite";
export { freePort, INSTALL_HINT } from "./process-util";
export { UnmanagedServerError, type SqlServerHandle, type TestDatabase } from "./types";
export { rawRequest, request, type JsonResponse, type RequestOptions } from "./http";
export { eventually, runBounded } from "./load";
export {
    mariaDbEntriesOfUser,
    mariaDbPinningFindings,
    parseMariaDbGeneralLog,
    parsePostgresLog,
    postgresPinningFindings,
    type MariaDbLogEntry,
    type PostgresLogEntry,
} from "./statement-log";
export { spawnApp, type ChildApp } from "./child-app";
export { dbAppEnv, dbIamAppEnv } from "./app-env";
export { startLoad, type LoadOutcome, type LoadRequest, type RunningLoad } from "./fault-load";
export { makeTestCa, type TestCa } from "./tls";
export { startWireTap, type WireTap, type WireTapOptions } from "./wire-tap";
