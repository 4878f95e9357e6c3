import type { Pool, PoolClient } from "pg";
import {
    HttpError,
    WriteOutcomeUnknownError,
    idempotencyRecordFromRow,
    type IdempotencyKeyRow,
    type IdempotencyRecord,
    type IdempotencyStore,
} from "@serverless-containers/service-kit";

/** Idempotency keys on PostgreSQL / Aurora PostgreSQL. response_body is the JSON text exactly as first answered. */

type KeyRow = IdempotencyKeyRow;

/**
 * Unnamed parameterised statements only (RDS Proxy pinning-free), like the rest of the service. Any failure
 * that is not an answer from the server (pg's "Query read timeout", a lost connection) means the key store is
 * unreachable: 503 + Retry-After — with a key, retrying is always safe.
 */
export class PgIdempotencyStore implements IdempotencyStore {
    private readonly pool: Pick<Pool, "query">;

    constructor(pool: Pool) {
        this.pool = {
            query: ((...args: Parameters<Pool["query"]>) =>
                (pool.query as (...a: unknown[]) => Promise<unknown>)(...args).catch((err: unknown) => {
                    if (rejectedByServer(err)) throw err;
                    throw HttpError.unavailable("The database is unavailable; retry later with the same Idempotency-Key");
                })) as Pool["query"],
        };
    }

    async insertClaim(scope: string, key: string, fingerprint: string, lockedUntil: Date, expiresAt: Date): Promise<boolean> {
        const result = await this.pool.query(
            "INSERT INTO idempotency_keys (scope, idem_key, fingerprint, state, locked_until, expires_at) VALUES ($1, $2, $3, 'pending', $4, $5) ON CONFLICT (scope, idem_key) DO NOTHING",
            [scope, key, fingerprint, lockedUntil, expiresAt],
        );
        return result.rowCount === 1;
    }

    async read(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
        const result = await this.pool.query<KeyRow>(
            "SELECT fingerprint, state, locked_until, expires_at, response_status, response_body, response_headers FROM idempotency_keys WHERE scope = $1 AND idem_key = $2",
            [scope, key],
        );
        const row = result.rows[0];
        if (row === undefined) return undefined;
        return idempotencyRecordFromRow(row);
    }

    async reclaim(scope: string, key: string, fingerprint: string, now: Date, lockedUntil: Date, expiresAt: Date): Promise<boolean> {
        const result = await this.pool.query(
            `UPDATE idempotency_keys
          SET fingerprint = $3, state = 'pending', locked_until = $5, expires_at = $6,
              response_status = NULL, response_body = NULL, response_headers = NULL
        WHERE scope = $1 AND idem_key = $2
          AND (expires_at <= $4 OR (state = 'pending' AND fingerprint = $3 AND locked_until <= $4))`,
            [scope, key, fingerprint, now, lockedUntil, expiresAt],
        );
        return result.rowCount === 1;
    }

    async release(scope: string, key: string): Promise<void> {
        await this.pool.query("DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 AND state = 'pending'", [scope, key]);
    }

    async purgeExpired(now: Date, limit: number): Promise<number> {
        const result = await this.pool.query(
            "DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at <= $1 LIMIT $2)",
            [now, limit],
        );
        return result.rowCount ?? 0;
    }
}

/** Marks the key done with its response; run inside the write's transaction. 1 = this attempt owns the write. */
export const COMPLETE_KEY_SQL =
    "UPDATE idempotency_keys SET state = 'done', response_status = $1, response_body = $2, response_headers = $3 WHERE scope = $4 AND idem_key = $5 AND fingerprint = $6 AND state = 'pending'";

/** An ErrorResponse from the server (the statement failed, nothing changed) vs a timeout / lost connection. */
function rejectedByServer(err: unknown): boolean {
    return typeof (err as { severity?: unknown }).severity === "string";
}

type Exec = (sql: string, values: readonly unknown[]) => Promise<{ rowCount: number | null }>;

/**
 * Writes on a client of their own so "did the statement reach the database?" has an answer (same rules as
 * catalogue-api's MysqlWriter): failing to connect or a failure before COMMIT → the driver error (503, nothing
 * stored); the autocommit statement or COMMIT failing without a server answer → WriteOutcomeUnknownError.
 * After any error the client is destroyed (`release(err)`), never returned mid-transaction.
 */
export class PgWriter {
    constructor(private readonly pool: Pool) {}

    private exec(client: PoolClient): Exec {
        return (sql, values) => client.query(sql, values as unknown[]);
    }

    /**
     * A checked-out client emits 'error' when its connection drops between two queries (the server restarting:
     * 57P01); pg-pool listens only while the client is idle, so we listen while we hold it. The next query (or
     * COMMIT) then fails and is classified as usual.
     */
    private async connect(): Promise<PoolClient & { done(err?: Error): void }> {
        const client = await this.pool.connect();
        const ignore = (): void => undefined;
        client.on("error", ignore);
        return Object.assign(client, {
            done: (err?: Error) => {
                client.off("error", ignore);
                client.release(err);
            },
        });
    }

    async autocommit(sql: string, values: readonly unknown[]): Promise<void> {
        const client = await this.connect();
        try {
            await client.query(sql, values as unknown[]);
            client.done();
        } catch (err) {
            client.done(err as Error);
            if (rejectedByServer(err)) throw err;
            throw new WriteOutcomeUnknownError(err);
        }
    }

    async transaction<T>(fn: (exec: Exec) => Promise<T>): Promise<T> {
        const client = await this.connect();
        const exec = this.exec(client);
        let value: T;
        try {
            await exec("BEGIN", []);
            value = await fn(exec);
        } catch (err) {
            client.done(err as Error);
            throw err;
        }
        try {
            await exec("COMMIT", []);
        } catch (err) {
            client.done(err as Error);
            if (rejectedByServer(err)) throw err;
            throw new WriteOutcomeUnknownError(err);
        }
        client.done();
        return value;
    }
}
