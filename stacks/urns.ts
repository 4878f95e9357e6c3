/**
 * The URNs the stacks register, and whether a new evaluation keeps every URN of an earlier one — as the engine
 * decides when `pulumi up` runs a changed program against a stack's state: a prior URN is kept when a resource
 * registers it again, or adopted when a resource names it by an alias (its own, or one its parent's alias
 * implies); any other prior URN would be deleted and its resource created again under the new URN.
 *
 * `stacks/urns.baseline.json` holds the URNs of dev, staging and prod on both web-service platforms, written by
 * `npm run urns:baseline` only; `stacks/urns.test.ts` requires every one of them to be kept or adopted.
 */
import * as path from "node:path";
import { engineUrn, qualifiedType, type RecordedResource } from "../components/testing";
import { evaluateProgram } from "./testing";

export const URN_BASELINE_FILE = path.join(__dirname, "urns.baseline.json");

/** The platform keys of the three web services (the EKS service has one platform). */
const PLATFORM_KEYS = ["appRunnerPlatform", "appRunnerVpcPlatform", "visitsDemoPlatform"] as const;

/** One evaluation of the program: a stack file with every web service on one platform. */
export interface UrnCase {
    readonly label: string;
    readonly stack: string;
    readonly overrides: Record<string, string>;
}

/** Every stack file on each platform its config allows (the stack files choose ecs-express; app-runner is the other). */
export const URN_CASES: readonly UrnCase[] = ["dev", "staging", "prod"].flatMap((stack) =>
    (["ecs-express", "app-runner"] as const).map((platform) => ({
        label: `${stack} ${platform}`,
        stack,
        overrides: Object.fromEntries(PLATFORM_KEYS.map((key) => [key, platform])),
    })),
);

/** The resources the program registers for one case, evaluated as `pulumi up` evaluates it. */
export async function evaluateCase(c: UrnCase): Promise<RecordedResource[]> {
    return evaluateProgram(c.stack, c.stack, c.overrides);
}

/** What the engine would make of a stack whose state holds `prior` when the program registers `resources`. */
export interface UrnComparison {
    /** Prior URN → the new URN of the resource that adopts it through an alias. */
    readonly adopted: Readonly<Record<string, string>>;
    /** Prior URNs no resource registers or names by an alias: `pulumi up` would delete and recreate them. */
    readonly lost: string[];
    /** Prior URNs two resources claim (the engine refuses the update: "Duplicate resource alias"). */
    readonly conflicts: string[];
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const typeOf = (urn: string) => qualifiedType(urn).split("$").pop() ?? "";

/**
 * The engine's alias matching (pulumi/pulumi pkg/resource/deploy/step_generator.go, generateSteps and
 * generateAliases): resources in registration order; a resource's own URN first, then its aliases (the mocks
 * record them resolved, `RecordedResource.aliases`), then those its parent's *matched* alias implies — the
 * parent's old type chain, and the child's name with the parent's old name in place of its new one when the
 * child's name starts with the parent's (inheritedChildAlias).
 */
export function compareUrns(prior: readonly string[], resources: readonly RecordedResource[]): UrnComparison {
    const old = new Set(prior);
    const registered = new Set(resources.map((r) => r.urn));
    const kept = new Set<string>();
    const adopted: Record<string, string> = {};
    /** New URN → the prior URN it adopted (the engine's `sg.aliases`). */
    const matchedAlias = new Map<string, string>();
    const conflicts: string[] = [];
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    for (const r of resources) {
        if (old.has(r.urn)) {
            kept.add(r.urn);
            continue;
        }
        const own = r.aliases ?? [];
        const candidates = [...own];
        const parentAlias = r.parent === undefined ? undefined : matchedAlias.get(r.parent);
        const parent = r.parent === undefined ? undefined : byUrn.get(r.parent);
        if (parentAlias !== undefined && parent !== undefined) {
            const inherited = (type: string, name: string) =>
                engineUrn(
                    name.startsWith(parent.name) ? nameOf(parentAlias) + name.slice(parent.name.length) : name,
                    type,
                    parentAlias,
                    r.urn.split("::")[1],
                    r.urn.split("::")[0].slice("urn:pulumi:".length),
                );
            candidates.push(inherited(r.type, r.name), ...own.map((a) => inherited(typeOf(a), nameOf(a))));
        }
        const match = candidates.find((a) => old.has(a));
        if (match === undefined) continue;
        if (registered.has(match) || adopted[match] !== undefined) conflicts.push(match);
        adopted[match] = r.urn;
        matchedAlias.set(r.urn, match);
    }
    const lost = prior.filter((u) => !kept.has(u) && adopted[u] === undefined);
    return { adopted, lost, conflicts };
}
