/**
 * `npm run bench`: every benchmark in turn, then the report — parsed here first, so `npm run bench -- --help`
 * prints this help (npm appends arguments to this one command, not to each step) and an unknown option is
 * refused before anything runs. Stops at the first step that fails, with its exit code.
 *
 *   npm run bench [-- --help]
 *
 * Each step has its own options (`npm run bench:<step> -- --help`); run a step alone to pass them.
 */
import { spawnSync } from "node:child_process";
import { REPO_ROOT, benchCli } from "./lib/env";

const STEPS: ReadonlyArray<readonly [string, ...string[]]> = [
    ["bench/throughput.ts"],
    ["bench/tooling.ts"],
    ["bench/startup.ts"],
    ["bench/profile.ts", "--variant", "app"],
    ["bench/profile.ts", "--variant", "ceiling"],
    ["bench/report.ts"],
];

benchCli(
    {
        command: "npm run bench --",
        summary: `Every benchmark in turn (about 16 minutes on a 2-core machine), then docs/performance.md:\n${STEPS.map((s) => `  ${s.join(" ")}`).join("\n")}\nEach step has its own options: npm run bench:<throughput|tooling|startup|report> -- --help.`,
    },
    {},
);

for (const [script, ...args] of STEPS) {
    process.stdout.write(`\n=== ${script} ${args.join(" ")}\n`);
    const run = spawnSync(process.execPath, ["-r", "@swc-node/register", script, ...args], { cwd: REPO_ROOT, stdio: "inherit" });
    if (run.status !== 0) {
        process.stderr.write(`✖ ${script} ${args.join(" ")} failed (${run.signal ?? `exit ${run.status}`}); stopping.\n`);
        process.exit(run.status ?? 1);
    }
}
