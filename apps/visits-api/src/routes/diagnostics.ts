import net from "node:net";
import { z } from "zod";
import { HttpError, RETRY_AFTER_SECONDS, defineRoute, type AnyRoute } from "@serverless-containers/service-kit";
import type { VisitsRepository } from "../data/visits-repository";

export interface DiagnosticsOptions {
    readonly repo: VisitsRepository;
    readonly dbHost: string;
    readonly dbPort: number;
    readonly privateServiceUrl?: string;
    readonly privateServiceTimeoutMs: number;
}

const TCP_TIMEOUT_MS = 2_000;

/** TCP connect only (what the seed did with `nc -vz -w2`), no shell. */
function tcpProbe(host: string, port: number): Promise<{ ok: true } | { ok: false; reason: string }> {
    return new Promise((resolve) => {
        const socket = net.connect({ host, port });
        const finish = (result: { ok: true } | { ok: false; reason: string }): void => {
            socket.destroy();
            resolve(result);
        };
        socket.setTimeout(TCP_TIMEOUT_MS, () => finish({ ok: false, reason: "timed out" }));
        socket.once("connect", () => finish({ ok: true }));
        socket.once("error", (err: NodeJS.ErrnoException) => finish({ ok: false, reason: err.code ?? err.message }));
    });
}

export function diagnosticRoutes(options: DiagnosticsOptions): AnyRoute[] {
    return [
        defineRoute({
            method: "get",
            path: "/test-connection",
            summary: "TCP connectivity from this service to its database (through the VPC connector); the database's address is not shown",
            responses: {
                200: { description: "Reachable", schema: z.object({ Response: z.string(), reachable: z.literal(true) }) },
                503: {
                    description: "Not reachable (Retry-After)",
                    schema: z.object({ Response: z.string(), reachable: z.literal(false) }),
                },
            },
            handler: async () => {
                // The answer never names the host or port: an anonymous caller learns whether the database is
                // reachable, not where it is (the endpoint of an RDS Proxy inside the VPC).
                const result = await tcpProbe(options.dbHost, options.dbPort);
                return result.ok
                    ? { body: { Response: "Connection to the database succeeded!", reachable: true } }
                    : {
                          status: 503,
                          headers: { "Retry-After": String(RETRY_AFTER_SECONDS) },
                          body: { Response: `Connection to the database failed: ${result.reason}`, reachable: false },
                      };
            },
        }),
        defineRoute({
            method: "get",
            path: "/ecs-private-service",
            summary: "Calls the private ECS service (ECSPRIVATESERVICE, via Cloud Map DNS) and relays its JSON",
            responses: {
                200: { description: "The private service's answer", schema: z.object({ Response: z.unknown() }) },
                502: { description: "The private service failed or answered something other than JSON" },
                503: { description: "ECSPRIVATESERVICE is not configured" },
                504: { description: "The private service did not answer in time" },
            },
            handler: async () => {
                const base = options.privateServiceUrl;
                if (base === undefined) {
                    throw new HttpError(503, "not_configured", "ECSPRIVATESERVICE is not set for this service");
                }
                let response: Response;
                try {
                    response = await fetch(new URL("/", base), {
                        headers: { accept: "application/json" },
                        signal: AbortSignal.timeout(options.privateServiceTimeoutMs),
                        redirect: "error",
                    });
                } catch (err) {
                    if ((err as Error).name === "TimeoutError") {
                        throw new HttpError(
                            504,
                            "gateway_timeout",
                            `The private service did not answer within ${options.privateServiceTimeoutMs} ms`,
                        );
                    }
                    const cause = (err as { cause?: { code?: string } }).cause;
                    throw new HttpError(
                        502,
                        "bad_gateway",
                        `The private service could not be reached${cause?.code ? ` (${cause.code})` : ""}`,
                    );
                }
                let payload: unknown;
                try {
                    payload = await response.json();
                } catch (err) {
                    if ((err as Error).name === "TimeoutError") {
                        throw new HttpError(
                            504,
                            "gateway_timeout",
                            `The private service did not answer within ${options.privateServiceTimeoutMs} ms`,
                        );
                    }
                    throw new HttpError(502, "bad_gateway", `The private service answered ${response.status} without valid JSON`);
                }
                if (!response.ok) {
                    throw new HttpError(502, "bad_gateway", `The private service answered ${response.status}`);
                }
                return { body: { Response: payload } };
            },
        }),
    ];
}
