import { z } from "zod";
import { HttpError, RETRY_AFTER_SECONDS } from "@serverless-containers/service-kit";

/** The part of the ECS task metadata v4 `/task` document we use (unknown fields are ignored). */
const taskMetadata = z.object({
    TaskARN: z.string(),
    Cluster: z.string(),
    LaunchType: z.string().optional(),
    ServiceName: z.string().optional(),
    Containers: z
        .array(
            z.object({
                Name: z.string(),
                Networks: z.array(z.object({ IPv4Addresses: z.array(z.string()).optional() })).optional(),
            }),
        )
        .min(1),
});

export interface TaskSummary {
    readonly TaskArn: string;
    readonly Cluster: string;
    readonly LaunchType: string | null;
    readonly ServiceName: string;
    readonly IpAddress: string | null;
}

const unavailable = (message: string): HttpError =>
    new HttpError(503, "metadata_unavailable", message, { headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } });

/** Reads `${ECS_CONTAINER_METADATA_URI_V4}/task` and summarises it the way the original demo's service did. */
export class TaskMetadataClient {
    constructor(
        private readonly baseUri: string | undefined,
        private readonly timeoutMs: number,
    ) {}

    async summary(): Promise<TaskSummary> {
        if (this.baseUri === undefined) {
            throw unavailable("ECS_CONTAINER_METADATA_URI_V4 is not set: this is not running as an ECS task");
        }
        let response: Response;
        try {
            response = await fetch(`${this.baseUri.replace(/\/+$/, "")}/task`, { signal: AbortSignal.timeout(this.timeoutMs) });
        } catch (err) {
            const reason = (err as Error).name === "TimeoutError" ? `no answer within ${this.timeoutMs} ms` : "not reachable";
            throw unavailable(`The ECS task metadata endpoint is ${reason}`);
        }
        if (!response.ok) {
            throw unavailable(`The ECS task metadata endpoint answered ${response.status}`);
        }
        let parsed: z.output<typeof taskMetadata>;
        try {
            parsed = taskMetadata.parse(await response.json());
        } catch {
            throw new HttpError(502, "bad_metadata", "The ECS task metadata endpoint answered an unexpected document");
        }
        const container = parsed.Containers[0];
        return {
            TaskArn: parsed.TaskARN,
            Cluster: parsed.Cluster,
            LaunchType: parsed.LaunchType ?? null,
            // Newer agents report the service name; older ones only the container's (what the seed showed).
            ServiceName: parsed.ServiceName ?? container.Name,
            IpAddress: container.Networks?.[0]?.IPv4Addresses?.[0] ?? null,
        };
    }
}
