import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from "mysql2";
import {
    DeadlineExceededError,
    WriteOutcomeUnknownError,
    currentDeadline,
    idempotencyRecordFromRow,
    type IdempotencyKeyRow,
    type IdempotencyRecord,
    type IdempotencyStore,
    type DeadlineContext,
} from "@serverless-containers/service-kit";
import { checkout, query, send } from "./pool";

type KeyRow = IdempotencyKeyRow & RowDataPacket;

export class MysqlIdempotencyStore implements IdempotencyStore {
    constructor(
        private readonly pool: Pool,
        private readonly timeoutMs: number,
    ) {}

    async insertClaim(scope: string, key: string, fingerprint: string, lockedUntil: Date, expiresAt: Date): Promise<boolean> {
        try {
            await query(
                this.pool,
                "INSERT INTO idempotency_keys (scope, idem_key, fingerprint, state, locked_until, expires_at) VALUES (?, ?, ?, 'pending', ?, ?)",
                [scope, key, fingerprint, lockedUntil, expiresAt],
                this.timeoutMs,
            );
            return true;
        } catch (err) {
            if ((err as { code?: string }).code === "ER_DUP_ENTRY") return false;
            throw err;
        }
    }

    async read(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
        const rows = await query<KeyRow[]>(
            this.pool,
            "SELECT fingerprint, state, locked_until, expires_at, response_status, response_body, response_headers FROM idempotency_keys WHERE scope = ? AND idem_key = ?",
            [scope, key],
            this.timeoutMs,
        );
        const row = rows[0];
        if (row === undefined) return undefined;
        return idempotencyRecordFromRow(row);
    }

    async reclaim(scope: string, key: string, fingerprint: string, now: Date, lockedUntil: Date, expiresAt: Date): Promise<boolean> {
        const result = await query<ResultSetHeader>(
            this.pool,
            `UPDATE idempotency_keys
          SET fingerprint = ?, state = 'pending', locked_until = ?, expires_at = ?,
              response_status = NULL, response_body = NULL, response_headers = NULL
        WHERE scope = ? AND idem_key = ?
          AND (expires_at <= ? OR (state = 'pending' AND fingerprint = ? AND locked_until <= ?))`,
            [fingerprint, lockedUntil, expiresAt, scope, key, now, fingerprint, now],
            this.timeoutMs,
        );
        return result.affectedRows === 1;
    }

    async release(scope: string, key: string): Promise<void> {
        await query(
            this.pool,
            "DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ? AND state = 'pending'",
            [scope, key],
            this.timeoutMs,
        );
    }

    async purgeExpired(now: Date, limit: number): Promise<number> {
        const result = await query<ResultSetHeader>(
            this.pool,
            "DELETE FROM idempotency_keys WHERE expires_at <= ? LIMIT ?",
            [now, limit],
            this.timeoutMs,
        );
        return result.affectedRows;
    }
}

/** Marks the key done with its response; run inside the write's transaction. 1 = this attempt owns the write. */
export const COMPLETE_KEY_SQL =
    "UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ?, response_headers = ? WHERE scope = ? AND idem_key = ? AND fingerprint = ? AND state = 'pending'";

/** A server error packet (the statement was rejected, nothing changed) as opposed to a lost / timed-out connection. */
function rejectedByServer(err: unknown): boolean {
    const e = err as { sqlState?: unknown; fatal?: unknown };
    return typeof e.sqlState === "string" && e.fatal !== true;
}

type Exec = <T>(sql: string, values: readonly unknown[]) => Promise<T>;

/**
 * Writes on a connection of their own so that "did the statement reach the database?" has an answer:
 *   - getting the connection failed, or the deadline left no time to send a statement → nothing was sent: the
 *     error (→ 503 retry later);
 *   - a statement before COMMIT failed → the transaction can never commit (the connection is destroyed, the
 *     server rolls it back): the driver error (→ 503 retry later);
 *   - the autocommit statement or the COMMIT failed without a server answer (timeout, connection lost) →
 *     WriteOutcomeUnknownError (→ 504 without a key, 503 with one).
 * Like every other statement, the writer's go through the pool's checkout (schema gate, acquisition bounded by the
 * request's deadline) and send (each statement bounded by what is left of it): nothing is sent after the answer.
 * The connection is destroyed after any error once something was sent, never returned to the pool mid-transaction.
 */
export class MysqlWriter {
    constructor(
        private readonly pool: Pool,
        private readonly timeoutMs: number,
    ) {}

    private exec(conn: PoolConnection, deadline: DeadlineContext | undefined): Exec {
        return <T>(sql: string, values: readonly unknown[]) => send<T>(this.pool, conn, sql, values, this.timeoutMs, deadline);
    }

    /** One autocommit statement. */
    async autocommit(sql: string, values: readonly unknown[]): Promise<ResultSetHeader> {
        const deadline = currentDeadline();
        const conn = await checkout(this.pool, deadline);
        try {
            const result = await this.exec(conn, deadline)<ResultSetHeader>(sql, values);
            conn.release();
            return result;
        } catch (err) {
            if (err instanceof DeadlineExceededError) {
                conn.release(); // never sent
                throw err;
            }
            conn.destroy();
            if (rejectedByServer(err)) throw err;
            throw new WriteOutcomeUnknownError(err);
        }
    }

    /** START TRANSACTION; fn; COMMIT — fn's statements either all commit or none do. */
    async transaction<T>(fn: (exec: Exec) => Promise<T>): Promise<T> {
        const deadline = currentDeadline();
        const conn = await checkout(this.pool, deadline);
        const exec = this.exec(conn, deadline);
        let value: T;
        try {
            await exec("START TRANSACTION", []);
            value = await fn(exec);
        } catch (err) {
            conn.destroy();
            throw err;
        }
        try {
            await exec("COMMIT", []);
        } catch (err) {
            conn.destroy();
            // No time left to send the COMMIT: the destroyed connection rolls the transaction back.
            if (err instanceof DeadlineExceededError || rejectedByServer(err)) throw err;
            throw new WriteOutcomeUnknownError(err);
        }
        conn.release();
        return value;
    }
}
