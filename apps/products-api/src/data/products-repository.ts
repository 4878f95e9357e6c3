import { createHash, randomUUID } from "node:crypto";
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
    HttpError,
    IDEMPOTENCY_TTL_MS,
    WriteOutcomeUnknownError,
    boundedTimeout,
    isDatabaseUnavailable,
    requestFingerprint,
    requestSignal,
    type IdempotentResult,
} from "@serverless-containers/service-kit";
import { DEFAULT_ATTEMPT_TIMEOUT_MS } from "./dynamo";

export interface NewProduct {
    readonly name: string;
    readonly price: number;
    readonly category: string;
    readonly description: string;
}

export interface Product extends NewProduct {
    readonly productId: string;
    readonly createdAt: string;
}

/** Stored on an item created with an Idempotency-Key; never returned to callers. */
interface StoredIdempotency {
    readonly fingerprint: string;
    readonly expiresAt: string;
}

/**
 * What stays of a deleted product whose answers must still be replayed within a key's lifetime: a product created
 * with an Idempotency-Key (a retry of that POST replays its 201 instead of creating it again), or deleted with
 * one (a retry of that DELETE replays its 200). GET and the list never show it. Unkeyed products deleted without
 * a key are really deleted.
 */
interface Tombstone {
    readonly deletedAt: string;
    /** The DELETE's key (hashed) and when it expires. */
    readonly deletedWith?: { readonly keyHash: string; readonly expiresAt: string };
}

type StoredProduct = Product & { readonly idempotency?: StoredIdempotency } & Partial<Tombstone>;

function toProduct(item: object): Product {
    const { idempotency: _key, deletedAt: _deletedAt, deletedWith: _deletedWith, ...product } = item as StoredProduct;
    return product;
}

/**
 * The product id a key maps to: a UUID-shaped SHA-256 of scope and key, so every retry with the key targets the
 * same item and one conditional put (attribute_not_exists) decides which attempt writes it.
 */
