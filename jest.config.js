// Four projects so `npm test` runs everything while each part can run alone (--selectProjects):
//   unit    — Pulumi mocked-runtime tests of components, stacks, policy and scripts (no servers)
//   apps    — the services against real PostgreSQL / MariaDB / dynalite started by the harness
//   db      — deploy-time SQL (components/**/*.sql.test.ts) against the harness's real MariaDB / PostgreSQL
//   package — the npm package packed, installed outside the repository and used; the program, plugin and policy
//             pack started as the Pulumi CLI's language host starts them (scripts/*.pack.test.ts)
// @swc/jest only strips types (fast); `npm run typecheck` is the type gate.
/** @type {import('jest').Config} */
const swc = ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }];
// One globals-cleanup mode for every project. @pulumi/pulumi keeps google-protobuf on the global object, and jest's
// default ("soft") cleanup warns about it on every file, hence "off". It must be the same everywhere: a worker
// runs files of several projects, the first mode it sees sticks (jest-util initializeGarbageCollectionUtils), and
// every later file asking for another prints "[jest-util] garbage collection deletion mode already initialized,
// ignoring new mode" — and runs with the first mode, not its own.
const environmentOptions = { globalsCleanup: "off" };
// Every project fails a test that writes to the console unasked (scripts/test-setup/console.ts).
const setup = ["<rootDir>/scripts/test-setup/console.ts"];

module.exports = {
    // Jest's default is cores - 1, i.e. one worker on the 2-core machines this runs on; many suites wait on
    // child processes and database servers, so two workers keep both cores busy.
    maxWorkers: 2,
    // What really takes time gets time: on a loaded 2-core machine loading the Pulumi SDK and evaluating a
    // component or stack program can pass Jest's 5 s default (it did: components/eks-fargate-cluster.test.ts
    // and stacks/visits-demo.test.ts failed under load; with 18 other processes on the CPUs a single SDK
    // load took over a minute), and the app tests start real servers. A hang still
    // fails, after 120 s. This must be the top-level option: jest-circus 30 reads `globalConfig.testTimeout`
    // only (node_modules/jest-circus/build/jestAdapterInit.js), so a `testTimeout` inside a project is ignored.
    testTimeout: 120_000,
    // Jest's sequencer, with committed per-file estimates for runs without jest's own timings (a fresh checkout,
    // --no-cache): the longest files start first so the two workers finish together (scripts/test-unit/sequencer.js).
    testSequencer: "<rootDir>/scripts/test-unit/sequencer.js",
    // A passing run prints the summary and nothing else; a failing one adds every failure in full (threshold 0:
    // also for a run of one file). For one line per file while iterating: npx jest --reporters=default <path>.
    reporters: [["summary", { summaryThreshold: 0 }]],
    projects: [
        {
            displayName: "unit",
            // jest's node environment and runtime, made cheaper for a suite where every file loads the Pulumi SDK:
            // stack traces format node_modules frames natively (environment.js) and a worker compiles each
            // node_modules file once (runtime.js). Each file says why; docs/performance.md has the figures.
            testEnvironment: "<rootDir>/scripts/test-unit/environment.js",
            runtime: "<rootDir>/scripts/test-unit/runtime.js",
            // Two modules the Pulumi SDK loads with itself but uses only to serialize a function, loaded on first use
            // instead (scripts/test-unit/lazy/lazy-module.js says why).
            moduleNameMapper: {
                "^typescript$": "<rootDir>/scripts/test-unit/lazy/typescript.js",
                "^@npmcli/arborist$": "<rootDir>/scripts/test-unit/lazy/arborist.js",
                // The SDK's closure serializer requires every built-in; node:test's reporters keep a jest worker alive
                // (scripts/test-unit/lazy/node-test.js says why).
                "^node:test(/.*)?$": "<rootDir>/scripts/test-unit/lazy/node-test.js",
            },
            testEnvironmentOptions: environmentOptions,
            setupFilesAfterEnv: setup,
            transform: { "^.+\\.ts$": swc },
            testMatch: [
                "<rootDir>/components/**/*.test.ts",
                "<rootDir>/stacks/**/*.test.ts",
                "<rootDir>/policy/**/*.test.ts",
                "<rootDir>/scripts/**/*.test.ts",
                "<rootDir>/test/**/*.test.ts",
            ],
            // `*.integration.test.ts` start real servers (apps project); `*.sql.test.ts` need real databases (db project);
            // `*.pack.test.ts` pack and install the npm package (package project).
            testPathIgnorePatterns: ["/node_modules/", "\\.integration\\.test\\.ts$", "\\.sql\\.test\\.ts$", "\\.pack\\.test\\.ts$"],
        },
        {
            displayName: "apps",
            testEnvironment: "node",
            testEnvironmentOptions: environmentOptions,
            setupFilesAfterEnv: setup,
            // Integration tests spawn real servers and app processes (the timeout is the top-level one above).
            transform: { "^.+\\.ts$": swc },
            testMatch: [
                "<rootDir>/apps/*/test/**/*.test.ts",
                "<rootDir>/packages/*/test/**/*.test.ts",
                "<rootDir>/scripts/**/*.integration.test.ts",
            ],
        },
        {
            displayName: "db",
            testEnvironment: "node",
            // Starts real database servers (the timeout is the top-level one above, as for the apps project).
            testEnvironmentOptions: environmentOptions,
            setupFilesAfterEnv: setup,
            transform: { "^.+\\.ts$": swc },
            testMatch: ["<rootDir>/components/**/*.sql.test.ts"],
        },
        {
            displayName: "package",
            testEnvironment: "node",
            // Builds, packs and installs the package, or starts the program / plugin / policy pack in child
            // processes (each loads the Pulumi SDK): slow, so apart from the unit project (the timeout is the
            // top-level one above).
            testEnvironmentOptions: environmentOptions,
            setupFilesAfterEnv: setup,
            transform: { "^.+\\.ts$": swc },
            testMatch: ["<rootDir>/scripts/**/*.pack.test.ts"],
        },
    ],
};
