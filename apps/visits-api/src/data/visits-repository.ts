import type { Pool } from "pg";

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

/** All SQL of the service: unnamed parameterised queries only (no `name:`, so nothing is prepared by name). */
export class VisitsRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Creates the table and index where they are missing. On AWS the deploy-time bootstrap has already created
   * them and the app runs as a DML-only user, which PostgreSQL refuses even `CREATE … IF NOT EXISTS` (CREATE on
   * the schema, ownership for the index are checked first): so look first and create only what is absent.
   */
  async ensureSchema(): Promise<void> {
    const found = await this.pool.query<{ table_ok: boolean; index_ok: boolean }>(
      "SELECT to_regclass('visits') IS NOT NULL AS table_ok, to_regclass('visits_last_update_idx') IS NOT NULL AS index_ok",
    );
    const existing = found.rows[0];
    if (existing?.table_ok && existing.index_ok) return;
    await this.pool.query(`
      CREATE TABLE IF NOT EXISTS visits (
        id           BIGSERIAL    PRIMARY KEY,
        last_update  TIMESTAMPTZ  NOT NULL DEFAULT now(),
        user_agent   TEXT
      )`);
    await this.pool.query("CREATE INDEX IF NOT EXISTS visits_last_update_idx ON visits (last_update DESC)");
  }

  async ping(): Promise<void> {
    await this.pool.query("SELECT 1");
  }

  async record(userAgent: string | undefined, at: Date = new Date()): Promise<void> {
    const value = userAgent === undefined || userAgent === "" ? null : userAgent.slice(0, MAX_USER_AGENT_LENGTH);
    await this.pool.query("INSERT INTO visits (last_update, user_agent) VALUES ($1, $2)", [at, value]);
  }

  async recent(limit: number): Promise<Visit[]> {
    const result = await this.pool.query<VisitRow>(
      "SELECT id, last_update, user_agent FROM visits ORDER BY last_update DESC, id DESC LIMIT $1",
      [limit],
    );
    return result.rows.map((row) => ({ id: Number(row.id), timestamp: row.last_update.toISOString(), user_agent: row.user_agent }));
  }
}
