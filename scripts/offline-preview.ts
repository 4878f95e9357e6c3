/**
 * Offline preview: evaluate the real index.ts for a stack under the same mocked runtime the tests use,
 * with config resolved as the Pulumi CLI resolves it, and print the plan — no cloud account, no CLI.
 *
 *   npm run preview:offline -- [--stack dev] [--json] [--output plan.json] [--set key=value ...] [--update]
 *
 * It evaluates the program as `pulumi preview` of a new stack does: every value a provider computes (ids,
 * ARNs, endpoints) is unknown, so code that only runs once a value is known does not run, as in the real
 * preview. `--update` evaluates it as `pulumi up` instead: computed values resolve to placeholders in the
 * providers' formats (components/testing/provider-model.ts).
 *
 * `--set` overrides one config value for this run only (what-if, or to see a validation error), the
 * way `pulumi config set` would, without touching the stack file: the key must be declared in
 * Pulumi.yaml and the value must have its declared type. The plan lists each override and warns about one
 * that changes nothing (the program is evaluated again without it and the two plans compared).
 *
 * Exit codes: 0 plan printed; 1 the program failed (invalid config, invalid component args…) or a
 * mandatory policy control is violated; 2 bad command line (unknown option, unknown stack, an
 * undeclared or mistyped --set). Output is flushed before exiting, so a pipe gets the whole plan.
 */
import "./lib/supported-node";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Environment } from "../policy/types";
import type { Plan } from "./lib/plan-report";
import { applyOverride, listStacks, resolveStackConfig, type ConfigOverride, type ResolvedConfig } from "./lib/stack-config";
import { platformNotes, platformSummary } from "./lib/platform-notes";

const DEFAULT_STACK = "dev";
/** How the plan shows a stack output that is unknown until the resources exist (a preview of a new stack). */
const UNKNOWN_OUTPUT = "(known after apply)";

const HELP = `Offline preview: evaluate index.ts for a stack under mocks and print its plan.

usage: npm run preview:offline -- [options]

  -s, --stack <name>     stack to preview: ${listStacks().join(", ")} (default: ${DEFAULT_STACK}, announced on stderr)
      --json             print the plan as JSON (progress and messages go to stderr)
  -o, --output <file>    write the plan to <file> instead of stdout (npm's own "> script" banner goes to
                         stdout, so \`npm run preview:offline -- --json > f\` is not pure JSON; use this or npm run -s)
      --set key=value    override one config value for this run (repeatable); the key must be declared in
                         Pulumi.yaml and the value must have its declared type; an override that changes
                         nothing in the plan is reported with a warning
      --update           evaluate as \`pulumi up\` (computed values resolved to placeholders) instead of as
                         \`pulumi preview\` of a new stack (computed values unknown: "(known after apply)")
  -h, --help             this help

exit codes: 0 plan printed; 1 program failed (invalid config or component arguments) or a mandatory
policy control is violated; 2 bad command line
`;

/** A mistake on the command line: exit code 2. */
class UsageError extends Error {}

/** Exit with `code` once everything written to stdout and stderr has been flushed to the pipe or file. */
function exitAfterFlush(code: number): void {
    let pending = 2;
    const done = (): void => {
        if (--pending === 0) process.exit(code);
    };
    // An empty write's callback runs after every earlier write on that stream has been handed to the OS.
    process.stdout.write("", done);
    process.stderr.write("", done);
}

let exiting = false;
/** Set while the preview re-evaluates the program to see what a --set changes: a failure there is a finding, not an exit. */
let comparison: { failed: boolean } | undefined;
function failAndExit(error: unknown): void {
    if (comparison) {
        comparison.failed = true;
        return;
    }
    if (exiting) return;
    exiting = true;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
        process.stderr.write(
            `${message}\nusage: npm run preview:offline -- [--stack <${listStacks().join("|")}>] [--json] [--output file] [--set key=value ...] (--help for more)\n`,
        );
        exitAfterFlush(2);
    } else {
        process.stderr.write(`\n✖ offline preview failed:\n${message}\n`);
        exitAfterFlush(1);
    }
}

