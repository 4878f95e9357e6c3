import { createHash, randomUUID } from "node:crypto";
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
    HttpError,
    IDEMPOTENCY_TTL_MS,
    WriteOutcomeUnknownError,
    isDatabaseUnavailable,
    requestFingerprint,
    type IdempotentResult,
} from "@serverless-containers/service-kit";

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

type StoredProduct = Product & { readonly idempotency?: StoredIdempotency };

function toProduct(item: object): Product {
    const { idempotency: _internal, ...product } = item as StoredProduct;
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
    constructor(
        private readonly doc: DynamoDBDocumentClient,
        private readonly tableName: string,
    ) {}

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
        try {
            await this.doc.send(
                new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: "attribute_not_exists(productId)" }),
            );
            return answer(product, false);
        } catch (err) {
            if (!isConditionFailed(err)) {
                if (putOutcomeUnknown(err)) {
                    if (idempotencyKey === undefined) throw new WriteOutcomeUnknownError(err);
                    throw HttpError.unavailable(
                        "DynamoDB did not confirm the write in time; retry with the same Idempotency-Key (it is safe: the write happens at most once)",
                    );
                }
                return mapError(err);
            }
        }
        const existing = (
            await this.doc
                .send(new GetCommand({ TableName: this.tableName, Key: { productId: product.productId }, ConsistentRead: true }))
                .catch(mapError)
        ).Item as StoredProduct | undefined;
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

    async get(productId: string): Promise<Product | undefined> {
        const result = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { productId } })).catch(mapError);
        return result.Item === undefined ? undefined : toProduct(result.Item);
    }

    /** Deletes and reports whether the product existed. */
    async delete(productId: string): Promise<boolean> {
        const result = await this.doc
            .send(new DeleteCommand({ TableName: this.tableName, Key: { productId }, ReturnValues: "ALL_OLD" }))
            .catch(mapError);
        return result.Attributes !== undefined;
    }

    /** One page of a Scan (unordered, as DynamoDB scans are). */
    async list(limit: number, cursor?: string): Promise<ProductPage> {
        const startKey = cursor === undefined ? undefined : decodeCursor(cursor);
        const result = await this.doc
            .send(new ScanCommand({ TableName: this.tableName, Limit: limit, ExclusiveStartKey: startKey }))
            .catch(mapError);
        return {
            products: (result.Items ?? []).map(toProduct),
            nextCursor: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : undefined,
        };
    }
}
