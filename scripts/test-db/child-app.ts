import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { eventually } from "./load";

export interface ChildApp {
    readonly child: ChildProcess;
    /** Parsed JSON log lines seen so far on stdout. */
    readonly logs: Record<string, unknown>[];
    readonly stderr: () => string;
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    waitForLog(predicate: (line: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>>;
}

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Runs a service the way `npm run dev` does: `node -r @swc-node/register apps/<name>/src/server.ts`; or, with
 * `nodeArgs`, `node <nodeArgs…>` (e.g. a built dist/server.js with its tracing preload; `entry` is then unused).
 */
export function spawnApp(entry: string, env: Record<string, string>, nodeArgs?: readonly string[]): ChildApp {
    const child = spawn(process.execPath, nodeArgs ? [...nodeArgs] : ["-r", "@swc-node/register", path.join(REPO_ROOT, entry)], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    const logs: Record<string, unknown>[] = [];
    let buffered = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        buffered += chunk;
        let newline = buffered.indexOf("\n");
        while (newline >= 0) {
            const line = buffered.slice(0, newline);
            buffered = buffered.slice(newline + 1);
            try {
                logs.push(JSON.parse(line) as Record<string, unknown>);
            } catch {
                logs.push({ raw: line });
            }
            newline = buffered.indexOf("\n");
        }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    return {
        child,
        logs,
        stderr: () => stderr,
        exited,
        async waitForLog(predicate, what) {
            let found: Record<string, unknown> | undefined;
            await eventually(
                async () => {
                    if (child.exitCode !== null)
                        throw new Error(`app exited (${child.exitCode}) before: ${what}\n${stderr}\n${JSON.stringify(logs)}`);
                    found = logs.find(predicate);
                    return found !== undefined;
                },
                what,
                300,
                100,
            );
            return found!;
        },
    };
}
