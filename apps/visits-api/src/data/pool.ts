import { Pool } from "pg";
import { rdsCaBundle, type DbSettings, type Logger } from "@serverless-containers/service-kit";

/**
 * pg pool sized by DB_POOL_MAX. RDS-Proxy pinning-free: the repository only issues unnamed parameterised
 * queries (no `name:`), and nothing here sends SET (timeouts are client side; no statement_timeout or
 * application_name startup options).
 */
export function createPool(db: DbSettings, logger: Logger): Pool {
  const pool = new Pool({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
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
