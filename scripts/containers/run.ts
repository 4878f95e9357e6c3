/**
 * Run an app container the way the platforms do — read-only root filesystem (no tmpfs either), every
 * capability dropped, no-new-privileges, the image's non-root user — and observe it from the host.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { podman, PODMAN_GLOBAL, ULIMITS } from "./podman";

export interface RunningContainer {
    readonly name: string;
    readonly url: string;
    /** ms from the container's process start (podman's State.StartedAt) to the first 200 on /health. */
    readonly startToHealthyMs: number;
    /** Host PID of the container's PID 1. */
    readonly pid: number;
}

/** podman prints RFC 3339 with nanoseconds; Date.parse wants milliseconds. */
export function parseStartedAt(value: string): number {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(value);
    if (!m) throw new Error(`unexpected StartedAt ${value}`);
    return Date.parse(`${m[1]}.${(m[2] ?? "0").padEnd(3, "0").slice(0, 3)}${m[3]}`);
}

/** The fields of `podman inspect` that the container tests read. */
export interface ContainerInspect {
    readonly State: { readonly Running: boolean; readonly StartedAt: string; readonly Pid: number };
    readonly HostConfig: { readonly ReadonlyRootfs: boolean };
}

export function inspect(name: string): ContainerInspect {
    return (JSON.parse(podman(["inspect", name]).stdout) as ContainerInspect[])[0];
}

/** Starts the container and polls /health from the host every 5 ms until the first 200 (or `timeoutMs`). */
export async function runContainer(
    name: string,
    image: string,
    port: number,
    env: Record<string, string>,
    timeoutMs = 60_000,
): Promise<RunningContainer> {
    podman(["rm", "--force", "--ignore", name], { allowFailure: true });
    const args = [
        ...PODMAN_GLOBAL,
        "run",
        "--detach",
        "--name",
        name,
        // Host networking: reaches the loopback databases; each container gets its own PORT.
        "--network",
        "host",
        "--read-only",
        "--read-only-tmpfs=false",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        ...ULIMITS,
        ...Object.entries({ ...env, PORT: String(port) }).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
        image,
    ];
    const started = new Promise<{ code: number; err: string }>((resolve) => {
        const child = spawn("podman", args, { stdio: ["ignore", "ignore", "pipe"] });
        let err = "";
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("close", (code) => resolve({ code: code ?? 1, err }));
    });
    const url = `http://127.0.0.1:${port}`;
    let runExit: { code: number; err: string } | undefined;
    void started.then((r) => (runExit = r));
    const deadline = Date.now() + timeoutMs;
    let firstOk: number | undefined;
    while (firstOk === undefined) {
        if (runExit && runExit.code !== 0) throw new Error(`podman run ${name} failed: ${runExit.err}`);
        if (Date.now() > deadline) throw new Error(`${name}: no 200 on /health within ${timeoutMs} ms\n${logs(name)}`);
        try {
            const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
            await res.arrayBuffer();
            if (res.status === 200) firstOk = Date.now();
        } catch {
            // not listening yet
        }
        if (firstOk === undefined) await new Promise((r) => setTimeout(r, 5));
    }
    const run = await started;
    if (run.code !== 0) throw new Error(`podman run ${name} failed: ${run.err}`);
    const state = inspect(name).State;
    return { name, url, startToHealthyMs: firstOk - parseStartedAt(state.StartedAt), pid: state.Pid };
}

export function logs(name: string): string {
    const r = podman(["logs", "--tail", "40", name], { allowFailure: true });
    return `${r.stdout}${r.stderr}`;
}

/** Fields of /proc/<pid>/status (host view: rootful podman without a user namespace maps ids 1:1). */
export function procStatus(pid: number): Record<string, string> {
    return Object.fromEntries(
        readFileSync(`/proc/${pid}/status`, "utf8")
            .split("\n")
            .filter((l) => l.includes(":"))
            .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
    );
}

export function removeContainer(name: string): void {
    podman(["rm", "--force", "--ignore", "--time", "0", name], { allowFailure: true });
}