/** Progress on stderr (stdout stays clean for --json): resources registered so far. */
function startProgress(count: () => number, as: "preview" | "update"): () => void {
    if (!process.stderr.isTTY) {
        process.stderr.write(`evaluating index.ts under mocks as ${as === "preview" ? "a preview" : "an update"}…\n`);
        return () => undefined;
    }
    const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
    let i = 0;
    const timer = setInterval(
        () => process.stderr.write(`\r${frames[i++ % frames.length]} evaluating index.ts (${as})… ${count()} resources`),
        80,
    );
    return () => {
        clearInterval(timer);
        process.stderr.write(`\r✔ evaluated index.ts (${as}): ${count()} resources\n`);
    };
}

interface Options {
    readonly stack: string;
    readonly json: boolean;
    /** Evaluate as `pulumi up` (outputs resolve) rather than as `pulumi preview` of a new stack. */
    readonly update: boolean;
    readonly output?: string;
    readonly resolved: ResolvedConfig;
    readonly overrides: ConfigOverride[];
}

/** Everything the command line can get wrong, checked before the Pulumi SDK is even loaded. */
function parseCommandLine(argv: string[]): Options | "help" {
    let values;
    try {
        values = parseArgs({
            args: argv,
            strict: true,
            allowPositionals: false,
            options: {
                stack: { type: "string", short: "s" },
                json: { type: "boolean", default: false },
                output: { type: "string", short: "o" },
                set: { type: "string", multiple: true, default: [] },
                update: { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
        }).values;
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
    if (values.help) return "help";
    const stack = values.stack ?? DEFAULT_STACK;
    if (values.stack === undefined)
        process.stderr.write(`stack: ${DEFAULT_STACK} (the default; choose with --stack <${listStacks().join("|")}>)\n`);
    if (!listStacks().includes(stack)) throw new UsageError(`No stack file Pulumi.${stack}.yaml: stacks are ${listStacks().join(", ")}.`);
    const resolved = resolveStackConfig(stack);
    const overrides: ConfigOverride[] = [];
    for (const assignment of values.set) {
        try {
            overrides.push(applyOverride(resolved, assignment));
        } catch (e) {
            throw new UsageError((e as Error).message);
        }
    }
    for (const o of overrides)
        process.stderr.write(
            `--set ${o.key}: ${o.from === undefined ? "(unset)" : JSON.stringify(o.from)} → ${JSON.stringify(o.to)} (this run only)\n`,
        );
    return { stack, json: values.json, update: values.update, output: values.output, resolved, overrides };
}

async function main(): Promise<number> {
    const options = parseCommandLine(process.argv.slice(2));
    if (options === "help") {
        process.stdout.write(HELP);
        return 0;
    }
    const { stack, resolved } = options;
    // The SDK and the program load only once the command line is known to be good (a usage error is instant).
    const pulumi = await import("@pulumi/pulumi");
    const { settle, setupMocks } = await import("../components/testing/mocks");
    const { evaluateWithSummary } = await import("../policy/evaluate");
    const { estimateMonthlyCost } = await import("./lib/cost");
    const { alarmRows } = await import("./lib/alarm-report");
    const { fargateFootprint } = await import("./lib/fargate-footprint");
    const { mermaidDiagram } = await import("./lib/diagram");
    const { modelRemoteChildren } = await import("./lib/modelled");
    const { renderPlanText } = await import("./lib/plan-report");
    const { applyOfflineStandIns } = await import("./lib/offline-stand-ins");

    // After the --set overrides: a key the run sets is no longer empty, so it gets no stand-in.
    const standIns = applyOfflineStandIns(resolved);
    for (const o of standIns) {
        process.stderr.write(
            `offline stand-in ${o.key} = ${o.to} (Pulumi.${stack}.yaml leaves it to the account; \`pulumi preview\` refuses the stack until it is set)\n`,
        );
    }
    /** Run index.ts once under fresh mocks with `values` as the stack's config, as a preview of a new stack or as an update. */
    const evaluate = async (values: Record<string, string>, preview: boolean, progress = true) => {
        pulumi.runtime.setAllConfig(values, resolved.secretKeys);
        const mocks = setupMocks({ stack, project: resolved.project, region: values["aws:region"], preview });
        const stop = progress ? startProgress(() => mocks.resources.length, preview ? "preview" : "update") : () => undefined;
        let exported: Record<string, unknown> = {};
        try {
            await pulumi.runtime.runInPulumiStack(async () => {
                // index.ts exports its program as an async function, as `pulumi` runs it: call it, await it.
                const program = (await import("../index")).default as unknown as () => Promise<Record<string, unknown>>;
                exported = await program();
                return exported;
            });
            await settle();
        } finally {
            stop();
        }
        if (mocks.unmockedInvokes.length > 0) throw new Error(`unmocked invokes: ${mocks.unmockedInvokes.join(", ")}`);
        return { mocks, exported };
    };
    /** The stack outputs as the plan shows them. */
    const outputsOf = async (exported: Record<string, unknown>): Promise<Record<string, unknown>> => {
        const outputs: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(exported)) {
            if (key === "default" || value === undefined) continue;
            if (pulumi.Output.isInstance(value)) {
                // `isKnown` is the SDK's own flag (Output's constructor sets it; not in its type declarations): an unknown
                // output never runs an apply, so waiting on one would hang, as `pulumi preview` shows it instead.
                const known = await (value as unknown as { isKnown: Promise<boolean> }).isKnown;
                outputs[key] = (await pulumi.isSecret(value))
                    ? "[secret]"
                    : known
                      ? await new Promise((r) => value.apply(r))
                      : UNKNOWN_OUTPUT;
            } else {
                outputs[key] = value;
            }
        }
        return outputs;
    };
    /** Everything an update's evaluation decides, as one comparable string: each resource's place and inputs, and the outputs. */
    const fingerprint = async (run: Awaited<ReturnType<typeof evaluate>>): Promise<string> =>
        JSON.stringify({
            resources: [...run.mocks.resources].sort((a, b) => a.urn.localeCompare(b.urn)).map((r) => [r.urn, r.parent, r.inputs]),
            outputs: await outputsOf(run.exported),
        });

    const first = await evaluate(resolved.values, !options.update);
    const { mocks, exported } = first;
    // The cost estimate and the diagram link resources by the ids and ARNs they pass each other, which a preview
    // does not know yet: they read an update's evaluation of the same program (stacks/preview-parity.test.ts
    // shows the two plan the same resources; it is checked again here).
    const resolvedRun = options.update ? first : await evaluate(resolved.values, false);
    const urns = (rs: readonly { urn: string }[]) => JSON.stringify(rs.map((r) => r.urn).sort());
    if (urns(mocks.resources) !== urns(resolvedRun.mocks.resources)) {
        throw new Error("the program registers different resources as a preview and as an update (see stacks/preview-parity.test.ts)");
    }

    // A --set that changes nothing (e.g. a key only the other hosting platform reads) passes every check, so say
    // so: evaluate the update again without it and compare. One more evaluation per override, only with --set.
    const overrides: ConfigOverride[] = [];
    if (options.overrides.length > 0) {
        const withAll = await fingerprint(resolvedRun);
        /** Whether `values` give another plan; a program that fails on them does (it needs the override). */
        const differs = async (values: Record<string, string>): Promise<boolean> => {
            comparison = { failed: false };
            try {
                const other = await fingerprint(await evaluate(values, false, false));
                return comparison.failed || other !== withAll;
            } catch {
                return true;
            } finally {
                comparison = undefined;
            }
        };
        for (const o of options.overrides) {
            const without = { ...resolved.values };
            if (o.from === undefined) delete without[o.key];
            else without[o.key] = o.from;
            const changesPlan = o.from !== o.to && (await differs(without));
            overrides.push({ ...o, changesPlan });
            if (!changesPlan)
                process.stderr.write(
                    `⚠ --set ${o.key}=${o.to} changes nothing in this plan: every resource and output is the same without it. ` +
                        `Here ${platformSummary(resolved.values, resolved.project)}; a key that only the other platform or a ` +
                        `switched-off program reads has no effect (Pulumi.yaml describes each key).\n`,
                );
        }
    }

    const registered = mocks.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    const resolvedRegistered = resolvedRun.mocks.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    // The remote components (awsx:ec2:Vpc, eks:index:Cluster) are one node each under mocks; add the
    // children their providers create, from their documented behaviour, marked as modelled.
    const modelled = modelRemoteChildren(registered, resolved.values["aws:region"]);
    const resources = [...registered, ...modelled.resources];
    const counts: Record<string, number> = {};
    for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    const outputs = await outputsOf(exported);

    const environment = resolved.values[`${resolved.project}:environment`] as Environment;
    // URN, parent and kind let the stack-level controls (a service and its alarms) see how resources relate.
    const asEvaluated = (list: typeof resources) =>
        list.map((r) => ({ type: r.type, name: r.name, props: r.inputs, urn: r.urn, parent: r.parent, custom: r.custom }));
    // The exit code follows the resources the program registered; the modelled children are checked
    // separately, reported in their own section, and flagged on stderr when a mandatory control fails.
    const retiring = { retiring: resolved.values[`${resolved.project}:retire`] === "true" };
    const policy = evaluateWithSummary(asEvaluated(registered), environment, retiring);
    const modelledPolicy = evaluateWithSummary(asEvaluated(modelled.resources), environment, retiring);
    const modelledUrns = new Set(modelled.resources.map((r) => r.urn));

    const plan: Plan = {
        stack,
        mode: options.update ? "update" : "preview",
        environment,
        overrides,
        standIns,
        resources: resources.map((r) => ({
            type: r.type,
            name: r.name,
            parent: r.parent,
            urn: r.urn,
            ...(r.custom ? {} : { component: true }),
            ...(modelledUrns.has(r.urn) ? { modelled: true } : {}),
        })),
        counts,
        modelled: modelled.summary,
        outputs,
        policy,
        modelledPolicy,
        cost: estimateMonthlyCost([...resolvedRegistered, ...modelled.resources]),
        fargate: (({ floor, ceiling }) => ({ floor, ceiling }))(fargateFootprint(resolvedRegistered)),
        diagram: mermaidDiagram(resolvedRegistered),
        platforms: platformNotes(resolved.values, resolved.project),
        alarms: alarmRows(resolvedRegistered),
    };
    const text = options.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanText(plan);
    if (options.output) {
        writeFileSync(options.output, text);
        process.stderr.write(`plan written to ${options.output}\n`);
    } else {
        process.stdout.write(text);
    }
    if (!modelledPolicy.summary.passed) {
        process.stderr.write(
            `\n⚠ ${modelledPolicy.summary.mandatory} mandatory policy violation(s) on modelled children of remote components in stack "${stack}" (see "Policy on modelled children"); a real \`pulumi preview --policy-pack policy\` would refuse them too if the model holds.\n`,
        );
    }
    if (!policy.summary.passed) {
        process.stderr.write(
            `\n✖ ${policy.summary.mandatory} mandatory policy violation(s) in stack "${stack}"; \`pulumi preview --policy-pack policy\` would refuse this plan.\n`,
        );
        return 1;
    }
    return 0;
}

// Errors raised inside apply() callbacks surface as unhandled rejections: they are program failures.
process.on("unhandledRejection", failAndExit);
process.on("uncaughtException", failAndExit);
main().then((code) => {
    if (!exiting) exitAfterFlush(code);
}, failAndExit);
