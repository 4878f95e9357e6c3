/** Tiny HTTP helpers for the apps' integration tests (Node's fetch). */
/**
 * A response body when the caller names no type: the JSON the server sent, read field by field by the
 * assertions that check it (typing it `unknown` would make every test narrow before it asserts).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResponseJson = any;

export interface JsonResponse<T = ResponseJson> {
    readonly status: number;
    readonly headers: Headers;
    readonly body: T;
    readonly text: string;
}

export interface RequestOptions {
    readonly method?: string;
    /** Serialised with JSON.stringify unless it is already a string/Buffer. */
    readonly json?: unknown;
    readonly body?: string | Buffer;
    readonly headers?: Record<string, string>;
}

export async function request<T = ResponseJson>(baseUrl: string, path: string, options: RequestOptions = {}): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let body: string | Buffer | undefined = options.body;
    if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${baseUrl}${path}`, { method: options.method ?? "GET", headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
        parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
        parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/**
 * A request through node:http, for what fetch refuses to send: GET with a body, no User-Agent at all,
 * arbitrary header bytes (latin1), methods like OPTIONS/HEAD with bodies, and an absolute-form request target
 * (`POST http://host/catalogue HTTP/1.1`, `absoluteForm: true`), which express routes like the origin form.
 */
export function rawRequest(
    baseUrl: string,
    path: string,
    options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; absoluteForm?: boolean } = {},
): Promise<JsonResponse & { rawHeaders: Record<string, string | string[] | undefined> }> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const http = require("node:http") as typeof import("node:http");
    return new Promise((resolve, reject) => {
        const url = new URL(path, baseUrl);
        const headers: Record<string, string> = { ...(options.headers ?? {}) };
        // node:http does not chunk GET bodies by default: without a length the bytes would be read as a new request.
        if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
        const req = http.request(
            {
                host: url.hostname,
                port: url.port,
                path: options.absoluteForm ? url.href : `${url.pathname}${url.search}`,
                method: options.method ?? "GET",
                headers,
                agent: false,
            },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (chunk: Buffer) => chunks.push(chunk));
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString("utf8");
                    let body: unknown;
                    try {
                        body = text.length > 0 ? JSON.parse(text) : undefined;
                    } catch {
                        body = undefined;
                    }
                    const headers = new Headers();
                    for (const [name, value] of Object.entries(res.headers)) {
                        if (typeof value === "string") headers.set(name, value);
                    }
                    resolve({ status: res.statusCode ?? 0, headers, body, text, rawHeaders: res.headers });
                });
                res.on("error", reject);
            },
        );
        req.on("error", reject);
        if (options.body !== undefined) req.write(options.body);
        req.end();
    });
}
