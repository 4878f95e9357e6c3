/**
 * The unit project's environment and runtime (scripts/test-unit/) change how stacks are formatted and how
 * node_modules files are compiled; these check that what a test sees stays what jest's own would give.
 */
import { readFileSync } from "node:fs";
import * as vm from "node:vm";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compiledScript, jestInternals } = require("./runtime.js") as {
    compiledScript: (filename: string, source: string, parameters: string[]) => vm.Script;
    jestInternals: (runtime: object) => unknown;
};

/** `file:line:column` of each frame of a stack string. */
function frames(stack: string): Array<{ file: string; line: number; column: number }> {
    return [...stack.matchAll(/\(?([^\s()]+):(\d+):(\d+)\)?$/gm)].map((m) => ({ file: m[1], line: Number(m[2]), column: Number(m[3]) }));
}

/** The source text a frame points at. */
function sourceAt(frame: { file: string; line: number; column: number }): string {
    return readFileSync(frame.file, "utf8")
        .split("\n")
        [frame.line - 1].slice(frame.column - 1);
}

describe("unit test environment", () => {
    it("should point a frame of this TypeScript file at the expression that made the error", () => {
        const stack = new Error("here").stack!;
        const own = frames(stack).find((f) => f.file === __filename);
        expect(own).toBeDefined();
        expect(sourceAt(own!)).toMatch(/^new Error\("here"\)/);
    });

    it("should point a frame in node_modules at the line and column of the throw, as V8 prints it", () => {
        // The module that throws (semver 7's index.js only re-exports it).
        const semverFile = require.resolve("semver/classes/semver");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const semver = require("semver") as { SemVer: new (v: string) => unknown };
        let stack = "";
        try {
            new semver.SemVer("not a version");
        } catch (error) {
            stack = (error as Error).stack!;
        }
        expect(stack).toMatch(/^TypeError: Invalid Version: not a version\n {4}at /);
        const inSemver = frames(stack).find((f) => f.file === semverFile);
        expect(inSemver).toBeDefined();
        expect(sourceAt(inSemver!)).toMatch(/^new TypeError\(/);
        // The frames after it lead back to this file, mapped.
        expect(frames(stack).some((f) => f.file === __filename)).toBe(true);
    });

    it("should keep the message header even when the message is empty, as jest's formatter writes it", () => {
        expect(new RangeError().stack!.split("\n")[0]).toBe("RangeError: ");
    });
});

describe("unit test runtime", () => {
    it("should give an isolated module registry its own instance of a node_modules module", () => {
        let first: unknown;
        let second: unknown;
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        jest.isolateModules(() => (first = require("semver")));
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        jest.isolateModules(() => (second = require("semver")));
        expect(first).toBeDefined();
        expect(first).not.toBe(second);
        expect((first as { SemVer: unknown }).SemVer).not.toBe((second as { SemVer: unknown }).SemVer);
    });

    it("should name the jest-runtime internals it relies on when a jest version lacks them", () => {
        const executor = { compile: () => undefined, injectedModuleParameters: ["module"], dynamicImport: () => undefined };
        const environment = { getVmContext: () => undefined };
        expect(jestInternals({ executor, _environment: environment })).toEqual({ executor, environment });
        const missing =
            /scripts\/test-unit\/runtime\.js relies on jest-runtime's executor\.compile, executor\.injectedModuleParameters, executor\.dynamicImport and _environment\.getVmContext \(jest-runtime 30\.5\), which jest-runtime \S+ does not have/;
        expect(() => jestInternals({})).toThrow(missing);
        expect(() => jestInternals({ executor: { ...executor, compile: undefined }, _environment: environment })).toThrow(missing);
    });

    it("should compile a file once per source and parameters, and again when either changes", () => {
        const file = "/nowhere/node_modules/pkg/index.js";
        const a = compiledScript(file, "module.exports = 1;", ["module", "exports"]);
        expect(compiledScript(file, "module.exports = 1;", ["module", "exports"])).toBe(a);
        expect(compiledScript(file, "module.exports = 2;", ["module", "exports"])).not.toBe(a);
        expect(compiledScript(file, "module.exports = 2;", ["module", "exports", "require"])).not.toBe(
            compiledScript(file, "module.exports = 2;", ["module", "exports"]),
        );
    });

    it("should give each context its own function, with the body's lines and columns as in the file", () => {
        const source = "'use strict';\nmodule.exports = () =>\n    new Error('at line 3').stack;";
        const script = compiledScript("/nowhere/node_modules/pkg/lines.js", source, ["module"]);
        const run = (context: vm.Context): (() => string) => {
            const module = { exports: undefined as unknown as () => string };
            (script.runInContext(context) as (m: typeof module) => void)(module);
            return module.exports;
        };
        const one = vm.createContext({});
        const two = vm.createContext({});
        const f1 = run(one);
        const f2 = run(two);
        expect(f1).not.toBe(f2);
        expect(vm.runInContext("Function", one)).not.toBe(vm.runInContext("Function", two));
        expect(f1).toBeInstanceOf(vm.runInContext("Function", one));
        expect(f2()).toContain("/nowhere/node_modules/pkg/lines.js:3:5");
    });
});

describe("unit test sequencer", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Sequencer = require("./sequencer.js") as new (options: unknown) => {
        estimates: Record<string, number>;
        sort(tests: unknown[]): Array<{ path: string }>;
    };
    const ROOT = "/repo";
    // No jest cache (config.cache false): only the estimates and file sizes order the files.
    const context = {
        config: { cache: false, rootDir: ROOT },
        hasteFS: { getSize: (p: string) => (p.endsWith("big.test.ts") ? 9_000 : 100) },
    };
    const test = (file: string) => ({ path: `${ROOT}/${file}`, context });

    it("should order the estimated files longest first when jest has no timings (files with no estimate first, by size, as jest does)", () => {
        const sequencer = new Sequencer({});
        sequencer.estimates = { "a/short.test.ts": 0.5, "a/long.test.ts": 12, "a/middle.test.ts": 3 };
        const order = sequencer
            .sort(["a/small.test.ts", "a/short.test.ts", "a/big.test.ts", "a/long.test.ts", "a/middle.test.ts"].map(test))
            .map((t) => t.path.slice(ROOT.length + 1));
        expect(order).toEqual(["a/big.test.ts", "a/small.test.ts", "a/long.test.ts", "a/middle.test.ts", "a/short.test.ts"]);
    });

    it("should read its estimates from the committed durations.json, which names existing unit test files", () => {
        const estimates = new Sequencer({}).estimates;
        const files = Object.keys(estimates);
        expect(files).toContain("stacks/account-names.test.ts");
        for (const file of files) expect(readFileSync(`${__dirname}/../../${file}`, "utf8").length).toBeGreaterThan(0);
        expect(Object.values(estimates).every((s) => typeof s === "number" && s >= 0)).toBe(true);
    });
});

