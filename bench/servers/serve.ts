/**
 * Plumbing shared by the benchmark server processes: a bare node:http server on 127.0.0.1 (the "ceiling" and
 * "seed-style" references), reporting the listening port to the parent over IPC, and exit on SIGTERM /
 * SIGINT / parent gone.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Variant = "app" | "ceiling" | "seed";

export function variantArg(): Variant {
    const v = process.argv[2];
    if (v !== "app" && v !== "ceiling" && v !== "seed") throw new Error(`variant must be app|ceiling|seed (got ${v})`);
    return v;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
    const payload = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(payload) });
    res.end(payload);
}

export function readBody(req: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        let data = "";
        req.setEncoding("utf8");
        req.on("data", (chunk: string) => (data += chunk));
        req.on("end", () => resolve(data));
        req.on("error", reject);
    });
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/** A bare server: `routes` keyed by "METHOD /path" (query string ignored); 404 otherwise, 500 on a throw. */
export async function startBare(routes: Record<string, Handler>): Promise<{ port: number; close: () => Promise<void> }> {
    const server = http.createServer((req, res) => {
        const path = (req.url ?? "/").split("?")[0];
        const handler = routes[`${req.method} ${path}`];
        if (!handler) return sendJson(res, 404, { error: "not_found" });
        handler(req, res).catch((err: unknown) => {
            if (!res.headersSent) sendJson(res, 500, { error: "internal", message: (err as Error).message });
            else res.destroy();
        });
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        port: (server.address() as AddressInfo).port,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** Reports `port` to the parent and wires shutdown (the close hooks run once, then exit 0). */
export function serve(port: number, close: () => Promise<void>): void {
    process.send?.({ port });
    let closing = false;
    const stop = (): void => {
        if (closing) return;
        closing = true;
        const force = setTimeout(() => process.exit(0), 5_000);
        force.unref();
        void close().finally(() => process.exit(0));
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    process.once("disconnect", stop);
}

export function main(start: () => Promise<void>): void {
    start().catch((err: unknown) => {
        process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
        process.exit(1);
    });
}
