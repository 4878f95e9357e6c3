import { createHash } from "node:crypto";
import type { Request } from "express";
import { outsideRequest } from "./deadline";
import { HttpError } from "./errors";
import { markKeyed } from "./routes";

/**
 * Retried writes that never duplicate: the `Idempotency-Key` request header.
 *
 * Semantics follow the IETF httpapi draft (https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-idempotency-key-header,
 * "Idempotency Enforcement Scenarios" / "Error Scenarios") and Stripe
 * (https://docs.stripe.com/api/idempotent_requests):
 *   - first request with a key: processed normally; the key, a fingerprint of the validated body and the
 *     response are stored in the SAME database transaction as the write (SQL services) or on the written item
 *     itself by one conditional put (DynamoDB), so a write never exists without its key or vice versa;
 *   - retry with the same key and the same body: the stored response (the original 201, same id) is replayed
 *     with `Idempotent-Replayed: true` (Stripe's header name);
 *   - same key, another body: 422 `idempotency_key_reused` (draft: "reuse an idempotency key with a different
 *     request payload … 422"; Stripe compares the parameters and errors);
 *   - same key while the first request is still being processed: 409 `idempotency_key_in_use` + Retry-After
 *     (draft: "retried before the original request completed … 409");
 *   - keys expire 24 h after first use (Stripe prunes keys "at least 24 hours old"; the draft lets the
 *     resource server define and publish the expiry). Expired rows are deleted in bounded batches.
 *   - validation failures are answered before any key is stored (Stripe: results are saved only once the
 *     endpoint starts executing), so a corrected request may reuse the key.
 * Key syntax: the draft makes it an RFC 8941 sf-string (`"…"`); Stripe sends it bare. Both are accepted: 1–255
 * visible ASCII characters (Stripe: "up to 255 characters"); more than one header field is a 400.
 */
export const IDEMPOTENCY_HEADER = "Idempotency-Key";
/** Keys are honoured for 24 hours after their first use (Stripe's window). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const KEY_CHARS = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/**
 * The request's Idempotency-Key, or undefined when none was sent. Throws 400 for a malformed key. A valid key marks
 * the request as safe to retry: when it is cut off (deadline, shutdown) its answer is 503 + Retry-After.
 */
export function readIdempotencyKey(req: Request): string | undefined {
    const values =
        req.headersDistinct?.["idempotency-key"] ??
        (req.headers["idempotency-key"] === undefined ? [] : [String(req.headers["idempotency-key"])]);
    if (values.length === 0) return undefined;
    if (values.length > 1) throw invalidKey("send one Idempotency-Key header, not several");
    let value = values[0].trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
        value = value.slice(1, -1);
        if (/["\\]/.test(value)) throw invalidKey("escaped characters are not allowed in the key");
    }
    if (value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH || !KEY_CHARS.test(value)) {
        throw invalidKey(`must be 1–${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters (a UUID is recommended)`);
    }
    markKeyed(req);
    return value;
}

function invalidKey(message: string): HttpError {
    return HttpError.badRequest("Invalid Idempotency-Key header", [{ field: IDEMPOTENCY_HEADER, location: "header", message }]);
}

/** JSON with object keys sorted, so the fingerprint does not depend on key order or whitespace. */
function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>)
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
    }
    return JSON.stringify(value) ?? "null";
}

/**
 * SHA-256 (hex) of the validated request (after defaults): the draft's "idempotency fingerprint". Two bodies
 * that validate to the same values are the same request; anything else with the same key is a 422.
 */
