import { DeadlineExceededError, isDatabaseUnavailable, toHttpError } from "../src";

/** Errors shaped exactly as the drivers raise them (message/code/name as in their sources). */
const named = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name, ...extra });

describe("service-kit: every driver timeout or connection error is 'unavailable' (503 + Retry-After)", () => {
    it.each([
        // pg: client-side query_timeout (lib/client.js) — classified 500 internal_error before
        ["pg query_timeout", new Error("Query read timeout")],
        ["pg connect timeout", new Error("Connection terminated due to connection timeout")],
        ["pg-pool acquisition timeout", new Error("timeout exceeded when trying to connect")],
        [
            "PostgreSQL statement_timeout / cancel",
            Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" }),
        ],
        // mysql2: query inactivity timeout (lib/commands/query.js), connect timeout, server-side statement limits
        ["mysql2 query timeout", Object.assign(new Error("Query inactivity timeout"), { code: "PROTOCOL_SEQUENCE_TIMEOUT" })],
        ["mysql2 connect timeout", Object.assign(new Error("connect ETIMEDOUT"), { code: "ETIMEDOUT", fatal: true })],
        [
            "MySQL max_execution_time",
            Object.assign(new Error("Query execution was interrupted, maximum statement execution time exceeded"), {
                code: "ER_QUERY_TIMEOUT",
            }),
        ],
        [
            "MariaDB max_statement_time",
            Object.assign(new Error("Query execution was interrupted (max_statement_time exceeded)"), { code: "ER_STATEMENT_TIMEOUT" }),
        ],
        [
            "the pool's bounded acquisition",
            Object.assign(new Error("no database connection within 1000 ms"), { code: "POOL_ACQUIRE_TIMEOUT" }),
        ],
        ["no time left before the request deadline", new DeadlineExceededError("run a statement")],
        // AWS SDK v3 (DynamoDB): @smithy/node-http-handler timeouts, throttling, service faults
        ["SDK connection timeout", named("TimeoutError", "Connection timed out after 2000 ms")],
        ["SDK request timeout", named("TimeoutError", "Request timed out after 5000 ms")],
        ["SDK socket hang up", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
        ["DynamoDB throttling", named("ThrottlingException", "Rate exceeded", { $fault: "client", $retryable: { throttling: true } })],
        [
            "DynamoDB capacity",
            named("ProvisionedThroughputExceededException", "exceeded", { $fault: "client", $retryable: { throttling: true } }),
        ],
        ["DynamoDB 5xx", named("InternalServerError", "Internal server error", { $fault: "server" })],
        ["any server-fault service exception", named("SomethingNewException", "boom", { $fault: "server" })],
    ])("when %s, then it is unavailable → 503 with Retry-After", (_what, err) => {
        expect(isDatabaseUnavailable(err)).toBe(true);
        const http = toHttpError(err);
        expect(http.status).toBe(503);
        expect(http.details?.headers).toEqual({ "Retry-After": "5" });
    });

    it.each([
        ["a unique-key violation", Object.assign(new Error("Duplicate entry"), { code: "ER_DUP_ENTRY" })],
        ["a DynamoDB conditional check", named("ConditionalCheckFailedException", "The conditional request failed", { $fault: "client" })],
        ["a DynamoDB validation error", named("ValidationException", "One or more parameter values were invalid", { $fault: "client" })],
        ["a plain bug", new TypeError("cannot read properties of undefined")],
    ])("when %s, then it is NOT classified unavailable", (_what, err) => {
        expect(isDatabaseUnavailable(err)).toBe(false);
    });
});
