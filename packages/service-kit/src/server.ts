import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import type { Express, Request } from "express";
import helmet from "helmet";
import { requestDeadline, runInDeadline, settledWithin } from "./deadline";
import { RETRY_AFTER_SECONDS } from "./errors";
import { SHUTTING_DOWN } from "./health";
import { WriteOutcomeUnknownError } from "./idempotency";
import type { Logger } from "./logger";
import { matchedRoute } from "./routes";
import { flushTracing } from "./tracing-switch";

export interface RunningServer {
    readonly server: http.Server;
    readonly port: number;
    /** `http://127.0.0.1:<port>` — handy for tests. */
    readonly url: string;
    /** SHUTDOWN_GRACE_MS: stop() resolves within it. */
    readonly gracePeriodMs: number;
    /**
     * Resolves once the service's dependencies are ready (SQL services: the schema exists); the server listens
     * and answers liveness before that. Tests await it before using DB routes.
     */
    readonly ready: Promise<void>;
    /**
     * Graceful stop, bounded by the grace period: stop accepting connections, answer every request that reached
     * the server (finished, or 503 when the grace period runs out) with `Connection: close`, close idle keep-alive
     * sockets, then run the `onClose` hooks (close pools) within what is left. Idempotent.
     */
    stop(): Promise<void>;
}

/** What an onClose hook gets: the milliseconds it may take (it must finish, forcibly if need be, within them). */
export interface CloseBudget {
    readonly timeoutMs: number;
}

export interface DeadlineAnswer {
    readonly status: number;
    readonly code: string;
    readonly message: string;
}

export interface StartOptions {
    readonly app: Express;
    readonly port: number;
    readonly host?: string;
    readonly logger: Logger;
    readonly gracePeriodMs: number;
    /** REQUEST_DEADLINE_MS: every request is answered within it (see `cutOffAnswer`). @default 10000 */
    readonly requestDeadlineMs?: number;
    /**
     * Replaces the answer to a request cut off by its deadline or by shutdown (default: `cutOffAnswer`) when it
     * returns one; Retry-After is added to 503s only.
     */
    readonly deadlineAnswer?: (req: http.IncomingMessage) => DeadlineAnswer | undefined;
    /** See RunningServer.ready. @default already resolved */
    readonly ready?: Promise<void>;
    /** First step of stop(), before draining (e.g. abort background start-up work). */
    readonly onStop?: () => void;
    /** Run after the HTTP server has drained, in order (e.g. close DB pools), each within its budget. */
    readonly onClose?: ReadonlyArray<(budget: CloseBudget) => Promise<void> | void>;
}

/**
 * The headers helmet sets on every express response, computed once, so the answers written outside express
 * (HTTP parser errors, CONNECT, deadline 503s) carry the same security headers.
 */
function securityHeaders(): Readonly<Record<string, string>> {
    const headers: Record<string, string> = {};
    const collector = {
        setHeader: (name: string, value: unknown) => {
            headers[name] = String(value);
        },
        removeHeader: (name: string) => {
            delete headers[name];
        },
    };
    helmet()({} as http.IncomingMessage, collector as unknown as http.ServerResponse, () => undefined);
    return headers;
}

const SECURITY_HEADERS = securityHeaders();

function jsonBody(code: string, message: string): string {
    return JSON.stringify({ error: code, message });
}

/**
 * What a request cut off before its handler finished is told (at its deadline, or when shutdown runs out of
 * grace). The contract: 503 + Retry-After means nothing happened, retry; 504 `write_outcome_unknown` means it may
 * have happened (retry only with an Idempotency-Key); nothing the request does starts after this answer.
 *  - The body never finished arriving: nothing can have been done with it → 408, and the connection is closed.
 *  - Express matched a route that writes (RouteSpec.writes, decided by express's own routing, whatever the URL's
 *    spelling) and the request carries no valid Idempotency-Key: the write may have reached the store → 504.
 *  - Otherwise (a read, or a keyed write whose retry is safe) → 503 + Retry-After.
 */
