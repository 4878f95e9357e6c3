import http from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningServer } from "@serverless-containers/service-kit";
import { dbAppEnv, type SqlServerHandle, type TestDatabase } from "../../../scripts/test-db";
import { startVisitsApi } from "../src/server";

export const appEnv = dbAppEnv;

export async function startAppOn(
    server: SqlServerHandle,
    prefix: string,
    extra: Record<string, string> = {},
): Promise<{ app: RunningServer; db: TestDatabase }> {
    const db = await server.createDatabase(prefix);
    const app = await startVisitsApi(appEnv(db, extra));
    await app.ready; // the server listens before the schema exists; DB routes answer 503 until then
    return { app, db };
}

/** A stand-in for the private ECS service: answers each request with `handler`. */
export async function fakeUpstream(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** How many visits `userAgent` has recorded in `db`, read as the server's admin. */
export async function visitsBy(server: SqlServerHandle, db: TestDatabase, userAgent: string): Promise<number> {
    const rows = await server.adminQuery<{ n: string }>("SELECT COUNT(*) AS n FROM visits WHERE user_agent = $1", [userAgent], db.database);
    return Number(rows[0].n);
}
