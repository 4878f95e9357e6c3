/**
 * Offline preview: evaluate the real index.ts for a stack under the same mocked runtime the tests use,
 * with config resolved as the Pulumi CLI resolves it, and print the plan — no cloud account, no CLI.
 *
 *   npm run preview:offline -- --stack dev [--json] [--set key=value ...]
 *
 * `--set` overrides one config value for this run only (what-if, or to see a validation error), the
 * way `pulumi config set` would, without touching the stack file.
 *
 * Exit codes: 0 plan printed; 1 the program failed (invalid config, invalid component args…) or a
 * mandatory policy control is violated; 2 bad command line.
 */
import { parseArgs } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { settle, setupMocks } from "../components/testing/mocks";
import { evaluateWithSummary } from "../policy/evaluate";
import type { Environment } from "../policy/types";
import { estimateMonthlyCost } from "./lib/cost";
import { mermaidDiagram } from "./lib/diagram";
import { renderPlanText, type Plan } from "./lib/plan-report";
import { APP_RUNNER_CLOSED_ON, platformNotes } from "./lib/platform-notes";
import { listStacks, resolveStackConfig } from "./lib/stack-config";


function usage(message?: string): never {
    if (message) process.stderr.write(`${message}\n`);
    process.stderr.write(`usage: npm run preview:offline -- --stack <${listStacks().join("|")}> [--json] [--set key=value ...]\n`);
    process.exit(2);
}

function fail(error: unknown): never {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`\n✖ offline preview failed:\n${message}\n`);
    process.exit(1);
}

/** Progress on stderr (stdout stays clean for --json): resources registered so far. */
function startProgress(count: () => number): () => void {
    if (!process.stderr.isTTY) {
        process.stderr.write("evaluating index.ts under mocks…\n");
        return () => undefined;
    }
    const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
    let i = 0;
    const timer = setInterval(() => process.stderr.write(`\r${frames[i++ % frames.length]} evaluating index.ts… ${count()} resources`), 80);
    return () => {
        clearInterval(timer);
        process.stderr.write(`\r✔ evaluated index.ts: ${count()} resources\n`);
    };
}

async function main(): Promise<void> {
    let args;
    try {
        args = parseArgs({
            options: {
                stack: { type: "string", short: "s", default: "dev" },
                json: { type: "boolean", default: false },
                set: { type: "string", multiple: true, default: [] },
            },
        }).values;
    } catch (e) {
        usage((e as Error).message);
    }
    const stack = args.stack as string;
    let resolved;
    try {
        resolved = resolveStackConfig(stack);
    } catch (e) {
        fail(e);
    }
    for (const assignment of args.set as string[]) {
        const eq = assignment.indexOf("=");
        if (eq <= 0) usage(`--set expects key=value (got "${assignment}")`);
        const key = assignment.slice(0, eq);
        resolved.values[key.includes(":") ? key : `${resolved.project}:${key}`] = assignment.slice(eq + 1);
    }

    pulumi.runtime.setAllConfig(resolved.values, resolved.secretKeys);
    const mocks = setupMocks({ stack, project: resolved.project, region: resolved.values["aws:region"] });
    // Errors raised inside apply() callbacks surface as unhandled rejections: they are program failures.
    process.on("unhandledRejection", fail);
    process.on("uncaughtException", fail);

    const stop = startProgress(() => mocks.resources.length);
    let exported: Record<string, unknown> = {};
    try {
        await pulumi.runtime.runInPulumiStack(async () => {
            // index.ts exports its program as an async function, as `pulumi` runs it: call it, await it.
            const program = (await import("../index")).default as unknown as () => Promise<Record<string, unknown>>;
            exported = await program();
            return exported;
        });
        await settle();
    } catch (e) {
        stop();
        fail(e);
    }
    stop();
    if (mocks.unmockedInvokes.length > 0) fail(new Error(`unmocked invokes: ${mocks.unmockedInvokes.join(", ")}`));

    const resources = mocks.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    const counts: Record<string, number> = {};
    for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(exported)) {
        if (key === "default" || value === undefined) continue;
        if (pulumi.Output.isInstance(value)) {
            outputs[key] = (await (value as any).isSecret) ? "[secret]" : await new Promise((r) => (value as pulumi.Output<unknown>).apply(r));
        } else {
            outputs[key] = value;
        }
    }

    const environment = resolved.values[`${resolved.project}:environment`] as Environment;
    const policy = evaluateWithSummary(
        resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs })),
        environment,
    );

    const plan: Plan = {
        stack,
        environment,
        resources: resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent, urn: r.urn })),
        counts,
        outputs,
        policy,
        cost: estimateMonthlyCost(resources),
        diagram: mermaidDiagram(resources),
    };
    const platforms = platformNotes(resolved.values, resolved.project);
    process.stdout.write(
        args.json
            ? `${JSON.stringify({ ...plan, platforms }, null, 2)}\n`
            : `${renderPlanText(plan)}\nHosting platforms (App Runner is closed to new customers since ${APP_RUNNER_CLOSED_ON}):\n${platforms.map((n) => `  - ${n}`).join("\n")}\n`,
    );
    if (!policy.summary.passed) {
        process.stderr.write(`\n✖ ${policy.summary.mandatory} mandatory policy violation(s) in stack "${stack}"; \`pulumi preview --policy-pack policy\` would refuse this plan.\n`);
        process.exit(1);
    }
}

main().then(
    () => process.exit(0),
    (e) => fail(e),
);
