/**
 * Validate the Kubernetes objects a program registered (as recorded by the mocks) against the Kubernetes
 * OpenAPI schema, with `kubernetes-models` (generated from the upstream OpenAPI spec; each class
 * validates on `.validate()`).
 *
 * kubernetes-models ships as ES modules only ("import" exports), which jest's CommonJS runtime cannot load,
 * so the objects are validated in one child `node` process per call. It checks types, required fields
 * and enums; it does not reject unknown fields — those are caught earlier, at type-check time, because
 * @pulumi/kubernetes' input types are generated from the same OpenAPI schema.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import type { PropertyBag, RecordedResource } from "../../components/testing";

export interface K8sObject {
    /** Pulumi resource name (for messages). */
    readonly name: string;
    readonly object: PropertyBag;
}

/** `kubernetes:apps/v1:Deployment` → `{apiVersion: "apps/v1", kind: "Deployment"}`; core group → `v1`. */
export function apiVersionKind(type: string): { apiVersion: string; kind: string } | undefined {
    const m = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(type);
    if (!m) return undefined;
    const [, group, version, kind] = m;
    return { apiVersion: group === "core" ? version : `${group}/${version}`, kind };
}

/** Types that are Kubernetes API objects (Helm releases and providers are not). */
export function isK8sObject(r: RecordedResource): boolean {
    return r.custom && apiVersionKind(r.type) !== undefined && !r.type.startsWith("kubernetes:helm.sh/");
}

/** The recorded inputs of every Kubernetes object, as the API object they become. */
export function k8sObjectsOf(resources: readonly RecordedResource[]): K8sObject[] {
    return resources.filter(isK8sObject).map((r) => {
        const { apiVersion, kind } = apiVersionKind(r.type)!;
        return { name: r.name, object: { ...r.inputs, apiVersion, kind } };
    });
}

const VALIDATOR = `
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const objects = JSON.parse(Buffer.concat(chunks).toString());
const results = [];
for (const o of objects) {
  // "v1" -> kubernetes-models/v1/Namespace; "apps/v1" -> kubernetes-models/apps/v1/Deployment
  const spec = "kubernetes-models/" + o.apiVersion + "/" + o.kind;
  let Model;
  try { Model = (await import(spec))[o.kind]; } catch (e) { results.push("no schema for " + o.apiVersion + " " + o.kind + ": " + e.message); continue; }
  try { new Model(o).validate(); results.push(null); } catch (e) { results.push(e.message); }
}
process.stdout.write(JSON.stringify(results));
`;

/**
 * Validate objects; returns `"<name> (<kind>): <error>"` for each invalid one (empty when all are valid).
 * Throws if the validator itself cannot run (missing package), so a broken setup never passes silently.
 */
export function schemaErrors(objects: readonly K8sObject[]): string[] {
    if (objects.length === 0) throw new Error("schemaErrors: no Kubernetes objects to validate (did the program register any?)");
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", VALIDATOR], {
        cwd: path.resolve(__dirname, "../.."),
        input: JSON.stringify(objects.map((o) => o.object)),
        encoding: "utf8",
    });
    const results = JSON.parse(out) as (string | null)[];
    if (results.length !== objects.length)
        throw new Error(`schemaErrors: validator answered ${results.length} results for ${objects.length} objects`);
    return results.flatMap((err, i) => (err === null ? [] : [`${objects[i].name} (${objects[i].object.kind}): ${err}`]));
}

/** The pod spec of a Pod-bearing object (Pod, Deployment, Job, CronJob…), or undefined for other kinds. */
export function podSpecOf(object: PropertyBag): PropertyBag | undefined {
    if (object.kind === "Pod") return object.spec;
    if (object.kind === "CronJob") return object.spec?.jobTemplate?.spec?.template?.spec;
    return object.spec?.template?.spec;
}

/** Every container (init and regular) of a Pod-bearing object, or [] for other kinds. */
export function containersOf(object: PropertyBag): PropertyBag[] {
    const spec = podSpecOf(object);
    return spec ? [...(spec.initContainers ?? []), ...(spec.containers ?? [])] : [];
}
