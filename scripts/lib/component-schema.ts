/**
 * The components' Pulumi package schema, produced the way `pulumi package add` produces it for a nodejs
 * source-based plugin: Pulumi's own `Analyzer` (from @pulumi/pulumi/provider/experimental) over the
 * package directory `components/`, then `generateSchema`. What the analyzer rejects cannot be used from
 * another language, so this is the multi-language contract's test oracle as well as the docs' source.
 *
 * The analyzer builds a TypeScript program from components/tsconfig.json (the slow part) and stops at the
 * first component it cannot express. To report every component's result from one program, each component
 * is analyzed on its own with the same Analyzer instance (its per-run state reset between runs), then the
 * accepted ones together for the schema.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Analyzer, type AnalyzeResult } from "@pulumi/pulumi/provider/experimental/analyzer";
import { generateSchema, type PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";

export const COMPONENTS_DIR = path.resolve(__dirname, "..", "..", "components");
export const SCHEMA_FILE = path.join(COMPONENTS_DIR, "schema.json");

export interface ComponentAnalysis {
    /** Schema of the components the analyzer accepted (all of them, unless some were rejected). */
    readonly schema: PackageSpec;
    /** Component class names the analyzer accepted, in the order asked. */
    readonly accepted: string[];
    /** Component class names it rejected, with its message. */
    readonly rejected: { name: string; error: string }[];
}

/** The analyzer's per-run state (private fields in @pulumi/pulumi 3.270's analyzer.js), reset between runs. */
interface AnalyzerState {
    components: AnalyzeResult["components"];
    typeDefinitions: AnalyzeResult["typeDefinitions"];
    dependencies: AnalyzeResult["dependencies"];
    docStrings: Record<string, string>;
    componentNames: Set<string>;
}

const STATE_KEYS = ["components", "typeDefinitions", "dependencies", "docStrings", "componentNames"] as const;

function analyzeOnly(analyzer: Analyzer, names: readonly string[]): AnalyzeResult {
    // @pulumi/pulumi is pinned; should an upgrade rename these fields, fail loudly rather than mix runs.
    const missing = STATE_KEYS.filter((k) => !(k in analyzer));
    if (missing.length > 0)
        throw new Error(`@pulumi/pulumi's Analyzer no longer has ${missing.join(", ")}: update scripts/lib/component-schema.ts`);
    Object.assign(analyzer as unknown as AnalyzerState, {
        components: {},
        typeDefinitions: {},
        dependencies: [],
        docStrings: {},
        componentNames: new Set(names),
    } satisfies AnalyzerState);
    return analyzer.analyze();
}

/** Analyze `names` (component class names) in `dir` and build the package schema of those accepted. */
export function analyzeComponents(packageName: string, names: readonly string[], dir = COMPONENTS_DIR): ComponentAnalysis {
    const packageJSON = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    const analyzer = new Analyzer(dir, packageName, packageJSON, new Set(names));
    const accepted: string[] = [];
    const rejected: { name: string; error: string }[] = [];
    for (const name of names) {
        try {
            analyzeOnly(analyzer, [name]);
            accepted.push(name);
        } catch (err) {
            rejected.push({ name, error: err instanceof Error ? err.message : String(err) });
        }
    }
    const result: AnalyzeResult =
        accepted.length > 0 ? analyzeOnly(analyzer, accepted) : { components: {}, typeDefinitions: {}, dependencies: [] };
    const schema = generateSchema(
        packageName,
        packageJSON.version,
        packageJSON.description,
        result.components,
        result.typeDefinitions,
        result.dependencies,
    );
    return { schema, accepted, rejected };
}

/** schema.json's text: stable key order as generated, two-space indent, trailing newline. */
export function schemaText(schema: PackageSpec): string {
    return `${JSON.stringify(schema, null, 2)}\n`;
}
