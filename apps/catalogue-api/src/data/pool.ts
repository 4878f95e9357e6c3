import mysql from "mysql2";
import {
    DeadlineExceededError,
    acquireWithin,
    boundedTimeout,
    currentDeadline,
    dbCredentialsOf,
    isDatabaseUnavailable,
    rdsCaBundle,
    type CloseBudget,
    type DatabaseState,
    type DbCredentials,
    type DbSettings,
    type DeadlineContext,
    type Logger,
    settledWithin,
} from "@serverless-containers/service-kit";

type IamCredentials = Extract<DbCredentials, { kind: "iam" }>;

/** What createPool keeps per IAM pool: the refresh timer and the one-shot refresh. */
interface TokenRefresher {
    readonly timer: NodeJS.Timeout;
    refresh(): Promise<void>;
}
const refreshers = new WeakMap<mysql.Pool, TokenRefresher>();

/**
 * The parts of mysql2's (untyped) Pool internals we rely on: PoolConfig.connectionConfig (lib/pool_config.js) and
 * the list of every connection (lib/base/pool.js `_allConnections`, a Denque), to destroy them when pool.end()
 * cannot finish (a hung server never answers COM_QUIT).
 */
interface PoolInternals {
    readonly config: { readonly connectionConfig: { password?: string } };
    readonly _allConnections?: { toArray(): mysql.PoolConnection[] };
}

/** Per pool: what the database is known to be doing, and how long a request may wait for a connection. */
interface PoolGuard {
    readonly state?: DatabaseState;
    readonly acquireTimeoutMs: number;
}
const guards = new WeakMap<mysql.Pool, PoolGuard>();
/** Acquisition bound of a pool created elsewhere (DB_CONNECT_TIMEOUT_MS's default). */
const DEFAULT_ACQUIRE_TIMEOUT_MS = 5_000;

export interface CreatePoolOptions {
    readonly logger?: Logger;
    /** IAM mode: how often the token used for new connections is refreshed. Default 60 s. */
    readonly tokenRefreshMs?: number;
    /** Where outcomes are recorded and the schema-ready gate lives (liveness/readiness read it); none: no gate. */
    readonly state?: DatabaseState;
}

/**
 * mysql_clear_password auth plugin for RDS Proxy IAM authentication: the proxy asks for the token in clear text
 * (over TLS — DB_TLS=true is required in IAM mode). mysql2 refuses mysql_clear_password unless a plugin like this
 * one is configured (or enableCleartextPlugin, which would send the static config password). It answers with
 * the CURRENT token from the cached provider at handshake time, so even a connection opened between two pool
 * refreshes gets a valid token; the provider only signs when its cached token is too old (never per connection).
 */
export function iamClearPasswordPlugin(credentials: IamCredentials): mysql.AuthPlugin {
    return () => async () => Buffer.from(`${await credentials.token()}\0`, "utf8");
}

/**
 * mysql2 pool sized by DB_POOL_MAX. RDS Proxy multiplexes these connections, so nothing here may pin a
 * session: no session variables (charset travels in the handshake, time zone is converted client side),
 * no multiple statements, and every statement goes through query() — never execute(), which would PREPARE.
 *
 * Credentials. Static: DB_PASSWORD / DB_SECRET. IAM (DB_IAM_AUTH=true): unlike pg, mysql2 takes no password
 * function. How mysql2 (3.x) makes a pool connection: getConnection() → `new PoolConnection(pool, { config:
 * pool._createConnectionConfig() })`, a per-connection copy of `pool.config.connectionConfig` (lib/base/pool.js),
 * and the handshake reads `connection.config.password` from that copy (lib/commands/client_handshake.js).
 * So writing a fresh token to `pool.config.connectionConfig.password` changes what every connection opened
 * AFTER the write sends, and leaves open connections alone (their token only mattered at connect time). A timer
 * does that every `tokenRefreshMs` (60 s: the cached provider answers from memory and re-signs in the
 * background from 10 minutes, so the pool's token is never more than ~11 minutes old out of 15), and
 * `refreshPoolToken()` does it once before the first connection. On top, the mysql_clear_password plugin above
 * hands RDS Proxy the provider's current token when the proxy negotiates clear-text auth. Nothing here sends
 * SET or changes the session: token refresh is client-side only, so it is pinning-free.
 */
