/**
 * The benchmark scripts' command lines: `--help` answers at once (without running the ~16-minute chain)
 * and an unknown option is refused with exit code 2, for `npm run bench` and every step.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

function run(script: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(process.execPath, ["-r", "@swc-node/register", script, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) =>
            resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
        );
    });
}

/** Each command line once, concurrently (every step shares bench/lib/env.ts's benchCli). */
const CASES: Record<string, string[]> = {
    allHelp: ["bench/all.ts", "--help"],
    allUnknown: ["bench/all.ts", "--no-such-option"],
    toolingHelp: ["bench/tooling.ts", "--help"],
    toolingUnknown: ["bench/tooling.ts", "--runs"],
    throughputStray: ["bench/throughput.ts", "catalogue-list"],
};
const results: Record<string, Awaited<ReturnType<typeof run>>> = {};
beforeAll(async () => {
    await Promise.all(Object.entries(CASES).map(async ([name, [script, ...args]]) => (results[name] = await run(script!, ...args))));
}, 120_000);

describe("benchmark command lines", () => {
    it("should print the chain's usage and exit 0 on npm run bench -- --help without running any step", () => {
        const r = results.allHelp!;
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/^usage: npm run bench -- \[options\]/m);
        expect(r.stdout).toContain("bench/tooling.ts");
        expect(r.stdout).not.toContain("=== bench/");
    });

    it("should print a step's options on --help", () => {
        const r = results.toolingHelp!;
        expect(r.status).toBe(0);
        for (const option of ["--runs <n>", "--stacks <list>", "--hog-runs <n>", "--no-report", "-h, --help"]) expect(r.stdout).toContain(option);
    });

    it("should refuse an unknown option with exit code 2", () => {
        expect(results.allUnknown!.status).toBe(2);
        expect(results.allUnknown!.stderr).toContain("Unknown option '--no-such-option'");
    });

    it("should refuse an option without its value with exit code 2", () => {
        expect(results.toolingUnknown!.status).toBe(2);
        expect(results.toolingUnknown!.stderr).toContain("Option '--runs <value>' argument missing");
    });

    it("should refuse a stray argument instead of ignoring it", () => {
        expect(results.throughputStray!.status).toBe(2);
        expect(results.throughputStray!.stderr).toMatch(/Unexpected argument 'catalogue-list'/);
    });
});
