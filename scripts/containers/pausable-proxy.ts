/**
 * A loopback TCP proxy that can hold traffic: while held, bytes in both directions are buffered instead
 * of forwarded, so a request the app is serving stays in flight (its DB query or upstream call does not
 * answer) for as long as the test needs. Used between a container and its database/upstream.
 */
import * as net from "node:net";

export interface PausableProxy {
    readonly port: number;
    hold(): void;
    release(): void;
    close(): Promise<void>;
}

export async function pausableProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<PausableProxy> {
    let held = false;
    const flushes = new Set<() => void>();
    const sockets = new Set<net.Socket>();
    const forward = (from: net.Socket, to: net.Socket) => {
        const queue: Buffer[] = [];
        const flush = () => {
            while (queue.length > 0 && !to.destroyed) to.write(queue.shift()!);
        };
        flushes.add(flush);
        from.on("data", (chunk: Buffer) => {
            if (held) queue.push(chunk);
            else to.write(chunk);
        });
        from.on("end", () => {
            flush();
            to.end();
        });
        from.on("close", () => flushes.delete(flush));
    };
    const server = net.createServer((client) => {
        const upstream = net.connect(targetPort, targetHost);
        for (const s of [client, upstream]) {
            sockets.add(s);
            s.on("error", () => {
                client.destroy();
                upstream.destroy();
            });
            s.on("close", () => sockets.delete(s));
        }
        forward(client, upstream);
        forward(upstream, client);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        port: (server.address() as net.AddressInfo).port,
        hold: () => void (held = true),
        release: () => {
            held = false;
            for (const flush of flushes) flush();
        },
        close: () =>
            new Promise<void>((resolve) => {
                for (const s of sockets) s.destroy();
                server.close(() => resolve());
            }),
    };
}
