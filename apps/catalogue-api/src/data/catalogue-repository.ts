import { randomUUID } from "node:crypto";
import type { Pool, RowDataPacket } from "mysql2";
import { query } from "./pool";

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

/** Seed table; created_at is DATETIME(6) (UTC, microseconds) so "newest first" is stable within a second. */
const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS catalogue (
  id          VARCHAR(36)   NOT NULL PRIMARY KEY,
  name        VARCHAR(100)  NOT NULL,
  price       DECIMAL(10,2),
  category    VARCHAR(50),
  in_stock    BOOLEAN       DEFAULT TRUE,
  created_at  DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY idx_catalogue_created_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`;

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

/** All SQL of the service. Every statement goes through pool.query() with `?` placeholders. */
export class CatalogueRepository {
  constructor(
    private readonly pool: Pool,
    private readonly queryTimeoutMs: number,
  ) {}

  /**
   * Creates the table where it is missing. On AWS the deploy-time bootstrap has already created it and the app
   * runs as a DML-only user, which MySQL refuses even `CREATE TABLE IF NOT EXISTS` (the CREATE privilege is
   * checked first): so look first and create only when absent.
   */
  async ensureSchema(): Promise<void> {
    const existing = await query<RowDataPacket[]>(
      this.pool,
      "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'catalogue'",
      [],
      this.queryTimeoutMs,
    );
    if (existing.length > 0) return;
    await query(this.pool, CREATE_TABLE, [], this.queryTimeoutMs);
  }

  async ping(timeoutMs: number): Promise<void> {
    await query(this.pool, "SELECT 1", [], timeoutMs);
  }

  async add(item: NewCatalogueItem): Promise<CatalogueItem> {
    const id = randomUUID();
    const createdAt = new Date();
    await query(
      this.pool,
      "INSERT INTO catalogue (id, name, price, category, in_stock, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      [id, item.name, item.price, item.category, item.in_stock, createdAt],
      this.queryTimeoutMs,
    );
    return { id, ...item, created_at: createdAt.toISOString() };
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

  async stats(): Promise<CategoryStats[]> {
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
