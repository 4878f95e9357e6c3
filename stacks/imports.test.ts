/**
 * The stacks reach the components only through the package's entries, `serverless-containers` (../components/index)
 * and `serverless-containers/testing` (../components/testing), and the program imports no app source (an app's
 * schema reaches the database as data; tests may run an app's own code): eslint.config.mjs refuses any other path
 * into components/ from stacks/ and index.ts, and any path into apps/ from their non-test files. This test takes the two rules as that config resolves them for a stack file, shows they refuse each
 * way of reaching in (import, import type, export from, import(), require) and admit the two entries, and
 * applies them to every file of stacks/ and to index.ts.
 *
 * ESLint loads its config as an ES module, which jest's CommonJS runtime cannot import: the rules run in a child
 * `node` process, without type information (these two rules need none; `npm run lint` runs them with it).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

/** [file name, source] pairs in; for each file, the [line, rule] of every message out. */
const LINT = `
import { readFileSync } from "node:fs";
import { ESLint, Linter } from "eslint";
import tseslint from "typescript-eslint";
const files = JSON.parse(readFileSync(0, "utf8"));
const eslint = new ESLint();
const out = [];
for (const [name, source] of files) {
    const config = await eslint.calculateConfigForFile(name);
    const rules = { "no-restricted-imports": config.rules["no-restricted-imports"], "no-restricted-syntax": config.rules["no-restricted-syntax"] };
    if (!rules["no-restricted-imports"] || !rules["no-restricted-syntax"]) throw new Error("the import rules are not configured for " + name);
    const messages = new Linter().verify(source, [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser }, rules }], name);
    out.push(messages.map((m) => [m.line, m.ruleId ?? m.message]));
}
process.stdout.write(JSON.stringify(out));
`;

function lint(files: [name: string, source: string][]): [line: number, rule: string][][] {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", LINT], {
        cwd: ROOT,
        input: JSON.stringify(files),
        encoding: "utf8",
    });
    return JSON.parse(out) as [number, string][][];
}

const PROBE = [
    'import { stackScopedName } from "../components/names";',
    'import type { AuroraEngine } from "../components/aurora-with-proxy";',
    'export { ENGINES } from "../components/aurora-with-proxy";',
    'import { hex } from "../components/testing/mocks";',
    'export const limits = import("../components/limits");',
    'export const access = require("../components/eks-access");',
    'import { CATALOGUE_SCHEMA } from "../apps/catalogue-api/src/data/schema";',
    'import { ContainerImage } from "../components";',
    'import { DynamoTable, type WebServiceArgs } from "../components/index";',
    'import { setupMocks } from "../components/testing";',
    'import { appImage } from "./images";',
    "export const used = [stackScopedName, hex, CATALOGUE_SCHEMA, ContainerImage, DynamoTable, setupMocks, appImage];",
    "export type Used = AuroraEngine | WebServiceArgs;",
].join("\n");

describe("the stacks' import rule (eslint.config.mjs)", () => {
    it("should refuse every path into components/ but its two entries, and any into apps/, in a stack and in index.ts", () => {
        const rootProbe = PROBE.replaceAll('"../', '"./').replace('"./images"', '"./stacks/images"');
        const [stack, root, test] = lint([
            ["stacks/probe.ts", PROBE],
            ["index.ts", rootProbe],
            ["stacks/probe.test.ts", PROBE],
        ]);
        const refused = [
            [1, "no-restricted-imports"],
            [2, "no-restricted-imports"],
            [3, "no-restricted-imports"],
            [4, "no-restricted-imports"],
            [5, "no-restricted-syntax"],
            [6, "no-restricted-syntax"],
            [7, "no-restricted-imports"],
            [8, "no-restricted-imports"],
        ];
        expect(stack).toEqual(refused);
        expect(root).toEqual(refused);
        expect(test).toEqual(refused.filter(([line]) => line !== 7));
    });

    it("should find no deep import and no app source import in stacks/ or index.ts as they are", () => {
        const files = [
            "index.ts",
            ...readdirSync(path.join(ROOT, "stacks"))
                .filter((f) => f.endsWith(".ts"))
                .map((f) => `stacks/${f}`),
        ];
        const results = lint(files.map((f) => [f, readFileSync(path.join(ROOT, f), "utf8")]));
        expect(files.length).toBeGreaterThan(20);
        expect(Object.fromEntries(files.map((f, i) => [f, results[i]]).filter(([, found]) => found.length > 0))).toEqual({});
    });
});
