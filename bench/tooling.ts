/**
 * Developer-loop timings: the unit suite cold (fresh jest cache directory, --no-cache) and warm (second run on
 * that cache), the same cold run with jest's stock environment, runtime and sequencer for comparison (what
 * scripts/test-unit/ replaces), and the offline preview per environment (median of N runs). Each unit run
 * reports its wall time, the CPU time of jest and every process it started, and the load average when it
 * began: this 2-core machine is shared, and CPU time moves much less with load than wall time does.
 * The warm run's per-file times are written to scripts/test-unit/durations.json (the sequencer's estimates).
 *
 *   node -r @swc-node/register bench/tooling.ts [--runs 3] [--stacks dev,staging,prod] [--no-report]
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { OUT_DIR, REPO_ROOT, boundedInt, busyNote, machineInfo, median, benchCli, writeJson } from "./lib/env";
import { runBench, spawnTracked } from "./lib/procs";
import type { ToolingResult } from "./lib/types";
import { jestMaxWorkers, writeReport } from "./report";

interface Timed {
    readonly seconds: number;
    readonly ok: boolean;
    readonly output: string;
    /** User + system CPU seconds of the command and every process it waited for (Linux /proc), if measurable. */
    readonly cpuS?: number;
    /** 1-minute load average when the command started. */
    readonly load: number;
}

/** Clock ticks per second of /proc's CPU times. */
const CLOCK_TICKS = ((): number => {
    try {
        return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
        return 100;
    }
})();

/**
 * User + system CPU seconds of this process's reaped children and their reaped descendants (Linux: cutime +
 * cstime in /proc/self/stat), or undefined elsewhere. The difference around one command is that command's
 * whole process tree: npx waits for jest, jest for its workers, the workers for what the tests spawn.
 */
function childrenCpuSeconds(): number | undefined {
    try {
        const stat = fs.readFileSync("/proc/self/stat", "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // Fields 16 and 17 of proc(5), counted from field 3 (the state) after the command name.
        return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
    } catch {
        return undefined;
    }
}

/** Runs a command to completion (tracked: Ctrl-C stops it) and measures its wall time (and CPU time). */
function timed(command: string, args: readonly string[]): Promise<Timed> {
    const load = Math.round(os.loadavg()[0] * 100) / 100;
    const cpuBefore = childrenCpuSeconds();
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawnTracked(command, args, {
            cwd: REPO_ROOT,
            env: { ...process.env, FORCE_COLOR: "0", CI: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        const keep = (c: Buffer): void => {
            output = (output + c.toString("utf8")).slice(-20_000);
        };
        child.stdout!.on("data", keep);
        child.stderr!.on("data", keep);
        child.once("error", reject);
        child.once("exit", (code) => {
            const cpuAfter = childrenCpuSeconds();
            const cpuS = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
            resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, ok: code === 0, output, cpuS, load });
        });
    });
}

/** The failed tests' headers (`● …`) of a jest run, its log kept in bench/.out/<logName>. */
function failureSummary(output: string, logName: string): string {
    fs.mkdirSync(OUT_DIR, { recursive: true });
    fs.writeFileSync(path.join(OUT_DIR, logName), output);
    const failed = [
        ...new Set(
            output
                .split("\n")
                .filter((l) => /^\s+● /.test(l))
                .map((l) => l.trim()),
        ),
    ].slice(0, 10);
    const summary = /Tests:\s+([^\n]+)/.exec(output)?.[1]?.trim() ?? "no test summary (jest did not finish)";
    return `${summary}; ${failed.length ? failed.join("; ") : JSON.stringify(output.slice(-400))} (last 20 kB of its output: bench/.out/${logName})`;
}

