import { z } from "zod";
import {
    IDEMPOTENCY_DOC,
    defineRoute,
    queryInt,
    readIdempotencyKey,
    replayHeaders,
    type AnyRoute,
} from "@serverless-containers/service-kit";
import type { VisitsRepository } from "../data/visits-repository";

const visit = z.object({ id: z.number(), timestamp: z.string(), user_agent: z.string().nullable() });

export function visitRoutes(repo: VisitsRepository): AnyRoute[] {
    return [
        defineRoute({
            method: "get",
            path: "/",
            // A GET that records a visit: cut off, it is answered like any write (504 without a key), HEAD never writes.
            writes: true,
            summary: "Record a visit (timestamp and User-Agent, truncated to 512 characters); HEAD records nothing",
            description: `${IDEMPOTENCY_DOC} Here the fingerprint is a hash of the whole User-Agent as sent (the stored one is cut to 512 characters). HEAD answers the headers of a GET without recording a visit.`,
            headers: [{ name: "Idempotency-Key", description: "Makes retries of this write safe (see the operation description)" }],
            responses: {
                200: {
                    description: "Recorded (or, with Idempotent-Replayed: true, recorded by the first request with this key)",
                    schema: z.object({ Response: z.literal("Registered request") }),
                },
                400: { description: "Invalid Idempotency-Key" },
                409: { description: "A request with this Idempotency-Key is still being processed (Retry-After)" },
                422: { description: "This Idempotency-Key was used with a different User-Agent" },
                503: {
                    description: "Database unavailable, nothing stored, or (with an Idempotency-Key) outcome unknown: retry (Retry-After)",
                },
                504: { description: "No Idempotency-Key and the database did not confirm the write: the visit may or may not be stored" },
            },
            handler: async ({ req }) => {
                // HEAD is safe (RFC 9110 §9.2.1): same status and headers as GET, no visit recorded.
                if (req.method === "HEAD") return { body: { Response: "Registered request" } };
                const result = await repo.record(req.get("user-agent"), new Date(), readIdempotencyKey(req));
                return { status: result.response.status, body: result.response.body, headers: replayHeaders(result) };
            },
        }),
        defineRoute({
            method: "get",
            path: "/recent-visits",
            summary: "The most recent visits, newest first (ten by default)",
            query: z.object({ limit: queryInt({ min: 1, max: 100, fallback: 10 }) }),
            responses: { 200: { description: "Visits", schema: z.object({ Response: z.array(visit), count: z.number() }) } },
            handler: async ({ query }) => {
                const visits = await repo.recent(query.limit);
                return { body: { Response: visits, count: visits.length } };
            },
        }),
    ];
}
