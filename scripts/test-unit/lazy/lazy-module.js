/**
 * A module that loads another on first use. The unit project maps two modules the Pulumi SDK requires when it
 * loads, but uses only to serialize a function (a dynamic provider), to these stand-ins (moduleNameMapper in
 * jest.config.js): `@npmcli/arborist` (runtime/closure/codePaths.js) and `typescript`
 * (typescript-shim.js). Loading both was most of a test file's SDK load — measured with a warm V8 compile
 * cache, `require("@pulumi/pulumi")` spent about nine tenths of its time in them — and jest loads the SDK
 * again for every test file. A test that does serialize a function gets the real module, from the same
 * registry, the moment a property is read.
 */
module.exports = function lazyModule(load) {
    let real;
    const target = () => (real ??= load());
    // A plain object: the SDK reads both only as namespaces (`ts.createSourceFile`, `arborist.Arborist`).
    return new Proxy(
        {},
        {
            get(_, key) {
                // TypeScript's __importStar hands back a module marked __esModule as it is, and otherwise copies its
                // keys (which would load it); `default` is then the module itself, as __importStar would make it.
                if (key === "__esModule") return true;
                const mod = target();
                if (key === "default" && !(mod && mod.__esModule)) return mod;
                return Reflect.get(mod, key);
            },
            has: (_, key) => key === "__esModule" || Reflect.has(target(), key),
            set: (_, key, value) => Reflect.set(target(), key, value),
            ownKeys: () => Reflect.ownKeys(target()).filter((k) => k !== "prototype"),
            getOwnPropertyDescriptor: (_, key) => {
                const d = Reflect.getOwnPropertyDescriptor(target(), key);
                return d === undefined ? undefined : { ...d, configurable: true };
            },
        },
    );
};
