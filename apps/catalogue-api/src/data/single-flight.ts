/**
 * A value loaded at most once per `ttlMs`, with concurrent callers sharing the one load in flight (single
 * flight). Failures are not cached: callers waiting on a failed load all get its error, the next call loads
 * again. `ttlMs <= 0` disables both (every call loads: the unprotected baseline the benchmark compares with).
 */
export function cachedSingleFlight<T>(ttlMs: number, load: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
    if (ttlMs <= 0) return load;
    let cached: { readonly value: T; readonly at: number } | undefined;
    let inFlight: Promise<T> | undefined;
    return () => {
        if (cached !== undefined && now() - cached.at < ttlMs) return Promise.resolve(cached.value);
        inFlight ??= load()
            .then((value) => {
                cached = { value, at: now() };
                return value;
            })
            .finally(() => {
                inFlight = undefined;
            });
        return inFlight;
    };
}
