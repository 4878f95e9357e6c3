/**
 * Resolve a stack's configuration the way the Pulumi CLI does, without the CLI: typed defaults from
 * Pulumi.yaml, then the values in Pulumi.<stack>.yaml (which win), type-checked against the declared
 * type. The result is what `pulumi.runtime.setAllConfig` takes: fully-qualified keys, string values.
 *
 * Secrets (`secure:` values) cannot be decrypted offline; they resolve to a placeholder and are listed
 * in `secretKeys` so the runtime still treats them as secrets.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export interface ResolvedConfig {
    readonly project: string;
    readonly stack: string;
    /** `namespace:key` → string value, as the CLI passes config to a program. */
    readonly values: Record<string, string>;
    readonly secretKeys: string[];
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
    const project = parse(readFileSync(projectFile, "utf8")) as { name: string; config?: Record<string, Declared | unknown> };
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
        const d: Declared = spec !== null && typeof spec === "object" && !Array.isArray(spec) ? (spec as Declared) : { default: spec };
        declared.set(full, d);
        if (d.default !== undefined) {
            checkType("Pulumi.yaml", full, d.type, d.default);
            values[full] = asConfigString(d.default);
        }
    }
    for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
        const full = key.includes(":") ? key : `${project.name}:${key}`;
        if (value !== null && typeof value === "object" && "secure" in (value as object)) {
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
    return { project: project.name, stack, values, secretKeys };
}

export function listStacks(projectDir = path.resolve(__dirname, "../..")): string[] {
    const { readdirSync } = require("node:fs") as typeof import("node:fs");
    return readdirSync(projectDir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}
