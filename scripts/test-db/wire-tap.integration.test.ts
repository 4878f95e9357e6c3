/**
 * The wire tap between an app and what it calls (scripts/test-db/wire-tap.ts), against a loopback echo server:
 * it passes bytes both ways unchanged, records when a marker left the client, and holds traffic until released
 * (what the container tests use to keep a request in flight while the container is sent SIGTERM).
 */
import net from "node:net";
import { once } from "node:events";
import { startWireTap, type WireTap } from "./wire-tap";

/** A loopback server that echoes what it receives and counts the bytes. */
async function echoServer(): Promise<{ server: net.Server; port: number; received: () => number }> {
    let received = 0;
    const server = net.createServer((socket) => {
        socket.on("data", (chunk: Buffer) => {
            received += chunk.length;
            socket.write(chunk);
        });
        socket.on("error", () => socket.destroy());
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return { server, port: (server.address() as net.AddressInfo).port, received: () => received };
}

/** Connects to the tap and collects what comes back. */
async function client(tap: WireTap): Promise<{ socket: net.Socket; echoed: () => string; until: (text: string) => Promise<void> }> {
    const socket = net.connect(tap.port, "127.0.0.1");
    await once(socket, "connect");
    let echoed = "";
    const waiters: Array<{ text: string; resolve: () => void }> = [];
    socket.on("data", (chunk: Buffer) => {
        echoed += chunk.toString("latin1");
        for (const w of waiters.filter((x) => echoed.includes(x.text))) w.resolve();
    });
    return {
        socket,
        echoed: () => echoed,
        until: (text) => (echoed.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve }))),
    };
}

describe("wire tap", () => {
    let echo: Awaited<ReturnType<typeof echoServer>>;
    let tap: WireTap;
    beforeEach(async () => {
        echo = await echoServer();
        tap = await startWireTap({ targetPort: echo.port, pattern: /marker-\d+/ });
    });
    afterEach(async () => {
        await tap.close();
        await new Promise((resolve) => echo.server.close(resolve));
    });

    it("should pass bytes both ways unchanged and record when a marker first and last left the client", async () => {
        const c = await client(tap);
        const before = Date.now();
        c.socket.write("SELECT 'marker-1' -- x\n");
        await c.until("marker-1' -- x\n");
        c.socket.write("retry marker-1\n");
        await c.until("retry marker-1\n");
        expect(c.echoed()).toBe("SELECT 'marker-1' -- x\nretry marker-1\n");
        expect(tap.firstSeen("marker-1")).toBeGreaterThanOrEqual(before);
        expect(tap.lastSeen("marker-1")).toBeGreaterThanOrEqual(tap.firstSeen("marker-1")!);
        expect(tap.firstSeen("marker-2")).toBeUndefined();
        c.socket.destroy();
    });

    it("should forward nothing while held and everything, in order, when released", async () => {
        const c = await client(tap);
        tap.hold();
        c.socket.write("first marker-7 ");
        c.socket.write("second");
        // The marker is recorded when it leaves the client, held or not.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(tap.firstSeen("marker-7")).toBeDefined();
        expect(echo.received()).toBe(0);
        expect(c.echoed()).toBe("");
        tap.release();
        await c.until("first marker-7 second");
        expect(c.echoed()).toBe("first marker-7 second");
        c.socket.destroy();
    });

    it("should hold the answer too when the request went through before the hold", async () => {
        // A tap whose upstream answers late: the request reaches it, the answer comes back while held.
        let answer: ((text: string) => void) | undefined;
        const slow = net.createServer((socket) => {
            socket.on("data", () => (answer = (text) => socket.write(text)));
        });
        slow.listen(0, "127.0.0.1");
        await once(slow, "listening");
        const held = await startWireTap({ targetPort: (slow.address() as net.AddressInfo).port });
        try {
            const c = await client(held);
            c.socket.write("query");
            while (answer === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
            held.hold();
            answer("rows");
            await new Promise((resolve) => setTimeout(resolve, 300));
            expect(c.echoed()).toBe("");
            held.release();
            await c.until("rows");
            expect(c.echoed()).toBe("rows");
            c.socket.destroy();
        } finally {
            await held.close();
            await new Promise((resolve) => slow.close(resolve));
        }
    });
});
