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
