/**
 * The unit project's jest runtime: jest-runtime, except that a worker compiles each node_modules file once
 * and runs that compiled script in every later test file's context.
 *
 * Why: jest gives every test file a fresh module registry and vm context, and compiles every module it loads
 * again with `vm.compileFunction`, passing a new `importModuleDynamically` closure each time. In this suite
 * those compiles did not come from V8's cache: timed per call, a worker spent about as long compiling the
 * Pulumi SDK's dependencies (typescript.js, 9 MB, which the SDK's closure serializer loads) for its 8th test
 * file as for its first, and compiling was about a fifth of the suite's CPU time (docs/performance.md).
 * A `vm.Script` is not tied to a context, so one compiled script can be run in each test file's context and
 * give that file its own function, module objects and realm exactly as a fresh compile would.
 *
 * Only files under node_modules are shared: jest transforms none of them, so their source is the file on
 * disk. A dynamic `import()` in a shared script goes to the runtime of the test file that runs now (a worker
 * runs one test file at a time), the way jest's per-compile callback would have sent it.
 */
const vm = require("node:vm");
const Runtime = require("jest-runtime").default;

/** `parameters\0filename` → the source it was compiled from and the script; lives as long as the worker. */
const scripts = new Map();

/** The runtime of the test file this worker runs now (the latest one created). */
let current;

function shareable(filename, source) {
    return filename.includes("/node_modules/") && !source.startsWith("#!");
}

function importFromCurrentFile(filename) {
    return (specifier, _script, importAttributes, phase) => {
        const context = current?._environment.getVmContext();
        if (current === undefined || context == null) {
            return Promise.reject(new Error(`import(${JSON.stringify(specifier)}) from ${filename} after its test file finished`));
        }
        return current.executor.dynamicImport(specifier, filename, context, importAttributes, phase);
    };
}

/**
 * A compiled `(function (…parameters) { source })`, lines and columns as in the file, reused while the same
 * source is compiled with the same parameters again.
 */
function compiledScript(filename, source, parameters) {
    const key = `${parameters.join(",")}\0${filename}`;
    const cached = scripts.get(key);
    if (cached !== undefined && cached.source === source) return cached.script;
    // The header takes a line of its own and `lineOffset: -1` puts the body's first line at line 1, column 1.
    const script = new vm.Script(`(function (${parameters.join(", ")}) {\n${source}\n})`, {
        filename,
        lineOffset: -1,
        importModuleDynamically: importFromCurrentFile(filename),
    });
    scripts.set(key, { source, script });
    return script;
}

/**
 * The jest-runtime internals this file uses — not public API, which is why jest is pinned exactly in
 * package.json: a jest whose runtime lacks them stops every unit file here, naming them, instead of failing
 * somewhere inside a compile.
 */
function jestInternals(runtime) {
    const { executor, _environment: environment } = runtime;
    const present =
        typeof executor?.compile === "function" &&
        Array.isArray(executor.injectedModuleParameters) &&
        typeof executor.dynamicImport === "function" &&
        typeof environment?.getVmContext === "function";
    if (!present) {
        const version = require("jest-runtime/package.json").version;
        throw new Error(
            "scripts/test-unit/runtime.js relies on jest-runtime's executor.compile, executor.injectedModuleParameters, " +
                `executor.dynamicImport and _environment.getVmContext (jest-runtime 30.5), which jest-runtime ${version} does not have: ` +
                "adapt the file to it, or drop `runtime` from the unit project in jest.config.js (jest's own runtime: about 1.18 × the CPU time, docs/testing.md).",
        );
    }
    return { executor, environment };
}

class UnitTestRuntime extends Runtime {
    constructor(...args) {
        super(...args);
        current = this;
        const { executor, environment } = jestInternals(this);
        const jestCompile = executor.compile.bind(executor);
        executor.compile = (source, filename) => {
            const context = environment.getVmContext();
            if (context == null || !shareable(filename, source)) return jestCompile(source, filename);
            let script;
            try {
                script = compiledScript(filename, source, executor.injectedModuleParameters);
            } catch {
                // A syntax error (an ES module, say): jest's compile reports it the way jest users know.
                return jestCompile(source, filename);
            }
            return script.runInContext(context);
        };
    }
}

module.exports = UnitTestRuntime;
module.exports.compiledScript = compiledScript;
module.exports.jestInternals = jestInternals;
