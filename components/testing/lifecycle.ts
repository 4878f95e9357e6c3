/**
 * What `pulumi up` would do between two evaluations of a program, and the order `pulumi destroy` deletes in,
 * read from what the mocks recorded and the provider model (provider-model.ts): which inputs replace a
 * resource, which the provider's Update never sends, and the resource options that change either.
 *
 * - A changed input in the type's `replaceOn` (or the resource's `replaceOnChanges`) replaces it. An entry may name a
 *   nested input (`metadata.name`, `dnsConfig.routingPolicy`): then only a change at or under that path replaces,
 *   as the Kubernetes provider's per-kind ForceNew paths and nested ForceNew attributes do.
 * - A change of only inputs the provider's Update ignores is shown by a preview and applied nowhere
 *   (`"update-ignored"`): the defect class of an Express scaling change.
 * - A replaced resource gets new computed values (id, ARN, name…): every resource whose inputs carry one of
 *   them sees that input change too, which may replace it in turn (the mocks' ids are stable per name, so this
 *   cascade is computed here, not observed).
 * - A resource whose explicit provider is replaced is replaced too (the engine's `providerChanged`: a provider is
 *   replaced only when it can no longer manage the old resources).
 * - Deletes run dependents first: nothing is deleted while a resource that depends on it (its inputs, its
 *   `dependsOn`, its children, the resources its provider manages) still exists.
 */
import type { PropertyBag, RecordedResource } from "./mocks";
import { REMOTE_COMPONENTS, resourceModel, type ResourceModel } from "./provider-model";

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

const isObject = (v: unknown): v is PropertyBag => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Dotted paths (array indices dropped, as the providers' ForceNew paths name list elements) at which `before` and
 * `after` differ: the deepest differing object member, or a list whose length changed.
 */
function changedPaths(before: unknown, after: unknown, path: string, out: Set<string>): void {
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    if (isObject(before) && isObject(after)) {
        for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
            changedPaths(before[k], after[k], path ? `${path}.${k}` : k, out);
        }
    } else if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
        before.forEach((b, i) => changedPaths(b, after[i], path, out));
    } else {
        out.add(path);
    }
}

/** Dotted paths under `value` (itself at `path`) whose leaf text contains one of `values`. */
function pathsCarrying(value: unknown, path: string, values: readonly string[], out: Set<string>): void {
    if (typeof value === "string") {
        if (values.some((x) => value.includes(x))) out.add(path);
    } else if (Array.isArray(value)) {
        value.forEach((v) => pathsCarrying(v, path, values, out));
    } else if (isObject(value)) {
        for (const [k, v] of Object.entries(value)) pathsCarrying(v, path ? `${path}.${k}` : k, values, out);
    }
}

/** A replace-on entry covers a changed path when one is within the other (`spec` covers `spec.selector`, and back). */
const covers = (entry: string, path: string) => path === entry || path.startsWith(`${entry}.`) || entry.startsWith(`${path}.`);

/**
 * The values a replacement changes: what the provider computed (everything in the state the program did not
 * pass) and the id — identities only: an account id, a status word or a timestamp is the same for the new
 * resource and would match unrelated inputs.
 */
function computedValues(r: RecordedResource, models: Models): string[] {
    const values: string[] = [];
    const identity = (v: string) => v.length >= 10 && !/^\d+$/.test(v) && !/^\d{4}-\d{2}-\d{2}T/.test(v);
    const collect = (v: unknown) => {
        if (typeof v === "string" && identity(v)) values.push(v);
        else if (Array.isArray(v)) v.forEach(collect);
        else if (v !== null && typeof v === "object") Object.values(v).forEach(collect);
    };
    for (const [k, v] of Object.entries(r.state)) if (!(k in r.inputs) || k === "id") collect(v);
    // A replacement also gets a new auto-name (the engine names the new resource afresh): dependents holding the
    // name change with it.
    const autoName = resourceModel(r.type, models)?.autoName;
    if (autoName && r.options?.autoNamed) collect(r.inputs[autoName]);
    return values;
}

