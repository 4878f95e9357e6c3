import type { IncomingMessage } from "node:http";
import type { Request, Response, Router } from "express";
import { z } from "zod";
import { HttpError, type FieldIssue } from "./errors";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

type Schema = z.ZodType | undefined;
type Infer<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler returns; the kit serialises it as JSON. */
export interface Reply {
    readonly status?: number;
    readonly body: unknown;
    readonly headers?: Readonly<Record<string, string>>;
}

export interface ResponseSpec {
    readonly description: string;
    readonly schema?: z.ZodType;
}

/**
 * One route: the table that drives routing, input validation (400 with field-level issues), 405 answers
 * and the OpenAPI description at /docs. Handlers stay thin: validated input in, Reply out.
 */
export interface RouteSpec<Q extends Schema = Schema, B extends Schema = Schema, P extends Schema = Schema> {
    readonly method: HttpMethod;
    /** Express path syntax (`/products/:id`). */
    readonly path: string;
    /**
     * Whether the handler may change stored state. Decides what a request cut off by its deadline or by shutdown
     * is told: a write that may have reached the store gets 504 `write_outcome_unknown` (unless it carried a valid
     * Idempotency-Key), never 503 "retry later". HEAD never writes. @default true for post/put/patch/delete,
     * false for get
     */
    readonly writes?: boolean;
    readonly summary: string;
    /** Longer OpenAPI description (Markdown) of the operation. */
    readonly description?: string;
    /** Request headers the route reads, for the OpenAPI description (validated by the handler). */
    readonly headers?: readonly { readonly name: string; readonly description: string }[];
    readonly query?: Q;
    readonly body?: B;
    readonly params?: P;
    readonly responses: Readonly<Record<number, ResponseSpec>>;
    readonly handler: (input: {
        readonly query: Infer<Q>;
        readonly body: Infer<B>;
        readonly params: Infer<P>;
        readonly req: Request;
        readonly res: Response;
    }) => Promise<Reply> | Reply;
}

/** A route with its generics erased, for lists. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any>;

/** Identity helper that infers handler input types from the schemas. */
export function defineRoute<Q extends Schema = undefined, B extends Schema = undefined, P extends Schema = undefined>(
    spec: RouteSpec<Q, B, P>,
): AnyRoute {
    return spec as AnyRoute;
}

export function zodIssues(error: z.ZodError, location: "body" | "query" | "params"): FieldIssue[] {
    return error.issues.map((issue) => ({
        field: issue.path.length > 0 ? issue.path.map(String).join(".") : `(${location})`,
        location,
        message: issue.message,
    }));
}

function parseOrThrow<S extends Schema>(schema: S, value: unknown, location: "body" | "query" | "params"): Infer<S> {
    if (schema === undefined) return undefined as Infer<S>;
    const result = schema.safeParse(value);
    if (!result.success) {
        throw HttpError.badRequest(`Invalid request ${location}`, zodIssues(result.error, location));
    }
    return result.data as Infer<S>;
}

/** What the route table knows about a request once express has matched it to a route. */
export interface MatchedRoute {
    /** The route's method and path as declared (`POST /catalogue`), whatever spelling the request used. */
    readonly route: string;
    /** The handler may change stored state (RouteSpec.writes; never for HEAD). */
    readonly writes: boolean;
    /** The handler accepted a valid Idempotency-Key: retrying with it is safe (set by readIdempotencyKey). */
    keyed: boolean;
}

const MATCHED = Symbol("serviceKitMatchedRoute");
type Marked = IncomingMessage & { [MATCHED]?: MatchedRoute };

/**
 * The route express matched this request to, or undefined when none did (yet). Decided by express's own routing,
 * so `/CATALOGUE`, `/catalogue/` and `http://host/catalogue` are the route they are routed to — never compared as
 * URL text.
 */
export function matchedRoute(req: IncomingMessage): MatchedRoute | undefined {
    return (req as Marked)[MATCHED];
}

/** Records that the matched route's handler accepted a valid Idempotency-Key (see MatchedRoute.keyed). */
export function markKeyed(req: IncomingMessage): void {
    const matched = matchedRoute(req);
    if (matched !== undefined) matched.keyed = true;
}

/** Registers the routes on `router`, plus a 405 (with Allow) for other methods on the same paths. */
export function mountRoutes(router: Router, routes: readonly AnyRoute[]): void {
    const methodsByPath = new Map<string, Set<string>>();
    for (const route of routes) {
        const methods = methodsByPath.get(route.path) ?? new Set<string>();
        methods.add(route.method.toUpperCase());
        if (route.method === "get") methods.add("HEAD");
        methodsByPath.set(route.path, methods);

        const writes = route.writes ?? route.method !== "get";
        const name = `${route.method.toUpperCase()} ${route.path}`;
        router[route.method](route.path, async (req: Request, res: Response) => {
            (req as Marked)[MATCHED] = { route: name, writes: writes && req.method !== "HEAD", keyed: false };
            if (route.body !== undefined && !req.is("application/json")) {
                throw new HttpError(415, "unsupported_media_type", "Content-Type must be application/json");
            }
            const params = parseOrThrow(route.params, req.params, "params");
            const query = parseOrThrow(route.query, { ...req.query }, "query");
            const body = parseOrThrow(route.body, req.body, "body");
            const reply = await route.handler({ query, body, params, req, res });
            // The request deadline (server.ts) may have answered 503 while the handler was still waiting.
            if (res.headersSent) return;
            for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
            res.status(reply.status ?? 200).json(reply.body);
        });
    }
    for (const [path, methods] of methodsByPath) {
        const allow = [...methods].sort().join(", ");
        router.all(path, (req: Request, res: Response) => {
            if (req.method === "OPTIONS") {
                res.setHeader("Allow", `${allow}, OPTIONS`);
                res.status(204).end();
                return;
            }
            res.setHeader("Allow", allow);
            throw new HttpError(405, "method_not_allowed", `${req.method} is not allowed on ${path}; allowed: ${allow}`);
        });
    }
}
