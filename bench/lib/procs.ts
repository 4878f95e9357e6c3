/**
 * Child-process bookkeeping for the benchmarks: every spawned process and every async resource (database
 * servers) is registered here and torn down on normal exit, on an error and on Ctrl-C / SIGTERM.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void>> = [];
let installed = false;
let cleaning: Promise<void> | undefined;

export function onCleanup(fn: () => Promise<void>): void {
    installSignalHandlers();
    cleanups.push(fn);
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. Resolves once it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        children.delete(child);
        return;
    }
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
    children.delete(child);
}

export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
    installSignalHandlers();
    const child = spawn(command, args, options);
    children.add(child);
    child.once("exit", () => children.delete(child));
    return child;
}

/** Stops every tracked child, then runs the cleanup hooks in reverse order (idempotent). */
export function cleanupAll(): Promise<void> {
    cleaning ??= (async () => {
        await Promise.allSettled([...children].map((c) => stopChild(c)));
        for (const fn of cleanups.reverse()) {
            try {
                await fn();
            } catch (err) {
                process.stderr.write(`cleanup: ${(err as Error).message}\n`);
            }
        }
    })();
    return cleaning;
}

function installSignalHandlers(): void {
    if (installed) return;
    installed = true;
    const onSignal = (signal: NodeJS.Signals): void => {
        process.stderr.write(`\n${signal}: stopping servers and databases…\n`);
        const force = setTimeout(() => process.exit(130), 20_000);
        force.unref();
        void cleanupAll().finally(() => process.exit(130));
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    // Last resort (uncaught error, process.exit elsewhere): never leave a child running.
    process.on("exit", () => {
        for (const child of children) child.kill("SIGKILL");
    });
}

/** Runs `main`, always cleaning up; exits 1 on failure. */
export function runBench(main: () => Promise<void>): void {
    main()
        .then(
            () => cleanupAll(),
            async (err: unknown) => {
                process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
                await cleanupAll();
                process.exitCode = 1;
            },
        )
        .finally(() => process.exit());
}

/**
 * Starts one bench server script (bench/servers/*.ts) with an IPC channel and waits for the port it reports
 * (`process.send({ port })`); rejects, with the server's last stderr, when it exits first or after 60 s.
 */
export async function startBenchServer(
    label: string,
    command: string,
    args: readonly string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ port: number; pid: number; stop(): Promise<void> }> {
    const child = spawnTracked(command, args, { ...options, stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr = (stderr + c).slice(-4_000)));
    const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${label}: no port after 60 s\n${stderr}`)), 60_000);
        child.once("message", (m: { port?: number }) => {
            clearTimeout(timer);
            if (typeof m.port === "number") resolve(m.port);
            else reject(new Error("bad IPC message"));
        });
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`${label} exited (${code}) before listening\n${stderr}`));
        });
    });
    return { port, pid: child.pid!, stop: () => stopChild(child) };
}
