import type { RunningServer } from "@serverless-containers/service-kit";
import type { SqlServerHandle, TestDatabase } from "../../../scripts/test-db";
import { startCatalogueApi } from "../src/server";

export function appEnv(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: "0",
    DB_HOST: db.host,
    DB_PORT: String(db.port),
    DB_USER: db.user,
    DB_PASSWORD: db.password,
    DB_NAME: db.database,
    LOG_LEVEL: "silent",
    SHUTDOWN_GRACE_MS: "5000",
    ...extra,
  };
}

/** A throwaway database on `server` and catalogue-api started in-process on port 0 against it. */
export async function startAppOn(server: SqlServerHandle, prefix: string, extra: Record<string, string> = {}): Promise<{ app: RunningServer; db: TestDatabase }> {
  const db = await server.createDatabase(prefix);
  const app = await startCatalogueApi(appEnv(db, extra));
  return { app, db };
}
