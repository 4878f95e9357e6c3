// ESLint for the whole repository: `npm run lint` checks (with `prettier --check`), `npm run format` fixes.
// Layout is Prettier's job alone (.prettierrc.json): eslint-config-prettier comes last and switches off every
// ESLint rule that could disagree with the formatter.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import prettier from "eslint-config-prettier/flat";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

// The imports the reference stacks may not make (see their block below). `\x2F` is "/": esquery, which reads the
// no-restricted-syntax selectors, ends a regular expression at the first slash.
const DEEP_COMPONENT_IMPORT = {
    regex: String.raw`^\.\.?\x2Fcomponents(\x2F(?!testing$|index$)|$)`,
    message:
        'Stacks import only the package\'s public entries: "../components/index" (serverless-containers) or "../components/testing" (serverless-containers/testing); not the bare "../components", which type-checks against a built components/dist/ once one exists; export what a stack needs from components/helpers.ts and document it in components/README.md ("Helpers").',
};
const APP_SOURCE_IMPORT = {
    regex: String.raw`^\.\.?\x2Fapps\x2F`,
    message:
        "The stack program imports no app source: read what an app ships (apps/<app>/src/data/ddl.json) as data. (Tests may run an app's own code.)",
};
/** no-restricted-imports for static imports and `export … from`, no-restricted-syntax for import() and require(). */
function restrictedImports(...restrictions) {
    return {
        "no-restricted-imports": ["error", { patterns: restrictions.map(({ regex, message }) => ({ regex, message })) }],
        "no-restricted-syntax": [
            "error",
            ...restrictions.flatMap(({ regex, message }) =>
                ["ImportExpression > Literal.source", "CallExpression[callee.name='require'] > Literal.arguments"].map((node) => ({
                    selector: `${node}[value=/${regex}/]`,
                    message,
                })),
            ),
        ],
    };
}

export default defineConfig(
    // Not source: installed packages, build and coverage output, the benchmarks' fetched Node and raw results.
    globalIgnores(["**/node_modules/", "**/dist/", "**/coverage/", "bench/.node24/", "bench/.out/", ".bench-tmp/"]),

    js.configs.recommended,

    {
        files: ["**/*.ts"],
        // Type-aware linting: the Pulumi rules below need the type checker, and once the program is built the
        // typed rules cost little more. projectService lets each file use the tsconfig.json nearest to it
        // (bench/ has its own). https://typescript-eslint.io/getting-started/typed-linting
        // Measured on the 2-core CI machine under load: ~10 s untyped, ~38 s typed (building the TypeScript
        // program with the @pulumi/* declarations is most of it).
        extends: [tseslint.configs.recommendedTypeChecked],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        // @pulumi/eslint-plugin ships no preset, so its rules are switched on by name: an Output (or
        // OutputInstance) inside a plain template literal renders as a placeholder string, not its value —
        // pulumi.interpolate is the fix it offers. https://github.com/pulumi/eslint-plugin-pulumi#readme
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",

            // The no-unsafe-* family reports every *use* of an `any` value (JSON.parse results, the mocked
            // runtime's `args.inputs`, the policy pack's untyped resource properties) — about a thousand
            // findings that restate one fact per value. `no-explicit-any` (on, from the preset) catches the
            // `any` where it is written; the values that arrive untyped are narrowed with zod or checks.
            "@typescript-eslint/no-unsafe-argument": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-call": "off",
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-return": "off",

            // Re-rejecting a caught value (typed `unknown`) passes it on unchanged, as only-throw-error allows
            // for `throw`.
            "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
            // node:test's describe/it return promises the runner itself awaits (scripts/containers/test.ts).
            // https://typescript-eslint.io/rules/no-floating-promises/#allowforknownsafecalls
            "@typescript-eslint/no-floating-promises": [
                "error",
                { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["describe", "it", "test", "suite"] }] },
            ],
            // Off: `async` without `await` is how this code implements Promise-returning contracts (test stubs
            // for token sources, poll predicates for eventually(), pause/resume hooks); the bug the rule is
            // after, a forgotten `await`, is what no-floating-promises and await-thenable report.
            "@typescript-eslint/require-await": "off",

            // `_`-prefixed names are deliberately unused (a callback's position, a destructured-away field).
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
            ],
        },
    },

    {
        // The reference stacks use the package as a consumer would: its public entry `serverless-containers`
        // (components/index.ts, imported by that file name: the bare directory would resolve to the types of a
        // built components/dist/ once `npm pack` has run, and type-check the stacks against a stale build) and the `serverless-containers/testing` entry (components/testing/index.ts), never
        // a module behind them (components/README.md: "Import from the package root only"). A helper a stack needs
        // is exported from the entry and documented there ("Helpers"). Nor do they import app source: the apps'
        // schemas reach the database as data. Static imports, import() and require().
        files: ["index.ts", "stacks/**/*.ts"],
        rules: restrictedImports(DEEP_COMPONENT_IMPORT, APP_SOURCE_IMPORT),
    },
    {
        files: ["stacks/**/*.test.ts"],
        rules: restrictedImports(DEEP_COMPONENT_IMPORT),
    },

    {
        // The few CommonJS files (jest.config.js, service-kit's loader and bundler) run under Node.
        files: ["**/*.js"],
        languageOptions: { sourceType: "commonjs", globals: globals.node },
    },
    {
        files: ["**/*.mjs"],
        languageOptions: { globals: globals.node },
    },

    prettier,
);
