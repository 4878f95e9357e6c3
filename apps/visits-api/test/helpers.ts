import http from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningServer } from "@serverless-containers/service-kit";
import { dbAppEnv, startPostgres, type SqlServerHandle, type TestDatabase } from "../../../scripts/test-db";
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

/** A PostgreSQL server and visits-api on a fresh database of it, for one describe block. */
export interface AppOnPostgres {
    readonly server: SqlServerHandle;
    readonly app: RunningServer;
    readonly db: TestDatabase;
}

/**
 * Start a PostgreSQL server (with `options`) and visits-api on a fresh database (`prefix`, `env`) before the
 * describe block's tests, and after them resume the server (a test may have frozen it), stop the app and destroy
 * the server. The fields are set once `beforeAll` has run.
 */
export function appOnPostgres(
    prefix: string,
    env: Record<string, string> = {},
    options: Parameters<typeof startPostgres>[0] = {},
): AppOnPostgres {
    const t: { server?: SqlServerHandle; app?: RunningServer; db?: TestDatabase } = {};
    beforeAll(async () => {
        t.server = await startPostgres(options);
        Object.assign(t, await startAppOn(t.server, prefix, env));
    }, 60_000);
    afterAll(async () => {
        await t.server?.resume().catch(() => undefined);
        await t.app?.stop();
        await t.server?.destroy();
    }, 60_000);
    return t as AppOnPostgres;
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
