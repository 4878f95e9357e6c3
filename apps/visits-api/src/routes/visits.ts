import { z } from "zod";
import { defineRoute, queryInt, type AnyRoute } from "@serverless-containers/service-kit";
import type { VisitsRepository } from "../data/visits-repository";

const visit = z.object({ id: z.number(), timestamp: z.string(), user_agent: z.string().nullable() });

export function visitRoutes(repo: VisitsRepository): AnyRoute[] {
  return [
    defineRoute({
      method: "get",
      path: "/",
      summary: "Record a visit (timestamp and User-Agent, truncated to 512 characters)",
      responses: { 200: { description: "Recorded", schema: z.object({ Response: z.literal("Registered request") }) } },
      handler: async ({ req }) => {
        await repo.record(req.get("user-agent"));
        return { body: { Response: "Registered request" } };
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
