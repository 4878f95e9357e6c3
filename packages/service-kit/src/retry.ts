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
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || options.signal?.aborted) throw err;
      options.logger?.warn({ err: { message: (err as Error).message, code: (err as { code?: unknown }).code }, attempt }, `${options.what} failed; retrying`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 5_000);
    }
  }
}
