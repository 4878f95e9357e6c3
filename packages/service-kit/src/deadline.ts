import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The deadline of the request being served, carried through async calls with AsyncLocalStorage so the DB pools
 * can bound their own waits (pool acquisition, query, SDK attempts) by what is left of it without every repository
 * method taking a timeout argument. Outside a request (start-up schema creation) there is no deadline.
 *
 * The promise a client relies on is "nothing a request does starts after its answer". Two things make it hold:
 *   - the context is captured where the request's own code calls the pool (`currentDeadline()`), never read
 *     inside a driver callback: pg-pool hands a freed client to the next waiting caller from inside the releasing
 *     query's callback, i.e. in the async context of whoever opened that connection;
 *   - `answered()` (called by the HTTP server when it answers on the request's behalf: the deadline, shutdown)
 *     aborts `signal`, after which `boundedTimeout` refuses to start anything, even before `deadlineAt`.
 */
export interface DeadlineContext {
    /** Epoch milliseconds after which the request has been (or is about to be) answered. */
    readonly deadlineAt: number;
    /** Aborted once the request has been answered on its behalf (deadline, shutdown): start nothing more. */
    readonly signal: AbortSignal;
}

/** A request's deadline as the HTTP server holds it: the context, and the switch it throws when it answers. */
export interface RequestDeadline extends DeadlineContext {
    /** The request has been answered (deadline or shutdown): abort `signal`. */
    answered(): void;
}

const storage = new AsyncLocalStorage<DeadlineContext>();
const NEVER = new AbortController().signal;

/** A deadline `ms` from now, for the HTTP server's request handler (run the request with `runInDeadline`). */
export function requestDeadline(ms: number): RequestDeadline {
    const controller = new AbortController();
    return {
        deadlineAt: Date.now() + ms,
        signal: controller.signal,
        answered: () => controller.abort(new DeadlineExceededError("the request")),
    };
}

/** Runs `fn` inside `context` (the server's per-request deadline). */
export function runInDeadline<T>(context: DeadlineContext, fn: () => T): T {
    return storage.run(context, fn);
}

/** Runs `fn` with a deadline `ms` from now (nested calls may only shorten it, and keep the request's signal). */
export function runWithDeadline<T>(ms: number, fn: () => T): T {
    const outer = storage.getStore();
    const deadlineAt = Math.min(Date.now() + ms, outer?.deadlineAt ?? Number.POSITIVE_INFINITY);
    return storage.run({ deadlineAt, signal: outer?.signal ?? NEVER }, fn);
}

/** Runs `fn` outside any request (background work a request merely triggers, e.g. purging expired keys). */
export function outsideRequest<T>(fn: () => T): T {
    return storage.exit(fn);
}

/**
 * The current request's deadline, to capture where the request's own code calls a pool and carry it explicitly
 * into driver callbacks (which may run in another request's context). Undefined outside a request.
 */
export function currentDeadline(): DeadlineContext | undefined {
    return storage.getStore();
}

/** Milliseconds left before the current request's deadline; undefined outside a request. */
export function remainingMs(): number | undefined {
    const context = storage.getStore();
    return context === undefined ? undefined : context.deadlineAt - Date.now();
}

/** True while serving a request (as opposed to start-up or background work). */
export function inRequest(): boolean {
    return storage.getStore() !== undefined;
}

/** The current request's abort signal (answered or not), for clients that take one (the AWS SDK). */
export function requestSignal(): AbortSignal | undefined {
    return storage.getStore()?.signal;
}

/**
 * Thrown when there is no time left for a database call: the request was already answered (or is about to be),
 * so the statement must not be sent at all. `code` is classified as "database unavailable" (503).
 */
export class DeadlineExceededError extends Error {
    readonly code = "DEADLINE_EXCEEDED";
    constructor(what: string) {
        super(`${what}: the request deadline has passed`);
        this.name = "DeadlineExceededError";
    }
}

/**
 * The timeout for one bounded wait: `configuredMs`, shortened to what is left of `deadline` (the current request's
 * when not given). Throws DeadlineExceededError when nothing is left or the request has been answered (the caller
 * must not start the operation).
 */
export function boundedTimeout(configuredMs: number, what: string, deadline: DeadlineContext | undefined = currentDeadline()): number {
    if (deadline === undefined) return configuredMs;
    const left = deadline.deadlineAt - Date.now();
    if (left <= 0 || deadline.signal.aborted) throw new DeadlineExceededError(what);
    return Math.max(1, Math.min(configuredMs, Math.ceil(left)));
}

/**
 * Waits for a pooled connection at most `configuredMs`, shortened to what is left of `deadline` (captured by the
 * caller in the request's context); gives up at once when the request is answered. `request(callback)` asks the
 * pool; a connection that arrives after the caller gave up is handed to `giveBack` (back to the pool, unused).
 * Rejects with code POOL_ACQUIRE_TIMEOUT (503: nothing was sent) or DeadlineExceededError.
 */
export function acquireWithin<T>(
    request: (callback: (err: Error | null | undefined, conn?: T) => void) => void,
    giveBack: (conn: T) => void,
    configuredMs: number,
    deadline: DeadlineContext | undefined = currentDeadline(),
): Promise<T> {
    let ms: number;
    try {
        ms = boundedTimeout(configuredMs, "acquire a database connection", deadline);
    } catch (err) {
        return Promise.reject(err);
    }
    return new Promise<T>((resolve, reject) => {
        let settled = false;
        const giveUp = (err: Error): void => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            deadline?.signal.removeEventListener("abort", onAbort);
            reject(err);
        };
        const onAbort = (): void => giveUp(new DeadlineExceededError("acquire a database connection"));
        const timer = setTimeout(
            () => giveUp(Object.assign(new Error(`no database connection within ${ms} ms`), { code: "POOL_ACQUIRE_TIMEOUT" })),
            ms,
        );
        deadline?.signal.addEventListener("abort", onAbort, { once: true });
        request((err, conn) => {
            if (settled) {
                if (!err && conn !== undefined) giveBack(conn);
                return;
            }
            settled = true;
            clearTimeout(timer);
            deadline?.signal.removeEventListener("abort", onAbort);
            if (err || conn === undefined) reject(err ?? new Error("the pool returned no connection"));
            else resolve(conn);
        });
    });
}

/**
 * Waits for `promise` at most `ms`: true when it resolved in time, false when the time ran out (it keeps running;
 * a later rejection is swallowed). A rejection in time is thrown. For bounded closes (pools, shutdown hooks).
 */
export async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
    void promise.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
    });
    try {
        return await Promise.race([promise.then(() => true as const), timedOut]);
    } finally {
        clearTimeout(timer);
    }
}
