/**
 * The npm package as a consumer gets it: `npm pack` components/ (its prepack builds dist/), install the
 * tarball into a scratch program in the OS temp directory — outside the repository, no repo-relative
 * imports — and run a small program there under Pulumi's mocks, plus a TypeScript compile against the
 * package's .d.ts.
 *
 * Offline and cheap on a clean clone after `npm ci`: the package's own dependencies are installed with
 * `npm ci --offline` from a lockfile cut out of the repository's (so npm takes each tarball from the
 * cache `npm ci` filled, by integrity, and asks no registry), and the peer dependencies (@pulumi/*, large)
 * are links to the repository's installed copies, as a consumer's own installs would provide them.
 *
 * Slow (a build, a pack, an install, SDK loads): its own jest project, `package`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const COMPONENTS = path.join(ROOT, "components");
/** A build, a pack and an install: the whole file took 13 s quiet and 63 s at load 14 on 2 cores; a hang still fails. */
const SLOW_MS = 300_000;
/** Linked from the repository's node_modules: the peer dependencies, and the Node types a TypeScript consumer has. */
const PEERS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/docker", "@pulumi/eks", "@pulumi/kubernetes", "@types/node"];

type LockEntry = {
    version?: string;
    resolved?: string;
    integrity?: string;
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    [k: string]: unknown;
};

