import net from "node:net";
import { z } from "zod";
import { createLogger, createServiceApp, defineRoute, healthRoutes, startHttpServer, type RunningServer } from "../src";
import { startLoad } from "../../../scripts/test-db";

const logger = createLogger("server-test", "silent");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function testApp(handlerDelayMs: number, withHealth = false) {
    return createServiceApp({
        info: { title: "t", version: "1" },
        logger,
        routes: [
            ...(withHealth ? healthRoutes({ readinessTimeoutMs: 500 }) : []),
            defineRoute({
                method: "get",
                path: "/slow",
                summary: "waits",
                query: z.object({ ms: z.coerce.number().int().default(handlerDelayMs) }),
                responses: { 200: { description: "ok" } },
                handler: async ({ query }) => {
                    await sleep(query.ms);
                    return { body: { ok: true } };
                },
            }),
        ],
    });
}

/** Sends raw bytes and returns everything the server answers until it closes the connection. */
function rawExchange(port: number, payload: string | Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
        const socket = net.connect({ host: "127.0.0.1", port });
        const chunks: Buffer[] = [];
        socket.on("data", (chunk: Buffer) => chunks.push(chunk));
        socket.on("error", reject);
        socket.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
        socket.setTimeout(5_000, () => socket.destroy());
        socket.write(payload);
    });
}

function parseRaw(text: string): { status: number; headers: Record<string, string>; body: unknown } {
    const [head = "", body = ""] = text.split("\r\n\r\n");
    const [statusLine = "", ...lines] = head.split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
        const i = line.indexOf(":");
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        parsed = body;
    }
    return { status: Number(statusLine.split(" ")[1]), headers, body: parsed };
}

