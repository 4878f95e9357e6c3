import type { Signer as SignerClass } from "@aws-sdk/rds-signer";

/**
 * How a pool authenticates a NEW physical connection.
 *   static — a fixed password (DB_PASSWORD / DB_SECRET), read once at start-up.
 *   iam    — an RDS IAM auth token, asked for per new connection. `token()` is cached (see
 *            cachedTokenProvider), so calling it for every connection costs a map lookup, not a signature.
 */
export type DbCredentials = { readonly kind: "static"; readonly password: string } | { readonly kind: "iam"; token(): Promise<string> };

/** Produces a fresh token each call (the RDS signer in production; a stand-in in tests). */
export type TokenSource = () => Promise<string>;

/** RDS IAM auth tokens are presigned URLs valid for 15 minutes (the signer uses expiresIn: 900). */
export const IAM_TOKEN_LIFETIME_MS = 15 * 60_000;

export interface TokenCacheOptions {
    /** Age after which a call still gets the cached token but starts a background re-sign. Default 10 min. */
    readonly refreshAfterMs?: number;
    /**
     * Age after which the cached token is not handed out any more and callers wait for a new one. Default 13 min:
     * a connection handshake that starts with the token must finish well inside its 15-minute life.
     */
    readonly maxAgeMs?: number;
    /** Clock (ms). Tests move it instead of waiting ten minutes. */
    readonly now?: () => number;
    /** Called when a background re-sign fails (the cached token keeps being served until maxAgeMs). */
    readonly onBackgroundError?: (err: unknown) => void;
}

/**
 * Wraps a token source in a cache:
 *   age < refreshAfterMs            → cached token, no work;
 *   refreshAfterMs ≤ age < maxAgeMs → cached token now, one background re-sign (stale-while-revalidate), so
 *                                      connections are never blocked on a signature while a valid token exists;
 *   no token or age ≥ maxAgeMs      → wait for a re-sign.
 * Concurrent callers share one in-flight signature. A failed signature is not cached; the next call retries.
 * The token's age counts from when signing started (conservative).
 */
export function cachedTokenProvider(source: TokenSource, options: TokenCacheOptions = {}): () => Promise<string> {
    const refreshAfterMs = options.refreshAfterMs ?? 10 * 60_000;
    const maxAgeMs = options.maxAgeMs ?? 13 * 60_000;
    const now = options.now ?? Date.now;
    let cached: { token: string; signedAt: number } | undefined;
    let inFlight: Promise<string> | undefined;

    const refresh = (): Promise<string> => {
        if (inFlight === undefined) {
            const signedAt = now();
            inFlight = (async () => {
                try {
                    const token = await source();
                    cached = { token, signedAt };
                    return token;
                } finally {
                    inFlight = undefined;
                }
            })();
        }
        return inFlight;
    };

    return async () => {
        if (cached !== undefined) {
            const age = now() - cached.signedAt;
            if (age < refreshAfterMs) return cached.token;
            if (age < maxAgeMs) {
                refresh().catch((err: unknown) => options.onBackgroundError?.(err));
                return cached.token;
            }
        }
        return refresh();
    };
}

export interface RdsIamTarget {
    /** The RDS Proxy (or cluster) endpoint the token is for: DB_HOST. */
    readonly hostname: string;
    readonly port: number;
    /** The database user: DB_USER. Must match the `rds-db:connect` resource of the role's policy. */
    readonly username: string;
    readonly region: string;
}

/**
 * The production token source: `@aws-sdk/rds-signer`. Signing is local (SigV4 presign, no network call to
 * RDS); it needs AWS credentials from the default provider chain — the App Runner instance role or the ECS task
 * role in the stacks. One Signer per pool (it caches resolved credentials and refreshes them near expiry).
 */
export function rdsSignerTokenSource(target: RdsIamTarget): TokenSource {
    // Loaded on first use: services that never enable DB_IAM_AUTH do not pay for the AWS SDK at start-up.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Signer } = require("@aws-sdk/rds-signer") as { Signer: typeof SignerClass };
    const signer = new Signer({ hostname: target.hostname, port: target.port, username: target.username, region: target.region });
    return () => signer.getAuthToken();
}

/** IAM credentials: a cached token provider over `source` (default: the RDS signer for `target`). */
export function iamDbCredentials(source: TokenSource, cache: TokenCacheOptions = {}): DbCredentials {
    return { kind: "iam", token: cachedTokenProvider(source, cache) };
}
