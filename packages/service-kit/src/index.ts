export { createServiceApp, type ServiceAppOptions } from "./app";
export { ConfigError, baseEnvShape, env, loadConfig } from "./config";
export { dbCredentialsOf, dbEnvShape, rdsCaBundle, resolveDbSettings, type DbEnv, type DbSettings, type ResolveDbOptions } from "./db";
export {
    IAM_TOKEN_LIFETIME_MS,
    cachedTokenProvider,
    iamDbCredentials,
    rdsSignerTokenSource,
    type DbCredentials,
    type RdsIamTarget,
    type TokenCacheOptions,
    type TokenSource,
} from "./db-credentials";
export { isDatabaseUnavailable } from "./db-errors";
export { HttpError, RETRY_AFTER_SECONDS, errorHandler, notFoundHandler, toHttpError, type FieldIssue } from "./errors";
export {
    IDEMPOTENCY_DOC,
    IDEMPOTENCY_HEADER,
    IDEMPOTENCY_TTL_MS,
    WriteOutcomeUnknownError,
    completeKeyValues,
    idempotencyRecordFromRow,
    expiredKeyPurger,
    idempotentWrite,
    readIdempotencyKey,
    replayHeaders,
    requestFingerprint,
    type IdempotencyKeyRow,
    type IdempotencyRecord,
    type IdempotencyStore,
    type IdempotentResult,
    type StoredResponse,
} from "./idempotency";
export { createLogger, type Logger } from "./logger";
export { buildOpenApi, type OpenApiInfo } from "./openapi";
export { retry, type RetryOptions } from "./retry";
export {
    defineRoute,
    markKeyed,
    matchedRoute,
    mountRoutes,
    zodIssues,
    type AnyRoute,
    type HttpMethod,
    type MatchedRoute,
    type Reply,
    type RouteSpec,
} from "./routes";
export {
    cutOffAnswer,
    exitOnSignals,
    runMain,
    runService,
    startHttpServer,
    type CloseBudget,
    type DeadlineAnswer,
    type RunningServer,
    type StartOptions,
} from "./server";
export {
    DeadlineExceededError,
    acquireWithin,
    boundedTimeout,
    currentDeadline,
    inRequest,
    outsideRequest,
    remainingMs,
    requestDeadline,
    requestSignal,
    runInDeadline,
    runWithDeadline,
    settledWithin,
    type DeadlineContext,
    type RequestDeadline,
} from "./deadline";
export { DatabaseState } from "./db-state";
export { flushTracing, tracingWanted } from "./tracing-switch";
export { SHUTTING_DOWN, healthRoutes, type HealthRoutesOptions } from "./health";
export { decimal, displayText, freeText, queryInt } from "./validation";
