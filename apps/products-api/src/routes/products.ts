import { z } from "zod";
import {
    HttpError,
    IDEMPOTENCY_DOC,
    decimal,
    defineRoute,
    displayText,
    freeText,
    queryInt,
    readIdempotencyKey,
    replayHeaders,
    type AnyRoute,
} from "@serverless-containers/service-kit";
import type { ProductsRepository } from "../data/products-repository";

export const createProductBody = z.strictObject({
    name: displayText(200),
    price: decimal({ min: 0, max: 1_000_000_000, places: 2 }),
    category: displayText(50).default("general"),
    description: freeText(2_000).default(""),
});

const productId = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { message: "must be a product id" }) });
const product = z.object({
    productId: z.string(),
    name: z.string(),
    price: z.number(),
    category: z.string(),
    description: z.string(),
    createdAt: z.string(),
});
const errorBody = z.object({ error: z.string(), message: z.string() });

export function productRoutes(repo: ProductsRepository): AnyRoute[] {
    return [
        defineRoute({
            method: "get",
            path: "/products",
            summary: "List products, one page at a time (pass nextCursor back as cursor)",
            query: z.object({
                limit: queryInt({ min: 1, max: 100, fallback: 50 }),
                cursor: z.string().min(1).max(2_048).optional(),
            }),
            responses: {
                200: {
                    description: "A page of products",
                    schema: z.object({ products: z.array(product), count: z.number(), nextCursor: z.string().optional() }),
                },
                400: { description: "Bad limit or cursor", schema: errorBody },
            },
            handler: async ({ query }) => {
                const page = await repo.list(query.limit, query.cursor);
                return {
                    body: {
                        products: page.products,
                        count: page.products.length,
                        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
                    },
                };
            },
        }),
        defineRoute({
            method: "post",
            path: "/products",
            summary: "Create a product",
            description:
                `${IDEMPOTENCY_DOC} On DynamoDB the key is part of the item: the product id is derived from the key and one conditional put ` +
                "(attribute_not_exists) decides which attempt writes, so there is no in-flight window (no 409); the key costs no extra item, " +
                "and a key first used more than 24 hours ago is answered 422 `idempotency_key_expired`.",
            headers: [{ name: "Idempotency-Key", description: "Makes retries of this write safe (see the operation description)" }],
            body: createProductBody,
            responses: {
                201: {
                    description:
                        "Stored product (or, with Idempotent-Replayed: true, the product stored by the first request with this key)",
                    schema: product,
                },
                400: { description: "Invalid body or Idempotency-Key", schema: errorBody },
                422: { description: "This Idempotency-Key was used with a different body, or more than 24 hours ago", schema: errorBody },
                503: {
                    description: "DynamoDB unavailable, nothing stored, or (with an Idempotency-Key) outcome unknown: retry (Retry-After)",
                    schema: errorBody,
                },
                504: {
                    description: "No Idempotency-Key and DynamoDB did not confirm the write: it may or may not be stored",
                    schema: errorBody,
                },
            },
            handler: async ({ body, req }) => {
                const result = await repo.create(body, readIdempotencyKey(req));
                return { status: result.response.status, body: result.response.body, headers: replayHeaders(result) };
            },
        }),
        defineRoute({
            method: "get",
            path: "/products/:id",
            summary: "One product",
            params: productId,
            responses: { 200: { description: "Product", schema: product }, 404: { description: "Not found", schema: errorBody } },
            handler: async ({ params }) => {
                const found = await repo.get(params.id);
                if (!found) throw HttpError.notFound(`Product ${params.id} not found`);
                return { body: found };
            },
        }),
        defineRoute({
            method: "delete",
            path: "/products/:id",
            summary: "Delete a product",
            description:
                "Send `Idempotency-Key: <uuid>` to make retries safe: a retry with the same key gets this 200 again (header " +
                "`Idempotent-Replayed: true`) instead of 404 for the product it deleted; keys expire 24 hours after first use. " +
                "Without a key, a delete whose outcome is unknown (DynamoDB did not answer in time) is answered 504 " +
                "`write_outcome_unknown` — it may or may not have happened; with a key the same case is 503 + Retry-After. " +
                "A product created with a key stays known to that key after it is deleted: retrying its POST replays the first 201.",
            headers: [{ name: "Idempotency-Key", description: "Makes retries of this delete safe (see the operation description)" }],
            params: productId,
            responses: {
                200: {
                    description: "Deleted (or, with Idempotent-Replayed: true, deleted by the first request with this key)",
                    schema: z.object({ message: z.string() }),
                },
                400: { description: "Invalid product id or Idempotency-Key", schema: errorBody },
                404: { description: "Not found", schema: errorBody },
                409: { description: "The product is being changed concurrently (Retry-After)", schema: errorBody },
                503: {
                    description: "DynamoDB unavailable, nothing deleted, or (with an Idempotency-Key) outcome unknown: retry (Retry-After)",
                    schema: errorBody,
                },
                504: {
                    description: "No Idempotency-Key and DynamoDB did not confirm the delete: it may or may not have happened",
                    schema: errorBody,
                },
            },
            handler: async ({ params, req }) => {
                const result = await repo.delete(params.id, readIdempotencyKey(req));
                if (result === undefined) throw HttpError.notFound(`Product ${params.id} not found`);
                return { status: result.response.status, body: result.response.body, headers: replayHeaders(result) };
            },
        }),
    ];
}
