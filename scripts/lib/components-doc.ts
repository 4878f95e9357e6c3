/**
 * docs/components.md from the package schema (components/schema.json) plus the `@default` tags of the
 * argument interfaces. The analyzer keeps a property's JSDoc text but drops its tags, and schema `default`
 * values would make every generated SDK apply them a second time, so the defaults are read from the
 * sources here (syntax only, no type checking: cheap).
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import type { PackageSpec, Property, Type } from "@pulumi/pulumi/provider/experimental/schema";

/** interface name → its `extends` names (Omit<X, …>/Pick<X, …> → X) and its own properties' `@default` text. */
export type InterfaceDefaults = Record<string, { extends: string[]; defaults: Record<string, string> }>;

const isSource = (f: string) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".test-util.ts") && !f.endsWith(".d.ts");

/** `@default` tags of every exported interface's properties in `dir`'s top-level sources. */
export function interfaceDefaults(dir: string): InterfaceDefaults {
    const result: InterfaceDefaults = {};
    for (const file of readdirSync(dir).filter(isSource).sort()) {
        const source = ts.createSourceFile(file, readFileSync(path.join(dir, file), "utf8"), ts.ScriptTarget.ES2022, true);
        source.forEachChild((node) => {
            if (!ts.isInterfaceDeclaration(node)) return;
            const heritage = (node.heritageClauses ?? []).flatMap((c) => c.types.map((t) => baseName(t)));
            const defaults: Record<string, string> = {};
            for (const member of node.members) {
                if (!ts.isPropertySignature(member) || !member.name || !ts.isIdentifier(member.name)) continue;
                const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === "default");
                const text = tag ? ts.getTextOfJSDocComment(tag.comment)?.trim() : undefined;
                if (text) defaults[member.name.text] = text;
            }
            result[node.name.text] = { extends: heritage.filter((h): h is string => !!h), defaults };
        });
    }
    return result;
}

function baseName(t: ts.ExpressionWithTypeArguments): string | undefined {
    const name = t.expression.getText();
    if ((name === "Omit" || name === "Pick" || name === "Partial") && t.typeArguments?.[0] && ts.isTypeReferenceNode(t.typeArguments[0]))
        return t.typeArguments[0].typeName.getText();
    return name;
}

/** The `@default` of `property` on `iface` or the nearest interface it extends. */
export function defaultOf(all: InterfaceDefaults, iface: string, property: string, seen = new Set<string>()): string | undefined {
    const entry = all[iface];
    if (!entry || seen.has(iface)) return undefined;
    seen.add(iface);
    if (property in entry.defaults) return entry.defaults[property];
    for (const base of entry.extends) {
        const found = defaultOf(all, base, property, seen);
        if (found !== undefined) return found;
    }
    return undefined;
}

const cell = (text: string | undefined) =>
    (text ?? "")
        .replace(/\s*\n\s*/g, " ")
        .replace(/\|/g, "\\|")
        .trim();
const shortName = (token: string) => token.split(":").pop()!;
const anchor = (name: string) => name.toLowerCase();
/** A default as written in the source: code when it is a value, prose (kept as is) when it already quotes code. */
const code = (text: string | undefined) => (text === undefined ? "" : text.includes("`") ? cell(text) : `\`${cell(text)}\``);

/** A schema type as the docs show it: primitives, `T[]`, `map<string, T>`, links to the types section. */
export function typeLabel(t: Type): string {
    if ("$ref" in t) {
        if (t.$ref === "pulumi.json#/Any") return "any";
        if (t.$ref === "pulumi.json#/Asset" || t.$ref === "pulumi.json#/Archive") return t.$ref.split("/").pop()!;
        const local = /^#\/types\/(.+)$/.exec(t.$ref);
        if (local) return `[${shortName(local[1])}](#${anchor(shortName(local[1]))})`;
        const external = /^\/([^/]+)\/v([^/]+)\/schema\.json#\/resources\/(.+)$/.exec(t.$ref);
        if (external) return `${decodeURIComponent(external[3])} (${external[1]} v${external[2]})`;
        return t.$ref;
    }
    if (t.type === "array" && t.items) return `${typeLabel(t.items)}[]`;
    if (t.type === "object" && t.additionalProperties) return `map<string, ${typeLabel(t.additionalProperties)}>`;
    return t.type;
}

