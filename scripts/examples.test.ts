/**
 * The Pulumi YAML consumer (examples/yaml/Pulumi.yaml) against the package schema the plugin serves
 * (components/schema.json, itself checked against the analyzer by component-schema.test.ts): every
 * component type exists, every property is an input of that component (recursively through the shared
 * types), required inputs are set, literal values have the declared type, and every `${resource.output}`
 * names an output. Without the Pulumi CLI this is what can be checked of `pulumi package add` + `pulumi up`.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { PackageSpec, Property } from "@pulumi/pulumi/provider/experimental/schema";

const ROOT = path.resolve(__dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "yaml");
const program = parse(readFileSync(path.join(EXAMPLE, "Pulumi.yaml"), "utf8")) as {
    packages?: Record<string, string>;
    config?: Record<string, unknown>;
    resources: Record<string, { type: string; properties?: Record<string, unknown> }>;
    outputs?: Record<string, unknown>;
};
const schema = JSON.parse(readFileSync(path.join(ROOT, "components", "schema.json"), "utf8")) as PackageSpec;
const PREFIX = `${schema.name}:`;

const INTERPOLATION = /\$\{([^}]+)\}/g;
const isInterpolation = (v: unknown) => typeof v === "string" && /^\$\{[^}]+\}$/.test(v);

/** Whether `value` is a string interpolating another resource's output (config values are known up front). */
const refersToOutput = (value: unknown) =>
    typeof value === "string" && [...value.matchAll(INTERPOLATION)].some((m) => m[1].split(".")[0] in program.resources);

/** Problems of `value` against the schema property `prop`, at `where`. */
export function valueProblems(where: string, value: unknown, prop: Property, spec: PackageSpec): string[] {
    // A plain input must be known before deployment: another resource's output cannot go there.
    if (prop.plain && refersToOutput(value)) return [`${where}: takes no outputs (plain input), got ${String(value)}`];
    if (isInterpolation(value)) return []; // an output or config value: its type is checked where it is produced
    if ("$ref" in prop) {
        const local = /^#\/types\/(.+)$/.exec(prop.$ref);
        if (!local) return [];
        const type = spec.types[local[1]];
        if (!type) return [`${where}: type ${local[1]} is not in the schema`];
        if (type.enum)
            return type.enum.some((e) => e.value === value)
                ? []
                : [`${where}: ${JSON.stringify(value)} is not one of ${type.enum.map((e) => JSON.stringify(e.value)).join(", ")}`];
        return objectProblems(where, value, type.properties ?? {}, type.required ?? [], spec);
    }
    switch (prop.type) {
        case "array":
            if (!Array.isArray(value)) return [`${where}: expected a list`];
            return value.flatMap((v, i) => (prop.items ? valueProblems(`${where}[${i}]`, v, prop.items, spec) : []));
        case "object":
            if (value === null || typeof value !== "object" || Array.isArray(value)) return [`${where}: expected a map`];
            return Object.entries(value).flatMap(([k, v]) =>
                prop.additionalProperties ? valueProblems(`${where}.${k}`, v, prop.additionalProperties, spec) : [],
            );
        case "string":
            return typeof value === "string" ? [] : [`${where}: expected a string`];
        case "integer":
            return Number.isInteger(value) ? [] : [`${where}: expected an integer`];
        case "number":
            return typeof value === "number" ? [] : [`${where}: expected a number`];
        case "boolean":
            return typeof value === "boolean" ? [] : [`${where}: expected a boolean`];
        default:
            return [];
    }
}

function objectProblems(
    where: string,
    value: unknown,
    properties: Record<string, Property>,
    required: readonly string[],
    spec: PackageSpec,
): string[] {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return [`${where}: expected an object`];
    const given = value as Record<string, unknown>;
    return [
        ...Object.keys(given)
            .filter((k) => !(k in properties))
            .map((k) => `${where}.${k}: not an input (inputs: ${Object.keys(properties).sort().join(", ")})`),
        ...required.filter((k) => !(k in given)).map((k) => `${where}.${k}: required, not set`),
        ...Object.entries(given).flatMap(([k, v]) => (k in properties ? valueProblems(`${where}.${k}`, v, properties[k], spec) : [])),
    ];
}

