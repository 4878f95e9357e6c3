import { randomUUID } from "node:crypto";
import type { Pool, ResultSetHeader, RowDataPacket } from "mysql2";
import {
    completeKeyValues,
    expiredKeyPurger,
    idempotentWrite,
    requestFingerprint,
    type IdempotentResult,
    type StoredResponse,
} from "@serverless-containers/service-kit";
import { COMPLETE_KEY_SQL, MysqlIdempotencyStore, MysqlWriter } from "./idempotency-store";
import { query } from "./pool";
import { CATALOGUE_SCHEMA, CATALOGUE_TABLES } from "./schema";
import { cachedSingleFlight } from "./single-flight";

export interface NewCatalogueItem {
    readonly name: string;
    readonly price: number;
    readonly category: string;
    readonly in_stock: boolean;
}

export interface CatalogueItem extends NewCatalogueItem {
    readonly id: string;
    readonly created_at: string;
}

export interface CategoryStats {
    readonly category: string;
    readonly item_count: number;
    readonly avg_price: number;
    readonly total_value: number;
    readonly in_stock_count: number;
}

interface ItemRow extends RowDataPacket {
    id: string;
    name: string;
    price: number | null;
    category: string | null;
    in_stock: number | null;
    created_at: Date;
}

interface StatsRow extends RowDataPacket {
    category: string | null;
    item_count: number;
    avg_price: number | null;
    total_value: number | null;
    in_stock_count: number | null;
}

function toItem(row: ItemRow): CatalogueItem {
    return {
        id: row.id,
        name: row.name,
        price: Number(row.price ?? 0),
        category: row.category ?? "general",
        in_stock: row.in_stock === null ? true : Boolean(row.in_stock),
        created_at: row.created_at.toISOString(),
    };
}

const INSERT_ITEM = "INSERT INTO catalogue (id, name, price, category, in_stock, created_at) VALUES (?, ?, ?, ?, ?, ?)";
const CREATE_SCOPE = "POST /catalogue";
export const DEFAULT_STATS_CACHE_MS = 2_000;

/** All SQL of the service. Every statement goes through query() with `?` placeholders (never execute()). */
export class CatalogueRepository {
    private readonly writer: MysqlWriter;
    private readonly keys: MysqlIdempotencyStore;
    private readonly purgeExpiredKeys: () => void;
    private readonly cachedStats: () => Promise<CategoryStats[]>;

    /**
     * `statsCacheMs`: how long /catalogue/stats answers from memory (default 2 s; 0 = query on every call).
     * The full-table GROUP BY is the most expensive statement of the service and open to anyone: with the cache
     * and single flight it runs at most once per window per instance however many callers there are
     * (figures: `bench/stats.ts`, docs/performance.md).
     */
    constructor(
        private readonly pool: Pool,
        private readonly queryTimeoutMs: number,
        options: { readonly statsCacheMs?: number } = {},
    ) {
        this.writer = new MysqlWriter(pool, queryTimeoutMs);
        this.keys = new MysqlIdempotencyStore(pool, queryTimeoutMs);
        this.purgeExpiredKeys = expiredKeyPurger(this.keys);
        this.cachedStats = cachedSingleFlight(options.statsCacheMs ?? DEFAULT_STATS_CACHE_MS, () => this.queryStats());
    }

    /**
     * Creates the table where it is missing. On AWS the deploy-time bootstrap has already created it and the app
     * runs as a DML-only user, which MySQL refuses even `CREATE TABLE IF NOT EXISTS` (the CREATE privilege is
     * checked first): so look first and create only when absent.
     */
    async ensureSchema(): Promise<void> {
        // In AWS the deploy-time bootstrap created every table and the app user may not run DDL (even CREATE … IF
        // NOT EXISTS is refused): skip the DDL when all tables exist; elsewhere create what is missing.
        const existing = await query<RowDataPacket[]>(
            this.pool,
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN (?)",
            [CATALOGUE_TABLES],
            this.queryTimeoutMs,
        );
        if (existing.length === CATALOGUE_TABLES.length) return;
        for (const statement of CATALOGUE_SCHEMA) await query(this.pool, statement, [], this.queryTimeoutMs);
    }

    async ping(timeoutMs: number): Promise<void> {
        await query(this.pool, "SELECT 1", [], timeoutMs);
    }

    /**
     * Stores an item and returns the 201 answer. With an Idempotency-Key the key, the answer and the row are
     * committed in one transaction (a retry gets the stored answer; see service-kit idempotency.ts); without one,
     * a single autocommit INSERT whose unknown outcome is reported as such (504), never as "retry later".
     */
    async add(item: NewCatalogueItem, idempotencyKey?: string): Promise<IdempotentResult> {
        const id = randomUUID();
        const values = [id, item.name, item.price, item.category, item.in_stock, new Date()];
        const response: StoredResponse = {
            status: 201,
            body: { id, name: item.name, price: item.price, category: item.category, in_stock: item.in_stock },
            headers: { Location: `/catalogue/${id}` },
        };
        if (idempotencyKey === undefined) {
            await this.writer.autocommit(INSERT_ITEM, values);
            return { response, replayed: false };
        }
        const fingerprint = requestFingerprint(item);
        const result = await idempotentWrite({
            store: this.keys,
            scope: CREATE_SCOPE,
            key: idempotencyKey,
            fingerprint,
            // A claim blocks retries (409) this long before a retry may take it over; a write transaction is three
            // statements, each bounded by the query timeout.
            leaseMs: 3 * this.queryTimeoutMs,
            execute: () =>
                this.writer.transaction(async (exec) => {
                    const completed = await exec<ResultSetHeader>(
                        COMPLETE_KEY_SQL,
                        completeKeyValues(CREATE_SCOPE, idempotencyKey, fingerprint, response),
                    );
                    if (completed.affectedRows !== 1) return { response, completed: false };
                    await exec(INSERT_ITEM, values);
                    return { response, completed: true };
                }),
        });
        this.purgeExpiredKeys();
        return result;
    }

    async list(limit: number): Promise<CatalogueItem[]> {
        const rows = await query<ItemRow[]>(
            this.pool,
            "SELECT id, name, price, category, in_stock, created_at FROM catalogue ORDER BY created_at DESC, id DESC LIMIT ?",
            [limit],
            this.queryTimeoutMs,
        );
        return rows.map(toItem);
    }

    async get(id: string): Promise<CatalogueItem | undefined> {
        const rows = await query<ItemRow[]>(
            this.pool,
            "SELECT id, name, price, category, in_stock, created_at FROM catalogue WHERE id = ?",
            [id],
            this.queryTimeoutMs,
        );
        return rows[0] ? toItem(rows[0]) : undefined;
    }

    /** Per-category stats, at most `statsCacheMs` old. */
    stats(): Promise<CategoryStats[]> {
        return this.cachedStats();
    }

    private async queryStats(): Promise<CategoryStats[]> {
        const rows = await query<StatsRow[]>(
            this.pool,
            `SELECT category,
                   COUNT(*)                    AS item_count,
                   ROUND(AVG(price), 2)        AS avg_price,
                   COALESCE(SUM(price), 0)     AS total_value,
                   COALESCE(SUM(in_stock), 0)  AS in_stock_count
              FROM catalogue
             GROUP BY category
             ORDER BY category`,
            [],
            this.queryTimeoutMs,
        );
        return rows.map((row) => ({
            category: row.category ?? "general",
            item_count: Number(row.item_count),
            avg_price: Number(row.avg_price ?? 0),
            total_value: Number(row.total_value ?? 0),
            in_stock_count: Number(row.in_stock_count ?? 0),
        }));
    }
}
