import net from "node:net";

/**
 * A TCP pass-through between an app and its database (or DynamoDB endpoint) on 127.0.0.1 that records WHEN
 * bytes left the app: for every match of `pattern` in the client → server stream, the first and the last time it
 * was seen (a retry — the SDK's next attempt — sends the same marker again).
 * Statements travel as text on the wire (MySQL COM_QUERY with its values inlined, PostgreSQL Parse/Bind with
 * text parameters, DynamoDB JSON), so a request's unique marker (a name, a User-Agent) shows when its write was
 * sent — "did this write leave the app after its answer?" is then a comparison of two clocks of one process.
 * Nothing is changed on the way; a frozen server (SIGSTOP) behind the tap stays frozen for the app.
 */
export interface WireTap {
    /** The port the app connects to (DB_PORT / the endpoint's port). */
    readonly port: number;
    /** Epoch ms when a match was first seen leaving the app, or undefined when it never was. */
    firstSeen(match: string): number | undefined;
    /** Epoch ms when a match was last seen leaving the app (its latest retransmission), or undefined. */
    lastSeen(match: string): number | undefined;
    close(): Promise<void>;
}

export interface WireTapOptions {
    readonly targetPort: number;
    readonly targetHost?: string;
    /** What to look for (global flag added when missing); markers must not be longer than `overlap`. */
    readonly pattern: RegExp;
    /** Bytes of the previous chunk kept so a marker split across two TCP segments is still found. @default 256 */
    readonly overlap?: number;
}

export async function startWireTap(options: WireTapOptions): Promise<WireTap> {
    const host = options.targetHost ?? "127.0.0.1";
    const overlap = options.overlap ?? 256;
    const pattern = new RegExp(
        options.pattern.source,
        options.pattern.flags.includes("g") ? options.pattern.flags : `${options.pattern.flags}g`,
    );
    const seen = new Map<string, { first: number; last: number }>();
    const sockets = new Set<net.Socket>();

    const server = net.createServer((client) => {
        const upstream = net.connect({ host, port: options.targetPort });
        sockets.add(client);
        sockets.add(upstream);
        let tail = "";
        client.on("data", (chunk: Buffer) => {
            const at = Date.now();
            const text = tail + chunk.toString("latin1");
            // A match wholly inside the carried-over tail was recorded with the previous chunk.
            for (const match of text.matchAll(pattern)) {
                if (match.index + match[0].length <= tail.length) continue;
                const times = seen.get(match[0]);
                if (times === undefined) seen.set(match[0], { first: at, last: at });
                else times.last = at;
            }
            tail = text.slice(-overlap);
            upstream.write(chunk);
        });
        upstream.on("data", (chunk: Buffer) => client.write(chunk));
        const closeBoth = (): void => {
            client.destroy();
            upstream.destroy();
        };
        client.on("error", closeBoth);
        upstream.on("error", closeBoth);
        client.on("close", () => {
            sockets.delete(client);
            upstream.end();
        });
        upstream.on("close", () => {
            sockets.delete(upstream);
            client.end();
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    return {
        port: (server.address() as net.AddressInfo).port,
        firstSeen: (match) => seen.get(match)?.first,
        lastSeen: (match) => seen.get(match)?.last,
        close: () =>
            new Promise<void>((resolve) => {
                for (const socket of sockets) socket.destroy();
                server.close(() => resolve());
            }),
    };
}