export function cutOffAnswer(req: http.IncomingMessage, reason: "deadline" | "shutdown", deadlineMs: number): DeadlineAnswer {
    if (!req.complete) {
        return {
            status: 408,
            code: "request_timeout",
            message:
                reason === "deadline"
                    ? `The request body was not received within ${deadlineMs} ms; nothing was done`
                    : "The service is shutting down and the request body was not received; nothing was done",
        };
    }
    const route = matchedRoute(req);
    if (route?.writes === true && !route.keyed) {
        const unknown = new WriteOutcomeUnknownError();
        return { status: unknown.status, code: unknown.code, message: unknown.message };
    }
    return {
        status: 503,
        code: "service_unavailable",
        message:
            reason === "deadline"
                ? `The request did not complete within ${deadlineMs} ms; retry later`
                : "The service is shutting down; retry later",
    };
}

/** A JSON answer written on a ServerResponse outside express (cut-off requests, Node's own 400/417), with the security headers. */
function answerJson(res: http.ServerResponse, answer: DeadlineAnswer, close: boolean): void {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (answer.status === 503) res.setHeader("Retry-After", String(RETRY_AFTER_SECONDS));
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    if (close) res.setHeader("Connection", "close");
    res.statusCode = answer.status;
    res.end(jsonBody(answer.code, answer.message));
}