/** The first chain of `${resource.…}` references that returns to where it started, or [] when there is none. */
function cycleIn(resources: typeof program.resources): string[] {
    const edges = (name: string) =>
        [...JSON.stringify(resources[name].properties ?? {}).matchAll(INTERPOLATION)]
            .map((m) => m[1].split(".")[0])
            .filter((target) => target in resources);
    const visit = (name: string, path: string[]): string[] => {
        if (path.includes(name)) return [...path.slice(path.indexOf(name)), name];
        for (const next of edges(name)) {
            const found = visit(next, [...path, name]);
            if (found.length > 0) return found;
        }
        return [];
    };
    for (const name of Object.keys(resources)) {
        const found = visit(name, []);
        if (found.length > 0) return found;
    }
    return [];
}

const components = Object.entries(program.resources).filter(([, r]) => r.type.startsWith(PREFIX));

describe("examples/yaml: a Pulumi YAML consumer of the plugin package", () => {
    it("should name this repository's components/ directory, a source-based plugin, under packages", () => {
        const source = program.packages?.[schema.name];
        expect(source).toBeDefined();
        expect(path.resolve(EXAMPLE, source!)).toBe(path.join(ROOT, "components"));
        expect(existsSync(path.join(ROOT, "components", "PulumiPlugin.yaml"))).toBe(true);
    });

    it("should use at least two of the package's components", () => {
        expect(components.length).toBeGreaterThanOrEqual(2);
    });

    it.each(components.map(([name, r]) => [name, r.type]))(
        "should give %s (%s) only inputs the schema declares, with the required ones",
        (name, type) => {
            const resource = schema.resources[type];
            expect(resource).toBeDefined();
            const properties = program.resources[name].properties ?? {};
            expect(objectProblems(name, properties, resource.inputProperties ?? {}, resource.requiredInputs ?? [], schema)).toEqual([]);
        },
    );

    it("should only reference outputs the components declare", () => {
        const text = JSON.stringify({ resources: program.resources, outputs: program.outputs });
        const problems: string[] = [];
        for (const m of text.matchAll(INTERPOLATION)) {
            const [resourceName, output] = m[1].split(".");
            const resource = program.resources[resourceName];
            if (!resource) {
                if (!(resourceName in (program.config ?? {}))) problems.push(`\${${m[1]}}: no resource or config named ${resourceName}`);
                continue;
            }
            if (!resource.type.startsWith(PREFIX)) continue;
            const outputs = schema.resources[resource.type]?.properties ?? {};
            if (!output || !(output in outputs)) problems.push(`\${${m[1]}}: ${resource.type} has no output ${output}`);
        }
        expect(problems).toEqual([]);
    });

    it("should wire the service to the database without a cycle (the database needs nothing of the service)", () => {
        expect(cycleIn(program.resources)).toEqual([]);
        const api = Object.values(program.resources).find((r) => r.properties?.databases !== undefined);
        expect(api?.properties?.databases).toEqual({ main: "${db.link}" });
        // The check itself: a database that admitted the service's group by hand would close a loop.
        const looped = structuredClone(program.resources);
        looped.db.properties = { ...looped.db.properties, clientSecurityGroupIds: ["${api.securityGroupId}"] };
        expect(cycleIn(looped)).toEqual(["db", "api", "db"]);
    });

    it("should catch a misspelt input, a missing required input, a wrongly typed value and an output in a plain input", () => {
        const table = schema.resources[`${PREFIX}index:DynamoTable`];
        expect(objectProblems("t", { hashKee: "id" }, table.inputProperties ?? {}, table.requiredInputs ?? [], schema)).toEqual([
            expect.stringContaining("t.hashKee: not an input"),
            "t.hashKey: required, not set",
        ]);
        const image = schema.resources[`${PREFIX}index:ContainerImage`];
        expect(objectProblems("i", { retainCount: "ten" }, image.inputProperties ?? {}, image.requiredInputs ?? [], schema)).toEqual([
            "i.context: required, not set",
            "i.retainCount: expected a number",
        ]);
        // hashKey is plain: a resource's output cannot be the table's key.
        expect(
            objectProblems("t", { hashKey: "${api-image.tag}" }, table.inputProperties ?? {}, table.requiredInputs ?? [], schema),
        ).toEqual(["t.hashKey: takes no outputs (plain input), got ${api-image.tag}"]);
    });
});