function npm(args: string[], cwd: string): string {
    const run = spawnSync("npm", args, {
        cwd,
        encoding: "utf8",
        env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" },
    });
    if (run.status !== 0) throw new Error(`npm ${args.join(" ")} failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
    return run.stdout;
}

/**
 * The repository lockfile's entries for `names` and everything they depend on, at the same node_modules
 * paths (npm's lookup: the nearest node_modules up from the dependent).
 */
export function lockClosure(packages: Record<string, LockEntry>, names: readonly string[]): Record<string, LockEntry> {
    const resolve = (from: string, name: string): string | undefined => {
        let loc = from;
        for (;;) {
            const p = `${loc ? `${loc}/` : ""}node_modules/${name}`;
            if (packages[p]) return p;
            if (!loc) return undefined;
            const i = loc.lastIndexOf("/node_modules/");
            loc = i < 0 ? "" : loc.slice(0, i);
        }
    };
    const out: Record<string, LockEntry> = {};
    const queue = names.map((n) => {
        const p = resolve("", n);
        if (!p) throw new Error(`${n} is not in package-lock.json`);
        return p;
    });
    while (queue.length > 0) {
        const p = queue.pop()!;
        if (out[p]) continue;
        const { dev: _dev, peer: _peer, devOptional: _devOptional, ...entry } = packages[p];
        out[p] = entry;
        for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
            const r = resolve(p, dep);
            if (r) queue.push(r);
            else if (!(dep in (entry.optionalDependencies ?? {}))) throw new Error(`${dep} (needed by ${p}) is not in package-lock.json`);
        }
    }
    return out;
}

const CONSUMER_JS = `
"use strict";
// A consumer program: only package names, nothing from the repository.
const pulumi = require("@pulumi/pulumi");
const registered = [];
pulumi.runtime.setMocks(
    {
        newResource: (args) => {
            registered.push({ type: args.type, name: args.name, inputs: args.inputs });
            const state = { ...args.inputs };
            if (args.type === "aws:dynamodb/table:Table") state.arn = "arn:aws:dynamodb:us-east-1:123456789012:table/" + args.inputs.name;
            return { id: args.name + "-id", state };
        },
        // The table's alarms draw their dashboard widgets in the provider's region, which the program asks the
        // provider for (getRegion answers the configured region: components/testing/provider-model.ts); nothing else is invoked.
        call: (args) => {
            if (args.token === "aws:index/getRegion:getRegion") return { name: "us-east-1", region: "us-east-1", id: "us-east-1" };
            throw new Error("unexpected invoke " + args.token);
        },
    },
    "consumer",
    "dev",
    false,
);
const pkg = require("serverless-containers");
let deepImport;
try {
    require("serverless-containers/dist/service/skeleton");
    deepImport = "allowed";
} catch (err) {
    deepImport = err.code;
}
const table = new pkg.DynamoTable("orders", { hashKey: "orderId", deletionProtection: true, tags: { team: "checkout" } });
pulumi.all([table.urn, table.tableName, table.tableArn]).apply(([urn, tableName, tableArn]) => {
    // Printed once the program has registered everything (the alarms wait for the table's name).
    process.once("beforeExit", () => process.stdout.write(JSON.stringify({
        exports: Object.keys(pkg).sort(),
        classes: Object.keys(pkg).filter((k) => typeof pkg[k] === "function" && pkg[k].prototype instanceof pulumi.ComponentResource).sort(),
        deepImport,
        providerLoaded: Object.keys(require.cache).some((f) => /provider(\\.js)?$/.test(f) && f.includes("serverless-containers")),
        urn, tableName, tableArn, registered,
    })));
});
`;

const CONSUMER_TS = `
import * as pulumi from "@pulumi/pulumi";
import { DynamoTable, type DynamoTableArgs, type PolicyStatement, type EgressRule } from "serverless-containers";

const args: DynamoTableArgs = { hashKey: "orderId" };
const table = new DynamoTable("orders", args);
export const tableArn: pulumi.Output<string> = table.tableArn;
export const rule: EgressRule | undefined = undefined;
export const statements: PolicyStatement[] = [];
`;

describe("the packed npm package, installed into a program outside the repository", () => {
    let scratch: string;
    let tarball: string;
    let files: string[];

    beforeAll(() => {
        scratch = mkdtempSync(path.join(tmpdir(), "serverless-containers-consumer-"));
        const packDir = path.join(scratch, "pack");
        mkdirSync(packDir);
        const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", packDir], COMPONENTS)) as {
            filename: string;
            files: { path: string }[];
        }[];
        tarball = path.join(packDir, packed[0].filename);
        files = packed[0].files.map((f) => f.path);

        const app = path.join(scratch, "app");
        mkdirSync(app);
        const manifest = JSON.parse(readFileSync(path.join(COMPONENTS, "package.json"), "utf8"));
        const repoLock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
        const dependencies = { "serverless-containers": `file:${tarball}` };
        writeFileSync(
            path.join(app, "package.json"),
            JSON.stringify({ name: "consumer", version: "1.0.0", private: true, dependencies }, null, 2),
        );
        writeFileSync(
            path.join(app, "package-lock.json"),
            JSON.stringify(
                {
                    name: "consumer",
                    version: "1.0.0",
                    lockfileVersion: 3,
                    requires: true,
                    packages: {
                        "": { name: "consumer", version: "1.0.0", dependencies },
                        "node_modules/serverless-containers": {
                            version: manifest.version,
                            resolved: `file:${tarball}`,
                            license: manifest.license,
                            dependencies: manifest.dependencies,
                            peerDependencies: manifest.peerDependencies,
                            engines: manifest.engines,
                        },
                        ...lockClosure(repoLock.packages, Object.keys(manifest.dependencies)),
                    },
                },
                null,
                2,
            ),
        );
        npm(["ci", "--offline", "--legacy-peer-deps", "--ignore-scripts"], app);
        for (const peer of PEERS) {
            mkdirSync(path.dirname(path.join(app, "node_modules", peer)), { recursive: true });
            symlinkSync(path.join(ROOT, "node_modules", peer), path.join(app, "node_modules", peer), "dir");
        }
        writeFileSync(path.join(app, "consumer.js"), CONSUMER_JS);
        writeFileSync(path.join(app, "consumer.ts"), CONSUMER_TS);
    }, SLOW_MS);

    afterAll(() => {
        if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    it("should ship compiled JavaScript, declarations, the schema and the docs, and no tests, sources or provider host", () => {
        expect(files).toEqual(
            expect.arrayContaining(["package.json", "dist/index.js", "dist/index.d.ts", "schema.json", "README.md", "CHANGELOG.md"]),
        );
        // The test kit is the subpath serverless-containers/testing; tests and test-only helpers stay home.
        expect(files).toEqual(expect.arrayContaining(["dist/testing/index.js", "dist/testing/index.d.ts"]));
        expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
        expect(files.filter((f) => /\.test\.|\.test-util\.|(^|\/)test\//.test(f))).toEqual([]);
        expect(files.filter((f) => /(^|\/)provider\.(js|d\.ts)$/.test(f))).toEqual([]);
        // Only what the current sources compile to: a module deleted from components/ must not ship from an old dist/.
        const orphans = files.filter(
            (f) =>
                f.startsWith("dist/") &&
                !existsSync(path.join(COMPONENTS, f.slice("dist/".length).replace(/\.(js|d\.ts|js\.map)$/, ".ts"))),
        );
        expect(orphans).toEqual([]);
    });

    it("should install outside the repository with the package's own dependencies", () => {
        const app = path.join(scratch, "app");
        expect(path.relative(ROOT, app).startsWith("..")).toBe(true);
        expect(existsSync(path.join(app, "node_modules", "serverless-containers", "dist", "index.js"))).toBe(true);
        expect(existsSync(path.join(app, "node_modules", "@balena", "dockerignore"))).toBe(true);
        expect(existsSync(path.join(app, "node_modules", "@aws-sdk", "client-rds-data"))).toBe(true);
    });

    it("should run a consumer program under the mocks: exactly the nine components, no deep imports, no provider host", () => {
        const app = path.join(scratch, "app");
        const out = JSON.parse(execFileSync(process.execPath, ["consumer.js"], { cwd: app, encoding: "utf8" }));
        expect(out.classes).toEqual([
            "AppRunnerService",
            "AuroraWithProxy",
            "ContainerImage",
            "DynamoTable",
            "EcsExpressService",
            "EksFargateCluster",
            "EksFargateService",
            "PrivateFargateService",
            "VpcConnectedAppRunner",
        ]);
        expect(out.exports).toContain("createWebService");
        expect(out.deepImport).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED");
        expect(out.providerLoaded).toBe(false);
        const table = out.registered.find((r: { type: string }) => r.type === "aws:dynamodb/table:Table");
        expect(table).toMatchObject({
            name: "orders-table",
            inputs: { hashKey: "orderId", billingMode: "PAY_PER_REQUEST", deletionProtectionEnabled: true, tags: { team: "checkout" } },
        });
        expect(out.registered.map((r: { type: string }) => r.type)).toContain("aws:dynamodb/table:Table");
        // Alarms are on by default, outside the repository too (the table's system errors, throttles, latency per operation).
        expect(
            out.registered
                .filter((r: { type: string }) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")
                .map((r: { name: string }) => r.name),
        ).toContain("orders-alarm-system-errors");
        // The token the plugin package serves it under (serverless-containers:index:<Class>).
        expect(out.urn).toMatch(/::consumer::serverless-containers:index:DynamoTable::orders$/);
        expect(out.tableArn).toMatch(/^arn:aws:dynamodb:/);
    });

    /** tsc over `file` in the scratch program, against the installed package's declarations; its output. */
    function typeCheck(file: string): { status: number | null; output: string } {
        const app = path.join(scratch, "app");
        const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
        // node16 resolution: the package's `exports` map (types condition) decides what the consumer sees.
        const compilerOptions = {
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            module: "node16",
            moduleResolution: "node16",
            target: "es2022",
        };
        writeFileSync(path.join(app, `tsconfig.${file}.json`), JSON.stringify({ compilerOptions, files: [file] }));
        const run = spawnSync(process.execPath, [tsc, "-p", `tsconfig.${file}.json`], { cwd: app, encoding: "utf8" });
        return { status: run.status, output: run.stdout + run.stderr };
    }

    it("should type-check a TypeScript consumer against the package's declarations", () => {
        expect(typeCheck("consumer.ts")).toEqual({ status: 0, output: "" });
    });

    it("should type-check examples/typescript/index.ts against the package's declarations", () => {
        writeFileSync(path.join(scratch, "app", "example.ts"), readFileSync(path.join(ROOT, "examples", "typescript", "index.ts"), "utf8"));
        expect(typeCheck("example.ts")).toEqual({ status: 0, output: "" });
    });

    describe("a consumer's tests with serverless-containers/testing (examples/testing)", () => {
        /** examples/testing, copied into the scratch program: its program, its tests and its tsconfig.json. */
        let orders: string;
        const tsc = (args: string[]) => {
            const run = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), ...args], {
                cwd: orders,
                encoding: "utf8",
            });
            return { status: run.status, output: run.stdout + run.stderr };
        };

        beforeAll(() => {
            orders = path.join(scratch, "app", "orders");
            cpSync(path.join(ROOT, "examples", "testing"), orders, {
                recursive: true,
                filter: (f) => !/(^|\/)(node_modules|bin)$/.test(f) && !f.endsWith(".md"),
            });
        });

        it("should compile against the shipped declarations with node16 resolution (the package's exports map)", () => {
            expect(tsc(["-p", "tsconfig.json"])).toEqual({ status: 0, output: "" });
        });

        it("should type-check with the resolution of Pulumi's TypeScript template (moduleResolution node, which ignores exports)", () => {
            // pulumi/templates aws-typescript/tsconfig.json: "module": "commonjs", "moduleResolution": "node".
            expect(tsc(["-p", "tsconfig.json", "--module", "commonjs", "--moduleResolution", "node", "--noEmit"])).toEqual({
                status: 0,
                output: "",
            });
        });

        it("should pass its tests under node --test: four platforms linked to the database, as an update and as a preview", () => {
            const tests = ["bin/index.test.js", "bin/preview.test.js"];
            expect(tests.filter((t) => !existsSync(path.join(orders, t)))).toEqual([]);
            const run = spawnSync(process.execPath, ["--test", "--test-reporter=tap", ...tests], { cwd: orders, encoding: "utf8" });
            const count = (what: string) => Number(new RegExp(`^# ${what} (\\d+)$`, "m").exec(run.stdout)?.[1]);
            const failed = count("fail") + count("cancelled");
            // The whole report when something failed: the failing assertions are in it.
            expect({ status: run.status, failed, stderr: run.stderr, report: failed === 0 ? "" : run.stdout }).toEqual({
                status: 0,
                failed: 0,
                stderr: "",
                report: "",
            });
            // Every test ran: one for the whole program, four for each of the four linked platforms, two in the preview.
            expect({ passed: count("pass"), skipped: count("skipped"), todo: count("todo") }).toEqual({
                passed: 1 + 4 * 4 + 2,
                skipped: 0,
                todo: 0,
            });
        });
    });
});
