import type { Logger } from "./logger";

export interface RetryOptions {
    /** Give up after this many attempts. @default Infinity */
    readonly attempts?: number;
    readonly initialDelayMs?: number;
    readonly maxDelayMs?: number;
    readonly logger?: Logger;
    readonly what: string;
    /** Stop retrying (and reject) once this signal aborts, e.g. on shutdown. */
    readonly signal?: AbortSignal;
}

/** Retries `fn` with capped exponential backoff; used for start-up schema creation while the DB comes up. */
export async function retry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
    const attempts = options.attempts ?? Number.POSITIVE_INFINITY;
    let delay = options.initialDelayMs ?? 250;
    for (let attempt = 1; ; attempt += 1) {
        if (options.signal?.aborted) throw abortError(options.what);
        try {
            return await fn();
        } catch (err) {
            if (attempt >= attempts || options.signal?.aborted) throw err;
            options.logger?.warn(
                { err: { message: (err as Error).message, code: (err as { code?: unknown }).code }, attempt },
                `${options.what} failed; retrying`,
            );
            await sleep(delay, options.signal);
            delay = Math.min(delay * 2, options.maxDelayMs ?? 5_000);
        }
    }
}

function abortError(what: string): Error {
    return Object.assign(new Error(`${what}: aborted`), { name: "AbortError" });
}

/** Waits `ms`, or less when `signal` aborts (shutdown must not wait for the next attempt). */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
        const done = (): void => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener("abort", done, { once: true });
    });
}