export function requestFingerprint(value: unknown): string {
    return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/** The answer stored with a key and replayed to retries. */
export interface StoredResponse {
    readonly status: number;
    readonly body: unknown;
    readonly headers: Readonly<Record<string, string>>;
}

export interface IdempotencyRecord {
    readonly fingerprint: string;
    readonly state: "pending" | "done";
    /** A pending claim older than this may be taken over by a retry (the first attempt is presumed dead). */
    readonly lockedUntil: Date;
    readonly expiresAt: Date;
    readonly response?: StoredResponse;
}

/** An `idempotency_keys` row as both SQL stores read it (the apps' schema.ts, same columns on each engine). */
export interface IdempotencyKeyRow {
    fingerprint: string;
    state: "pending" | "done";
    locked_until: Date;
    expires_at: Date;
    response_status: number | null;
    response_body: string | null;
    response_headers: string | null;
}

/** The record a row stores (the response only once the key is done). */
export function idempotencyRecordFromRow(row: IdempotencyKeyRow): IdempotencyRecord {
    return {
        fingerprint: row.fingerprint,
        state: row.state,
        lockedUntil: row.locked_until,
        expiresAt: row.expires_at,
        response:
            row.state === "done" && row.response_status !== null
                ? {
                      status: row.response_status,
                      body: JSON.parse(row.response_body ?? "null") as unknown,
                      headers: JSON.parse(row.response_headers ?? "{}") as Record<string, string>,
                  }
                : undefined,
    };
}

/** Values, in order, for a store's `UPDATE … SET state='done', response_status, response_body, response_headers WHERE scope, idem_key, fingerprint`. */
export function completeKeyValues(scope: string, key: string, fingerprint: string, response: StoredResponse): unknown[] {
    return [response.status, JSON.stringify(response.body), JSON.stringify(response.headers), scope, key, fingerprint];
}

/**
 * What a SQL service implements (one small class per driver). `claim` and `read` and `release` run on their own
 * (autocommit); the completion (state 'done' + response) is written by the service inside the write's own
 * transaction, guarded by `state = 'pending'` so that only one attempt can ever complete a key.
 */
export interface IdempotencyStore {
    /** INSERT a pending claim; false when a row for (scope, key) already exists. */
    insertClaim(scope: string, key: string, fingerprint: string, lockedUntil: Date, expiresAt: Date): Promise<boolean>;
    read(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
    /**
     * Takes over (scope, key) for `fingerprint` when its row has expired, or is a pending claim of the same
     * fingerprint whose lease ended before `now`. True when this call got the claim.
     */
    reclaim(scope: string, key: string, fingerprint: string, now: Date, lockedUntil: Date, expiresAt: Date): Promise<boolean>;
    /** Deletes a pending claim after a write that certainly did not happen (best effort). */
    release(scope: string, key: string): Promise<void>;
    /** Deletes up to `limit` rows that expired before `now`; returns how many. */
    purgeExpired(now: Date, limit: number): Promise<number>;
}

/**
 * Thrown by a write when its statement (or COMMIT) may have reached the database but no answer came back:
 * the write may or may not be stored. Without an Idempotency-Key the caller gets 504 `write_outcome_unknown`
 * (retrying could duplicate); with a key the answer is 503 + Retry-After (retrying with the key is safe).
 * A request deadline should reach a write by destroying its connection: the writer then sees the statement
 * fail after it was sent and reports this error (504 / 503 with a key), never a plain "retry later".
 */
export class WriteOutcomeUnknownError extends HttpError {
    constructor(readonly driverError?: unknown) {
        super(
            504,
            "write_outcome_unknown",
            "The database did not confirm the write in time: it may or may not have been stored. Check before retrying, or send an Idempotency-Key header so that retries are safe.",
        );
        this.name = "WriteOutcomeUnknownError";
    }
}

/** Outcome of `idempotentWrite`. */
export interface IdempotentResult {
    readonly response: StoredResponse;
    readonly replayed: boolean;
}

export interface IdempotentWriteOptions {
    readonly store: IdempotencyStore;
    /** Method and route (`POST /catalogue`): the same key on another route is another key. */
    readonly scope: string;
    readonly key: string;
    readonly fingerprint: string;
    /** How long a pending claim blocks retries with 409 before a retry may take it over. */
    readonly leaseMs: number;
    /**
     * Does the write and completes the key in ONE transaction; returns the response and whether the completion
     * updated the pending row (false: another attempt completed the key first, nothing was written).
     */
    readonly execute: () => Promise<{ readonly response: StoredResponse; readonly completed: boolean }>;
    readonly now?: () => Date;
    readonly ttlMs?: number;
}

function replayOrConflict(record: IdempotencyRecord, fingerprint: string, now: Date): IdempotentResult | "reclaimable" {
    if (record.expiresAt.getTime() <= now.getTime()) return "reclaimable";
    if (record.fingerprint !== fingerprint) {
        throw new HttpError(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was already used with a different request body; use a new key for a different request",
        );
    }
    if (record.state === "done" && record.response !== undefined) return { response: record.response, replayed: true };
    if (record.lockedUntil.getTime() <= now.getTime()) return "reclaimable";
    const seconds = Math.max(1, Math.ceil((record.lockedUntil.getTime() - now.getTime()) / 1000));
    throw new HttpError(
        409,
        "idempotency_key_in_use",
        "A request with this Idempotency-Key is still being processed; retry after Retry-After seconds",
        {
            headers: { "Retry-After": String(seconds) },
        },
    );
}

/**
 * Runs `execute` at most once per (scope, key) within the key's lifetime and returns its response, or the stored
 * response of an earlier attempt. Exactly-once does not depend on the lease: the completion is an
 * `UPDATE … WHERE state = 'pending'` inside the write's transaction, so two attempts that both reach it are
 * serialised by the row lock and the second one completes nothing (and writes nothing).
 */
export async function idempotentWrite(options: IdempotentWriteOptions): Promise<IdempotentResult> {
    const now = options.now ?? (() => new Date());
    const ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
    const { store, scope, key, fingerprint } = options;
    let claimed = false;
    for (let attempt = 0; attempt < 3 && !claimed; attempt += 1) {
        const at = now();
        const lockedUntil = new Date(at.getTime() + options.leaseMs);
        const expiresAt = new Date(at.getTime() + ttlMs);
        if (await store.insertClaim(scope, key, fingerprint, lockedUntil, expiresAt)) {
            claimed = true;
            break;
        }
        const existing = await store.read(scope, key);
        if (existing === undefined) continue; // released meanwhile: claim again
        const decision = replayOrConflict(existing, fingerprint, at);
        if (decision !== "reclaimable") return decision;
        claimed = await store.reclaim(scope, key, fingerprint, at, lockedUntil, expiresAt);
    }
    if (!claimed) {
        throw new HttpError(
            409,
            "idempotency_key_in_use",
            "A request with this Idempotency-Key is being processed concurrently; retry shortly",
            {
                headers: { "Retry-After": "1" },
            },
        );
    }
    try {
        const result = await options.execute();
        if (result.completed) return { response: result.response, replayed: false };
    } catch (err) {
        if (err instanceof WriteOutcomeUnknownError) {
            // Safe to retry with the key: the retry either replays the committed answer or, once the claim's lease
            // has run out, writes exactly once.
            throw HttpError.unavailable(
                "The database did not confirm the write in time; retry with the same Idempotency-Key (it is safe: the write happens at most once)",
                Math.max(1, Math.ceil(options.leaseMs / 1000)),
            );
        }
        // The write certainly did not commit: free the key so a retry need not wait for the lease (in the
        // background: with the database down this would only add its timeout to the answer).
        void store.release(scope, key).catch(() => undefined);
        throw err;
    }
    // Another attempt completed the key between our claim and our transaction: answer with its response.
    const finished = await store.read(scope, key);
    if (finished !== undefined) {
        const decision = replayOrConflict(finished, fingerprint, now());
        if (decision !== "reclaimable") return decision;
    }
    throw new HttpError(
        409,
        "idempotency_key_in_use",
        "A request with this Idempotency-Key is being processed concurrently; retry shortly",
        {
            headers: { "Retry-After": "1" },
        },
    );
}

/** Runs store.purgeExpired at most once per `everyMs` (fire-and-forget, after a write), bounding the table. */
export function expiredKeyPurger(
    store: IdempotencyStore,
    options: { everyMs?: number; batch?: number; onError?: (err: unknown) => void } = {},
): () => void {
    const everyMs = options.everyMs ?? 60_000;
    let last = 0;
    let running = false;
    return () => {
        const t = Date.now();
        if (running || t - last < everyMs) return;
        last = t;
        running = true;
        // Maintenance the request merely triggers: it runs outside the request (whose answer must not stop it).
        outsideRequest(() => store.purgeExpired(new Date(t), options.batch ?? 1_000))
            .catch((err: unknown) => options.onError?.(err))
            .finally(() => {
                running = false;
            });
    };
}

/** Response headers of a replayed answer. */
export function replayHeaders(result: IdempotentResult): Record<string, string> {
    return { ...result.response.headers, ...(result.replayed ? { "Idempotent-Replayed": "true" } : {}) };
}

/** The OpenAPI description of the header and its answers, shared by the services' write routes. */
export const IDEMPOTENCY_DOC =
    "Send `Idempotency-Key: <uuid>` (bare or as a quoted RFC 8941 string; 1–255 visible ASCII characters) to make retries safe: " +
    "the key and the response are stored with the write in one transaction; a retry with the same key and body gets the original " +
    "answer again (header `Idempotent-Replayed: true`), the same key with another body gets 422, a retry while the first request " +
    "is still running gets 409 + Retry-After. Keys expire 24 hours after first use (then the key may be used again). " +
    "Without a key, a write whose outcome is unknown (the database stopped answering after the statement was sent) is answered " +
    "504 `write_outcome_unknown` — it may or may not be stored; with a key the same case is 503 + Retry-After because retrying is safe.";
