/**
 * Regenerates the generated documentation: from the stack files and the offline preview,
 * docs/environments.md (the only copy of the environment tables) and docs/policy-controls.md; from Pulumi's schema
 * analyzer over components/, the package schema components/schema.json and docs/components.md.
 *
 *   npm run docs                        # write
 *   npm run docs -- --check             # exit 1 when the committed files are stale
 *   npm run docs -- --components        # only the component schema and reference (no offline previews)
 *
 * A component the schema analyzer rejects is an error: the schema must describe all nine.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { formatCostTable } from "./lib/cost";
import { controls, stackControls } from "../policy/rules";
import { environmentsDoc, policyControlsDoc, type EnvironmentPlan } from "./lib/environments-doc";
import { listStacks, resolveStackConfig } from "./lib/stack-config";
import { analyzeComponents, COMPONENTS_DIR, SCHEMA_FILE, schemaText } from "./lib/component-schema";
import { interfaceDefaults, renderComponentsDoc } from "./lib/components-doc";
import { COMPONENT_NAMES, PACKAGE_NAME } from "../components/provider-components";

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
export function renderDocs(plans: EnvironmentPlan[]): { environments: string; policy: string } {
    const ordered = [...plans].sort((a, b) => ENVIRONMENT_ORDER.indexOf(a.stack) - ENVIRONMENT_ORDER.indexOf(b.stack));
    return {
        environments: `${environmentsDoc(ordered, formatCostTable)}\n`,
        policy: policyControlsDoc([...controls, ...stackControls]),
    };
}

/** docs/components.md for a schema.json text (the drift test renders the committed schema with this). */
export function componentsDoc(schemaJson: string): string {
    return renderComponentsDoc(JSON.parse(schemaJson), interfaceDefaults(COMPONENTS_DIR), COMPONENT_NAMES);
}

/**
 * Run the analyzer over components/ and render schema.json and docs/components.md. A component the analyzer
 * rejects is an error (each rejection is printed with the analyzer's reason).
 */
export function renderComponentDocs(): { schema: string; components: string } {
    const analysis = analyzeComponents(PACKAGE_NAME, COMPONENT_NAMES);
    for (const r of analysis.rejected) process.stderr.write(`error: the schema analyzer rejects ${r.name}: ${r.error}\n`);
    if (analysis.rejected.length > 0) {
        throw new Error(`${analysis.rejected.length} of ${COMPONENT_NAMES.length} components cannot be expressed in the schema`);
    }
    const schema = schemaText(analysis.schema);
    return { schema, components: componentsDoc(schema) };
}

function main(): void {
    const { check, components: componentsOnly } = parseArgs({
        options: { check: { type: "boolean", default: false }, components: { type: "boolean", default: false } },
    }).values;
    const componentFiles = { schema: SCHEMA_FILE, components: path.join(ROOT, "docs", "components.md") };
    const componentRendered = renderComponentDocs();
    if (componentsOnly) {
        writeOrCheck(check, componentFiles, componentRendered);
        return;
    }
    const plans = listStacks(ROOT).map((stack) => {
        const run = spawnSync(process.execPath, ["-r", "@swc-node/register", "scripts/offline-preview.ts", "--stack", stack, "--json"], {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, SWC_NODE_SOURCE_MAP_MODE: "inline" },
        });
        if (run.status !== 0) throw new Error(`offline preview of ${stack} failed:\n${run.stderr}`);
        return environmentPlan(stack, run.stdout);
    });
    const files = {
        environments: path.join(ROOT, "docs", "environments.md"),
        policy: path.join(ROOT, "docs", "policy-controls.md"),
        ...componentFiles,
    };
    writeOrCheck(check, files, { ...renderDocs(plans), ...componentRendered });
}

function writeOrCheck<K extends string>(check: boolean, files: Record<K, string>, rendered: Record<K, string>): void {
    const keys = Object.keys(files) as K[];
    const names = keys.map((k) => path.relative(ROOT, files[k]));
    if (check) {
        const stale = keys.filter((k) => rendered[k] !== safeRead(files[k]));
        if (stale.length > 0) {
            process.stderr.write(`stale: ${stale.map((k) => path.relative(ROOT, files[k])).join(", ")} — run \`npm run docs\`\n`);
            process.exit(1);
        }
        process.stdout.write("docs are up to date\n");
        return;
    }
    for (const key of keys) writeFileSync(files[key], rendered[key]);
    process.stdout.write(`wrote ${names.join(", ")}\n`);
}

function safeRead(file: string): string {
    try {
        return readFileSync(file, "utf8");
    } catch {
        return "";
    }
}

if (require.main === module) {
    try {
        main();
    } catch (err) {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    }
}