/** A complete HTTP/1.1 response for a raw socket (no express, no ServerResponse): JSON, security headers, close. */
function rawResponse(status: number, code: string, message: string, extra: Readonly<Record<string, string>> = {}): string {
    const body = jsonBody(code, message);
    const headers: Record<string, string> = {
        ...SECURITY_HEADERS,
        ...extra,
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": String(Buffer.byteLength(body)),
        Connection: "close",
    };
    const head = [
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ""}`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    return `${head.join("\r\n")}\r\n\r\n${body}`;
}

/**
 * Node's HTTP parser rejects some requests before express sees them (bad chunking, 64 KB of headers, duplicate
 * Content-Length, a request line it cannot parse, a slow request). By default Node answers those with a bare
 * 400/431 and no body; we answer JSON with the security headers, like every other error.
 */
function onClientError(err: NodeJS.ErrnoException, socket: net.Socket): void {
    if (err.code === "ECONNRESET" || !socket.writable) {
        socket.destroy();
        return;
    }
    // A response already on its way on this socket cannot be replaced by another one.
    if ((socket as net.Socket & { _httpMessage?: http.ServerResponse })._httpMessage?.headersSent) {
        socket.destroy();
        return;
    }
    const [status, code, message] =
        err.code === "HPE_HEADER_OVERFLOW"
            ? [431, "headers_too_large", "Request headers are larger than the server accepts"]
            : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
              ? [408, "request_timeout", "The request was not received in time"]
              : [400, "bad_request", "The request could not be parsed as HTTP/1.1"];
    socket.end(rawResponse(status, code, message));
}

interface InFlight {
    readonly req: http.IncomingMessage;
    readonly res: http.ServerResponse;
    expire(reason: "deadline" | "shutdown"): void;
}

export async function startHttpServer(options: StartOptions): Promise<RunningServer> {
    const { app, logger, gracePeriodMs } = options;
    const deadlineMs = options.requestDeadlineMs ?? 10_000;
    const inFlight = new Set<InFlight>();
    /** Open sockets and how many requests each is serving (0 = an idle keep-alive socket). */
    const sockets = new Map<net.Socket, { active: number }>();
    let shuttingDown = false;
    let closeIdleNow = false;

    const endIfIdle = (socket: net.Socket): void => {
        const state = sockets.get(socket);
        if (state !== undefined && state.active === 0 && !socket.destroyed) socket.end();
    };

    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
        // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host. Node's own check
        // (requireHostHeader, switched off below) writes a bare 400 without our headers; this one is JSON.
        if (req.httpVersionMajor === 1 && req.httpVersionMinor === 1 && req.headers.host === undefined) {
            answerJson(res, { status: 400, code: "bad_request", message: "An HTTP/1.1 request must carry a Host header" }, true);
            return;
        }
        const socketState = sockets.get(req.socket);
        if (socketState !== undefined) socketState.active += 1;
        if (shuttingDown) res.setHeader("Connection", "close");
        const deadline = requestDeadline(deadlineMs);
        const entry: InFlight = {
            req,
            res,
            expire(reason) {
                if (res.writableEnded) return;
                // From here on the request may start nothing more (no acquisition, statement or SDK attempt).
                deadline.answered();
                if (res.headersSent) {
                    // Half a response cannot be turned into a 503; the connection is cut instead.
                    req.socket.destroy();
                    return;
                }
                const answer: DeadlineAnswer = options.deadlineAnswer?.(req) ?? cutOffAnswer(req, reason, deadlineMs);
                (req as Partial<Request>).log?.warn({ reason, deadlineMs, status: answer.status }, "request answered before completing");
                // An unfinished body leaves the connection mid-message: it cannot carry another request.
                answerJson(res, answer, shuttingDown || !req.complete);
            },
        };
        const timer = setTimeout(() => entry.expire("deadline"), deadlineMs);
        inFlight.add(entry);
        res.once("close", () => {
            clearTimeout(timer);
            inFlight.delete(entry);
            if (socketState !== undefined) socketState.active -= 1;
            if (closeIdleNow) endIfIdle(req.socket);
        });
        // Everything the request does (DB acquisition, queries, SDK attempts) sees the deadline through AsyncLocalStorage.
        runInDeadline(deadline, () => app(req, res));
    };

    // requireHostHeader: the handler answers the 400 itself, as JSON with the security headers.
    const server = http.createServer({ requireHostHeader: false }, handler);
    // Behind App Runner / ALB idle timeouts are 60 s; keep our keep-alive slightly longer to avoid races.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.requestTimeout = 60_000;
    server.on("clientError", onClientError);
    // An Expect other than 100-continue: without a listener Node writes a bare 417 itself (lib/_http_server.js).
    server.on("checkExpectation", (_req: http.IncomingMessage, res: http.ServerResponse) => {
        answerJson(res, { status: 417, code: "expectation_failed", message: "Only Expect: 100-continue is supported" }, true);
    });
    // CONNECT would otherwise get no answer at all (Node closes the socket when nobody listens for it).
    server.on("connect", (_req: http.IncomingMessage, socket: net.Socket) => {
        socket.end(
            rawResponse(405, "method_not_allowed", "CONNECT is not supported", { Allow: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS" }),
        );
    });
    server.on("connection", (socket: net.Socket) => {
        sockets.set(socket, { active: 0 });
        socket.once("close", () => sockets.delete(socket));
    });

    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port, options.host ?? "0.0.0.0", () => {
            server.off("error", reject);
            resolve();
        });
    });
    const port = (server.address() as AddressInfo).port;
    logger.info({ port }, "listening");

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
        stopping ??= (async () => {
            const startedAt = Date.now();
            const grace = gracePeriodMs;
            // Budget: the pool close gets up to 20 % (≤ 2 s), responses 5 % (≤ 250 ms) to flush; draining the rest.
            const closeBudgetMs = Math.min(2_000, Math.floor(grace * 0.2));
            const flushMs = Math.min(250, Math.floor(grace * 0.05));
            const drainUntil = startedAt + grace - closeBudgetMs - flushMs;
            // Idle keep-alive sockets stay open this long: a request a client sends on one right after the signal is
            // answered (with Connection: close) instead of meeting a closed socket.
            const idleWindowMs = Math.min(1_000, Math.floor(grace * 0.1));

            shuttingDown = true;
            app.locals[SHUTTING_DOWN] = true;
            logger.info(
                { inFlight: inFlight.size, sockets: sockets.size, gracePeriodMs: grace },
                "shutting down: draining in-flight requests",
            );
            try {
                options.onStop?.();
            } catch (err) {
                logger.error({ err }, "error in the stop hook");
            }
            // Stop accepting connections WITHOUT http.Server.close(), which would also cut idle keep-alive sockets at
            // once (Node >= 19): a request already on its way on one of them would meet a reset.
            net.Server.prototype.close.call(server);
            for (const entry of inFlight) if (!entry.res.headersSent) entry.res.setHeader("Connection", "close");

            const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
            const waitForSockets = async (until: number): Promise<void> => {
                while (sockets.size > 0 && Date.now() < until) await sleep(Math.min(25, until - Date.now()));
            };
            // Phase 1: idle sockets get a short window; in-flight requests keep running.
            await waitForSockets(Math.min(drainUntil, startedAt + idleWindowMs));
            closeIdleNow = true;
            for (const socket of sockets.keys()) endIfIdle(socket);
            // Phase 2: wait for in-flight requests until the drain deadline.
            await waitForSockets(drainUntil);
            if (inFlight.size > 0) {
                logger.warn({ inFlight: inFlight.size }, "grace period running out: answering the remaining requests 503");
                for (const entry of [...inFlight]) entry.expire("shutdown");
            }
            await waitForSockets(Date.now() + flushMs);
            for (const socket of sockets.keys()) socket.destroy();

            for (const hook of options.onClose ?? []) {
                const timeoutMs = Math.max(0, startedAt + grace - Date.now() - 50);
                try {
                    if (!(await settledWithin(Promise.resolve(hook({ timeoutMs })), timeoutMs))) {
                        logger.warn({ timeoutMs }, "a resource did not close within the grace period; moving on");
                    }
                } catch (err) {
                    logger.error({ err }, "error while closing a resource");
                }
            }
            logger.info({ ms: Date.now() - startedAt }, "shutdown complete");
        })();
        return stopping;
    };
    return { server, port, url: `http://127.0.0.1:${port}`, gracePeriodMs, ready: options.ready ?? Promise.resolve(), stop };
}