/** `12.3 s (CPU 40.1 s, load 0.5)` */
function figures(t: Timed): string {
    return `${t.seconds.toFixed(1)} s${t.cpuS === undefined ? "" : ` (CPU ${t.cpuS.toFixed(1)} s`}, load ${t.load}${t.cpuS === undefined ? "" : ")"}`;
}

/**
 * A jest config that is jest.config.js with jest's stock environment, runtime and sequencer for the unit
 * project: the comparison for what scripts/test-unit/ changes. Written under bench/.out (git-ignored).
 */
function stockJestConfig(): string {
    fs.mkdirSync(OUT_DIR, { recursive: true });
    const file = path.join(OUT_DIR, "jest.stock.config.js");
    fs.writeFileSync(
        file,
        [
            "// Generated by bench/tooling.ts: jest.config.js with jest's stock unit-project environment, runtime and sequencer.",
            `const base = require(${JSON.stringify(path.join(REPO_ROOT, "jest.config.js"))});`,
            `const rootDir = ${JSON.stringify(REPO_ROOT)};`,
            "const { testSequencer, ...rest } = base;",
            'module.exports = { ...rest, rootDir, projects: base.projects.map((p) => (p.displayName === "unit" ? { ...p, rootDir, testEnvironment: "node", runtime: undefined } : { ...p, rootDir })) };',
            "",
        ].join("\n"),
    );
    return file;
}

/** The warm run's per-file seconds as the sequencer's estimates (scripts/test-unit/durations.json). */
function writeDurationEstimates(report: { testResults: Array<{ name: string; startTime: number; endTime: number }> }): void {
    const seconds = Object.fromEntries(
        report.testResults
            .map(
                (r) =>
                    [path.relative(REPO_ROOT, r.name).split(path.sep).join("/"), Math.round((r.endTime - r.startTime) / 100) / 10] as const,
            )
            .sort(([a], [b]) => a.localeCompare(b)),
    );
    const note =
        "Written by `npm run bench:tooling` from a warm unit run: per-file seconds (start to end, 2 workers). scripts/test-unit/sequencer.js starts the longest first when jest has no timings of its own.";
    fs.writeFileSync(path.join(REPO_ROOT, "scripts", "test-unit", "durations.json"), `${JSON.stringify({ note, seconds }, null, 2)}\n`);
}

function countFiles(dir: string): number {
    if (!fs.existsSync(dir)) return 0;
    let n = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) n += entry.isDirectory() ? countFiles(path.join(dir, entry.name)) : 1;
    return n;
}

/** The worker count the suite runs with: jest.config.js's maxWorkers, else jest's default (CPUs − 1, at least 1). */
function jestWorkers(): number {
    return jestMaxWorkers() ?? Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);
}