function classify(r: RecordedResource, fields: readonly string[], paths: ReadonlySet<string>, models: Models): Change {
    if (fields.length === 0) return "same";
    const model = resourceModel(r.type, models);
    if (!r.custom) return "update"; // a remote component: its provider decides per child
    if (fields.includes(PROVIDER_FIELD)) return "replace";
    if (!model?.replaceOn && !r.options?.replaceOnChanges.length) return "unmodelled";
    // `replaceOnChanges` may name list elements (`spec.containers[*].image`); paths here drop indices.
    const replaceOn = [...(model?.replaceOn ?? []), ...(r.options?.replaceOnChanges ?? [])].map((e) => e.replace(/\[[^\]]*\]/g, ""));
    if (replaceOn.some((entry) => [...paths].some((p) => covers(entry, p)))) return "replace";
    const ignored = new Set(model?.ignoredOnUpdate ?? []);
    return fields.every((f) => ignored.has(f)) ? "update-ignored" : "update";
}

/** The field a resource's change is blamed on when its explicit provider is replaced (as the engine reports it). */
const PROVIDER_FIELD = "provider";

/** The provider resource's URN in a provider reference (`<urn>::<id>`). */
const providerUrn = (ref: string | undefined) => (ref ? ref.split("::").slice(0, -1).join("::") : undefined);

/** Rows a test gave the mocks for types the kit does not model (`setupMocks({ resources })`). */
type Models = Readonly<Record<string, ResourceModel>>;

/**
 * What an update from the `before` evaluation to the `after` one does to each resource, by URN. `models`: the rows
 * given to `setupMocks({ resources })`, if any.
 */
export function planChanges(
    before: readonly RecordedResource[],
    after: readonly RecordedResource[],
    models: Models = {},
): Map<string, PlannedChange> {
    const old = new Map(before.filter(tracked).map((r) => [r.urn, r]));
    const now = new Map(after.filter(tracked).map((r) => [r.urn, r]));
    const fields = new Map<string, Set<string>>();
    const paths = new Map<string, Set<string>>();
    for (const [urn, r] of now) {
        const prior = old.get(urn);
        if (!prior) continue;
        fields.set(urn, new Set(changedFields(prior.inputs, r.inputs)));
        const changed = new Set<string>();
        for (const k of fields.get(urn)!) changedPaths(prior.inputs[k], r.inputs[k], k, changed);
        paths.set(urn, changed);
    }
    const kind = (urn: string) => classify(now.get(urn)!, [...fields.get(urn)!], paths.get(urn)!, models);
    const replaced = new Set<string>();
    // Propagate replacements to the inputs that carry the replaced resources' computed values, and to the resources
    // a replaced provider manages, until stable.
    for (let changed = true; changed;) {
        changed = false;
        for (const [urn, r] of now) {
            const prior = old.get(urn);
            if (!prior || replaced.has(urn)) continue;
            const provider = providerUrn(r.provider);
            if (provider && replaced.has(provider)) fields.get(urn)!.add(PROVIDER_FIELD);
            if (kind(urn) !== "replace") continue;
            replaced.add(urn);
            changed = true;
            const values = computedValues(prior, models);
            for (const [depUrn, dep] of now) {
                const depPrior = old.get(depUrn);
                if (!depPrior || !dep.dependsOn.includes(urn)) continue;
                for (const [k, v] of Object.entries(depPrior.inputs)) {
                    if (IGNORED_INPUTS.has(k) || !values.some((x) => JSON.stringify(v).includes(x))) continue;
                    fields.get(depUrn)!.add(k);
                    pathsCarrying(v, k, values, paths.get(depUrn)!);
                }
            }
        }
    }
    const plan = new Map<string, PlannedChange>();
    for (const [urn, r] of now) {
        const f = fields.get(urn);
        plan.set(urn, { type: r.type, name: r.name, change: f ? kind(urn) : "create", fields: f ? [...f].sort() : [] });
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
 * through its inputs or `dependsOn` (recorded by the mocks), as its child, or as a resource it is the explicit
 * provider of (pulumi/pulumi pkg/resource/graph/dependency_graph.go counts the provider reference) — is gone. Returns names; among
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
        const provider = providerUrn(r.provider);
        if (provider && byUrn.has(provider)) dependents.get(provider)!.add(r.urn);
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

/** Whether a resource name is one of `monitor()`'s (observability/alarms.ts, logs.ts): alarms, the unhealthy composite, the dashboard, the log metric filter. */
export const isMonitoring = (name: string): boolean => /-(alarm-.+|unhealthy|dashboard|error-logs)$/.test(name);
