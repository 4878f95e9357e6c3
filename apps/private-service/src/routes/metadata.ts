import { z } from "zod";
import { defineRoute, type AnyRoute } from "@serverless-containers/service-kit";
import type { TaskMetadataClient } from "../data/task-metadata";

export function metadataRoutes(metadata: TaskMetadataClient): AnyRoute[] {
    return [
        defineRoute({
            method: "get",
            path: "/",
            summary: "This task's ARN, cluster, launch type, service name and private IP (from the ECS task metadata endpoint)",
            responses: {
                200: {
                    description: "Task summary",
                    schema: z.object({
                        TaskArn: z.string(),
                        Cluster: z.string(),
                        LaunchType: z.string().nullable(),
                        ServiceName: z.string(),
                        IpAddress: z.string().nullable(),
                    }),
                },
                502: { description: "The metadata endpoint answered something unexpected" },
                503: { description: "The metadata endpoint is not available (not on ECS, or not reachable)" },
            },
            handler: async () => ({ body: await metadata.summary() }),
        }),
    ];
}
