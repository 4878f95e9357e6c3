/**
 * The offline preview's plan and its human-readable rendering, kept pure (no Pulumi runtime) so the
 * text form can be produced from a `--json` plan — by the CLI and by tests alike.
 */
import { APP_RUNNER_CLOSED_ON } from "./platform-notes";
import type { Finding, Summary } from "../../policy/evaluate";
import { formatFindings } from "../../policy/evaluate";
import { formatAlarms, type AlarmRow } from "./alarm-report";
import { formatCostTable, type CostEstimate } from "./cost";
import type { ModelledSummary } from "./modelled";
import type { ConfigOverride } from "./stack-config";

export interface PlanResource {
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
    readonly urn: string;
    /** A component resource (a grouping: no cloud object of its own). */
    readonly component?: boolean;
    /** Not registered by the program under mocks but modelled as a child of a remote component (see modelled.ts). */
    readonly modelled?: boolean;
}

export interface Plan {
    readonly stack: string;
    /**
     * How the program was evaluated: as `pulumi preview` of a new stack (computed values unknown, shown as
     * "(known after apply)") or, with `--update`, as `pulumi up` (computed values are placeholders).
     */
    readonly mode?: "preview" | "update";
    readonly environment: string;
    /**
     * Fargate vCPUs the plan runs (ECS tasks and EKS pods share one account quota per region, L-3032A538): every
     * service at its minimum, and at its maximum (scripts/lib/fargate-footprint.ts).
     */
    readonly fargate?: { readonly floor: number; readonly ceiling: number };
    /** `--set` overrides applied to this run (empty without any). */
    readonly overrides?: ConfigOverride[];
    /** Per-account keys the stack file leaves empty, filled for this offline run only (offline-stand-ins.ts). */
    readonly standIns?: ConfigOverride[];
    readonly resources: PlanResource[];
    readonly counts: Record<string, number>;
    /** What was modelled for the remote components (included in resources, counts, cost and policy). */
    readonly modelled?: ModelledSummary;
    readonly outputs: Record<string, unknown>;
    readonly policy: { summary: Summary; findings: Finding[] };
    /** The policy pack over the modelled children only (reported, not part of the exit code). */
    readonly modelledPolicy?: { summary: Summary; findings: Finding[] };
    readonly cost: CostEstimate;
    readonly diagram: string;
    /** One line per web service: its hosting platform and which accounts can deploy it (platform-notes.ts). */
    readonly platforms?: readonly string[];
    /** Every CloudWatch alarm the plan creates, by owning component (alarm-report.ts). */
    readonly alarms?: readonly AlarmRow[];
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
            lines.push(`${prefix}${last ? "└─ " : "├─ "}${r.type}  ${r.name}${r.modelled ? "  (modelled)" : ""}`);
            walk(r.urn, prefix + (last ? "   " : "│  "));
        });
    };
    walk(undefined, "");
    return lines;
}

/** "N custom resources, M component resources (groupings), K modelled" for the resource heading. */
export function resourceBreakdown(resources: readonly PlanResource[]): string {
    const modelled = resources.filter((r) => r.modelled).length;
    const components = resources.filter((r) => r.component && !r.modelled).length;
    const custom = resources.length - modelled - components;
    return `${custom} resources registered by the program, ${components} component resources (groupings, no cloud object), ${modelled} modelled children of remote components`;
}

export function renderPlanText(plan: Plan): string {
    const out: string[] = [];
    out.push(
        plan.mode === "update"
            ? `Offline preview of stack "${plan.stack}" as \`pulumi up\` (--update; mocked runtime: ids, ARNs and endpoints below are placeholders)`
            : `Offline preview of stack "${plan.stack}" as \`pulumi preview\` of a new stack (mocked runtime: values providers compute are "(known after apply)"; --update resolves them to placeholders)`,
        "",
    );
    if (plan.overrides?.length) {
        out.push("Config overridden for this run (--set):");
        for (const o of plan.overrides)
            out.push(
                `  ${o.key}: ${o.from === undefined ? "(unset)" : o.from} → ${o.to}${o.changesPlan === false ? " (changes nothing in this plan)" : ""}`,
            );
        out.push("");
    }
    if (plan.standIns?.length) {
        out.push(
            "Offline stand-ins for config the stack file leaves to each account (`pulumi preview` refuses the stack until they are set):",
        );
        for (const o of plan.standIns) out.push(`  ${o.key} = ${o.to}`);
        out.push("");
    }
    out.push(`Resources (${plan.resources.length}):`);
    out.push(`  ${resourceBreakdown(plan.resources)}`);
    if (plan.modelled && plan.modelled.total > 0) {
        const of = Object.entries(plan.modelled.components)
            .map(([type, n]) => `${n} ${type}`)
            .join(", ");
        out.push(
            `  Under mocks a remote component (${of}) is one node: its provider never runs. The ${plan.modelled.total} children marked`,
            "  (modelled) are derived from the providers' source (scripts/lib/modelled.ts) and are counted, priced and",
            "  checked by the policy pack like the rest; their names and properties approximate what `pulumi preview` shows.",
        );
    }
    out.push(...resourceTree(plan.resources), "");
    out.push("Counts by type:");
    for (const [type, n] of Object.entries(plan.counts).sort()) out.push(`  ${String(n).padStart(3)}  ${type}`);
    if (plan.fargate) {
        out.push(
            "",
            `Fargate vCPUs: ${plan.fargate.floor} with every service at its minimum, ${plan.fargate.ceiling} at its maximum — within the account's "Fargate On-Demand vCPU resource count" quota (L-3032A538)? New accounts start lower: check it before the first \`up\`.`,
        );
    }
    out.push("", "Outputs:");
    for (const [key, value] of Object.entries(plan.outputs))
        out.push(`  ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
    if (plan.platforms && plan.platforms.length > 0) {
        out.push("", `Hosting platforms (App Runner is closed to new customers since ${APP_RUNNER_CLOSED_ON}):`);
        for (const note of plan.platforms) out.push(`  - ${note}`);
    }
    if (plan.alarms) {
        out.push("", `Alarms (${plan.alarms.length}; what each watches, when it fires, where it goes — docs/monitoring.md):`);
        out.push(...formatAlarms(plan.alarms));
    }
    out.push(
        "",
        `Policy (${plan.environment} enforcement, ${plan.policy.summary.resources} resources checked by the policy pack's controls):`,
    );
    out.push(...formatFindings(plan.policy.findings, plan.policy.summary).map((l) => `  ${l}`));
    if (plan.modelledPolicy && plan.modelledPolicy.summary.resources > 0) {
        out.push(
            "",
            `Policy on modelled children (${plan.modelledPolicy.summary.resources} resources the remote components' providers create; reported here, not part of the exit code, until the model is checked against a real \`pulumi preview\`):`,
        );
        out.push(...formatFindings(plan.modelledPolicy.findings, plan.modelledPolicy.summary).map((l) => `  ${l}`));
    }
    out.push("", "Monthly cost estimate (assumptions per row):", formatCostTable(plan.cost));
    out.push("", "Architecture (Mermaid, derived from the resource graph):", "```mermaid", plan.diagram.trimEnd(), "```");
    return `${out.join("\n")}\n`;
}
