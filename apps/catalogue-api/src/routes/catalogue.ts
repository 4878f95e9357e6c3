import { z } from "zod";
import {
    HttpError,
    IDEMPOTENCY_DOC,
    decimal,
    defineRoute,
    displayText,
    queryInt,
    readIdempotencyKey,
    replayHeaders,
    type AnyRoute,
} from "@serverless-containers/service-kit";
import type { CatalogueRepository } from "../data/catalogue-repository";

export const createItemBody = z.strictObject({
    name: displayText(100),
    // DECIMAL(10,2): at most 99 999 999.99, cents precision.
    price: decimal({ min: 0, max: 99_999_999.99, places: 2 }),
    category: displayText(50).default("general"),
    in_stock: z.boolean({ message: "must be true or false" }).default(true),
});

const item = z.object({
    id: z.string(),
    name: z.string(),
    price: z.number(),
    category: z.string(),
    in_stock: z.boolean(),
    created_at: z.string().optional(),
});
const stats = z.object({
    category: z.string(),
    item_count: z.number(),
    avg_price: z.number(),
    total_value: z.number(),
    in_stock_count: z.number(),
});
const errorBody = z.object({ error: z.string(), message: z.string() });

export function catalogueRoutes(repo: CatalogueRepository): AnyRoute[] {
    return [
        defineRoute({
            method: "get",
            path: "/catalogue",
            summary: "List catalogue items, newest first",
            query: z.object({ limit: queryInt({ min: 1, max: 500, fallback: 100 }) }),
            responses: { 200: { description: "Items", schema: z.object({ items: z.array(item), count: z.number() }) } },
            handler: async ({ query }) => {
                const items = await repo.list(query.limit);
                return { body: { items, count: items.length } };
            },
        }),
        defineRoute({
            method: "post",
            path: "/catalogue",
            summary: "Add a catalogue item",
            description: IDEMPOTENCY_DOC,
            headers: [{ name: "Idempotency-Key", description: "Makes retries of this write safe (see the operation description)" }],
            body: createItemBody,
            responses: {
                201: {
                    description: "Stored item (or, with Idempotent-Replayed: true, the item stored by the first request with this key)",
                    schema: item,
                },
                400: { description: "Invalid body or Idempotency-Key (field-level issues)", schema: errorBody },
                409: { description: "A request with this Idempotency-Key is still being processed (Retry-After)", schema: errorBody },
                413: { description: "Body larger than 100 kB", schema: errorBody },
                422: { description: "This Idempotency-Key was used with a different body", schema: errorBody },
                503: {
                    description: "Database unavailable, nothing stored, or (with an Idempotency-Key) outcome unknown: retry (Retry-After)",
                    schema: errorBody,
                },
                504: {
                    description: "No Idempotency-Key and the database did not confirm the write: it may or may not be stored",
                    schema: errorBody,
                },
            },
            handler: async ({ body, req }) => {
                const result = await repo.add(body, readIdempotencyKey(req));
                return { status: result.response.status, body: result.response.body, headers: replayHeaders(result) };
            },
        }),
        defineRoute({
            method: "get",
            path: "/catalogue/stats",
            summary:
                "Per-category counts, average price, total value and in-stock count (computed at most once per CATALOGUE_STATS_CACHE_MS, default 2 s, per instance)",
            responses: { 200: { description: "Stats per category", schema: z.object({ stats: z.array(stats) }) } },
            handler: async () => ({ body: { stats: await repo.stats() } }),
        }),
        defineRoute({
            method: "get",
            path: "/catalogue/:id",
            summary: "One catalogue item",
            params: z.object({ id: z.uuid({ message: "must be a UUID" }) }),
            responses: { 200: { description: "Item", schema: item }, 404: { description: "No such item", schema: errorBody } },
            handler: async ({ params }) => {
                const found = await repo.get(params.id.toLowerCase());
                if (!found) throw HttpError.notFound(`Catalogue item ${params.id} not found`);
                return { body: found };
            },
        }),
    ];
}
