/**
 * Writes stacks/urns.baseline.json: the URN of every resource the dev, staging and prod stacks register, on both
 * web-service platforms, under the mocks. stacks/urns.test.ts requires a changed program to keep each of them or
 * name it by an alias. Run it only when losing a URN is intended (a resource meant to be replaced or removed):
 *
 *   npm run urns:baseline
 */
import { writeFileSync } from "node:fs";
import { evaluateCase, URN_BASELINE_FILE, URN_CASES } from "../stacks/urns";

async function main(): Promise<void> {
    const baseline: Record<string, string[]> = {};
    for (const c of URN_CASES) {
        baseline[c.label] = (await evaluateCase(c)).map((r) => r.urn).sort();
        process.stderr.write(`${c.label}: ${baseline[c.label].length} URNs\n`);
    }
    writeFileSync(URN_BASELINE_FILE, `${JSON.stringify(baseline, null, 2)}\n`);
    process.stderr.write(`written ${URN_BASELINE_FILE}\n`);
}

main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
});