describe("modules loaded on first use", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lazyModule = require("./lazy/lazy-module.js") as (load: () => unknown) => Record<string | symbol, unknown>;

    it("should load the module only when a property is read, and only once", () => {
        let loads = 0;
        const real = { answer: 42, nested: { a: 1 } };
        const lazy = lazyModule(() => {
            loads += 1;
            return real;
        });
        expect(lazy.__esModule).toBe(true);
        expect(loads).toBe(0);
        expect(lazy.answer).toBe(42);
        expect(lazy.nested).toBe(real.nested);
        expect(Object.keys(lazy)).toEqual(["answer", "nested"]);
        expect(loads).toBe(1);
    });

    it("should give what TypeScript's import * gives: the module's properties, and the module as default", () => {
        class Arborist {}
        const real = Object.assign(function Module() {}, { Arborist });
        const lazy = lazyModule(() => real);
        expect(lazy.Arborist).toBe(Arborist);
        expect(lazy.default).toBe(real);
    });

    it("should map typescript and @npmcli/arborist to the real packages, read through", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const ts = require("typescript") as { version: string; createSourceFile: unknown };
        expect(ts.version).toBe(JSON.parse(readFileSync(`${__dirname}/../../node_modules/typescript/package.json`, "utf8")).version);
        expect(typeof ts.createSourceFile).toBe("function");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        expect(typeof (require("@npmcli/arborist") as { Arborist: unknown }).Arborist).toBe("function");
    });
});
