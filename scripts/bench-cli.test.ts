/**
 * The benchmark scripts' command lines. `benchCli` (bench/lib/env.ts) is what every step calls first, so
 * its behaviour is tested in-process; `npm run bench -- --help` is run once for real, because the point is
 * that the chain (bench/all.ts) answers before running any step.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { benchCli } from "../bench/lib/env";

const ROOT = path.resolve(__dirname, "..");

const SPEC = {
    runs: { type: "string", value: "<n>", description: "runs per stack" },
    "no-report": { type: "boolean", description: "do not regenerate the report" },
} as const;

class Exit extends Error {
    constructor(readonly code: number | undefined) {
        super(`exit ${code}`);
    }
}

/** benchCli on `argv`, with process.exit / stdout / stderr captured. */
function cli(...argv: string[]): { code?: number; values?: unknown; stdout: string; stderr: string } {
    let stdout = "";
    let stderr = "";
    const exit = jest.spyOn(process, "exit").mockImplementation((code?: string | number | null) => {
        throw new Exit(code === null || code === undefined ? undefined : Number(code));
    });
    const out = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    const err = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    try {
        const values = benchCli({ command: "npm run bench:x --", summary: "A benchmark." }, SPEC, argv);
        return { values, stdout, stderr };
    } catch (e) {
        if (e instanceof Exit) return { code: e.code, stdout, stderr };
        throw e;
    } finally {
        exit.mockRestore();
        out.mockRestore();
        err.mockRestore();
    }
}

describe("benchCli", () => {
    it("should return the options it was given, booleans as booleans", () => {
        expect(cli("--runs", "2", "--no-report").values).toEqual({ runs: "2", "no-report": true });
        expect(cli().values).toEqual({ runs: undefined, "no-report": false });
    });

    it("should print usage with every option and exit 0 on --help", () => {
        const r = cli("--help");
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^usage: npm run bench:x -- \[options\]/m);
        for (const option of ["--runs <n>", "--no-report", "-h, --help", "exit codes:"]) expect(r.stdout).toContain(option);
    });

    it.each([
        [["--no-such-option"], "Unknown option '--no-such-option'"],
        [["--runs"], "Option '--runs <value>' argument missing"],
        [["catalogue-list"], "Unexpected argument 'catalogue-list'"],
    ])("should refuse %j with exit code 2 and the reason", (argv, reason) => {
        const r = cli(...argv);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(reason);
        expect(r.stderr).toContain("usage: npm run bench:x -- [options]");
    });
});

describe("npm run bench", () => {
    it("should run bench/all.ts, which parses its command line before any step", () => {
        expect(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.bench).toBe(
            "exec node -r @swc-node/register bench/all.ts",
        );
    });

    it("should print the chain's usage on -- --help and exit 0 without running any step", async () => {
        const r = await new Promise<{ status: number | null; stdout: string }>((resolve) =>
            execFile(
                process.execPath,
                ["-r", "@swc-node/register", "bench/all.ts", "--help"],
                { cwd: ROOT, encoding: "utf8", timeout: 300_000 },
                (error, stdout) => resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout }),
            ),
        );
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/^usage: npm run bench -- \[options\]/m);
        expect(r.stdout).toContain("bench/tooling.ts");
        expect(r.stdout).not.toContain("=== bench/");
    }, 300_000);
});
