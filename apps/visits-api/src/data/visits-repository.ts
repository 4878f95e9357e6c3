import type { Pool } from "pg";
import {
    completeKeyValues,
    expiredKeyPurger,
    idempotentWrite,
    requestFingerprint,
    type IdempotentResult,
    type StoredResponse,
} from "@serverless-containers/service-kit";
import { COMPLETE_KEY_SQL, PgIdempotencyStore, PgWriter } from "./idempotency-store";
import { VISITS_RELATIONS, VISITS_SCHEMA } from "./schema";

export interface Visit {
    readonly id: number;
    readonly timestamp: string;
    readonly user_agent: string | null;
}

interface VisitRow {
    id: string;
    last_update: Date;
    user_agent: string | null;
}

/** Longest user agent stored; longer ones are truncated (real browsers send < 300 characters). */
export const MAX_USER_AGENT_LENGTH = 512;

const INSERT_VISIT = "INSERT INTO visits (last_update, user_agent) VALUES ($1, $2)";
const RECORD_SCOPE = "GET /";
const RECORDED: StoredResponse = { status: 200, body: { Response: "Registered request" }, headers: {} };

/** All SQL of the service: unnamed parameterised queries only (no `name:`, so nothing is prepared by name). */
export class VisitsRepository {
    private readonly writer: PgWriter;
    private readonly keys: PgIdempotencyStore;
    private readonly purgeExpiredKeys: () => void;

    /** `queryTimeoutMs` (the pool's query_timeout) sizes the idempotency claim's lease. */
    constructor(
        private readonly pool: Pool,
        private readonly queryTimeoutMs = 10_000,
    ) {
        this.writer = new PgWriter(pool);
        this.keys = new PgIdempotencyStore(pool);
        this.purgeExpiredKeys = expiredKeyPurger(this.keys);
    }

    /**
     * Creates the table and index where they are missing. On AWS the deploy-time bootstrap has already created
     * them and the app runs as a DML-only user, which PostgreSQL refuses even `CREATE … IF NOT EXISTS` (CREATE on
     * the schema, ownership for the index are checked first): so look first and create only what is absent.
     */
    async ensureSchema(): Promise<void> {
        // In AWS the deploy-time bootstrap created every relation and the app user may not run DDL: skip the DDL
        // when all exist; elsewhere create what is missing.
        const found = await this.pool.query<{ missing: number }>(
            "SELECT count(*)::int AS missing FROM unnest($1::text[]) AS r(name) WHERE to_regclass(r.name) IS NULL",
            [VISITS_RELATIONS],
        );
        if (found.rows[0]?.missing === 0) return;
        for (const statement of VISITS_SCHEMA) await this.pool.query(statement);
    }

    async ping(): Promise<void> {
        await this.pool.query("SELECT 1");
    }

    /**
     * Records one visit and returns the answer. With an Idempotency-Key the key, the answer and the row commit in
     * one transaction (the fingerprint hashes the user agent as sent); without one, a single autocommit INSERT whose
     * unknown outcome is reported as such (504).
     */
    async record(userAgent: string | undefined, at: Date = new Date(), idempotencyKey?: string): Promise<IdempotentResult> {
        const sent = userAgent === undefined || userAgent === "" ? null : userAgent;
        const value = sent === null ? null : sent.slice(0, MAX_USER_AGENT_LENGTH);
        if (idempotencyKey === undefined) {
            await this.writer.autocommit(INSERT_VISIT, [at, value]);
            return { response: RECORDED, replayed: false };
        }
        // The fingerprint is a hash of the WHOLE User-Agent as sent, not of the stored (truncated) one: two agents
        // that differ only after the 512th character are two requests. (For agents within the limit both are the
        // same value, so keys stored before this change keep matching.)
        const fingerprint = requestFingerprint({ user_agent: sent });
        const result = await idempotentWrite({
            store: this.keys,
            scope: RECORD_SCOPE,
            key: idempotencyKey,
            fingerprint,
            leaseMs: 3 * this.queryTimeoutMs,
            execute: () =>
                this.writer.transaction(async (exec) => {
                    const completed = await exec(COMPLETE_KEY_SQL, completeKeyValues(RECORD_SCOPE, idempotencyKey, fingerprint, RECORDED));
                    if (completed.rowCount !== 1) return { response: RECORDED, completed: false };
                    await exec(INSERT_VISIT, [at, value]);
                    return { response: RECORDED, completed: true };
                }),
        });
        this.purgeExpiredKeys();
        return result;
    }

    async recent(limit: number): Promise<Visit[]> {
        const result = await this.pool.query<VisitRow>(
            "SELECT id, last_update, user_agent FROM visits ORDER BY last_update DESC, id DESC LIMIT $1",
            [limit],
        );
        return result.rows.map((row) => ({ id: Number(row.id), timestamp: row.last_update.toISOString(), user_agent: row.user_agent }));
    }
}
