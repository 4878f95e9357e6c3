/**
 * The argument checks every component runs first, read from the package schema (components/schema.json:
 * Pulumi's schema analyzer over the `<Component>Args` interfaces, kept equal to them by
 * scripts/component-schema.test.ts). One reading of the interfaces for all nine components, so a new
 * argument is covered without a list to keep in step:
 *   - the arguments are missing (JavaScript, YAML or a cast passed nothing): name the required ones;
 *   - an output or a promise where the interface takes a plain value (`plain` in the schema: a value the
 *     component checks and decides what to create from while the program runs, such as `minSize`, `cpu`,
 *     `port` or a name): one line naming the argument, instead of the SDK's text from reading it as a string.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { componentType } from "./component";
import { isOutputOrPromise, throwIfAny } from "./limits";
import { childNameProblem, type DerivedChild } from "./names";
import type * as pulumi from "@pulumi/pulumi";

interface PropertySpec {
    readonly type?: string;
    readonly $ref?: string;
    readonly plain?: boolean;
    readonly items?: PropertySpec;
    readonly additionalProperties?: PropertySpec;
}
interface TypeSpec {
    readonly properties?: Record<string, PropertySpec>;
}
interface ResourceSpec {
    readonly inputProperties?: Record<string, PropertySpec>;
    readonly requiredInputs?: string[];
}
interface PackageSchema {
    readonly resources: Record<string, ResourceSpec>;
    readonly types?: Record<string, TypeSpec>;
}

let schema: PackageSchema | undefined;

/** schema.json: beside the sources (components/), or one level up from the compiled files (dist/) in the package. */
function packageSchema(): PackageSchema {
    if (!schema) {
        const file = [path.join(__dirname, "schema.json"), path.join(__dirname, "..", "schema.json")].find((f) => existsSync(f));
        if (!file) throw new Error(`serverless-containers: schema.json is missing beside ${__dirname}; reinstall the package.`);
        schema = JSON.parse(readFileSync(file, "utf8")) as PackageSchema;
    }
    return schema;
}

/** "`a`", "`a` and `b`", "`a`, `b` and `c`". */
function listOf(names: readonly string[]): string {
    const quoted = names.map((n) => `\`${n}\``);
    return quoted.length <= 1 ? (quoted[0] ?? "nothing") : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The message for an output or a promise given where the schema says the value must be plain. */
export function plainValueProblem(label: string): string {
    return `\`${label}\` must be a plain value, not an output or a promise: the component checks it and decides what to create from it while the program runs (read it from stack config, or await it before constructing the component).`;
}

function propertyProblems(label: string, spec: PropertySpec, value: unknown): string[] {
    if (value === undefined || !spec.plain) return [];
    if (isOutputOrPromise(value)) return [plainValueProblem(label)];
    if (spec.$ref) {
        const type = packageSchema().types?.[spec.$ref.replace(/^#\/types\//, "")];
        return type?.properties && isPlainObject(value) ? objectProblems(`${label}.`, type.properties, value) : [];
    }
    if (spec.items && Array.isArray(value)) return value.flatMap((item, i) => propertyProblems(`${label}[${i}]`, spec.items!, item));
    if (spec.additionalProperties && isPlainObject(value)) {
        return Object.entries(value).flatMap(([key, item]) => propertyProblems(`${label}.${key}`, spec.additionalProperties!, item));
    }
    return [];
}

function objectProblems(prefix: string, properties: Record<string, PropertySpec>, value: Record<string, unknown>): string[] {
    return Object.entries(properties).flatMap(([key, spec]) => propertyProblems(`${prefix}${key}`, spec, value[key]));
}

/** Problems with a component's arguments as a whole (see the module comment); empty when the component may read them. */
export function argumentProblems(className: string, args: unknown): string[] {
    const resource = packageSchema().resources[componentType(className)];
    if (!resource) throw new Error(`serverless-containers: the schema has no component ${className}.`);
    if (!isPlainObject(args)) return [`the arguments must be an object with at least ${listOf(resource.requiredInputs ?? [])}.`];
    return objectProblems("", resource.inputProperties ?? {}, args);
}

/**
 * Throw, naming the component, when its arguments cannot be read, or when its name would make a child's name longer
 * than AWS allows (`children`: the auto-named children it names after itself). Call first in the constructor.
 */
export function checkArguments(
    className: string,
    name: string,
    args: unknown,
    resource: pulumi.Resource,
    children: readonly DerivedChild[] = [],
): void {
    throwIfAny(className, name, [childNameProblem(name, children), ...argumentProblems(className, args)], resource);
}
