/**
 * podman as this project runs it (verified on the CI machines): as root, with runc and the
 * cgroupfs manager (crun fails on the hybrid cgroup layout) and ulimits inside the VM's hard limits
 * (podman's defaults exceed them). No image registry is reachable, so nothing is ever pulled.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { accessSync, constants } from "node:fs";

export const INSTALL_COMMAND = "apt-get install -y podman runc mmdebstrap";

/** Global flags, before the podman sub-command. */
export const PODMAN_GLOBAL = ["--runtime", "/usr/sbin/runc", "--cgroup-manager", "cgroupfs"];
/** Flags for `run` and `build` (RUN steps are containers too). */
export const ULIMITS = ["--ulimit", "nofile=1024:4096", "--ulimit", "nproc=1024:1024"];

function executable(file: string): boolean {
    try {
        accessSync(file, constants.X_OK);
        return true;
    } catch {
        return false;
    }
}

function onPath(bin: string): boolean {
    return (process.env.PATH ?? "").split(":").some((dir) => dir !== "" && executable(`${dir}/${bin}`));
}

/** Throws (never skips) when a tool this command needs is missing, naming the install command. */
export function requireTools(tools: readonly string[] = ["podman", "/usr/sbin/runc", "mmdebstrap"]): void {
    const missing = tools.filter((t) => (t.startsWith("/") ? !executable(t) : !onPath(t)));
    if (missing.length > 0) {
        throw new Error(
            `Missing ${missing.join(", ")}: the container tests need podman, runc and mmdebstrap. Install them with:\n  ${INSTALL_COMMAND}`,
        );
    }
    if (process.getuid?.() !== 0) {
        throw new Error(
            "The container tests run podman as root (rootless podman needs subuid ranges this machine does not have); run as root.",
        );
    }
}

/** Run podman to completion; throws with its stderr on failure. */
export function podman(
    args: readonly string[],
    options: { input?: string; allowFailure?: boolean; cwd?: string } = {},
): SpawnSyncReturns<string> {
    const result = spawnSync("podman", [...PODMAN_GLOBAL, ...args], {
        encoding: "utf8",
        input: options.input,
        cwd: options.cwd,
        maxBuffer: 256 * 1024 * 1024,
    });
    if (!options.allowFailure && result.status !== 0) {
        throw new Error(
            `podman ${args.join(" ")} failed (exit ${result.status}):\n${(result.stderr || result.stdout || String(result.error)).slice(-4000)}`,
        );
    }
    return result;
}

/** Run podman streaming its output to ours with a prefix (long builds); resolves with the exit code. */
export function podmanStreaming(
    args: readonly string[],
    prefix: string,
    options: { cwd?: string; quiet?: boolean } = {},
): Promise<{ code: number; tail: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn("podman", [...PODMAN_GLOBAL, ...args], { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
        let tail = "";
        const onData = (chunk: Buffer) => {
            const text = chunk.toString("utf8");
            tail = (tail + text).slice(-8000);
            if (!options.quiet) {
                for (const line of text.split("\n")) if (line.trim()) process.stdout.write(`${prefix}${line}\n`);
            }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? 1, tail }));
    });
}

export function imageExists(ref: string): boolean {
    return podman(["image", "exists", ref], { allowFailure: true }).status === 0;
}
