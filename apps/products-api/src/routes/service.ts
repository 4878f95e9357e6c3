import { z } from "zod";
import { defineRoute, type AnyRoute } from "@serverless-containers/service-kit";

export const SERVICE_VERSION = "1.0.0";

export function serviceRoutes(runtime: string): AnyRoute[] {
    return [
        defineRoute({
            method: "get",
            path: "/",
            summary: "Service banner",
            responses: {
                200: {
                    description: "Banner",
                    schema: z.object({ service: z.string(), version: z.string(), runtime: z.string(), timestamp: z.string() }),
                },
            },
            handler: () => ({ body: { service: "products-api", version: SERVICE_VERSION, runtime, timestamp: new Date().toISOString() } }),
        }),
    ];
}
