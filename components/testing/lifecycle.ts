/**
 * What `pulumi up` would do between two evaluations of a program, and the order `pulumi destroy` deletes in,
 * read from what the mocks recorded and the provider model (provider-model.ts): which inputs replace a
 * resource, which the provider's Update never sends, and the resource options that change either.
 *
 * - A changed input in the type's `replaceOn` (or the resource's `replaceOnChanges`) replaces it.
 * - A change of only inputs the provider's Update ignores is shown by a preview and applied nowhere
 *   (`"update-ignored"`): the defect class of an Express scaling change.
 * - A replaced resource gets new computed values (id, ARN, name…): every resource whose inputs carry one of
 *   them sees that input change too, which may replace it in turn (the mocks' ids are stable per name, so this
 *   cascade is computed here, not observed).
 * - Deletes run dependents first: nothing is deleted while a resource that depends on it (its inputs, its
 *   `dependsOn`, its children) still exists.
 */
import type { PropertyBag, RecordedResource } from "./mocks";
import { REMOTE_COMPONENTS, resourceModel } from "./provider-model";

export type Change = "create" | "delete" | "replace" | "update" | "update-ignored" | "same" | "unmodelled";

export interface PlannedChange {
    readonly type: string;
    readonly name: string;
    readonly change: Change;
    /** Top-level inputs that differ (after the cascade from replaced resources). */
    readonly fields: readonly string[];
}

/** Resources with a lifecycle of their own: custom resources and remote components (whose children the engine holds). */
const tracked = (r: RecordedResource) => r.custom || REMOTE_COMPONENTS[r.type] !== undefined;

/** Inputs that are the engine's bookkeeping, not the resource's (a dynamic provider's serialized code). */
const IGNORED_INPUTS = new Set(["__provider"]);

function changedFields(before: PropertyBag, after: PropertyBag): string[] {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].filter((k) => !IGNORED_INPUTS.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

/**
 * The values a replacement changes: what the provider computed (everything in the state the program did not
 * pass) and the id — identities only: an account id, a status word or a timestamp is the same for the new
 * resource and would match unrelated inputs.
 */
function computedValues(r: RecordedResource): string[] {
    const values: string[] = [];
    const identity = (v: string) => v.length >= 10 && !/^\d+$/.test(v) && !/^\d{4}-\d{2}-\d{2}T/.test(v);
    const collect = (v: unknown) => {
        if (typeof v === "string" && identity(v)) values.push(v);
        else if (Array.isArray(v)) v.forEach(collect);
        else if (v !== null && typeof v === "object") Object.values(v).forEach(collect);
    };
    for (const [k, v] of Object.entries(r.state)) if (!(k in r.inputs) || k === "id") collect(v);
    return values;
}

function classify(r: RecordedResource, fields: readonly string[]): Change {
    if (fields.length === 0) return "same";
    const model = resourceModel(r.type);
    if (!r.custom) return "update"; // a remote component: its provider decides per child
    if (!model?.replaceOn && !r.options?.replaceOnChanges.length) return "unmodelled";
    const replaceOn = new Set([...(model?.replaceOn ?? []), ...(r.options?.replaceOnChanges ?? [])]);
    if (fields.some((f) => replaceOn.has(f))) return "replace";
    const ignored = new Set(model?.ignoredOnUpdate ?? []);
    return fields.every((f) => ignored.has(f)) ? "update-ignored" : "update";
}

/** What an update from the `before` evaluation to the `after` one does to each resource, by URN. */
export function planChanges(before: readonly RecordedResource[], after: readonly RecordedResource[]): Map<string, PlannedChange> {
    const old = new Map(before.filter(tracked).map((r) => [r.urn, r]));
    const now = new Map(after.filter(tracked).map((r) => [r.urn, r]));
    const fields = new Map<string, Set<string>>();
    for (const [urn, r] of now) {
        const prior = old.get(urn);
        if (prior) fields.set(urn, new Set(changedFields(prior.inputs, r.inputs)));
    }
    const replaced = new Set<string>();
    // Propagate replacements to the inputs that carry the replaced resources' computed values, until stable.
    for (let changed = true; changed;) {
        changed = false;
        for (const [urn, r] of now) {
            const prior = old.get(urn);
            if (!prior || replaced.has(urn) || classify(r, [...fields.get(urn)!]) !== "replace") continue;
            replaced.add(urn);
            changed = true;
            const values = computedValues(prior);
            for (const [depUrn, dep] of now) {
                const depPrior = old.get(depUrn);
                if (!depPrior || !dep.dependsOn.includes(urn)) continue;
                for (const [k, v] of Object.entries(depPrior.inputs)) {
                    const text = JSON.stringify(v);
                    if (!IGNORED_INPUTS.has(k) && values.some((x) => text.includes(x))) fields.get(depUrn)!.add(k);
                }
            }
        }
    }
    const plan = new Map<string, PlannedChange>();
    for (const [urn, r] of now) {
        const f = fields.get(urn);
        plan.set(urn, { type: r.type, name: r.name, change: f ? classify(r, [...f].sort()) : "create", fields: f ? [...f].sort() : [] });
    }
    for (const [urn, r] of old) if (!now.has(urn)) plan.set(urn, { type: r.type, name: r.name, change: "delete", fields: [] });
    return plan;
}

/** `name` of every resource of `plan` whose change is `change`, sorted. */
export function namesWith(plan: Map<string, PlannedChange>, change: Change): string[] {
    return [...plan.values()]
        .filter((p) => p.change === change)
        .map((p) => p.name)
        .sort();
}

/**
 * The order `pulumi destroy` deletes the resources in: a resource only once everything that depends on it —
 * through its inputs or `dependsOn` (recorded by the mocks), or as its child — is gone. Returns names; among
 * resources free at the same time, the later-registered goes first (as the engine's reverse registration order).
 */
export function deleteOrder(resources: readonly RecordedResource[]): string[] {
    const all = resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    const byUrn = new Map(all.map((r) => [r.urn, r]));
    // dependents[x] = resources that must be deleted before x
    const dependents = new Map<string, Set<string>>(all.map((r) => [r.urn, new Set<string>()]));
    for (const r of all) {
        for (const dep of r.dependsOn) dependents.get(dep)?.add(r.urn);
        if (r.parent && byUrn.has(r.parent)) dependents.get(r.parent)!.add(r.urn);
    }
    const order: string[] = [];
    const done = new Set<string>();
    while (done.size < all.length) {
        const free = all.filter((r) => !done.has(r.urn) && [...dependents.get(r.urn)!].every((d) => done.has(d)));
        if (free.length === 0) throw new Error("the recorded dependencies have a cycle");
        const next = free[free.length - 1];
        done.add(next.urn);
        if (tracked(next)) order.push(next.name);
    }
    return order;
}
