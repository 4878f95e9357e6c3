/**
 * Resolve a stack's configuration the way the Pulumi CLI does, without the CLI: typed defaults from
 * Pulumi.yaml, then the values in Pulumi.<stack>.yaml (which win), type-checked against the declared
 * type. The result is what `pulumi.runtime.setAllConfig` takes: fully-qualified keys, string values.
 *
 * Secrets (`secure:` values) cannot be decrypted offline; they resolve to a placeholder and are listed
 * in `secretKeys` so the runtime still treats them as secrets.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export interface ResolvedConfig {
    readonly project: string;
    readonly stack: string;
    /** `namespace:key` → string value, as the CLI passes config to a program. */
    readonly values: Record<string, string>;
    readonly secretKeys: string[];
    /** Keys declared in Pulumi.yaml (fully qualified) with their declared type, if any. */
    readonly declared: Record<string, string | undefined>;
}

/** One `--set key=value` applied by {@link applyOverride}: what the run changed. */
export interface ConfigOverride {
    readonly key: string;
    /** The value the stack would have had without the override (undefined: not set at all). */
    readonly from?: string;
    readonly to: string;
    /** Set by the offline preview: false when the plan is the same without this override. */
    readonly changesPlan?: boolean;
}

type Declared = { type?: string; default?: unknown; secret?: boolean };

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function checkType(file: string, key: string, type: string | undefined, value: unknown): void {
    const ok =
        type === undefined ||
        (type === "string" && typeof value === "string") ||
        (type === "integer" && Number.isInteger(typeof value === "string" ? Number(value) : value) && String(value).trim() !== "") ||
        (type === "boolean" && (typeof value === "boolean" || value === "true" || value === "false")) ||
        (type === "array" && Array.isArray(value));
    if (!ok) {
        throw new Error(`${file}: config key "${key}" must be of type ${type} (got ${JSON.stringify(value)}).`);
    }
}

export function resolveStackConfig(stack: string, projectDir = path.resolve(__dirname, "../..")): ResolvedConfig {
    const projectFile = path.join(projectDir, "Pulumi.yaml");
    const project = parse(readFileSync(projectFile, "utf8")) as { name: string; config?: Record<string, unknown> };
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!existsSync(stackFile)) {
        throw new Error(`No stack file ${path.basename(stackFile)}: stacks are ${listStacks(projectDir).join(", ") || "(none)"}.`);
    }
    const stackDoc = (parse(readFileSync(stackFile, "utf8")) ?? {}) as { config?: Record<string, unknown> };

    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    const declared = new Map<string, Declared>();
    for (const [key, spec] of Object.entries(project.config ?? {})) {
        // Project-level keys without a namespace belong to the project, as in the CLI.
        const full = key.includes(":") ? key : `${project.name}:${key}`;
        const d: Declared = spec !== null && typeof spec === "object" && !Array.isArray(spec) ? spec : { default: spec };
        declared.set(full, d);
        if (d.default !== undefined) {
            checkType("Pulumi.yaml", full, d.type, d.default);
            values[full] = asConfigString(d.default);
        }
    }
    for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
        const full = key.includes(":") ? key : `${project.name}:${key}`;
        if (value !== null && typeof value === "object" && "secure" in value) {
            values[full] = "[secret: decrypted only by the Pulumi CLI]";
            secretKeys.push(full);
            continue;
        }
        if (full.startsWith(`${project.name}:`) && !declared.has(full)) {
            throw new Error(`${path.basename(stackFile)}: config key "${full}" is not declared in Pulumi.yaml (check the spelling).`);
        }
        checkType(path.basename(stackFile), full, declared.get(full)?.type, value);
        values[full] = asConfigString(value);
    }
    return { project: project.name, stack, values, secretKeys, declared: Object.fromEntries([...declared].map(([k, d]) => [k, d.type])) };
}

/**
 * Apply one `key=value` override the way `pulumi config set` would for this run only, with the checks a
 * stack file gets: a project key must be declared in Pulumi.yaml and the value must have its declared
 * type. Keys of other namespaces (`aws:region`) are passed through, as the CLI does. Throws a message
 * naming the key on any mistake; returns what changed.
 */
export function applyOverride(resolved: ResolvedConfig, assignment: string): ConfigOverride {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new Error(`--set expects key=value (got "${assignment}").`);
    const key = assignment.slice(0, eq);
    const value = assignment.slice(eq + 1);
    const full = key.includes(":") ? key : `${resolved.project}:${key}`;
    if (full.startsWith(`${resolved.project}:`) && !(full in resolved.declared)) {
        const short = full.slice(resolved.project.length + 1);
        const near = Object.keys(resolved.declared)
            .map((k) => k.slice(resolved.project.length + 1))
            .filter((k) => k.toLowerCase().includes(short.toLowerCase().slice(0, 6)) || short.toLowerCase().includes(k.toLowerCase()));
        throw new Error(
            `--set: config key "${full}" is not declared in Pulumi.yaml (check the spelling${near.length ? `; did you mean ${near.join(", ")}?` : ""}).`,
        );
    }
    const type = resolved.declared[full];
    // Values arrive as strings; arrays are given as JSON, as `pulumi config set --path` would store them.
    let typed: unknown = value;
    if (type === "array") {
        try {
            typed = JSON.parse(value);
        } catch {
            typed = value;
        }
    }
    checkType("--set", full, type, typed);
    const from = resolved.values[full];
    resolved.values[full] = type === "array" ? JSON.stringify(typed) : value;
    return { key: full, from, to: resolved.values[full] };
}

export function listStacks(projectDir = path.resolve(__dirname, "../..")): string[] {
    return readdirSync(projectDir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}
