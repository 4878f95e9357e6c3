/**
 * A bounded HTTP load for fault tests and the fault-figures command (bench/faults.ts): `concurrency` workers
 * send requests back to back until stopped, each outcome recorded with its latency. Loopback only, bounded
 * by the caller's stop().
 */
export interface LoadOutcome {
    readonly index: number;
    readonly path: string;
    readonly method: string;
    /** Milliseconds from send to the end of the response body (or the error). */
    readonly ms: number;
    readonly status?: number;
    readonly retryAfter?: string | null;
    /** A transport error instead of an answer (reset, refused, hang up): its code or message. */
    readonly error?: string;
    /** The request's own marker (written into the row for writes), to match rows to answers. */
    readonly marker: string;
    readonly startedAt: number;
    readonly body?: unknown;
}

export interface LoadRequest {
    readonly method: string;
    readonly path: string;
    readonly json?: unknown;
    readonly headers?: Record<string, string>;
}

export interface RunningLoad {
    readonly outcomes: LoadOutcome[];
    /** Stops sending and resolves once every request in flight has an outcome. */
    stop(): Promise<LoadOutcome[]>;
}

function errorCode(err: unknown): string {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? (err as { code?: string }).code ?? cause?.message ?? (err as Error).message;
}

/** Starts the load: request `i` is `next(i, marker)`; `marker` is unique per request. */
export function startLoad(baseUrl: string, concurrency: number, next: (index: number, marker: string) => LoadRequest): RunningLoad {
    const outcomes: LoadOutcome[] = [];
    let stopped = false;
    let counter = 0;
    const tag = Math.floor(Math.random() * 1e9).toString(36);
    const worker = async (): Promise<void> => {
        while (!stopped) {
            const index = counter;
            counter += 1;
            const marker = `load-${tag}-${index}`;
            const spec = next(index, marker);
            const startedAt = Date.now();
            try {
                const headers: Record<string, string> = { ...(spec.headers ?? {}) };
                if (spec.json !== undefined) headers["content-type"] = "application/json";
                const response = await fetch(`${baseUrl}${spec.path}`, {
                    method: spec.method,
                    headers,
                    body: spec.json === undefined ? undefined : JSON.stringify(spec.json),
                });
                const text = await response.text();
                let body: unknown;
                try {
                    body = text.length > 0 ? JSON.parse(text) : undefined;
                } catch {
                    body = text;
                }
                outcomes.push({
                    index,
                    path: spec.path,
                    method: spec.method,
                    ms: Date.now() - startedAt,
                    status: response.status,
                    retryAfter: response.headers.get("retry-after"),
                    marker,
                    startedAt,
                    body,
                });
            } catch (err) {
                outcomes.push({
                    index,
                    path: spec.path,
                    method: spec.method,
                    ms: Date.now() - startedAt,
                    error: errorCode(err),
                    marker,
                    startedAt,
                });
                // A refused connection (the server is gone) would otherwise spin.
                await new Promise((resolve) => setTimeout(resolve, 20));
            }
        }
    };
    const workers = Array.from({ length: concurrency }, worker);
    return {
        outcomes,
        async stop() {
            stopped = true;
            await Promise.all(workers);
            return outcomes;
        },
    };
}