export function createPool(db: DbSettings, options: CreatePoolOptions = {}): mysql.Pool {
    const credentials = dbCredentialsOf(db);
    const pool = mysql.createPool({
        host: db.host,
        port: db.port,
        user: db.user,
        password: credentials.kind === "static" ? credentials.password : undefined,
        ...(credentials.kind === "iam" ? { authPlugins: { mysql_clear_password: iamClearPasswordPlugin(credentials) } } : {}),
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
    guards.set(pool, { state: options.state, acquireTimeoutMs: db.connectTimeoutMs });
    if (credentials.kind === "iam") {
        const connectionConfig = (pool as unknown as PoolInternals).config.connectionConfig;
        const refresh = async (): Promise<void> => {
            connectionConfig.password = await credentials.token();
        };
        const timer = setInterval(() => {
            refresh().catch((err: unknown) =>
                options.logger?.warn(
                    { err: { message: (err as Error).message } },
                    "IAM auth token refresh failed; new connections keep the previous token",
                ),
            );
        }, options.tokenRefreshMs ?? 60_000);
        timer.unref();
        refreshers.set(pool, { timer, refresh });
    }
    return pool;
}

/** IAM mode: puts a current token into the pool's config for new connections now. No-op for static passwords. */
export async function refreshPoolToken(pool: mysql.Pool): Promise<void> {
    await refreshers.get(pool)?.refresh();
}

/**
 * A connection for the caller's own statements (a single query, or the writer's transaction), every wait bounded:
 *  - while the schema is not ready, requests are refused with 503 (start-up's own statements go through);
 *  - acquisition waits at most DB_CONNECT_TIMEOUT_MS (mysql2's pool has no acquire timeout of its own; a request
 *    queued behind stuck connections would wait for ever), shortened to what is left of `deadline` — the request's,
 *    captured by the caller where the request's code runs — and given up at once when the request is answered;
 *    a connection that arrives after that goes back to the pool unused.
 * Failures are recorded in the pool's DatabaseState.
 */
export function checkout(pool: mysql.Pool, deadline: DeadlineContext | undefined = currentDeadline()): Promise<mysql.PoolConnection> {
    const guard = guards.get(pool);
    try {
        guard?.state?.assertUsable();
    } catch (err) {
        return Promise.reject(err);
    }
    return acquireWithin<mysql.PoolConnection>(
        (cb) => pool.getConnection((err, conn) => cb(err, conn)),
        (conn) => conn.release(),
        guard?.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
        deadline,
    ).catch((err: unknown) => {
        guard?.state?.recordFailure(err);
        throw err;
    });
}

/**
 * Sends one statement on a checked-out connection with mysql2's client-side inactivity `timeout` (no session SET
 * needed): at most `timeoutMs`, shortened to what is left of `deadline`. Nothing is sent once the deadline has
 * passed or the request has been answered (DeadlineExceededError, 503: the statement never left). The outcome is
 * recorded in the pool's DatabaseState. The caller releases or destroys the connection (see query()).
 */
export function send<T>(
    pool: mysql.Pool,
    conn: mysql.PoolConnection,
    sql: string,
    values: readonly unknown[],
    timeoutMs: number,
    deadline: DeadlineContext | undefined,
): Promise<T> {
    const state = guards.get(pool)?.state;
    let statementMs: number;
    try {
        statementMs = boundedTimeout(timeoutMs, "run a statement", deadline);
    } catch (err) {
        return Promise.reject(err);
    }
    return new Promise<T>((resolve, reject) => {
        const command = conn.query({ sql, values: values as unknown[], timeout: statementMs }, (err, rows) => {
            // mysql2 leaves its timer armed when the connection dies mid-query (fatal error path), which keeps the
            // event loop alive for up to the timeout after a database crash; we clear it ourselves.
            const timer = (command as unknown as { queryTimeout?: NodeJS.Timeout | null }).queryTimeout;
            if (timer) clearTimeout(timer);
            if (err) {
                state?.recordFailure(err);
                reject(err);
            } else {
                state?.recordSuccess();
                resolve(rows as T);
            }
        });
    });
}

/**
 * One statement with every wait bounded, as a promise (checkout + send). When the statement times out or the
 * connection fails, the connection is DESTROYED, not released: mysql2's timeout only reports the error and leaves
 * the command queued on the connection, so a released connection would hand the next request a socket still
 * waiting for the hung statement's answer.
 */
export async function query<T>(pool: mysql.Pool, sql: string, values: readonly unknown[], timeoutMs: number): Promise<T> {
    const deadline = currentDeadline();
    const conn = await checkout(pool, deadline);
    try {
        const rows = await send<T>(pool, conn, sql, values, timeoutMs, deadline);
        conn.release();
        return rows;
    } catch (err) {
        if (isDatabaseUnavailable(err) && !(err instanceof DeadlineExceededError)) conn.destroy();
        else conn.release();
        throw err;
    }
}

/**
 * Closes the pool within `budget.timeoutMs` (default 5 s): pool.end() sends COM_QUIT on every connection and
 * waits for the server, which a hung server never answers; when the time is up every connection is destroyed.
 */
export async function endPool(pool: mysql.Pool, budget: Partial<CloseBudget> = {}): Promise<void> {
    const refresher = refreshers.get(pool);
    if (refresher !== undefined) clearInterval(refresher.timer);
    const ended = new Promise<void>((resolve, reject) => pool.end((err) => (err ? reject(err) : resolve())));
    if (!(await settledWithin(ended, budget.timeoutMs ?? 5_000))) {
        for (const conn of (pool as unknown as PoolInternals)._allConnections?.toArray() ?? []) conn.destroy();
    }
}
