import type { Request } from "express";
import { z } from "zod";
import { runWithDeadline } from "./deadline";
import type { DatabaseState } from "./db-state";
import { RETRY_AFTER_SECONDS } from "./errors";
import { defineRoute, type AnyRoute } from "./routes";

/** app.locals key startHttpServer sets when shutdown begins (readiness then answers 503). */
export const SHUTTING_DOWN = "serviceKitShuttingDown";

export interface HealthRoutesOptions {
    /** The database this process depends on; absent for services without one (liveness = readiness). */
    readonly database?: {
        readonly state: DatabaseState;
        /** One cheap round trip (e.g. `SELECT 1`). Runs under the readiness deadline, which bounds the pool too. */
        readonly ping: () => Promise<void>;
    };
    /** Readiness's own deadline (READINESS_TIMEOUT_MS), far below the request deadline. */
    readonly readinessTimeoutMs: number;
    /** Fields the lab code's `/health` carries besides `status` (products-api, as the EKS lab's: `service`, `runtime`). */
    readonly details?: Readonly<Record<string, string>>;
}

/**
 * The original lab code's words: `{"status": "healthy"}` (the EKS lab's service adds `service` and `runtime`), and for a
 * service with a database `{"status": "degraded", "db": <why>}` with HTTP 200 — what the App Runner + Aurora lab's `/health` answers.
 */
const healthySchema = z.object({ status: z.literal("healthy") }).catchall(z.string());
const degradedSchema = z.object({ status: z.literal("degraded"), db: z.string() }).catchall(z.string());

/**
 * `GET /health` — LIVENESS, for the platforms' health checks (App Runner, ECS, the EKS livenessProbe): 200 while
 * the process can serve HTTP, never touching the database or its pool, so a database outage or an Aurora
 * failover does not make the platform replace every healthy instance. The body says `degraded` (with why) when
 * the schema is not ready or the last database call found the database unreachable; `healthy` otherwise.
 *
 * `GET /ready` — READINESS, for the EKS readinessProbe and operators: 200 when the database answers one round
 * trip within READINESS_TIMEOUT_MS; 503 + Retry-After otherwise, while the schema is not ready, and once
 * shutdown has begun.
 */
export function healthRoutes(options: HealthRoutesOptions): AnyRoute[] {
    const { database } = options;
    return [
        defineRoute({
            method: "get",
            path: "/health",
            summary: "Liveness: 200 while the process can serve; never touches the database (degraded says why the DB is not usable)",
            responses: {
                200: {
                    description:
                        "The process is alive (the original lab code's words): `healthy`, or `degraded` with the reason in `db` when the database is unreachable or its schema is not ready",
                    schema: z.union([healthySchema, degradedSchema]),
                },
            },
            handler: () => {
                const reason = database?.state.degradedReason();
                return {
                    body:
                        reason === undefined
                            ? { status: "healthy", ...options.details }
                            : { status: "degraded", db: reason, ...options.details },
                };
            },
        }),
        defineRoute({
            method: "get",
            path: "/ready",
            summary: "Readiness: 200 when the database answers within READINESS_TIMEOUT_MS, else 503 with Retry-After",
            responses: {
                200: { description: "Ready to serve traffic", schema: z.object({ status: z.literal("ready") }) },
                503: {
                    description: "Not ready (database unreachable or slow, schema not ready, or shutting down); Retry-After is set",
                    schema: z.object({ status: z.literal("not_ready"), reason: z.string() }),
                },
            },
            handler: async ({ req }) => {
                const notReady = (reason: string) => ({
                    status: 503,
                    headers: { "Retry-After": String(RETRY_AFTER_SECONDS) },
                    body: { status: "not_ready", reason },
                });
                if (isShuttingDown(req)) return notReady("shutting down");
                if (database === undefined) return { body: { status: "ready" } };
                if (!database.state.schemaReady) return notReady("schema not ready");
                try {
                    await runWithDeadline(options.readinessTimeoutMs, () => withTimeout(database.ping(), options.readinessTimeoutMs));
                    database.state.recordSuccess();
                    return { body: { status: "ready" } };
                } catch (err) {
                    database.state.recordFailure(err);
                    const code = (err as { code?: unknown })?.code;
                    return notReady(`database unreachable${typeof code === "string" ? ` (${code})` : ""}`);
                }
            },
        }),
    ];
}

function isShuttingDown(req: Request): boolean {
    return req.app.locals[SHUTTING_DOWN] === true;
}

/** Backstop for drivers that ignore the deadline: rejects with code READINESS_TIMEOUT after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: "READINESS_TIMEOUT" })), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
