import { Pool, type PoolClient } from "pg";
import {
    acquireWithin,
    boundedTimeout,
    currentDeadline,
    dbCredentialsOf,
    rdsCaBundle,
    runInDeadline,
    type CloseBudget,
    type DatabaseState,
    type DeadlineContext,
    type DbSettings,
    type Logger,
    settledWithin,
} from "@serverless-containers/service-kit";

/**
 * pg pool sized by DB_POOL_MAX. RDS-Proxy pinning-free: the repository only issues unnamed parameterised
 * queries (no `name:`), and nothing here sends SET (timeouts are client side; no statement_timeout or
 * application_name startup options).
 *
 * Credentials: a static password, or with DB_IAM_AUTH an async `password` function — node-postgres calls it for
 * every NEW physical connection, so each handshake gets a current IAM auth token (from the cached provider: no
 * signature per connection) and connections opened after a token refresh never use an expired one. Connections
 * already open stay authenticated; the token only matters at connect time.
 *
 * Every wait is bounded (see guardPool): acquisition by DB_CONNECT_TIMEOUT_MS (waiting for a free client or
 * connecting a new one), each statement by DB_QUERY_TIMEOUT_MS, both shortened to what is left of the request's
 * own deadline, and nothing starts once the request has been answered.
 */
export function createPool(db: DbSettings, logger: Logger, state?: DatabaseState): Pool {
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
    pool.on("error", (err) =>
        logger.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, "idle database client error"),
    );
    guardPool(pool, db, state);
    return pool;
}

type Callback = (err: Error | null | undefined, result?: unknown) => void;
type AnyQuery = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/** pg's client-side query_timeout error. pg answers it but leaves the connection waiting for the hung statement. */
function isReadTimeout(err: unknown): boolean {
    return err instanceof Error && err.message === "Query read timeout";
}

/**
 * Patches one client's query(): the statement timeout becomes min(DB_QUERY_TIMEOUT_MS, what is left of the
 * request's deadline) — nothing is sent when none is left — and a client whose statement timed out has its
 * socket DESTROYED, so it can never be handed to another request still waiting for the hung statement's answer
 * (pg-pool then drops it: it is no longer queryable). Query objects with submit() (cursors) pass through.
 */
