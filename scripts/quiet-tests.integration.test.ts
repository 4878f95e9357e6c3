/**
 * What a passing `npm test` prints and leaves behind, checked on a small run of the real jest config: one worker
 * (`--runInBand`), so files of two projects share it as they do in the full run, over a file that starts real
 * databases with a throwaway TLS CA and files whose programs make Pulumi warn. The run prints the summary and
 * nothing else, and its own TMPDIR holds nothing but the tools' caches afterwards.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const FILES = ["apps/catalogue-api/test/catalogue.tls.test.ts", "components/eks-fargate-cluster.test.ts", "stacks/eks-fargate.test.ts"];
/** Caches the tools keep in TMPDIR on purpose (jest's transform cache, Node's compile cache, swc-node's). */
const TOOL_CACHES = /^(jest_\w+|node-compile-cache|swc-node-\w+)$/;
/** jest's closing summary. */
const SUMMARY = /^(Test Suites|Tests|Snapshots|Time): |^Ran all test suites/;

describe("npm test output", () => {
    it("should print only the summary on a passing run and leave nothing in TMPDIR", () => {
        const tmp = mkdtempSync(path.join(os.tmpdir(), "sc-quiet-test-"));
        chmodSync(tmp, 0o755); // the database servers run as the OS users mysql / postgres
        try {
            const run = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "jest", "bin", "jest.js"), "--runInBand", ...FILES], {
                cwd: ROOT,
                env: { ...process.env, TMPDIR: tmp, FORCE_COLOR: "0" },
                encoding: "utf8",
                timeout: 240_000,
            });
            const lines = `${run.stdout}\n${run.stderr}`.split("\n").filter((l) => l.trim() !== "");
            expect({
                status: run.status,
                extra: lines.filter((l) => !SUMMARY.test(l)),
                leftInTmpdir: readdirSync(tmp).filter((name) => !TOOL_CACHES.test(name)),
            }).toEqual({ status: 0, extra: [], leftInTmpdir: [] });
            expect(lines.find((l) => l.startsWith("Test Suites: "))).toBe(`Test Suites: ${FILES.length} passed, ${FILES.length} total`);
        } finally {
            rmSync(tmp, { recursive: true, force: true });
        }
    }, 300_000);
});
