import { z } from "zod";
import { RETRY_AFTER_SECONDS, defineRoute, type AnyRoute } from "@serverless-containers/service-kit";
import type { CatalogueRepository } from "../data/catalogue-repository";

const HEALTH_QUERY_TIMEOUT_MS = 2_000;

export function healthRoutes(repo: CatalogueRepository): AnyRoute[] {
  return [
    defineRoute({
      method: "get",
      path: "/health",
      summary: "Health: 200 when the database answers through the VPC connector, 503 otherwise",
      responses: {
        200: { description: "Healthy", schema: z.object({ status: z.literal("healthy"), db: z.string() }) },
        503: { description: "Database unreachable (Retry-After)", schema: z.object({ status: z.literal("degraded"), db: z.string() }) },
      },
      handler: async () => {
        try {
          await repo.ping(HEALTH_QUERY_TIMEOUT_MS);
          return { body: { status: "healthy", db: "connected via VPC" } };
        } catch (err) {
          const code = (err as { code?: unknown }).code;
          return {
            status: 503,
            headers: { "Retry-After": String(RETRY_AFTER_SECONDS) },
            body: { status: "degraded", db: `unreachable${typeof code === "string" ? ` (${code})` : ""}` },
          };
        }
      },
    }),
  ];
}
