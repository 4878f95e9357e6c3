/**
 * Developer-loop timings: the unit suite cold (fresh jest cache directory, --no-cache) and warm (second run on
 * that cache), and the offline preview per environment (median of N runs).
 *
 *   node -r @swc-node/register bench/tooling.ts [--runs 3] [--stacks dev,staging,prod] [--no-report]
 */
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
}

/** Runs a command to completion (tracked: Ctrl-C stops it) and measures its wall time. */
function timed(command: string, args: readonly string[]): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawnTracked(command, args, { cwd: REPO_ROOT, env: { ...process.env, FORCE_COLOR: "0", CI: "true" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (c: Buffer): void => {
      output = (output + c.toString("utf8")).slice(-20_000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    child.once("error", reject);
    child.once("exit", (code) => resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, ok: code === 0, output }));
  });
}

/** The failed tests' headers (`● …`) of a jest run, its log kept in bench/.out/<logName>. */
function failureSummary(output: string, logName: string): string {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, logName), output);
  const failed = [...new Set(output.split("\n").filter((l) => /^\s+● /.test(l)).map((l) => l.trim()))].slice(0, 10);
  const summary = /Tests:\s+([^\n]+)/.exec(output)?.[1]?.trim() ?? "no test summary (jest did not finish)";
  return `${summary}; ${failed.length ? failed.join("; ") : JSON.stringify(output.slice(-400))} (last 20 kB of its output: bench/.out/${logName})`;
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
    { command: "npm run bench:tooling --", summary: "Developer-loop timings: the unit suite cold, warm and beside a CPU hog, and the offline preview per stack." },
    {
      runs: { type: "string", value: "<n>", description: "offline-preview runs per stack (1–9, default 3)" },
      stacks: { type: "string", value: "<list>", description: "stacks to preview (default dev,staging,prod)" },
      "hog-runs": { type: "string", value: "<n>", description: "unit-suite runs beside two `yes > /dev/null` CPU hogs (0–5, default 3)" },
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
    process.stdout.write(`  ${cold.seconds.toFixed(1)} s ${cold.ok ? "ok" : "FAILED"} (${summary ?? "?"})\n`);
    if (!cold.ok) notes.push(`The cold unit run failed: ${failureSummary(cold.output, "unit-cold.log")}`);
    // --no-cache does not write transforms; if the directory is still empty, prime it once (not measured).
    if (countFiles(cacheDir) === 0) {
      process.stdout.write("  (cache empty after --no-cache: priming it with one unmeasured run)\n");
      await timed("npx", ["jest", "--selectProjects", "unit", "--cacheDirectory", cacheDir]);
      notes.push("`--no-cache` leaves the cache directory empty, so one unmeasured run primed it before the warm measurement.");
    }
    process.stdout.write("Unit suite, warm (same cache)…\n");
    const perFile = path.join(cacheDir, "warm-results.json");
    const warm = await timed("npx", ["jest", "--selectProjects", "unit", "--cacheDirectory", cacheDir, "--json", "--outputFile", perFile]);
    let slowest: Array<{ file: string; seconds: number }> = [];
    let files = 0;
    try {
      const report = JSON.parse(fs.readFileSync(perFile, "utf8")) as { testResults: Array<{ name: string; startTime: number; endTime: number }> };
      files = report.testResults.length;
      slowest = report.testResults
        .map((r) => ({ file: path.relative(REPO_ROOT, r.name), seconds: (r.endTime - r.startTime) / 1000 }))
        .sort((a, b) => b.seconds - a.seconds)
        .slice(0, 8);
    } catch {
      notes.push("jest --json per-file timings were not available");
    }
    process.stdout.write(`  ${warm.seconds.toFixed(1)} s ${warm.ok ? "ok" : "FAILED"}\n`);

    // The same suite beside two busy-looping processes (a loaded 2-core CI machine): it must still pass.
    const hogRuns = boundedInt(args["hog-runs"], 3, 0, 5, "hog-runs");
    const HOGS = 2;
    const hogResults: Array<{ seconds: number; ok: boolean; tests?: string }> = [];
    if (hogRuns > 0) {
      const hogs = Array.from({ length: HOGS }, () => spawnTracked("sh", ["-c", "exec yes > /dev/null"], { stdio: "ignore" }));
      try {
        for (let i = 0; i < hogRuns; i += 1) {
          process.stdout.write(`Unit suite beside ${HOGS} CPU hogs, run ${i + 1}/${hogRuns}…\n`);
          const r = await timed("npx", ["jest", "--selectProjects", "unit", "--cacheDirectory", cacheDir]);
          const tests = /Tests:\s+([^\n]+)/.exec(r.output)?.[1]?.trim();
          hogResults.push({ seconds: r.seconds, ok: r.ok, tests });
          process.stdout.write(`  ${r.seconds.toFixed(1)} s ${r.ok ? "ok" : "FAILED"} (${tests ?? "?"})\n`);
          if (!r.ok) notes.push(`Unit run ${i + 1} beside the CPU hogs failed: ${failureSummary(r.output, `unit-hog-run-${i + 1}.log`)}`);
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
      process.stdout.write(`Offline preview ${stack}: median ${median(times).toFixed(1)} s (${times.map((t) => t.toFixed(1)).join(", ")})${ok ? "" : " FAILED"}\n`);
    }

    const result: ToolingResult = {
      machine,
      command: `node -r @swc-node/register bench/tooling.ts ${process.argv.slice(2).join(" ")}`.trim(),
      unit: { coldS: cold.seconds, warmS: warm.seconds, coldOk: cold.ok, warmOk: warm.ok, tests: summary, files, slowest, workers: jestWorkers(), hog: hogRuns > 0 ? { hogs: HOGS, runs: hogResults } : undefined },
      preview,
      notes,
    };
    writeJson("tooling.json", result);
    if (!args["no-report"]) process.stdout.write(`Report: ${writeReport().map((f) => path.relative(REPO_ROOT, f)).join(", ")}\n`);
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

runBench(main);