/** How long an exiting service waits for its last spans to be exported (after the grace period's drain). */
const TRACE_FLUSH_MS = 1_000;

/**
 * Entry point of a service: installs SIGTERM/SIGINT handling FIRST, then starts. A signal at any moment (during
 * start-up too) leads to a bounded graceful stop and exit 0 — the platform asked us to stop and we did; exit 1
 * is kept for a start-up that fails on its own (e.g. a ConfigError naming the variable).
 */
export function runService(start: () => Promise<RunningServer>, logger: Pick<Logger, "info" | "warn" | "error" | "fatal">): void {
    let running: RunningServer | undefined;
    let signalled = false;
    const shutdown = (server: RunningServer): void => {
        // Backstop: stop() is bounded by the grace period already; this only guards against a bug in it.
        setTimeout(
            () => {
                logger.error("shutdown overran the grace period; exiting");
                process.exit(0);
            },
            server.gracePeriodMs + TRACE_FLUSH_MS + 1_000,
        ).unref();
        void server
            .stop()
            .catch((err: unknown) => logger.error({ err }, "shutdown failed"))
            // The spans of the last requests are still in the exporter's batch: send them (bounded) before exiting.
            .then(() => flushTracing(TRACE_FLUSH_MS))
            .then(() => process.exit(0));
    };
    const onSignal = (signal: NodeJS.Signals): void => {
        if (signalled) return;
        signalled = true;
        logger.info({ signal }, "signal received");
        if (running !== undefined) shutdown(running);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    start().then(
        (server) => {
            running = server;
            if (signalled) shutdown(server);
        },
        (err: unknown) => {
            if (signalled) {
                logger.info("stopped during start-up");
                process.exit(0);
            }
            logger.fatal({ err: err instanceof Error ? { message: err.message, name: err.name } : err }, "failed to start");
            process.exit(1);
        },
    );
}

/**
 * Wires SIGTERM/SIGINT to a graceful stop of an already started server and exits 0 when it completes (also when
 * it overruns the grace period: the stop was requested). Prefer runService, which also covers start-up.
 */
export function exitOnSignals(running: Pick<RunningServer, "stop">, logger: Logger, gracePeriodMs: number): void {
    const onSignal = (signal: NodeJS.Signals): void => {
        logger.info({ signal }, "signal received");
        setTimeout(() => {
            logger.error("graceful shutdown timed out");
            process.exit(0);
        }, gracePeriodMs + 1_000).unref();
        running.stop().then(
            () => process.exit(0),
            (err: unknown) => {
                logger.error({ err }, "shutdown failed");
                process.exit(0);
            },
        );
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
}

/** Entry-point wrapper: logs a start-up failure (e.g. a ConfigError naming the variable) and exits 1. */
export function runMain(main: () => Promise<void>, logger: Pick<Logger, "fatal">): void {
    main().catch((err: unknown) => {
        logger.fatal({ err: err instanceof Error ? { message: err.message, name: err.name } : err }, "failed to start");
        process.exit(1);
    });
}
