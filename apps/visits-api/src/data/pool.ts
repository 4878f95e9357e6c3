import { Pool } from "pg";
import { dbCredentialsOf, rdsCaBundle, type DbSettings, type Logger } from "@serverless-containers/service-kit";

/**
 * pg pool sized by DB_POOL_MAX. RDS-Proxy pinning-free: the repository only issues unnamed parameterised
 * queries (no `name:`), and nothing here sends SET (timeouts are client side; no statement_timeout or
 * application_name startup options).
 *
 * Credentials: a static password, or with DB_IAM_AUTH an async `password` function — node-postgres calls it for
 * every NEW physical connection, so each handshake gets a current IAM auth token (from the cached provider: no
 * signature per connection) and connections opened after a token refresh never use an expired one. Connections
 * already open stay authenticated; the token only matters at connect time.
 */
export function createPool(db: DbSettings, logger: Logger): Pool {
  const credentials = dbCredentialsOf(db);
  const pool = new Pool({
    host: db.host,
    port: db.port,
    user: db.user,
    password: credentials.kind === "static" ? credentials.password : () => credentials.token(),
    database: db.database,
    max: db.poolMax,
    connectionTimeoutMillis: db.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    query_timeout: db.queryTimeoutMs,
    keepAlive: true,
    ssl: db.tls ? { ca: rdsCaBundle(), rejectUnauthorized: true, minVersion: "TLSv1.2" } : false,
  });
  // An idle client losing its connection (database restart, proxy failover) emits here; without a listener
  // the process would crash. The pool discards that client and makes a new one on demand.
  pool.on("error", (err) => logger.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, "idle database client error"));
  return pool;
}
