/**
 * The offline preview's plan and its human-readable rendering, kept pure (no Pulumi runtime) so the
 * text form can be produced from a `--json` plan — by the CLI and by tests alike.
 */
import type { Finding, Summary } from "../../policy/evaluate";
import { formatFindings } from "../../policy/evaluate";
import { formatCostTable, type CostEstimate } from "./cost";

export interface PlanResource {
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
    readonly urn: string;
}

export interface Plan {
    readonly stack: string;
    readonly environment: string;
    readonly resources: PlanResource[];
    readonly counts: Record<string, number>;
    readonly outputs: Record<string, unknown>;
    readonly policy: { summary: Summary; findings: Finding[] };
    readonly cost: CostEstimate;
    readonly diagram: string;
}

/** Resources as an indented tree (children under their parent, in registration order). */
export function resourceTree(resources: readonly PlanResource[]): string[] {
    const children = new Map<string | undefined, PlanResource[]>();
    const urns = new Set(resources.map((r) => r.urn));
    for (const r of resources) {
        const parent = r.parent && urns.has(r.parent) ? r.parent : undefined;
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const lines: string[] = [];
    const walk = (parent: string | undefined, prefix: string) => {
        const list = children.get(parent) ?? [];
        list.forEach((r, i) => {
            const last = i === list.length - 1;
            lines.push(`${prefix}${last ? "└─ " : "├─ "}${r.type}  ${r.name}`);
            walk(r.urn, prefix + (last ? "   " : "│  "));
        });
    };
    walk(undefined, "");
    return lines;
}

export function renderPlanText(plan: Plan): string {
    const out: string[] = [];
    out.push(`Offline preview of stack "${plan.stack}" (mocked runtime: ids, ARNs and endpoints below are placeholders)`, "");
    out.push(`Resources (${plan.resources.length}):`, ...resourceTree(plan.resources), "");
    out.push("Counts by type:");
    for (const [type, n] of Object.entries(plan.counts).sort()) out.push(`  ${String(n).padStart(3)}  ${type}`);
    out.push("", "Outputs:");
    for (const [key, value] of Object.entries(plan.outputs)) out.push(`  ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
    out.push("", `Policy (${plan.environment} enforcement, ${plan.policy.summary.resources} resources checked by the policy pack's controls):`);
    out.push(...formatFindings(plan.policy.findings, plan.policy.summary).map((l) => `  ${l}`));
    out.push("", "Monthly cost estimate (assumptions per row):", formatCostTable(plan.cost));
    out.push("", "Architecture (Mermaid, derived from the resource graph):", "```mermaid", plan.diagram.trimEnd(), "```");
    return `${out.join("\n")}\n`;
}
