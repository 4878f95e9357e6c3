/**
 * Where does catalogue-api spend its CPU under load? Runs one server variant with --cpu-prof under the same
 * load as bench/throughput.ts (one variant, loopback, bounded), then attributes self time by package /
 * layer and lists the hottest functions. Results: bench/.out/profile.json (+ the .cpuprofile for DevTools).
 *
 *   node -r @swc-node/register bench/profile.ts [--variant app|ceiling] [--duration 8] [--node 24] [--no-report]
 */
import fs from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { POOL_MAX, startBenchDatabases } from "./lib/dbs";
import { OUT_DIR, REPO_ROOT, boundedInt, busyNote, machineInfo, benchCli, runtimes, writeJson } from "./lib/env";
import { runBench, spawnTracked, stopChild } from "./lib/procs";
import { writeReport } from "./report";

interface ProfileNode {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
    children?: number[];
}
interface CpuProfile {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
    samples: number[];
    timeDeltas: number[];
}

export interface ProfileResult {
    readonly machine: ReturnType<typeof machineInfo>;
    readonly command: string;
    readonly node: string;
    readonly variant: string;
    readonly endpoint: string;
    readonly reqPerSec: number;
    readonly busyPercent: number;
    readonly byLayer: Array<{ layer: string; percent: number }>;
    readonly topFunctions: Array<{ fn: string; where: string; percent: number }>;
    readonly notes: string[];
}

