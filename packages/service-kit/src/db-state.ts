import { inRequest } from "./deadline";
import { isDatabaseUnavailable } from "./db-errors";
import { HttpError } from "./errors";

/**
 * What the process knows about its database without asking it: whether the schema is ready (start-up creates it
 * in the background, retrying through an outage) and how the last database call ended. Liveness (`/health`)
 * reports from here and never touches the pool; the pools record every outcome here.
 */
export class DatabaseState {
    private ready = false;
    private lastFailure: { readonly code?: string; readonly at: number } | undefined;

    /** Whether the schema has been created (DB routes and readiness answer 503 until then). */
    get schemaReady(): boolean {
        return this.ready;
    }

    markSchemaReady(): void {
        this.ready = true;
        this.lastFailure = undefined;
    }

    /** A database call succeeded. */
    recordSuccess(): void {
        this.lastFailure = undefined;
    }

    /** A database call failed; only "unreachable" kinds of failure count (a constraint error says nothing). */
    recordFailure(err: unknown): void {
        if (!isDatabaseUnavailable(err)) return;
        const code = (err as { code?: unknown })?.code;
        this.lastFailure = { code: typeof code === "string" ? code : undefined, at: Date.now() };
    }

    /** Undefined when healthy as far as we know, else a short reason for `/health`'s degraded body. */
    degradedReason(): string | undefined {
        if (!this.ready) return "schema not ready";
        if (this.lastFailure !== undefined) return `unreachable${this.lastFailure.code !== undefined ? ` (${this.lastFailure.code})` : ""}`;
        return undefined;
    }

    /**
     * Called by the pools before each statement: while the schema is not ready, statements issued by requests are
     * refused with 503 + Retry-After (start-up's own statements, outside any request, go through).
     */
    assertUsable(): void {
        if (!this.ready && inRequest()) throw HttpError.unavailable("The database schema is not ready yet; retry later");
    }
}