export function productIdForKey(key: string): string {
    const h = createHash("sha256").update(`POST /products\n${key}`).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** How a DELETE's Idempotency-Key is kept on the tombstone: hashed, never in clear. */
function deleteKeyHash(key: string): string {
    return createHash("sha256").update(`DELETE /products\n${key}`).digest("hex");
}

function isConditionFailed(err: unknown): boolean {
    return (err as { name?: string }).name === "ConditionalCheckFailedException";
}

/**
 * Whether a failed PutItem may still have been applied: anything but a DynamoDB answer (4xx/5xx with a body)
 * or a connection that was never opened (refused, DNS) — i.e. timeouts and connections lost mid-request.
 */
function putOutcomeUnknown(err: unknown): boolean {
    const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
    if (e.$metadata?.httpStatusCode !== undefined) return false;
    const code = e.code ?? (err as { cause?: { code?: string } }).cause?.code;
    if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN") return false;
    // The SDK wraps socket errors and keeps only the message ("AWS SDK error wrapper for Error: connect ECONNREFUSED …").
    const message = (err as { message?: unknown }).message;
    return !(typeof message === "string" && /\bconnect ECONNREFUSED\b|\bgetaddrinfo (?:ENOTFOUND|EAI_AGAIN)\b/.test(message));
}

export interface ProductPage {
    readonly products: Product[];
    readonly nextCursor?: string;
}

// Throttling, service-side failures and network trouble: the caller should retry later (503), not see a 500.
const RETRYABLE_NAMES = new Set([
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TimeoutError",
    "RequestTimeout",
    "ResourceNotFoundException", // table not created yet / being replaced
]);

function mapError(err: unknown): never {
    const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    if ((e.name && RETRYABLE_NAMES.has(e.name)) || isDatabaseUnavailable(err) || (status !== undefined && status >= 500)) {
        throw HttpError.unavailable("The product table is unavailable; retry later");
    }
    throw err;
}

/**
 * A failed write: when DynamoDB may still have applied it (timeout, connection lost mid-request), 504
 * write_outcome_unknown without a key — with one, 503 + Retry-After, because retrying with the key is safe;
 * otherwise (DynamoDB answered, or the connection was never opened) what mapError says: nothing happened.
 */
function failedWrite(err: unknown, keyed: boolean): never {
    if (!putOutcomeUnknown(err)) return mapError(err);
    if (!keyed) throw new WriteOutcomeUnknownError(err);
    throw HttpError.unavailable(
        "DynamoDB did not confirm the write in time; retry with the same Idempotency-Key (it is safe: the write happens at most once)",
    );
}

/** Opaque pagination cursor: base64url of DynamoDB's LastEvaluatedKey, validated on the way back in. */
export function encodeCursor(key: Record<string, unknown>): string {
    return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): { productId: string } {
    try {
        const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
        if (
            parsed !== null &&
            typeof parsed === "object" &&
            Object.keys(parsed).length === 1 &&
            typeof (parsed as { productId?: unknown }).productId === "string" &&
            (parsed as { productId: string }).productId.length > 0 &&
            (parsed as { productId: string }).productId.length <= 64
        ) {
            return { productId: (parsed as { productId: string }).productId };
        }
    } catch {
        // fall through
    }
    throw HttpError.badRequest("Invalid request query", [
        { field: "cursor", location: "query", message: "is not a cursor returned by this API" },
    ]);
}

export class ProductsRepository {
    /** `attemptTimeoutMs`: the client's per-attempt timeout, shortened per call to what is left of the request. */
    constructor(
        private readonly doc: DynamoDBDocumentClient,
        private readonly tableName: string,
        private readonly attemptTimeoutMs = DEFAULT_ATTEMPT_TIMEOUT_MS,
    ) {}

    /**
     * Options of every call made for a request: each SDK attempt is bounded by what is left of the request's
     * deadline, and the request's signal aborts the call once the request has been answered (deadline, shutdown),
     * so no retry goes out after the answer. Throws DeadlineExceededError (503: nothing sent) when no time is left.
     */
    private callOptions(): { abortSignal?: AbortSignal; requestTimeout: number } {
        return { abortSignal: requestSignal(), requestTimeout: boundedTimeout(this.attemptTimeoutMs, "call DynamoDB") };
    }

    /**
     * Creates a product with ONE conditional put (attribute_not_exists). With an Idempotency-Key the id is derived
     * from the key and the item carries the request fingerprint and the key's expiry, so the key and the write
     * are one atomic item: a retry's put fails its condition and replays the stored product (201), another body is
     * 422, a key older than 24 h is 422 `idempotency_key_expired`. There is no "in flight" window to answer 409
     * for: the put either has happened or has not. Without a key a put whose fate is unknown (timeout, connection
     * lost) is 504 `write_outcome_unknown`; the SDK's own retry of a put that had succeeded is recognised (the
     * stored item is ours) instead of failing.
     */
    async create(input: NewProduct, idempotencyKey?: string, now: Date = new Date()): Promise<IdempotentResult> {
        const fingerprint = idempotencyKey === undefined ? undefined : requestFingerprint(input);
        const product: Product = {
            productId: idempotencyKey === undefined ? randomUUID() : productIdForKey(idempotencyKey),
            ...input,
            createdAt: now.toISOString(),
        };
        const item: StoredProduct =
            fingerprint === undefined
                ? product
                : { ...product, idempotency: { fingerprint, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString() } };
        const answer = (stored: Product, replayed: boolean): IdempotentResult => ({
            response: { status: 201, body: stored, headers: { Location: `/products/${stored.productId}` } },
            replayed,
        });
        const options = this.callOptions();
        try {
            await this.doc.send(
                new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: "attribute_not_exists(productId)" }),
                options,
            );
            return answer(product, false);
        } catch (err) {
            if (!isConditionFailed(err)) failedWrite(err, idempotencyKey !== undefined);
        }
        // The id exists: a product created with this key (also when deleted since: its tombstone keeps the answer).
        const existing = await this.read(product.productId);
        if (existing === undefined) {
            // Deleted between our put and this read: the key was used; a new request needs a new key.
            throw new HttpError(
                409,
                "idempotency_key_in_use",
                "The product created with this Idempotency-Key was just deleted; use a new key",
                { headers: { "Retry-After": "1" } },
            );
        }
        if (fingerprint === undefined) {
            // No key: the id was random, so the only way it exists is the SDK retrying our own successful put.
            if (existing.createdAt === product.createdAt && existing.name === product.name && existing.price === product.price)
                return answer(product, false);
            throw new HttpError(500, "internal_error", "Product id collision");
        }
        if (existing.idempotency === undefined || existing.idempotency.fingerprint !== fingerprint) {
            throw new HttpError(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was already used with a different request body; use a new key for a different request",
            );
        }
        if (Date.parse(existing.idempotency.expiresAt) <= now.getTime()) {
            throw new HttpError(
                422,
                "idempotency_key_expired",
                "This Idempotency-Key was first used more than 24 hours ago; use a new key",
            );
        }
        return answer(toProduct(existing), true);
    }

    /** The stored item, tombstones included (strongly consistent). */
    private async read(productId: string): Promise<StoredProduct | undefined> {
        const result = await this.doc
            .send(new GetCommand({ TableName: this.tableName, Key: { productId }, ConsistentRead: true }), this.callOptions())
            .catch(mapError);
        return result.Item as StoredProduct | undefined;
    }

    async get(productId: string): Promise<Product | undefined> {
        const result = await this.doc
            .send(new GetCommand({ TableName: this.tableName, Key: { productId } }), this.callOptions())
            .catch(mapError);
        const item = result.Item as StoredProduct | undefined;
        return item === undefined || item.deletedAt !== undefined ? undefined : toProduct(item);
    }

    /**
     * Deletes a product; undefined when there is none (404). Without a key, an unkeyed product is removed with one
     * conditional DeleteItem. A product created with a key becomes a tombstone (a conditional PutItem), so a retry
     * of its POST keeps replaying the first 201 for the key's lifetime instead of creating it again. With a key the
     * tombstone also records the DELETE's key: a retry with it replays this 200 (`Idempotent-Replayed`) instead of
     * answering 404 for what it just deleted. An unknown outcome is 504 write_outcome_unknown without a key, 503
     * with one (retrying with the key is safe). Only GetItem, PutItem and DeleteItem are used: the actions the
     * stacks grant.
     */
    async delete(productId: string, idempotencyKey?: string, now: Date = new Date()): Promise<IdempotentResult | undefined> {
        const keyed = idempotencyKey !== undefined;
        const keyHash = keyed ? deleteKeyHash(idempotencyKey) : undefined;
        const deleted = (replayed: boolean): IdempotentResult => ({
            response: { status: 200, body: { message: `Product ${productId} deleted` }, headers: {} },
            replayed,
        });
        if (!keyed) {
            // The common case in one call: an unkeyed, live product (or none at all: nothing is deleted).
            const options = this.callOptions();
            try {
                const result = await this.doc.send(
                    new DeleteCommand({
                        TableName: this.tableName,
                        Key: { productId },
                        ConditionExpression: "attribute_not_exists(idempotency) AND attribute_not_exists(deletedAt)",
                        ReturnValues: "ALL_OLD",
                    }),
                    options,
                );
                return result.Attributes === undefined ? undefined : deleted(false);
            } catch (err) {
                if (!isConditionFailed(err)) failedWrite(err, false);
            }
        }
        // A keyed product, a tombstone, or a DELETE with a key: look, then change exactly what was read.
        for (let attempt = 0; attempt < 3; attempt += 1) {
            const item = await this.read(productId);
            if (item === undefined) return undefined;
            if (item.deletedAt !== undefined) {
                const replay =
                    keyHash !== undefined &&
                    item.deletedWith?.keyHash === keyHash &&
                    Date.parse(item.deletedWith.expiresAt) > now.getTime();
                return replay ? deleted(true) : undefined;
            }
            const unchanged = {
                ConditionExpression: "createdAt = :createdAt AND attribute_not_exists(deletedAt)",
                ExpressionAttributeValues: { ":createdAt": item.createdAt },
            };
            const options = this.callOptions();
            try {
                if (item.idempotency === undefined && keyHash === undefined) {
                    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { productId }, ...unchanged }), options);
                } else {
                    const tombstone: StoredProduct = {
                        // A product created with a key keeps what its POST answered; an unkeyed one only its identity.
                        ...(item.idempotency === undefined ? { productId, createdAt: item.createdAt } : item),
                        deletedAt: now.toISOString(),
                        ...(keyHash === undefined
                            ? {}
                            : { deletedWith: { keyHash, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString() } }),
                    } as StoredProduct;
                    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: tombstone, ...unchanged }), options);
                }
                return deleted(false);
            } catch (err) {
                if (!isConditionFailed(err)) failedWrite(err, keyed);
                // Changed between our read and our write (another delete, a re-creation): look again.
            }
        }
        throw new HttpError(409, "conflict", `Product ${productId} is being changed concurrently; retry shortly`, {
            headers: { "Retry-After": "1" },
        });
    }

    /** One page of a Scan (unordered, as DynamoDB scans are). */
    async list(limit: number, cursor?: string): Promise<ProductPage> {
        const startKey = cursor === undefined ? undefined : decodeCursor(cursor);
        // Tombstones are filtered out after DynamoDB reads `limit` items: a page may hold fewer (nextCursor says more).
        const result = await this.doc
            .send(
                new ScanCommand({
                    TableName: this.tableName,
                    Limit: limit,
                    ExclusiveStartKey: startKey,
                    FilterExpression: "attribute_not_exists(deletedAt)",
                }),
                this.callOptions(),
            )
            .catch(mapError);
        return {
            products: (result.Items ?? []).map(toProduct),
            nextCursor: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : undefined,
        };
    }
}