/** Layer of a frame: a node_modules package, node internals, our code, or V8 pseudo-frames. */
function layerOf(url: string, fn: string): string {
    if (!url) {
        if (fn === "(garbage collector)") return "GC";
        if (fn === "(idle)") return "(idle)";
        if (fn === "(program)") return "(program: V8/native)";
        return `native: ${fn || "(anonymous)"}`;
    }
    const nm = url.lastIndexOf("node_modules/");
    if (nm >= 0) {
        const rest = url.slice(nm + "node_modules/".length).split("/");
        return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
    }
    if (url.startsWith("node:")) {
        const mod = url.slice(5).split("/")[1] ?? url.slice(5);
        return `node:${url.includes("/http") || mod.startsWith("_http") ? "http" : url.includes("stream") ? "streams" : url.includes("net") ? "net" : url.includes("fs") ? "fs" : "other"}`;
    }
    if (url.includes("/packages/service-kit/")) return "service-kit";
    if (url.includes("/apps/")) return "app code";
    return url.replace(/^file:\/\//, "").replace(REPO_ROOT, ".");
}

function summarise(profile: CpuProfile): { busy: number; byLayer: Map<string, number>; byFn: Map<string, { where: string; us: number }> } {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const selfUs = new Map<number, number>();
    profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const byLayer = new Map<string, number>();
    const byFn = new Map<string, { where: string; us: number }>();
    let total = 0;
    let idle = 0;
    for (const [id, us] of selfUs) {
        const node = byId.get(id)!;
        const layer = layerOf(node.callFrame.url, node.callFrame.functionName);
        total += us;
        if (layer === "(idle)") {
            idle += us;
            continue;
        }
        byLayer.set(layer, (byLayer.get(layer) ?? 0) + us);
        const key = `${node.callFrame.functionName || "(anonymous)"} @ ${layer}`;
        const where = `${node.callFrame.url.replace(/^file:\/\//, "").replace(`${REPO_ROOT}/`, "")}:${node.callFrame.lineNumber + 1}`;
        const cur = byFn.get(key) ?? { where, us: 0 };
        cur.us += us;
        byFn.set(key, cur);
    }
    return { busy: total === 0 ? 0 : (total - idle) / total, byLayer, byFn };
}

async function main(): Promise<void> {
    const machine = machineInfo();
    const args = benchCli(
        {
            command: "node -r @swc-node/register bench/profile.ts",
            summary: "CPU profile of one catalogue-api server variant under the throughput load.",
        },
        {
            variant: { type: "string", value: "<app|ceiling>", description: "server variant to profile (default app)" },
            duration: { type: "string", value: "<s>", description: "seconds under load (2–30, default 8)" },
            node: { type: "string", value: "<major>", description: "Node version (default 24)" },
            "no-report": { type: "boolean", description: "do not regenerate docs/performance.md" },
        },
    );
    const durationS = boundedInt(args.duration, 8, 2, 30, "duration");
    const variant = args.variant ?? "app";
    if (variant !== "app" && variant !== "ceiling") throw new Error("--variant app|ceiling");
    const [runtime] = runtimes(args.node ?? "24");
    if (!runtime) throw new Error("no Node runtime");
    const dbs = await startBenchDatabases(100);
    const profDir = fs.mkdtempSync(path.join(OUT_DIR, "prof-"));
    const c = dbs.catalogue;
    const child = spawnTracked(
        runtime.bin,
        [
            "--cpu-prof",
            `--cpu-prof-dir=${profDir}`,
            "-r",
            "@swc-node/register",
            path.join(REPO_ROOT, "bench", "servers", "catalogue.ts"),
            variant,
        ],
        {
            cwd: REPO_ROOT,
            env: {
                PATH: process.env.PATH ?? "",
                NODE_ENV: "production",
                PORT: "0",
                LOG_LEVEL: "info",
                DB_POOL_MAX: String(POOL_MAX),
                DB_HOST: c.host,
                DB_PORT: String(c.port),
                DB_USER: c.user,
                DB_PASSWORD: c.password,
                DB_NAME: c.database,
            },
            stdio: ["ignore", "ignore", "inherit", "ipc"],
        },
    );
    const port = await new Promise<number>((resolve, reject) => {
        child.once("message", (m: { port?: number }) => (m.port ? resolve(m.port) : reject(new Error("bad message"))));
        child.once("exit", (code) => reject(new Error(`server exited ${code}`)));
    });
    const url = `http://127.0.0.1:${port}/catalogue`;
    await autocannon({ url, connections: 32, duration: 2 });
    const r = await autocannon({ url, connections: 32, duration: durationS });
    await stopChild(child, 10_000);
    const file = fs.readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error(`no .cpuprofile written in ${profDir}`);
    const profile = JSON.parse(fs.readFileSync(path.join(profDir, file), "utf8")) as CpuProfile;
    const { busy, byLayer, byFn } = summarise(profile);
    const busyUs = [...byLayer.values()].reduce((a, b) => a + b, 0);
    const pct = (us: number): number => Math.round((us / busyUs) * 1000) / 10;
    const result: ProfileResult = {
        machine,
        command: `node -r @swc-node/register bench/profile.ts ${process.argv.slice(2).join(" ")}`.trim(),
        node: runtime.version,
        variant,
        endpoint: "catalogue-api GET /catalogue",
        reqPerSec: Math.round(r.requests.total / r.duration),
        busyPercent: Math.round(busy * 1000) / 10,
        byLayer: [...byLayer.entries()]
            .map(([layer, us]) => ({ layer, percent: pct(us) }))
            .sort((a, b) => b.percent - a.percent)
            .slice(0, 14),
        topFunctions: [...byFn.entries()]
            .map(([fn, v]) => ({ fn, where: v.where, percent: pct(v.us) }))
            .sort((a, b) => b.percent - a.percent)
            .slice(0, 15),
        notes: [
            busyNote(machine),
            `Profile (includes start-up and warm-up): ${path.relative(REPO_ROOT, path.join(profDir, file))} — open it in Chrome DevTools → Performance.`,
        ].filter((n): n is string => n !== undefined),
    };
    writeJson(`profile-${variant}.json`, result);
    process.stdout.write(
        `${result.endpoint} ${variant} on ${runtime.version}: ${result.reqPerSec} req/s, main thread busy ${result.busyPercent} %\n`,
    );
    for (const l of result.byLayer) process.stdout.write(`  ${l.layer.padEnd(36)} ${l.percent.toFixed(1).padStart(5)} %\n`);
    process.stdout.write("Hottest functions (self time):\n");
    for (const f of result.topFunctions) process.stdout.write(`  ${f.percent.toFixed(1).padStart(5)} %  ${f.fn}  (${f.where})\n`);
    if (!args["no-report"]) writeReport();
}

runBench(main);
