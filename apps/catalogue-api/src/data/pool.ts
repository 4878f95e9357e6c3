import mysql from "mysql2";
import { rdsCaBundle, type DbSettings } from "@serverless-containers/service-kit";

/**
 * mysql2 pool sized by DB_POOL_MAX. RDS Proxy multiplexes these connections, so nothing here may pin a
 * session: no session variables (charset travels in the handshake, time zone is converted client side),
 * no multiple statements, and every statement goes through query() — never execute(), which would PREPARE.
 */
export function createPool(db: DbSettings): mysql.Pool {
  return mysql.createPool({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
    connectionLimit: db.poolMax,
    maxIdle: db.poolMax,
    idleTimeout: 60_000,
    waitForConnections: true,
    // Bound the wait queue so a dead database sheds load instead of growing memory.
    queueLimit: db.poolMax * 50,
    connectTimeout: db.connectTimeoutMs,
    enableKeepAlive: true,
    keepAliveInitialDelay: 10_000,
    charset: "UTF8MB4_UNICODE_CI",
    timezone: "Z",
    decimalNumbers: true,
    multipleStatements: false,
    ssl: db.tls ? { ca: rdsCaBundle(), rejectUnauthorized: true, minVersion: "TLSv1.2" } : undefined,
  });
}

/**
 * pool.query() as a promise with a client-side inactivity timeout (no session SET needed).
 * mysql2 leaves that timer armed when the connection dies mid-query (fatal error path), which keeps the
 * event loop alive for up to the timeout after a database crash; we clear it ourselves.
 */
export function query<T>(pool: mysql.Pool, sql: string, values: readonly unknown[], timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const command = pool.query({ sql, values: values as unknown[], timeout: timeoutMs }, (err, rows) => {
      const timer = (command as unknown as { queryTimeout?: NodeJS.Timeout | null }).queryTimeout;
      if (timer) clearTimeout(timer);
      if (err) reject(err);
      else resolve(rows as T);
    });
  });
}

export function endPool(pool: mysql.Pool): Promise<void> {
  return new Promise((resolve, reject) => pool.end((err) => (err ? reject(err) : resolve())));
}
