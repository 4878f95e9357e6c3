import type { Server } from "node:http";
import dynalite from "dynalite";
import { freePort } from "./process-util";

export interface DynaliteHandle {
    /** http://127.0.0.1:<port> — pass as DYNAMODB_ENDPOINT. */
    readonly endpoint: string;
    readonly port: number;
    /** Stops listening (in-memory data is lost: dynalite keeps tables in memory unless given a path). */
    stop(): Promise<void>;
    /** Listens again on the same port. */
    start(): Promise<void>;
    destroy(): Promise<void>;
}

/** dynalite (a DynamoDB API implementation on LevelDB/memdown) in-process on a random loopback port. */
export async function startDynalite(): Promise<DynaliteHandle> {
    const port = await freePort();
    let server: Server | undefined;
    const start = async (): Promise<void> => {
        if (server?.listening) return;
        server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
        await new Promise<void>((resolve, reject) => {
            server!.once("error", reject);
            server!.listen(port, "127.0.0.1", () => resolve());
        });
    };
    const stop = async (): Promise<void> => {
        const current = server;
        if (!current?.listening) return;
        current.closeAllConnections?.();
        await new Promise<void>((resolve) => current.close(() => resolve()));
    };
    await start();
    return { endpoint: `http://127.0.0.1:${port}`, port, start, stop, destroy: stop };
}
