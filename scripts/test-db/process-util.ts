import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const INSTALL_HINT = "apt-get install -y postgresql mariadb-server";

/** A free loopback port (bound then released; the server binds it right after). */
export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            srv.close(() => resolve(port));
        });
    });
}

export function osUser(name: string): { uid: number; gid: number } {
    try {
        return {
            uid: Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim()),
            gid: Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim()),
        };
    } catch {
        throw new Error(`OS user "${name}" does not exist; install the database server packages: ${INSTALL_HINT}`);
    }
}

/** Throwaway directory under os.tmpdir(), owned by `owner`. */
export function makeRoot(prefix: string, owner: { uid: number; gid: number }): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sc-${prefix}-`));
    fs.chownSync(dir, owner.uid, owner.gid);
    fs.chmodSync(dir, 0o700);
    return dir;
}

const liveChildren = new Set<ChildProcess>();
const rootsToRemove = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
    if (exitHookInstalled) return;
    exitHookInstalled = true;
    // A last resort for scripts (npm run dev, the benchmarks) that exit without destroy(). It does not run inside
    // jest: each test file gets its own copy of `process` (jest-util createProcessObject), whose "exit" is never
    // emitted. Test files must destroy() what they start, in afterAll.
    process.on("exit", () => {
        // Last resort if a test file forgot destroy(): never leave servers running.
        for (const child of liveChildren) child.kill("SIGKILL");
        for (const dir of rootsToRemove) fs.rmSync(dir, { recursive: true, force: true });
    });
}

export function trackRoot(dir: string): void {
    installExitHook();
    rootsToRemove.add(dir);
}

export function untrackRoot(dir: string): void {
    rootsToRemove.delete(dir);
}

export interface ManagedProcess {
    readonly child: ChildProcess;
    /** Resolves with the exit code once the process has exited. */
    readonly exited: Promise<number | null>;
}

/** Spawns a server with stdout+stderr appended to `logFile`. */
export function spawnServer(
    command: string,
    args: readonly string[],
    logFile: string,
    options: { uid?: number; gid?: number; cwd?: string } = {},
): ManagedProcess {
    installExitHook();
    const fd = fs.openSync(logFile, "a");
    const child = spawn(command, args, { stdio: ["ignore", fd, fd], uid: options.uid, gid: options.gid, cwd: options.cwd });
    fs.closeSync(fd);
    liveChildren.add(child);
    const exited = new Promise<number | null>((resolve) => {
        child.once("exit", (code) => {
            liveChildren.delete(child);
            resolve(code);
        });
        child.once("error", () => {
            liveChildren.delete(child);
            resolve(-1);
        });
    });
    return { child, exited };
}

export function tail(file: string, lines = 30): string {
    try {
        return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
        return "(no log)";
    }
}

/** Polls `probe` until it resolves, the process exits, or the timeout passes. */
export async function waitUntilReady(
    what: string,
    proc: ManagedProcess,
    probe: () => Promise<void>,
    logFile: string,
    timeoutMs = 60_000,
): Promise<void> {
    let exitCode: number | null | undefined;
    void proc.exited.then((code) => {
        exitCode = code;
    });
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
        if (exitCode !== undefined) {
            throw new Error(`${what} exited with code ${exitCode} during start-up. Log tail:\n${tail(logFile)}`);
        }
        try {
            await probe();
            return;
        } catch (err) {
            lastError = err;
            await new Promise((r) => setTimeout(r, 100));
        }
    }
    throw new Error(`${what} was not ready after ${timeoutMs} ms (${String(lastError)}). Log tail:\n${tail(logFile)}`);
}

/** Sends `signal` and waits for exit; escalates to SIGKILL after `timeoutMs`. */
export async function stopProcess(proc: ManagedProcess, signal: NodeJS.Signals, timeoutMs = 30_000): Promise<void> {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    proc.child.kill(signal);
    const timer = setTimeout(() => proc.child.kill("SIGKILL"), timeoutMs);
    await proc.exited;
    clearTimeout(timer);
}

export function randomSecret(): string {
    return Array.from({ length: 24 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
}

/** Unique, identifier-safe name (lowercase letters, digits, underscore). */
export function uniqueName(prefix: string): string {
    const clean = prefix
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, "_")
        .slice(0, 40);
    return `${clean}_${process.pid}_${Math.floor(Math.random() * 1e9).toString(36)}`;
}

/** Direct children of `pid` (Linux /proc; the kernel lists them per thread). */
function childPids(pid: number): number[] {
    try {
        return fs
            .readdirSync(`/proc/${pid}/task`)
            .flatMap((tid) => fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/))
            .filter((p) => p !== "")
            .map(Number);
    } catch {
        return [];
    }
}

/**
 * Freezes (SIGSTOP) or thaws (SIGCONT) a server this harness started, by its PID, and the processes it forked
 * (PostgreSQL's per-connection backends; mariadbd has none): what a hung database looks like from a client —
 * TCP connections stay open and are even accepted by the kernel, nothing answers. The parent is stopped first so
 * it forks nothing while its children are being stopped.
 */
export function signalServerTree(proc: ManagedProcess, signal: "SIGSTOP" | "SIGCONT"): void {
    const pid = proc.child.pid;
    if (pid === undefined || proc.child.exitCode !== null || proc.child.signalCode !== null) {
        throw new Error(`cannot ${signal} a server that is not running`);
    }
    if (signal === "SIGSTOP") process.kill(pid, signal);
    for (const child of childPids(pid)) {
        try {
            process.kill(child, signal);
        } catch {
            // A backend that exited meanwhile.
        }
    }
    if (signal === "SIGCONT") process.kill(pid, signal);
}

/**
 * pause()/resume() for a handle's current server process (see signalServerTree), and `continueIfPaused()` for its
 * stop(): a stopped process acts on SIGTERM/SIGINT only once continued. One implementation for both engines.
 */
export function pauseControl(current: () => ManagedProcess | undefined): {
    pause: () => Promise<void>;
    resume: () => Promise<void>;
    continueIfPaused: () => void;
} {
    let paused = false;
    const continueIfPaused = (): void => {
        const proc = current();
        if (proc && paused) signalServerTree(proc, "SIGCONT");
        paused = false;
    };
    return {
        pause: async () => {
            const proc = current();
            if (!proc) throw new Error("server not started");
            signalServerTree(proc, "SIGSTOP");
            paused = true;
        },
        resume: async () => {
            if (current() && paused) continueIfPaused();
        },
        continueIfPaused,
    };
}
