/**
 * The package's shape, cheaply (no analyzer run, no pack): the generated reference matches the committed
 * schema, the public entry exports exactly the nine components and never starts the provider host, the
 * plugin manifest names the host entry, and package.json declares what the component sources import.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental/provider";
import { componentsDoc } from "./generate-docs";
import { defaultOf, interfaceDefaults, typeLabel } from "./lib/components-doc";
import { COMPONENT_NAMES, PACKAGE_NAME } from "../components/provider-components";
import * as helpers from "../components/helpers";
import * as publicApi from "../components/index";

const ROOT = path.resolve(__dirname, "..");
const COMPONENTS = path.join(ROOT, "components");
const manifest = JSON.parse(readFileSync(path.join(COMPONENTS, "package.json"), "utf8"));
const rootManifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
const shippedIn = (dir: string) =>
    readdirSync(path.join(COMPONENTS, dir))
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".test-util.ts"))
        .map((f) => path.join(dir, f));
const sources = shippedIn(".");
/** The test kit, shipped as the subpath serverless-containers/testing. */
const testKit = shippedIn("testing");

describe("docs/components.md", () => {
    it("should be what npm run docs renders from the committed components/schema.json", () => {
        expect(readFileSync(path.join(ROOT, "docs", "components.md"), "utf8")).toBe(
            componentsDoc(readFileSync(path.join(COMPONENTS, "schema.json"), "utf8")),
        );
    });

    it("should take a default from the interface that declares it, through extends and Omit<>", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "components-doc-"));
        try {
            writeFileSync(
                path.join(dir, "a.ts"),
                [
                    "export interface BaseArgs {",
                    "    /** Port. @default 8080 */ readonly port?: number;",
                    "    /** Id. @default `<name>-id` */ readonly id?: string;",
                    "}",
                    "export interface MidArgs extends BaseArgs {",
                    "    /** Size. @default 2 */",
                    "    readonly size?: number;",
                    "}",
                    'export interface TopArgs extends Omit<MidArgs, "id"> { readonly other: string; }',
                ].join("\n"),
            );
            const all = interfaceDefaults(dir);
            expect(defaultOf(all, "TopArgs", "port")).toBe("8080");
            expect(defaultOf(all, "TopArgs", "size")).toBe("2");
            expect(defaultOf(all, "MidArgs", "id")).toBe("`<name>-id`");
            expect(defaultOf(all, "TopArgs", "other")).toBeUndefined();
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("should show schema types as a reader expects them", () => {
        expect(typeLabel({ type: "array", items: { $ref: "#/types/serverless-containers:index:EgressRule" } })).toBe(
            "[EgressRule](#egressrule)[]",
        );
        expect(typeLabel({ type: "object", additionalProperties: { type: "string" } })).toBe("map<string, string>");
        expect(typeLabel({ $ref: "pulumi.json#/Any" })).toBe("any");
    });
});

describe("the public entry point components/index.ts", () => {
    it("should export exactly the nine components", () => {
        expect(
            getPulumiComponents(publicApi)
                .map((c) => c.name)
                .sort(),
        ).toEqual([...COMPONENT_NAMES].sort());
    });

    it("should export no other values than the components, the web-service switch and the helpers (types are erased)", () => {
        expect(Object.keys(helpers)).toEqual(expect.arrayContaining(["stackScopedName", "auroraVersionProblem", "cloudMapUrl"]));
        expect(Object.keys(publicApi).sort()).toEqual(
            [...COMPONENT_NAMES, "createWebService", "WEB_SERVICE_PLATFORMS", ...Object.keys(helpers)].sort(),
        );
    });

    it("should never load the provider host", () => {
        expect(Object.keys(publicApi).length).toBeGreaterThan(0); // loaded above
        expect(Object.keys(require.cache).filter((f) => f === path.join(COMPONENTS, "provider.ts"))).toEqual([]);
        const imports = [...readFileSync(path.join(COMPONENTS, "index.ts"), "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
        expect(imports.filter((i) => /provider/.test(i))).toEqual([]);
    });
});

describe("the plugin manifest and package.json", () => {
    it("should launch provider.ts, which hosts the package under its npm name", () => {
        const plugin = parse(readFileSync(path.join(COMPONENTS, "PulumiPlugin.yaml"), "utf8"));
        expect(plugin).toEqual({ runtime: "nodejs", main: "provider.ts" });
        const host = readFileSync(path.join(COMPONENTS, "provider.ts"), "utf8");
        expect(host).toMatch(/componentProviderHost\(\{ name: PACKAGE_NAME, dirname: __dirname, components: \[\.\.\.COMPONENTS\] \}\)/);
        expect(manifest.name).toBe(PACKAGE_NAME);
    });

    it("should point exports and types at the compiled index.ts, and have no main", () => {
        // Consumers resolve the package through `exports` (Node >= 12.7; engines say >= 22); the analyzer maps
        // ./dist/index.js back to index.ts. No `main`: the plugin runner require()s the package *directory*,
        // which without `main` loads index.ts (ts-node) in a checkout, where dist/ does not exist.
        expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
        expect(manifest.types).toBe("dist/index.d.ts");
        expect(manifest.main).toBeUndefined();
        expect(sources).toContain("index.ts");
    });

    it("should export the test kit as serverless-containers/testing, with types for both module resolutions", () => {
        expect(manifest.exports["./testing"]).toEqual({ types: "./dist/testing/index.d.ts", default: "./dist/testing/index.js" });
        // moduleResolution "node" (Pulumi's TypeScript template) ignores `exports`; typesVersions maps the subpath for it.
        expect(manifest.typesVersions).toEqual({ "*": { testing: ["dist/testing/index.d.ts"] } });
        expect(testKit).toContain(path.join("testing", "index.ts"));
        const compiled = JSON.parse(readFileSync(path.join(COMPONENTS, "tsconfig.json"), "utf8").replace(/^\/\/.*$/gm, "")) as {
            include: string[];
        };
        expect(compiled.include).toEqual(["*.ts", "testing/*.ts"]);
    });

    it("should declare every package the component sources and the test kit import: @pulumi/* as peers in the root's versions, the rest as dependencies", () => {
        const imported = new Set<string>();
        for (const f of [...sources, ...testKit]) {
            const text = readFileSync(path.join(COMPONENTS, f), "utf8");
            const specifiers = [
                ...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom "([^"]+)"/gm),
                ...text.matchAll(/\brequire(?:\.resolve)?\("([^"]+)"\)/g),
            ].map((m) => m[1]);
            for (const s of specifiers.filter((s) => !s.startsWith(".") && !s.startsWith("node:")))
                imported.add(
                    s
                        .split("/")
                        .slice(0, s.startsWith("@") ? 2 : 1)
                        .join("/"),
                );
        }
        const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
        expect([...imported].filter((p) => !(p in declared)).sort()).toEqual([]);
        for (const p of [...imported].filter((p) => p.startsWith("@pulumi/")))
            expect(manifest.peerDependencies[p]).toBe(`^${rootManifest.dependencies[p]}`);
        for (const [p, v] of Object.entries(manifest.dependencies)) expect(v).toBe(rootManifest.dependencies[p]);
    });

    it("should be a workspace of the private reference project, whose name differs", () => {
        expect(rootManifest.workspaces).toContain("components");
        expect(rootManifest.private).toBe(true);
        expect(rootManifest.name).not.toBe(manifest.name);
    });
});