/** Whether an input accepts another resource's output: the property itself, its items or values, or neither. */
export function takesOutputs(p: Property): "yes" | "items" | "values" | "no" {
    if (!p.plain) return "yes";
    if (p.items && !p.items.plain) return "items";
    if (p.additionalProperties && !p.additionalProperties.plain) return "values";
    return "no";
}

const INPUT_HEADER = ["| Name | Type | Required | Takes outputs | Default | Description |", "| --- | --- | --- | --- | --- | --- |"];

function inputRows(props: Record<string, Property>, required: readonly string[], defaults: (p: string) => string | undefined): string[] {
    return Object.keys(props)
        .sort()
        .map(
            (p) =>
                `| \`${p}\` | ${cell(typeLabel(props[p]))} | ${required.includes(p) ? "yes" : "no"} | ${takesOutputs(props[p])} | ${code(defaults(p))} | ${cell(props[p].description)} |`,
        );
}

/** The whole docs/components.md for `schema`; `expected` lists the components the package should have. */
export function renderComponentsDoc(schema: PackageSpec, defaults: InterfaceDefaults, expected: readonly string[]): string {
    const resources = Object.keys(schema.resources);
    const present = new Set(resources.map(shortName));
    const missing = expected.filter((c) => !present.has(c));
    const out: string[] = [
        "# Components reference",
        "",
        "<!-- Generated by `npm run docs` from components/schema.json (Pulumi's schema analyzer over components/) and the",
        "     `@default` tags of the argument interfaces. Do not edit by hand. -->",
        "",
        `Package \`${schema.name}\` ${schema.version ?? ""}: ${cell(schema.description)}`,
        "",
        "Every type token is `serverless-containers:index:<Component>`. TypeScript programs import the classes from the npm",
        "package (not published yet: the tarball `npm pack` writes; see docs/using-components.md); other languages get an SDK",
        'with `pulumi package add`. "Takes outputs" says whether an input may be another resource\'s output (yes), only its list items or',
        "map values may (items, values), or it must be a value known before deployment (no: a *plain* input in the schema).",
        "",
    ];
    if (missing.length > 0) {
        out.push(
            `**Not in this schema yet** (the analyzer rejects their arguments today): ${missing.map((m) => `\`${m}\``).join(", ")}.`,
            "",
        );
    }
    out.push("| Component | Summary |", "| --- | --- |");
    for (const token of resources)
        out.push(
            `| [${shortName(token)}](#${anchor(shortName(token))}) | ${cell(schema.resources[token].description?.split(/\n\s*\n/)[0])} |`,
        );
    out.push("");
    for (const token of resources) {
        const r = schema.resources[token];
        const name = shortName(token);
        out.push(`## ${name}`, "", `\`${token}\``, "");
        if (r.description) out.push(r.description.trim(), "");
        out.push("### Inputs", "");
        const inputs = r.inputProperties ?? {};
        if (Object.keys(inputs).length === 0) out.push("None.", "");
        else {
            out.push(...INPUT_HEADER);
            out.push(...inputRows(inputs, r.requiredInputs ?? [], (p) => defaultOf(defaults, `${name}Args`, p)), "");
        }
        out.push("### Outputs", "", "| Name | Type | Description |", "| --- | --- | --- |");
        const outputs = r.properties ?? {};
        for (const p of Object.keys(outputs).sort())
            out.push(`| \`${p}\` | ${cell(typeLabel(outputs[p]))} | ${cell(outputs[p].description)} |`);
        out.push("");
    }
    const types = Object.keys(schema.types).sort((a, b) => shortName(a).localeCompare(shortName(b)));
    if (types.length > 0) {
        out.push("## Types", "");
        for (const token of types) {
            const t = schema.types[token];
            const name = shortName(token);
            out.push(`### ${name}`, "", `\`${token}\``, "");
            if (t.enum) {
                out.push("| Value | Description |", "| --- | --- |");
                for (const e of t.enum) out.push(`| \`${JSON.stringify(e.value)}\` | ${cell(e.description)} |`);
            } else {
                out.push(...INPUT_HEADER);
                out.push(...inputRows(t.properties ?? {}, t.required ?? [], (p) => defaultOf(defaults, name, p)));
            }
            out.push("");
        }
    }
    return `${out.join("\n").trimEnd()}\n`;
}
