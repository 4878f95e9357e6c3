/** dynalite in its own process for the benchmarks; reports its endpoint over IPC, exits with its parent. */
import { startDynalite } from "../../scripts/test-db";

startDynalite().then(
    (handle) => {
        process.send?.({ endpoint: handle.endpoint });
        const stop = (): void => void handle.destroy().finally(() => process.exit(0));
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
        process.once("disconnect", stop);
    },
    (err: unknown) => {
        process.stderr.write(`dynalite: ${(err as Error).message}\n`);
        process.exit(1);
    },
);