async function main(): Promise<void> {
    const machine = machineInfo();
    const args = benchCli(
        {
            command: "npm run bench:tooling --",
            summary: "Developer-loop timings: the unit suite cold, warm and beside a CPU hog, and the offline preview per stack.",
        },
        {
            runs: { type: "string", value: "<n>", description: "offline-preview runs per stack (1–9, default 3)" },
            stacks: { type: "string", value: "<list>", description: "stacks to preview (default dev,staging,prod)" },
            "hog-runs": {
                type: "string",
                value: "<n>",
                description: "unit-suite runs beside two `yes > /dev/null` CPU hogs (0–5, default 3)",
            },
            "no-stock": {
                type: "boolean",
                description: "skip the cold comparison run with jest's stock environment, runtime and sequencer",
            },
            "no-report": { type: "boolean", description: "do not regenerate docs/performance.md" },
        },
    );
    const runs = boundedInt(args.runs, 3, 1, 9, "runs");
    const stacks = (args.stacks ?? "dev,staging,prod").split(",");
    const notes: string[] = [busyNote(machine)].filter((n): n is string => n !== undefined);

    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-jest-cache-"));
    try {
        process.stdout.write(`Unit suite, cold (fresh cache ${cacheDir}, --no-cache)…\n`);
        const cold = await timed("npx", ["jest", "--selectProjects", "unit", "--no-cache", "--cacheDirectory", cacheDir]);
        const summary = /Tests:\s+([^\n]+)/.exec(cold.output)?.[1]?.trim();
        process.stdout.write(`  ${figures(cold)} ${cold.ok ? "ok" : "FAILED"} (${summary ?? "?"})\n`);
        if (!cold.ok) notes.push(`The cold unit run failed: ${failureSummary(cold.output, "unit-cold.log")}`);
        // --no-cache does not write transforms; if the directory is still empty, prime it once (not measured).
        if (countFiles(cacheDir) === 0) {
            process.stdout.write("  (cache empty after --no-cache: priming it with one unmeasured run)\n");
            await timed("npx", ["jest", "--selectProjects", "unit", "--cacheDirectory", cacheDir]);
            notes.push("`--no-cache` leaves the cache directory empty, so one unmeasured run primed it before the warm measurement.");
        }
        process.stdout.write("Unit suite, warm (same cache)…\n");
        const perFile = path.join(cacheDir, "warm-results.json");
        const warm = await timed("npx", [
            "jest",
            "--selectProjects",
            "unit",
            "--cacheDirectory",
            cacheDir,
            "--json",
            "--outputFile",
            perFile,
        ]);
        let slowest: Array<{ file: string; seconds: number }> = [];
        let files = 0;
        try {
            const report = JSON.parse(fs.readFileSync(perFile, "utf8")) as {
                testResults: Array<{ name: string; startTime: number; endTime: number }>;
            };
            files = report.testResults.length;
            if (warm.ok) writeDurationEstimates(report);
            slowest = report.testResults
                .map((r) => ({ file: path.relative(REPO_ROOT, r.name), seconds: (r.endTime - r.startTime) / 1000 }))
                .sort((a, b) => b.seconds - a.seconds)
                .slice(0, 8);
        } catch {
            notes.push("jest --json per-file timings were not available");
        }
        process.stdout.write(`  ${figures(warm)} ${warm.ok ? "ok" : "FAILED"}\n`);

        // The same cold run with jest's stock environment, runtime and sequencer, right after, for comparison.
        let stock: Timed | undefined;
        if (!args["no-stock"]) {
            const stockCache = fs.mkdtempSync(path.join(os.tmpdir(), "bench-jest-cache-stock-"));
            try {
                process.stdout.write("Unit suite, cold, jest's stock environment/runtime/sequencer (comparison)…\n");
                stock = await timed("npx", [
                    "jest",
                    "-c",
                    stockJestConfig(),
                    "--selectProjects",
                    "unit",
                    "--no-cache",
                    "--cacheDirectory",
                    stockCache,
                ]);
                process.stdout.write(`  ${figures(stock)} ${stock.ok ? "ok" : "FAILED"}\n`);
                if (!stock.ok) notes.push(`The stock-jest comparison run failed: ${failureSummary(stock.output, "unit-stock.log")}`);
            } finally {
                fs.rmSync(stockCache, { recursive: true, force: true });
            }
        }

        // The same suite beside two busy-looping processes (a loaded 2-core CI machine): it must still pass.
        const hogRuns = boundedInt(args["hog-runs"], 3, 0, 5, "hog-runs");
        const HOGS = 2;
        const hogResults: Array<{ seconds: number; ok: boolean; tests?: string; cpuS?: number; load: number }> = [];
        if (hogRuns > 0) {
            const hogs = Array.from({ length: HOGS }, () => spawnTracked("sh", ["-c", "exec yes > /dev/null"], { stdio: "ignore" }));
            try {
                for (let i = 0; i < hogRuns; i += 1) {
                    process.stdout.write(`Unit suite beside ${HOGS} CPU hogs, run ${i + 1}/${hogRuns}…\n`);
                    const r = await timed("npx", ["jest", "--selectProjects", "unit", "--cacheDirectory", cacheDir]);
                    const tests = /Tests:\s+([^\n]+)/.exec(r.output)?.[1]?.trim();
                    hogResults.push({ seconds: r.seconds, ok: r.ok, tests, cpuS: r.cpuS, load: r.load });
                    process.stdout.write(`  ${figures(r)} ${r.ok ? "ok" : "FAILED"} (${tests ?? "?"})\n`);
                    if (!r.ok)
                        notes.push(
                            `Unit run ${i + 1} beside the CPU hogs failed: ${failureSummary(r.output, `unit-hog-run-${i + 1}.log`)}`,
                        );
                }
            } finally {
                for (const h of hogs) h.kill("SIGKILL");
            }
        }

        const preview: ToolingResult["preview"] = [];
        for (const stack of stacks) {
            const times: number[] = [];
            let ok = true;
            for (let i = 0; i < runs; i += 1) {
                const r = await timed("npm", ["run", "--silent", "preview:offline", "--", "--stack", stack, "--json"]);
                times.push(r.seconds);
                if (!r.ok) {
                    ok = false;
                    notes.push(`preview:offline --stack ${stack} run ${i + 1} failed: ${JSON.stringify(r.output.slice(-400))}`);
                }
            }
            preview.push({ stack, runsS: times, medianS: median(times), ok });
            process.stdout.write(
                `Offline preview ${stack}: median ${median(times).toFixed(1)} s (${times.map((t) => t.toFixed(1)).join(", ")})${ok ? "" : " FAILED"}\n`,
            );
        }

        const result: ToolingResult = {
            machine,
            command: `node -r @swc-node/register bench/tooling.ts ${process.argv.slice(2).join(" ")}`.trim(),
            unit: {
                coldS: cold.seconds,
                warmS: warm.seconds,
                coldOk: cold.ok,
                warmOk: warm.ok,
                coldCpuS: cold.cpuS,
                warmCpuS: warm.cpuS,
                coldLoad: cold.load,
                warmLoad: warm.load,
                stock: stock ? { coldS: stock.seconds, ok: stock.ok, cpuS: stock.cpuS, load: stock.load } : undefined,
                tests: summary,
                files,
                slowest,
                workers: jestWorkers(),
                hog: hogRuns > 0 ? { hogs: HOGS, runs: hogResults } : undefined,
            },
            preview,
            notes,
        };
        writeJson("tooling.json", result);
        if (!args["no-report"])
            process.stdout.write(
                `Report: ${writeReport()
                    .map((f) => path.relative(REPO_ROOT, f))
                    .join(", ")}\n`,
            );
    } finally {
        fs.rmSync(cacheDir, { recursive: true, force: true });
    }
}

runBench(main);
