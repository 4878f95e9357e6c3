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
}

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== "object" || depth > 3) return false;
  const e = err as DriverError;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  // mysql2 marks errors that killed the connection as fatal; the statement never ran or its fate is unknown.
  if (e.fatal === true) return true;
  if (typeof e.message === "string" && MESSAGE_PATTERNS.some((p) => p.test(e.message as string))) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}
