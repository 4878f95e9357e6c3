import net from "node:net";

/**
 * A TCP pass-through on 127.0.0.1 between an app and its database, DynamoDB endpoint or upstream, that can
 * record WHEN bytes left the app and can hold the traffic.
 *
 * - `pattern`: for every match in the client → server stream, the first and the last time it was seen (a
 *   retry — the SDK's next attempt — sends the same marker again). Statements travel as text on the wire (MySQL
 *   COM_QUERY with its values inlined, PostgreSQL Parse/Bind with text parameters, DynamoDB JSON), so a
 *   request's unique marker (a name, a User-Agent) shows when its write was sent — "did this write leave the
 *   app after its answer?" is then a comparison of two clocks of one process.
 * - `hold()` / `release()`: while held, bytes in both directions are buffered instead of forwarded, so a request
 *   the app is serving stays in flight (its query or upstream call does not answer) for as long as a test needs
 *   (the container tests' SIGTERM drain); `release()` forwards them in order.
 *
 * Nothing is changed on the way; a frozen server (SIGSTOP) behind the tap stays frozen for the app.
 */
export interface WireTap {
    /** The port the app connects to (DB_PORT / the endpoint's port). */
    readonly port: number;
    /** Epoch ms when a match was first seen leaving the app, or undefined when it never was. */
    firstSeen(match: string): number | undefined;
    /** Epoch ms when a match was last seen leaving the app (its latest retransmission), or undefined. */
    lastSeen(match: string): number | undefined;
    /** Buffer the traffic in both directions instead of forwarding it, until `release()`. */
    hold(): void;
    /** Forward what was held, in order, and everything after it. */
    release(): void;
    close(): Promise<void>;
}

export interface WireTapOptions {
    readonly targetPort: number;
    readonly targetHost?: string;
    /** What to look for (global flag added when missing); markers must not be longer than `overlap`. @default none */
    readonly pattern?: RegExp;
    /** Bytes of the previous chunk kept so a marker split across two TCP segments is still found. @default 256 */
    readonly overlap?: number;
}

export async function startWireTap(options: WireTapOptions): Promise<WireTap> {
    const host = options.targetHost ?? "127.0.0.1";
    const overlap = options.overlap ?? 256;
    const pattern =
        options.pattern &&
        new RegExp(options.pattern.source, options.pattern.flags.includes("g") ? options.pattern.flags : `${options.pattern.flags}g`);
    const seen = new Map<string, { first: number; last: number }>();
    const sockets = new Set<net.Socket>();
    let held = false;
    /** One per direction of every open connection: writes what was held. */
    const flushes = new Set<() => void>();

    const forward = (from: net.Socket, to: net.Socket, inspect?: (chunk: Buffer) => void): void => {
        const queue: Buffer[] = [];
        const flush = (): void => {
            while (queue.length > 0 && !to.destroyed) to.write(queue.shift()!);
        };
        flushes.add(flush);
        from.on("data", (chunk: Buffer) => {
            inspect?.(chunk);
            if (held) queue.push(chunk);
            else to.write(chunk);
        });
        from.on("end", () => {
            flush();
            to.end();
        });
        from.on("close", () => {
            flushes.delete(flush);
            sockets.delete(from);
            to.end();
        });
    };

    /** Records the matches in one client → server chunk (a match wholly inside the carried-over tail was recorded with the previous chunk). */
    const recorder = (): ((chunk: Buffer) => void) | undefined => {
        if (!pattern) return undefined;
        let tail = "";
        return (chunk) => {
            const at = Date.now();
            const text = tail + chunk.toString("latin1");
            for (const match of text.matchAll(pattern)) {
                if (match.index + match[0].length <= tail.length) continue;
                const times = seen.get(match[0]);
                if (times === undefined) seen.set(match[0], { first: at, last: at });
                else times.last = at;
            }
            tail = text.slice(-overlap);
        };
    };

    const server = net.createServer((client) => {
        const upstream = net.connect({ host, port: options.targetPort });
        const closeBoth = (): void => {
            client.destroy();
            upstream.destroy();
        };
        for (const socket of [client, upstream]) {
            sockets.add(socket);
            socket.on("error", closeBoth);
        }
        forward(client, upstream, recorder());
        forward(upstream, client);
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    return {
        port: (server.address() as net.AddressInfo).port,
        firstSeen: (match) => seen.get(match)?.first,
        lastSeen: (match) => seen.get(match)?.last,
        hold: () => void (held = true),
        release: () => {
            held = false;
            for (const flush of flushes) flush();
        },
        close: () =>
            new Promise<void>((resolve) => {
                for (const socket of sockets) socket.destroy();
                server.close(() => resolve());
            }),
    };
}
