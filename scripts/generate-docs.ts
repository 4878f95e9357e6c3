/**
 * Regenerates the environment documentation from the stack files and the offline preview:
 * docs/environments.md and the generated block of README.md.
 *
 *   npm run docs            # write
 *   npm run docs -- --check # exit 1 when the committed files are stale
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { formatCostTable } from "./lib/cost";
import { controls } from "../policy/rules";
import { environmentsDoc, policyControlsDoc, readmeSection, spliceReadme, type EnvironmentPlan } from "./lib/environments-doc";
import { listStacks, resolveStackConfig } from "./lib/stack-config";

const ROOT = path.resolve(__dirname, "..");
export const ENVIRONMENT_ORDER = ["dev", "staging", "prod"];

/** Build a plan from the preview's --json output and the stack's resolved config. */
export function environmentPlan(stack: string, previewJson: string): EnvironmentPlan {
    const plan = JSON.parse(previewJson);
    const { project, values } = resolveStackConfig(stack, ROOT);
    const config = Object.fromEntries(
        Object.entries(values)
            .filter(([k]) => k.startsWith(`${project}:`))
            .map(([k, v]) => [k.slice(project.length + 1), v]),
    );
    return { stack, config, counts: plan.counts, cost: plan.cost, diagram: plan.diagram, policy: plan.policy };
}

/** The two generated files' expected contents for these plans. */
export function renderDocs(plans: EnvironmentPlan[], readme: string): { environments: string; policy: string; readme: string } {
    const ordered = [...plans].sort((a, b) => ENVIRONMENT_ORDER.indexOf(a.stack) - ENVIRONMENT_ORDER.indexOf(b.stack));
    return {
        environments: `${environmentsDoc(ordered, formatCostTable)}\n`,
        policy: policyControlsDoc(controls),
        readme: spliceReadme(readme, readmeSection(ordered)),
    };
}

function main(): void {
    const { check } = parseArgs({ options: { check: { type: "boolean", default: false } } }).values;
    const plans = listStacks(ROOT).map((stack) => {
        const run = spawnSync(process.execPath, ["-r", "@swc-node/register", "scripts/offline-preview.ts", "--stack", stack, "--json"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, SWC_NODE_SOURCE_MAP_MODE: "inline" } });
        if (run.status !== 0) throw new Error(`offline preview of ${stack} failed:\n${run.stderr}`);
        return environmentPlan(stack, run.stdout);
    });
    const files = {
        environments: path.join(ROOT, "docs", "environments.md"),
        policy: path.join(ROOT, "docs", "policy-controls.md"),
        readme: path.join(ROOT, "README.md"),
    };
    const rendered = renderDocs(plans, readFileSync(files.readme, "utf8"));
    const current = { environments: safeRead(files.environments), policy: safeRead(files.policy), readme: readFileSync(files.readme, "utf8") };
    if (check) {
        const stale = (Object.keys(files) as (keyof typeof files)[]).filter((k) => rendered[k] !== current[k]);
        if (stale.length > 0) {
            process.stderr.write(`stale: ${stale.map((k) => path.relative(ROOT, files[k])).join(", ")} — run \`npm run docs\`\n`);
            process.exit(1);
        }
        process.stdout.write("docs are up to date\n");
        return;
    }
    for (const key of Object.keys(files) as (keyof typeof files)[]) writeFileSync(files[key], rendered[key]);
    process.stdout.write("wrote docs/environments.md, docs/policy-controls.md and the generated block of README.md\n");
}

function safeRead(file: string): string {
    try {
        return readFileSync(file, "utf8");
    } catch {
        return "";
    }
}

if (require.main === module) main();
