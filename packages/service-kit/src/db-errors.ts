/**
 * Whether an error means "the database cannot be reached right now" (server down, restarting, failing over,
 * pool exhausted) as opposed to a bug. Such errors become 503 + Retry-After, never 500.
 */
const NETWORK_CODES = new Set([
    "ECONNREFUSED",
    "ECONNRESET",
    "ETIMEDOUT",
    "EPIPE",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "ENOTFOUND",
    "EAI_AGAIN",
    "ECONNABORTED",
    // service-kit: a request deadline that left no time for the call, a readiness probe that got no answer
    "DEADLINE_EXCEEDED",
    "READINESS_TIMEOUT",
    "POOL_ACQUIRE_TIMEOUT",
    // mysql2
    "PROTOCOL_CONNECTION_LOST",
    "PROTOCOL_SEQUENCE_TIMEOUT",
    "PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR",
    "PROTOCOL_ENQUEUE_AFTER_QUIT",
    "ER_CON_COUNT_ERROR",
    "ER_SERVER_SHUTDOWN",
    "ER_CONNECTION_KILLED",
    "ER_QUERY_INTERRUPTED",
    "ER_TOO_MANY_USER_CONNECTIONS",
    "ER_LOCK_WAIT_TIMEOUT",
    "ER_LOCK_DEADLOCK",
    "ER_NET_READ_ERROR",
    "ER_NET_READ_INTERRUPTED",
    "ER_NET_ERROR_ON_WRITE",
    "ER_NET_WRITE_INTERRUPTED",
    "ER_SERVER_GONE_ERROR",
    "CR_SERVER_GONE_ERROR",
    "CR_SERVER_LOST",
    // server-side statement time limits (MySQL max_execution_time, MariaDB max_statement_time)
    "ER_QUERY_TIMEOUT",
    "ER_STATEMENT_TIMEOUT",
    // PostgreSQL SQLSTATEs: connection exception class 08, operator intervention 57P0x, too many connections,
    // serialization/deadlock (safe to retry).
    "08000",
    "08001",
    "08003",
    "08004",
    "08006",
    "57P01",
    "57P02",
    "57P03",
    "53300",
    "40001",
    "40P01",
    // query_canceled (statement_timeout, or a cancel request), admin shutdown of the server's connections
    "57014",
]);

/**
 * AWS SDK v3 error names meaning "DynamoDB (or the network to it) cannot serve this now": throttling, service-side
 * failures and the SDK's own connection/request timeouts (@smithy/node-http-handler names them TimeoutError).
 */
const AWS_UNAVAILABLE_NAMES = new Set([
    "TimeoutError",
    "RequestTimeout",
    "RequestTimeoutException",
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "TransactionInProgressException",
]);

const MESSAGE_PATTERNS: readonly RegExp[] = [
    /connection terminated/i,
    /timeout exceeded when trying to connect/i,
    /connection (?:is )?(?:in )?closed state/i,
    /not queryable/i,
    /pool is closed/i,
    /queue limit reached/i,
    /connect ETIMEDOUT/i,
    /Connection lost/i,
    /server closed the connection/i,
    /the database system is (?:starting up|shutting down)/i,
    // pg's client-side query_timeout ("Query read timeout") and connect timeout; mysql2's query timeout
    /query read timeout/i,
    /connection timeout/i,
    /query inactivity timeout/i,
    /socket hang up/i,
    // Some clients (the AWS SDK across realms) keep only the message of a socket error.
    /\b(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)\b/,
];

interface DriverError {
    readonly code?: unknown;
    readonly errno?: unknown;
    readonly fatal?: unknown;
    readonly message?: unknown;
    readonly cause?: unknown;
    readonly errors?: unknown;
    readonly name?: unknown;
    /** AWS SDK v3 service exceptions: "client" or "server" fault, and the retry hint. */
    readonly $fault?: unknown;
    readonly $retryable?: unknown;
}

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
    if (err === null || typeof err !== "object" || depth > 3) return false;
    const e = err as DriverError;
    if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
    // mysql2 marks errors that killed the connection as fatal; the statement never ran or its fate is unknown.
    if (e.fatal === true) return true;
    // AWS SDK v3 (DynamoDB): throttling, service-side faults and SDK timeouts are transient.
    if (typeof e.name === "string" && AWS_UNAVAILABLE_NAMES.has(e.name)) return true;
    if (e.$fault === "server" || (e.$retryable !== undefined && e.$retryable !== null && e.$fault !== undefined)) return true;
    if (typeof e.message === "string" && MESSAGE_PATTERNS.some((p) => p.test(e.message as string))) return true;
    if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
    return isDatabaseUnavailable(e.cause, depth + 1);
}
