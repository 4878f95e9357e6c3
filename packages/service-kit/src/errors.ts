import type { ErrorRequestHandler, RequestHandler } from "express";
import { isDatabaseUnavailable } from "./db-errors";

/** One field-level problem in a request, as returned in 400 answers. */
export interface FieldIssue {
    readonly field: string;
    readonly location?: string;
    readonly message: string;
}

/**
 * The one error type the services throw on purpose. `status` becomes the HTTP status, `code` a stable
 * machine-readable string, `message` a human sentence safe to show to callers.
 */
export class HttpError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly details?: { readonly issues?: readonly FieldIssue[]; readonly headers?: Readonly<Record<string, string>> },
    ) {
        super(message);
        this.name = "HttpError";
    }

    static badRequest(message: string, issues?: readonly FieldIssue[]): HttpError {
        return new HttpError(400, "bad_request", message, { issues });
    }

    static notFound(message: string): HttpError {
        return new HttpError(404, "not_found", message);
    }

    /** 503 with Retry-After: the dependency is down or busy, callers should come back. */
    static unavailable(message: string, retryAfterSeconds = RETRY_AFTER_SECONDS): HttpError {
        return new HttpError(503, "service_unavailable", message, { headers: { "Retry-After": String(retryAfterSeconds) } });
    }
}

/** Seconds clients are asked to wait when the database is unreachable (a proxy failover takes ~5–30 s). */
export const RETRY_AFTER_SECONDS = 5;

/** JSON 404 for any route no router answered. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
    next(HttpError.notFound(`No route for ${req.method} ${req.path}`));
};

interface BodyParserError {
    readonly type?: string;
    readonly status?: number;
    readonly expose?: boolean;
}

/** Maps any thrown value to the HttpError callers see. Never exposes stack traces or driver messages. */
export function toHttpError(err: unknown): HttpError {
    if (err instanceof HttpError) return err;
    const parserError = err as BodyParserError | undefined;
    switch (parserError?.type) {
        case "entity.parse.failed":
            return new HttpError(400, "malformed_json", "Request body is not valid JSON");
        case "entity.too.large":
            return new HttpError(413, "payload_too_large", "Request body is larger than the allowed limit");
        case "encoding.unsupported":
        case "charset.unsupported":
            return new HttpError(415, "unsupported_encoding", "Request body encoding or charset is not supported");
        case "request.aborted":
            return new HttpError(400, "request_aborted", "Request was aborted by the client");
        case "request.size.invalid":
            return new HttpError(400, "bad_request", "Request size did not match Content-Length");
        default:
            break;
    }
    if (isDatabaseUnavailable(err)) {
        return HttpError.unavailable("The database is unavailable; retry later");
    }
    // Other client errors raised by express internals (e.g. a malformed percent-encoding in the path is a
    // URIError with status 400) carry a 4xx status; the message stays generic.
    const status = parserError?.status;
    if (typeof status === "number" && status >= 400 && status < 500) {
        return new HttpError(status, "bad_request", "The request could not be processed");
    }
    return new HttpError(500, "internal_error", "Internal server error");
}

/** The one error middleware: JSON body `{error, message, issues?}`, status from the HttpError. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
    const httpError = toHttpError(err);
    if (httpError.status === 500) {
        // Unexpected: keep the original error (with stack) for operators; callers only see a generic message.
        req.log?.error({ err }, "request failed");
    } else if (httpError.status > 500) {
        // Dependency trouble we answered on purpose (503/502/504): worth a warning, not a stack trace.
        req.log?.warn({ err: { message: (err as Error)?.message, code: (err as { code?: unknown })?.code } }, httpError.message);
    }
    if (res.headersSent) {
        res.end();
        return;
    }
    for (const [name, value] of Object.entries(httpError.details?.headers ?? {})) res.setHeader(name, value);
    const body: Record<string, unknown> = { error: httpError.code, message: httpError.message };
    if (httpError.details?.issues) body.issues = httpError.details.issues;
    res.status(httpError.status).json(body);
};