function guardClient(client: PoolClient, queryTimeoutMs: number, state: DatabaseState | undefined): void {
    const original = client.query.bind(client) as AnyQuery;
    const destroyIfHung = (err: unknown): void => {
        if (!isReadTimeout(err)) return;
        // The socket's end makes the client emit "error" when it is not already ending; a checked-out client has
        // no listener then (pg-pool removes its idle listener), which would crash the process.
        client.on("error", () => undefined);
        (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    };
    const settle = (err: unknown): void => {
        if (err) {
            destroyIfHung(err);
            state?.recordFailure(err);
        } else {
            state?.recordSuccess();
        }
    };
    const guarded: AnyQuery = (config, values, callback) => {
        if (config !== null && typeof config === "object" && typeof (config as { submit?: unknown }).submit === "function") {
            return original(config, values, callback);
        }
        const cb = (typeof values === "function" ? values : typeof callback === "function" ? callback : undefined) as Callback | undefined;
        let timeoutMs: number;
        try {
            timeoutMs = boundedTimeout(queryTimeoutMs, "run a statement");
        } catch (err) {
            if (cb !== undefined) {
                process.nextTick(cb, err);
                return undefined;
            }
            return Promise.reject(err);
        }
        const withTimeout =
            typeof config === "string" ? { text: config, query_timeout: timeoutMs } : { ...(config as object), query_timeout: timeoutMs };
        const args = typeof values === "function" ? [undefined] : [values];
        if (cb !== undefined) {
            return original(withTimeout, args[0], (err: Error | null | undefined, result: unknown) => {
                settle(err);
                cb(err, result);
            });
        }
        return (original(withTimeout, args[0]) as Promise<unknown>).then(
            (result) => {
                settle(undefined);
                return result;
            },
            (err: unknown) => {
                settle(err);
                throw err;
            },
        );
    };
    (client as unknown as { query: AnyQuery }).query = guarded;
}

/**
 * Puts the request deadline and the schema gate in front of the pool: pool.query() and pool.connect() refuse
 * work (503) while the schema is not ready and once the request has been answered or its deadline has passed;
 * waiting for a client is bounded by min(DB_CONNECT_TIMEOUT_MS, what is left of the deadline); acquisition
 * failures are recorded in `state`; every client gets guardClient().
 *
 * The deadline is captured HERE, where the request's own code calls the pool, and the statement is started from
 * this code's own continuation. pg-pool's own query() would instead run the statement inside its connect callback,
 * which pg-pool calls from the releasing query's callback — in the async context of the request that opened that
 * connection, long finished: every request handed a freed client would run under that request's (past) deadline.
 */
function guardPool(pool: Pool, settings: { queryTimeoutMs: number; connectTimeoutMs: number }, state: DatabaseState | undefined): void {
    pool.on("connect", (client) => guardClient(client, settings.queryTimeoutMs, state));
    const poolConnect = pool.connect.bind(pool) as (cb: (err: Error | undefined, client?: PoolClient) => void) => void;
    const acquire = async (deadline: DeadlineContext | undefined): Promise<PoolClient> => {
        state?.assertUsable();
        try {
            return await acquireWithin<PoolClient>(
                (cb) => poolConnect((err, client) => cb(err, client)),
                (client) => client.release(),
                settings.connectTimeoutMs,
                deadline,
            );
        } catch (err) {
            // Acquisition failures never reach a client's query(): record them here.
            state?.recordFailure(err);
            throw err;
        }
    };
    (pool as unknown as { connect: (cb?: unknown) => unknown }).connect = (cb?: unknown) => {
        const acquired = acquire(currentDeadline());
        if (typeof cb !== "function") return acquired;
        const callback = cb as (err: unknown, client?: PoolClient, done?: (err?: Error) => void) => void;
        acquired.then(
            (client) => callback(undefined, client, (err?: Error) => client.release(err)),
            (err: unknown) => callback(err),
        );
        return undefined;
    };
    const run = async (deadline: DeadlineContext | undefined, config: unknown, values: unknown): Promise<unknown> => {
        const client = await acquire(deadline);
        const query = client.query.bind(client) as (config: unknown, values?: unknown) => Promise<unknown>;
        try {
            const result = await (deadline === undefined ? query(config, values) : runInDeadline(deadline, () => query(config, values)));
            client.release();
            return result;
        } catch (err) {
            // As pg-pool's own query(): a client whose statement failed is not reused.
            client.release(err as Error);
            throw err;
        }
    };
    (pool as unknown as { query: AnyQuery }).query = (config, values, callback) => {
        const cb = (typeof values === "function" ? values : typeof callback === "function" ? callback : undefined) as Callback | undefined;
        const result = run(currentDeadline(), config, typeof values === "function" ? undefined : values);
        if (cb === undefined) return result;
        result.then(
            (res) => cb(undefined, res),
            (err: unknown) => cb(err as Error),
        );
        return undefined;
    };
}

interface PgPoolInternals {
    readonly _clients?: ReadonlyArray<{ connection?: { stream?: { destroy(): void } } }>;
}

/**
 * Closes the pool within `budget.timeoutMs` (default 5 s): pool.end() waits for every client's socket to close,
 * which a hung server never does; when the time is up every client's socket is destroyed (pg-pool `_clients`).
 */
export async function endPool(pool: Pool, budget: Partial<CloseBudget> = {}): Promise<void> {
    if (!(await settledWithin(pool.end(), budget.timeoutMs ?? 5_000))) {
        for (const client of (pool as unknown as PgPoolInternals)._clients ?? []) client.connection?.stream?.destroy();
    }
}