describe("service-kit HTTP server: parser errors, CONNECT, the request deadline", () => {
    let running: RunningServer;

    beforeAll(async () => {
        running = await startHttpServer({
            app: testApp(0),
            port: 0,
            host: "127.0.0.1",
            logger,
            gracePeriodMs: 2_000,
            requestDeadlineMs: 300,
        });
    });
    afterAll(async () => {
        await running?.stop();
    });

    const cases: ReadonlyArray<{ name: string; payload: string; status: number; error: string }> = [
        {
            name: "the chunked encoding is broken",
            payload: "POST /slow HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
            status: 400,
            error: "bad_request",
        },
        {
            name: "Content-Length is sent twice with different values",
            payload: "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            status: 400,
            error: "bad_request",
        },
        {
            name: "the headers are larger than 64 KB",
            payload: `GET /slow HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(70_000)}\r\n\r\n`,
            status: 431,
            error: "headers_too_large",
        },
        { name: "the request line is not HTTP", payload: "HELLO THERE\r\n\r\n", status: 400, error: "bad_request" },
    ];
    it.each(cases)(
        "when $name, then the answer is $status JSON with the security headers and the connection is closed",
        async ({ payload, status, error }) => {
            const res = parseRaw(await rawExchange(running.port, payload));
            expect(res.status).toBe(status);
            expect(res.headers["content-type"]).toMatch(/^application\/json/);
            expect(res.body).toEqual({ error, message: expect.any(String) });
            expect(res.headers["x-content-type-options"]).toBe("nosniff");
            expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
            expect(res.headers["strict-transport-security"]).toBeDefined();
            expect(res.headers.connection).toBe("close");
        },
    );

    it("when a client sends CONNECT, then it gets a 405 JSON answer instead of silence", async () => {
        const res = parseRaw(await rawExchange(running.port, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"));
        expect(res.status).toBe(405);
        expect(res.body).toEqual({ error: "method_not_allowed", message: expect.any(String) });
        expect(res.headers["x-content-type-options"]).toBe("nosniff");
    });

    it("when a handler outlives the request deadline, then the client gets 503 + Retry-After at the deadline and the late reply is dropped", async () => {
        const t0 = Date.now();
        const res = await fetch(`${running.url}/slow?ms=1500`);
        const elapsed = Date.now() - t0;
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBe("5");
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        expect(await res.json()).toEqual({ error: "service_unavailable", message: expect.stringContaining("300 ms") });
        expect(elapsed).toBeLessThan(1_500);
        await sleep(1_400); // the handler finishes now; the server must neither crash nor answer twice
        expect((await fetch(`${running.url}/slow?ms=1`)).status).toBe(200);
    });
});

describe("service-kit HTTP server: a custom deadline answer", () => {
    it("when deadlineAnswer says so, then a request that outlives the deadline gets that answer (no Retry-After unless 503)", async () => {
        const running = await startHttpServer({
            app: testApp(0),
            port: 0,
            host: "127.0.0.1",
            logger,
            gracePeriodMs: 1_000,
            requestDeadlineMs: 200,
            deadlineAnswer: (req) =>
                req.method === "GET" ? { status: 504, code: "outcome_unknown", message: "may have been applied" } : undefined,
        });
        try {
            const res = await fetch(`${running.url}/slow?ms=800`);
            expect(res.status).toBe(504);
            expect(res.headers.get("retry-after")).toBeNull();
            expect(await res.json()).toEqual({ error: "outcome_unknown", message: "may have been applied" });
        } finally {
            await running.stop();
        }
    });
});

describe("service-kit HTTP server: graceful stop", () => {
    it("when stop() is called under a keep-alive load, then no request that reached the server is reset: each is answered (with Connection: close), later ones are refused", async () => {
        const running = await startHttpServer({ app: testApp(30), port: 0, host: "127.0.0.1", logger, gracePeriodMs: 3_000 });
        const load = startLoad(running.url, 8, () => ({ method: "GET", path: "/slow" }));
        await sleep(300);
        const stopAt = Date.now();
        const stopped = running.stop();
        await sleep(1_500);
        const outcomes = await load.stop();
        await stopped;

        const afterStop = outcomes.filter((o) => o.startedAt + o.ms >= stopAt);
        expect(afterStop.length).toBeGreaterThan(0);
        // Resets would show up as ECONNRESET / UND_ERR_SOCKET ("other side closed"); refused connections are fine.
        const resets = outcomes.filter((o) => o.error !== undefined && o.error !== "ECONNREFUSED");
        expect(resets.map((o) => o.error)).toEqual([]);
        expect(outcomes.filter((o) => o.status !== undefined && o.status !== 200)).toEqual([]);
        expect(outcomes.some((o) => o.error === "ECONNREFUSED")).toBe(true);
    });

    it("when stop() is called while requests are stuck, then they are answered 503 with Connection: close before the grace period ends", async () => {
        const running = await startHttpServer({
            app: testApp(0),
            port: 0,
            host: "127.0.0.1",
            logger,
            gracePeriodMs: 1_000,
            requestDeadlineMs: 30_000,
        });
        const stuck = [1, 2, 3].map(() => fetch(`${running.url}/slow?ms=2500`));
        await sleep(200);
        const t0 = Date.now();
        await running.stop();
        // Bounded by the grace period, not by the 2.5 s requests: the slack is for a loaded machine, the bound
        // stays below what waiting for the requests would take.
        expect(Date.now() - t0).toBeLessThan(2_300);
        for (const res of await Promise.all(stuck)) {
            expect(res.status).toBe(503);
            expect(res.headers.get("connection")).toBe("close");
            expect(await res.json()).toEqual({ error: "service_unavailable", message: expect.stringContaining("shutting down") });
        }
    });

    it("when shutdown has begun, then /ready answers 503 while /health stays 200", async () => {
        const running = await startHttpServer({ app: testApp(0, true), port: 0, host: "127.0.0.1", logger, gracePeriodMs: 2_000 });
        expect((await fetch(`${running.url}/ready`)).status).toBe(200);
        const held = fetch(`${running.url}/slow?ms=600`);
        await sleep(50);
        const stopped = running.stop();
        // An open keep-alive connection is still served during the drain window.
        const [ready, health] = await Promise.all([
            fetch(`${running.url}/ready`).catch((err: unknown) => err),
            fetch(`${running.url}/health`).catch((err: unknown) => err),
        ]);
        await held;
        await stopped;
        for (const res of [ready, health]) {
            if (res instanceof Response) {
                expect(res.headers.get("connection")).toBe("close");
                expect(res.status).toBe(res === ready ? 503 : 200);
            }
        }
        expect([ready, health].some((r) => r instanceof Response)).toBe(true);
    });
});

describe("service-kit HTTP server: answers Node would write itself, and what a cut-off request is told", () => {
    let running: RunningServer;
    let writes = 0;

    beforeAll(async () => {
        const app = createServiceApp({
            info: { title: "t", version: "1" },
            logger,
            routes: [
                defineRoute({
                    method: "post",
                    path: "/things",
                    summary: "a slow write",
                    body: z.object({ ms: z.number().int() }),
                    responses: { 201: { description: "stored" } },
                    handler: async ({ body }) => {
                        writes += 1;
                        await sleep(body.ms);
                        return { status: 201, body: { ok: true } };
                    },
                }),
            ],
        });
        running = await startHttpServer({ app, port: 0, host: "127.0.0.1", logger, gracePeriodMs: 2_000, requestDeadlineMs: 300 });
    });
    afterAll(async () => {
        await running?.stop();
    });

    const expectSecurityHeaders = (headers: Record<string, string>): void => {
        expect(headers["x-content-type-options"]).toBe("nosniff");
        expect(headers["content-security-policy"]).toContain("default-src 'self'");
        expect(headers["strict-transport-security"]).toBeDefined();
        expect(headers["content-type"]).toMatch(/^application\/json/);
    };

    it("when an HTTP/1.1 request has no Host header, then the 400 is JSON with the security headers", async () => {
        const res = parseRaw(await rawExchange(running.port, "GET /docs HTTP/1.1\r\nConnection: close\r\n\r\n"));
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: "bad_request", message: expect.stringContaining("Host") });
        expectSecurityHeaders(res.headers);
    });

    it("when a request sends an Expect header other than 100-continue, then the 417 is JSON with the security headers", async () => {
        const res = parseRaw(
            await rawExchange(running.port, "GET /docs HTTP/1.1\r\nHost: x\r\nExpect: weird\r\nConnection: close\r\n\r\n"),
        );
        expect(res.status).toBe(417);
        expect(res.body).toEqual({ error: "expectation_failed", message: expect.any(String) });
        expectSecurityHeaders(res.headers);
    });

    it("when a write's body never finishes, then the deadline answer is 408 with Connection: close (nothing could have been written)", async () => {
        const before = writes;
        const res = parseRaw(
            await rawExchange(
                running.port,
                'POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ms": 1',
            ),
        );
        expect(res.status).toBe(408);
        expect(res.body).toEqual({ error: "request_timeout", message: expect.any(String) });
        expect(res.headers.connection).toBe("close");
        expectSecurityHeaders(res.headers);
        expect(writes).toBe(before);
    });

    it.each(["/things", "/THINGS", "/things/", "absolute"])(
        "when a write route reached as %s outlives the deadline, then it is answered 504 write_outcome_unknown, never 503 'retry later'",
        async (spelling) => {
            const target = spelling === "absolute" ? `http://127.0.0.1:${running.port}/things` : spelling;
            const body = JSON.stringify({ ms: 1_000 });
            const res = parseRaw(
                await rawExchange(
                    running.port,
                    `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
                ),
            );
            expect({ status: res.status, body: res.body, retryAfter: res.headers["retry-after"] }).toEqual({
                status: 504,
                body: { error: "write_outcome_unknown", message: expect.any(String) },
                retryAfter: undefined,
            });
        },
    );
});
