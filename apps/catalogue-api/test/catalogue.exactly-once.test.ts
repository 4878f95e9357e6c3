import net from "node:net";
import type { RunningServer } from "@serverless-containers/service-kit";
import {
    rawRequest,
    request,
    runBounded,
    startMariaDb,
    startWireTap,
    type JsonResponse,
    type SqlServerHandle,
    type TestDatabase,
    type WireTap,
} from "../../../scripts/test-db";
import { startCatalogueApi } from "../src/server";
import { appEnv } from "./helpers";

/**
 * The answers' contract, on a real MariaDB frozen with SIGSTOP: 503 + Retry-After = nothing was stored (retry);
 * 504 write_outcome_unknown = it may have been stored; and nothing a request does starts after its answer.
 */
const DEADLINE_MS = 1_500;
const HANG_ENV = { REQUEST_DEADLINE_MS: String(DEADLINE_MS), DB_CONNECT_TIMEOUT_MS: "1000" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("catalogue-api: exactly once on every path (MariaDB frozen with SIGSTOP)", () => {
    let server: SqlServerHandle;

    const rowsNamed = async (db: TestDatabase, name: string): Promise<number> =>
        Number((await server.adminQuery<{ n: number }>("SELECT COUNT(*) AS n FROM catalogue WHERE name = ?", [name], db.database))[0].n);

    beforeAll(async () => {
        server = await startMariaDb({ requireManaged: true });
    }, 60_000);

    afterAll(async () => {
        await server?.resume();
        await server?.destroy();
    }, 60_000);

    async function started(prefix: string, extra: Record<string, string> = {}): Promise<{ app: RunningServer; db: TestDatabase }> {
        const db = await server.createDatabase(prefix);
        const app = await startCatalogueApi(appEnv(db, { ...HANG_ENV, ...extra }));
        await app.ready;
        // Open pooled connections, so the writes below are sent to the server before it stops answering.
        for (let i = 0; i < 3; i += 1) await runBounded(8, 8, () => request(app.url, "/catalogue?limit=1"));
        return { app, db };
    }

    it("when the write is spelled /CATALOGUE, /catalogue/, /Catalogue/ or http://host/catalogue and the deadline passes, then it is never answered 503 'retry later' while its row exists", async () => {
        const { app, db } = await started("catalogue_spelling");
        const spellings = ["/CATALOGUE", "/catalogue/", "/Catalogue/", "absolute"];
        try {
            await server.pause();
            let answers: JsonResponse[];
            try {
                answers = await Promise.all(
                    spellings.map((path, i) => {
                        const json = { name: `spelling-${i}`, price: 1, category: "spelling" };
                        return path === "absolute"
                            ? rawRequest(app.url, "/catalogue", {
                                  method: "POST",
                                  absoluteForm: true,
                                  headers: { "content-type": "application/json" },
                                  body: JSON.stringify(json),
                              })
                            : request(app.url, path, { method: "POST", json });
                    }),
                );
            } finally {
                await server.resume();
            }
            await sleep(500); // the resumed server commits what it had received
            const outcomes = await Promise.all(
                answers.map(async (res, i) => ({
                    spelling: spellings[i],
                    status: res.status,
                    error: res.body?.error,
                    rows: await rowsNamed(db, `spelling-${i}`),
                })),
            );
            // A stored write is never "retry later"; at least the writes sent on open connections reached the server.
            expect(outcomes.filter((o) => o.status === 503 && o.rows > 0)).toEqual([]);
            expect(outcomes.filter((o) => o.status !== 503 && !(o.status === 504 && o.error === "write_outcome_unknown"))).toEqual([]);
            expect(outcomes.some((o) => o.rows > 0)).toBe(true);
        } finally {
            await app.stop();
        }
    }, 60_000);

    it("when the service stops while a write spelled /CATALOGUE waits on the hung database, then the shutdown answer is not 503 'retry later' for a stored write", async () => {
        const { app, db } = await started("catalogue_spelling_stop", { REQUEST_DEADLINE_MS: "20000", SHUTDOWN_GRACE_MS: "1500" });
        await server.pause();
        let answer: JsonResponse;
        try {
            const pending = request(app.url, "/CATALOGUE", { method: "POST", json: { name: "stop-spelling", price: 1 } });
            await sleep(300);
            await app.stop();
            answer = await pending;
        } finally {
            await server.resume();
        }
        await sleep(500);
        const rows = await rowsNamed(db, "stop-spelling");
        // The write was sent on an open connection and committed once the server resumed: "may have happened".
        expect({ status: answer.status, error: answer.body?.error, rows }).toEqual({
            status: 504,
            error: "write_outcome_unknown",
            rows: 1,
        });
    }, 60_000);

    it("when writes queue for the only pooled connection while the database hangs, then none of them leaves the app after its answer", async () => {
        const db = await server.createDatabase("catalogue_after_answer");
        const tap: WireTap = await startWireTap({ targetPort: db.port, pattern: /after-answer-\d+/ });
        const app = await startCatalogueApi(appEnv({ ...db, port: tap.port }, { ...HANG_ENV, DB_POOL_MAX: "1" }));
        try {
            await app.ready;
            expect((await request(app.url, "/catalogue?limit=1")).status).toBe(200);
            await server.pause();
            let answeredAt: number[];
            try {
                answeredAt = await Promise.all(
                    [0, 1, 2].map(async (i) => {
                        await request(app.url, "/catalogue", { method: "POST", json: { name: `after-answer-${i}`, price: 1 } });
                        return Date.now();
                    }),
                );
                await sleep(1_000);
            } finally {
                await server.resume();
            }
            await sleep(1_500); // whatever was still queued in the app goes out now
            const late = [0, 1, 2]
                .map((i) => ({ write: i, sentAt: tap.lastSeen(`after-answer-${i}`), answeredAt: answeredAt[i] }))
                .filter((w) => w.sentAt !== undefined && w.sentAt > w.answeredAt);
            expect(late).toEqual([]);
        } finally {
            await app.stop();
            await tap.close();
        }
    }, 60_000);

    it("when the schema cannot be created (empty database, DML-only user), then an unkeyed write answers 503 + Retry-After like reads and keyed writes, not 500", async () => {
        const owner = await server.createDatabase("catalogue_dml_only");
        const user = `${owner.user.slice(0, 60)}_dml`;
        await server.adminQuery(`CREATE USER '${user}'@'%' IDENTIFIED BY '${owner.password}'`);
        await server.adminQuery(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${owner.database}\`.* TO '${user}'@'%'`);
        const app = await startCatalogueApi(appEnv({ ...owner, user }));
        try {
            const unkeyed = await request(app.url, "/catalogue", { method: "POST", json: { name: "dml-only", price: 1 } });
            const keyed = await request(app.url, "/catalogue", {
                method: "POST",
                json: { name: "dml-only", price: 1 },
                headers: { "Idempotency-Key": "dml-only-key" },
            });
            const read = await request(app.url, "/catalogue");
            expect([unkeyed, keyed, read].map((r) => ({ status: r.status, retryAfter: r.headers.get("retry-after") }))).toEqual([
                { status: 503, retryAfter: "5" },
                { status: 503, retryAfter: "5" },
                { status: 503, retryAfter: "5" },
            ]);
        } finally {
            await app.stop();
        }
    }, 60_000);

    it("when a POST's body never finishes, then the deadline answer is 408 (nothing can have been written), not 504 write_outcome_unknown; no Host and Expect: weird get JSON 400 / 417 with the security headers", async () => {
        const db = await server.createDatabase("catalogue_unfinished");
        const app = await startCatalogueApi(appEnv(db, HANG_ENV));
        const exchange = (payload: string): Promise<string> =>
            new Promise((resolve, reject) => {
                const socket = net.connect({ host: "127.0.0.1", port: Number(new URL(app.url).port) });
                let text = "";
                socket.setEncoding("latin1").on("data", (chunk: string) => (text += chunk));
                socket.on("error", reject);
                socket.on("close", () => resolve(text));
                socket.setTimeout(10_000, () => socket.destroy());
                socket.write(payload);
            });
        const statusAndType = (raw: string) => ({
            status: Number(raw.split(" ")[1]),
            json: /\r\ncontent-type: application\/json/i.test(raw),
            nosniff: /\r\nx-content-type-options: nosniff/i.test(raw),
        });
        try {
            await app.ready;
            const unfinished = await exchange(
                'POST /catalogue HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name": "half',
            );
            const noHost = await exchange("GET /catalogue HTTP/1.1\r\nConnection: close\r\n\r\n");
            const weird = await exchange("GET /catalogue HTTP/1.1\r\nHost: x\r\nExpect: weird\r\nConnection: close\r\n\r\n");
            expect([unfinished, noHost, weird].map(statusAndType)).toEqual([
                { status: 408, json: true, nosniff: true },
                { status: 400, json: true, nosniff: true },
                { status: 417, json: true, nosniff: true },
            ]);
            expect(unfinished).toMatch(/"error":"request_timeout"/);
        } finally {
            await app.stop();
        }
    }, 60_000);
});
