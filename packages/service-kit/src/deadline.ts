import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The deadline of the request being served, carried through async calls with AsyncLocalStorage so the DB pools
 * can bound their own waits (pool acquisition, query) by what is left of it without every repository method
 * taking a timeout argument. Outside a request (start-up schema creation) there is no deadline.
 */
export interface DeadlineContext {
    /** Epoch milliseconds after which the request has been (or is about to be) answered 503. */
    readonly deadlineAt: number;
}

const storage = new AsyncLocalStorage<DeadlineContext>();

/** Runs `fn` with a deadline `ms` from now (nested calls may only shorten it). */
export function runWithDeadline<T>(ms: number, fn: () => T): T {
    const outer = storage.getStore();
    const deadlineAt = Math.min(Date.now() + ms, outer?.deadlineAt ?? Number.POSITIVE_INFINITY);
    return storage.run({ deadlineAt }, fn);
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

/**
 * Thrown when there is no time left for a database call: the request was already answered 503 by the deadline,
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
 * The timeout for one bounded wait: `configuredMs`, shortened to what is left of the request's deadline.
 * Throws DeadlineExceededError when nothing is left (the caller must not start the operation).
 */
export function boundedTimeout(configuredMs: number, what: string): number {
    const left = remainingMs();
    if (left === undefined) return configuredMs;
    if (left <= 0) throw new DeadlineExceededError(what);
    return Math.max(1, Math.min(configuredMs, Math.ceil(left)));
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
