import type { RunningServer } from "@serverless-containers/service-kit";
import { dbAppEnv, type SqlServerHandle, type TestDatabase } from "../../../scripts/test-db";
import { startCatalogueApi } from "../src/server";

export const appEnv = dbAppEnv;

/** A throwaway database on `server` and catalogue-api started in-process on port 0 against it. */
export async function startAppOn(
    server: SqlServerHandle,
    prefix: string,
    extra: Record<string, string> = {},
): Promise<{ app: RunningServer; db: TestDatabase }> {
    const db = await server.createDatabase(prefix);
    const app = await startCatalogueApi(appEnv(db, extra));
    await app.ready; // the server listens before the schema exists; DB routes answer 503 until then
    return { app, db };
}
