// Offline policy evaluation for the offline preview (scripts/): the same controls the pack runs, over the
// resources the mocked program registered, with the enforcement table of the chosen environment.
import { controls as catalogue, runControl, runStackControl, stackControls } from "./rules";
import { Control, Environment, Props, StackControl, enforcementOf, type RunOptions } from "./types";
import { withoutUnknowns } from "./unknowns";

export interface EvaluatedResource {
    readonly type: string;
    readonly name: string;
    /** Resource inputs as plain JSON; a present-but-undefined value is "not known yet" and passes. */
    readonly props: Props;
    /** URN, parent URN and whether it is a custom resource: what the stack-level controls read (absent: not checked by them). */
    readonly urn?: string;
    readonly parent?: string;
    readonly custom?: boolean;
}

export interface Finding {
    readonly controlId: string;
    readonly resourceType: string;
    readonly resourceName: string;
    readonly enforcement: "advisory" | "mandatory";
    readonly message: string;
}

export interface Summary {
    readonly environment: Environment;
    readonly resources: number;
    readonly mandatory: number;
    readonly advisory: number;
    /** Findings per control id, for the preview's table. */
    readonly byControl: Readonly<Record<string, number>>;
    /** True when nothing mandatory was violated: what `pulumi preview --policy-pack` would let through. */
    readonly passed: boolean;
}

/** Every violation of every control enabled in `environment`, in resource order then control order. */
export function evaluate(
    resources: readonly EvaluatedResource[],
    environment: Environment,
    list: readonly Control[] = catalogue,
    options: RunOptions = {},
    stackList: readonly StackControl[] = stackControls,
): Finding[] {
    const findings: Finding[] = [];
    // Stack controls, as the pack's StackValidationPolicies run them: over every resource that has a URN.
    const stackResources = resources
        .filter((r) => r.urn !== undefined)
        .map((r) => ({
            type: r.type,
            name: r.name,
            urn: r.urn!,
            parent: r.parent,
            custom: r.custom ?? true,
            props: withoutUnknowns(r.props ?? {}),
        }));
    const names = new Map(stackResources.map((r) => [r.urn, r]));
    for (const c of stackList) {
        const enforcement = c.enforcement[environment];
        if (enforcement === "disabled" || stackResources.length === 0) continue;
        for (const v of runStackControl(c, stackResources, { environment })) {
            const r = v.urn === undefined ? undefined : names.get(v.urn);
            findings.push({
                controlId: c.id,
                resourceType: r?.type ?? "pulumi:pulumi:Stack",
                resourceName: r?.name ?? "(stack)",
                enforcement,
                message: v.message,
            });
        }
    }
    for (const r of resources) {
        for (const c of list) {
            const enforcement = enforcementOf(c, environment, options);
            if (enforcement === "disabled") continue;
            // The pack's own adapter (policies.ts): a value unknown until apply (a preview) passes, as it does there.
            for (const message of runControl(c, r.type, withoutUnknowns(r.props ?? {}), { environment })) {
                findings.push({ controlId: c.id, resourceType: r.type, resourceName: r.name, enforcement, message });
            }
        }
    }
    return findings;
}

export function summarize(findings: readonly Finding[], environment: Environment, resources: number): Summary {
    const byControl: Record<string, number> = {};
    for (const f of findings) byControl[f.controlId] = (byControl[f.controlId] ?? 0) + 1;
    const mandatory = findings.filter((f) => f.enforcement === "mandatory").length;
    return { environment, resources, mandatory, advisory: findings.length - mandatory, byControl, passed: mandatory === 0 };
}

/** evaluate() and summarize() in one call, for callers that want both. */
export function evaluateWithSummary(
    resources: readonly EvaluatedResource[],
    environment: Environment,
    options: RunOptions = {},
): { findings: Finding[]; summary: Summary } {
    const findings = evaluate(resources, environment, catalogue, options);
    return { findings, summary: summarize(findings, environment, resources.length) };
}

/** Plain-text report lines: "[mandatory] control-id  type name: message", then the summary. */
export function formatFindings(findings: readonly Finding[], summary: Summary): string[] {
    const lines = findings.map((f) => `[${f.enforcement}] ${f.controlId}  ${f.resourceType} ${f.resourceName}: ${f.message}`);
    lines.push(
        `policy (${summary.environment}): ${summary.resources} resources, ${summary.mandatory} mandatory, ${summary.advisory} advisory — ${summary.passed ? "pass" : "FAIL"}`,
    );
    return lines;
}
