/**
 * Cold start and footprint of each app.
 *   start-up: exec → first 200 on /health, median of N, with the databases already up, for
 *             `node -r @swc-node/register apps/<app>/src/server.ts` (npm run dev) and the built dist/ run with the
 *             image's command (`node --require ./tracing.js server.js`) from a copy of what the image ships, on each
 *             Node version; the built modes side by side, interleaved run by run: tracing off (the image's
 *             default), tracing on (exporting http/protobuf to an OTLP receiver on loopback), and the one-file
 *             bundle of before issue #21 (bundle.js --single-file); it prints the ratios on/off and off/one-file.
 *   payload:  the Dockerfile's runtime stage reproduced in a temp dir — every workspace manifest + the lock,
 *             `npm ci --omit=dev --workspace=<app> --ignore-scripts` — and the sizes of node_modules plus the
 *             built dist/ of the app and service-kit (apparent file sizes, symlinks not followed).
 *
 *   node -r @swc-node/register bench/startup.ts [--runs 5] [--node 20,24] [--no-build] [--no-payload] [--no-report]
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { PRODUCTS_TABLE, AWS_REGION, startBenchDatabases } from "./lib/dbs";
import { REPO_ROOT, boundedInt, busyNote, machineInfo, median, benchCli, runtimes, writeJson, type NodeRuntime } from "./lib/env";
import { freePort } from "../scripts/test-db";
import { startOtlpReceiver } from "../packages/service-kit/test/otlp-receiver";
import { onCleanup, runBench, spawnTracked, stopChild } from "./lib/procs";
import type { PayloadRow, StartupResult, StartupRow } from "./lib/types";
import { writeReport } from "./report";

const APPS = ["catalogue-api", "visits-api", "products-api", "private-service"] as const;
type App = (typeof APPS)[number];

function healthStatus(port: number): Promise<number> {
    return new Promise((resolve) => {
        const req = http.get({ host: "127.0.0.1", port, path: "/health", agent: false, timeout: 2_000 }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
        });
        req.on("error", () => resolve(0));
        req.on("timeout", () => req.destroy());
    });
}

/** exec → first 200 on /health, in ms (polls every 5 ms; gives up after 30 s). */
async function timeToHealthy(runtime: NodeRuntime, args: string[], env: Record<string, string>): Promise<number> {
    const port = await freePort();
    const started = process.hrtime.bigint();
    const child = spawnTracked(runtime.bin, args, {
        cwd: REPO_ROOT,
        env: { ...env, PORT: String(port) },
        stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr = (stderr + c).slice(-2_000)));
    try {
        for (;;) {
            if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr.trim().slice(-300)}`);
            if ((await healthStatus(port)) === 200) return Number(process.hrtime.bigint() - started) / 1e6;
            if (Number(process.hrtime.bigint() - started) > 30e9)
                throw new Error(`no 200 on /health after 30 s: ${stderr.trim().slice(-300)}`);
            await new Promise((r) => setTimeout(r, 5));
        }
    } finally {
        await stopChild(child);
    }
}

function dirBytes(dir: string): number {
    let total = 0;
    let entries: fs.Dirent[];
    try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
        return 0;
    }
    for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isSymbolicLink()) continue;
        if (e.isDirectory()) total += dirBytes(p);
        else if (e.isFile()) total += fs.statSync(p).size;
    }
    return total;
}

function run(command: string, args: string[], cwd: string): void {
    execFileSync(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
}

/** The Dockerfile runtime stage in a temp dir; returns sizes and the dev-only packages that still got installed. */
function payload(app: App, notes: string[]): PayloadRow {
    const stage = runtimeStage(app);
    if (stage && !/npm ci|npm install/.test(stage.text)) {
        // The image adds only the COPY'd build output (a bundle): that is the whole payload.
        const distBytes = stage.copies.reduce((a, c) => a + pathBytes(c.src), 0);
        return {
            app,
            distBytes,
            depsBytes: 0,
            totalBytes: distBytes,
            packages: 0,
            largest: stage.copies.map((c) => ({ name: path.relative(REPO_ROOT, c.src), bytes: pathBytes(c.src) })),
        };
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-payload-${app}-`));
    try {
        const manifests = execFileSync(
            "git",
            ["ls-files", "--cached", "--others", "--exclude-standard", "--", "package.json", "*/package.json"],
            { cwd: REPO_ROOT, encoding: "utf8" },
        )
            .split("\n")
            .filter((f) => f && !f.includes("node_modules/") && !f.startsWith("bench/"));
        for (const f of [...manifests, "package-lock.json"]) {
            fs.mkdirSync(path.join(dir, path.dirname(f)), { recursive: true });
            fs.copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));
        }
        run(
            "npm",
            [
                "ci",
                "--omit=dev",
                `--workspace=@serverless-containers/${app}`,
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--prefer-offline",
            ],
            dir,
        );
        const nm = path.join(dir, "node_modules");
        const sizes: Array<{ name: string; bytes: number }> = [];
        for (const entry of fs.readdirSync(nm)) {
            if (entry.startsWith(".")) continue;
            if (entry.startsWith("@")) {
                for (const scoped of fs.readdirSync(path.join(nm, entry)))
                    sizes.push({ name: `${entry}/${scoped}`, bytes: dirBytes(path.join(nm, entry, scoped)) });
            } else sizes.push({ name: entry, bytes: dirBytes(path.join(nm, entry)) });
        }
        const depsBytes = dirBytes(nm);
        const distBytes =
            dirBytes(path.join(REPO_ROOT, "apps", app, "dist")) +
            dirBytes(path.join(REPO_ROOT, "packages", "service-kit", "dist")) +
            fs.statSync(path.join(REPO_ROOT, "packages", "service-kit", "index.js")).size;
        // Packages the image gets that nothing reaches through production edges (dependencies, optional and
        // non-optional peer dependencies) from the app and service-kit: dead weight in the image.
        const reachable = productionClosure(dir, app);
        const unreachable = sizes.filter((s) => !reachable.has(s.name) && !s.name.startsWith("@serverless-containers/") && s.bytes > 0);
        if (unreachable.length > 0) {
            const bytes = unreachable.reduce((a, s) => a + s.bytes, 0);
            const top = [...unreachable].sort((a, b) => b.bytes - a.bytes);
            notes.push(
                `${app}: ${(bytes / 1e6).toFixed(1)} MB of the production install is not reachable from the app's production dependencies ` +
                    `(${top
                        .slice(0, 5)
                        .map((s) => `${s.name} ${(s.bytes / 1e6).toFixed(1)} MB`)
                        .join(", ")}${top.length > 5 ? `, +${top.length - 5} more` : ""}): ` +
                    "npm keeps a workspace's devDependencies when the lock marks them non-dev because a root production dependency needs them (typescript is a peer of @pulumi/pulumi and @swc-node/register).",
            );
        }
        return {
            app,
            distBytes,
            depsBytes,
            totalBytes: distBytes + depsBytes,
            packages: sizes.length,
            largest: [...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, 4),
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

interface Manifest {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/**
 * Top-level package names under <dir>/node_modules reachable from the workspace app (and service-kit) through
 * dependencies / optionalDependencies / required peerDependencies, resolved like require() (nested first).
 */
function productionClosure(dir: string, app: App): Set<string> {
    const reached = new Set<string>();
    const seen = new Set<string>();
    const queue: Array<{ from: string; manifest: Manifest }> = [];
    const read = (pkgDir: string): Manifest => JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")) as Manifest;
    queue.push({ from: path.join(dir, "apps", app), manifest: read(path.join(dir, "apps", app)) });
    while (queue.length > 0) {
        const { from, manifest } = queue.shift()!;
        const names = [
            ...Object.keys(manifest.dependencies ?? {}),
            ...Object.keys(manifest.optionalDependencies ?? {}),
            ...Object.keys(manifest.peerDependencies ?? {}).filter((n) => !manifest.peerDependenciesMeta?.[n]?.optional),
        ];
        for (const name of names) {
            // Walk up from `from` looking in node_modules, as require() does.
            let cur = from;
            let found: string | undefined;
            for (;;) {
                const candidate = path.join(cur, "node_modules", name);
                if (fs.existsSync(path.join(candidate, "package.json"))) {
                    found = candidate;
                    break;
                }
                if (cur === dir || path.dirname(cur) === cur) break;
                cur = path.dirname(cur);
            }
            if (!found) continue;
            const real = fs.realpathSync(found);
            if (
                path.dirname(found) === path.join(dir, "node_modules") ||
                path.dirname(path.dirname(found)) === path.join(dir, "node_modules")
            )
                reached.add(name);
            if (seen.has(real)) continue;
            seen.add(real);
            queue.push({ from: real, manifest: read(real) });
        }
    }
    return reached;
}

/**
 * When the Dockerfile's runtime stage ships only COPY'd build output (no npm ci), the built app is started
 * from a temp dir holding exactly those files, like the container (no node_modules reachable other than what the
 * image ships); the arguments of the image's `CMD ["node", …]` are returned with its relative paths (./tracing.js,
 * server.js) resolved in that dir. Undefined when the runtime stage installs dependencies (then dist runs in place).
 */
function containerLayout(app: App): string[] | undefined {
    const stage = runtimeStage(app);
    if (!stage || /npm ci|npm install/.test(stage.text)) return undefined;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-image-${app}-`));
    layoutDirs.push(dir);
    for (const { src, dst } of stage.copies) {
        const target = path.isAbsolute(dst) ? path.join(dir, path.relative(stage.workdir, dst)) : path.join(dir, dst);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.cpSync(src, target, { recursive: true });
    }
    const cmd = /^CMD (\[.*\])\s*$/m.exec(stage.text)?.[1];
    const argv = cmd ? (JSON.parse(cmd) as string[]) : [];
    if (argv[0] !== "node") return undefined;
    return argv.slice(1).map((a) => (a.startsWith("-") ? a : path.join(dir, a)));
}
const layoutDirs: string[] = [];

/** The runtime stage of the shared Dockerfile for APP=<app>: its text, WORKDIR and `COPY --from=build <src> <dst>` pairs. */
function runtimeStage(app: App): { text: string; workdir: string; copies: Array<{ src: string; dst: string }> } | undefined {
    const file = path.join(REPO_ROOT, "Dockerfile");
    if (!fs.existsSync(file)) return undefined;
    const text = fs.readFileSync(file, "utf8").replaceAll("${APP}", app);
    const at = text.search(/^FROM .* AS runtime\s*$/m);
    if (at < 0) return undefined;
    const stage = text.slice(at);
    const workdir = /^WORKDIR (\S+)/m.exec(stage)?.[1] ?? "/";
    const copies: Array<{ src: string; dst: string }> = [];
    for (const m of stage.matchAll(/^COPY --from=build(?: --\S+)* (\S+) (\S+)\s*$/gm)) {
        copies.push({ src: path.join(REPO_ROOT, m[1].replace(/^\/repo\//, "")), dst: m[2] });
    }
    return { text: stage, workdir, copies };
}

function pathBytes(p: string): number {
    if (!fs.existsSync(p)) return 0;
    return fs.statSync(p).isDirectory() ? dirBytes(p) : fs.statSync(p).size;
}

const hasDist = (app: App): boolean => fs.existsSync(path.join(REPO_ROOT, "apps", app, "dist", "server.js"));

async function main(): Promise<void> {
    const machine = machineInfo();
    const args = benchCli(
        { command: "npm run bench:startup --", summary: "Cold start of each app to its first /health 200, and the image payload." },
        {
            runs: { type: "string", value: "<n>", description: "start-ups per app and mode (1–15, default 5)" },
            node: { type: "string", value: "<majors>", description: "Node versions, e.g. 20,24 (default 20,24)" },
            "no-build": { type: "boolean", description: "reuse apps/*/dist instead of building" },
            "no-payload": { type: "boolean", description: "skip the image payload measurement" },
            "no-report": { type: "boolean", description: "do not regenerate docs/performance.md" },
        },
    );
    const runs = boundedInt(args.runs, 5, 1, 15, "runs");
    const nodes = runtimes(args.node ?? "20,24");
    const notes: string[] = [busyNote(machine)].filter((n): n is string => n !== undefined);

    let build: StartupResult["build"] = { ok: false, error: "skipped (--no-build)" };
    if (!args["no-build"]) {
        process.stdout.write("Building service-kit and the apps (npm run build)…\n");
        try {
            run("npm", ["run", "build", "--if-present", "-w", "packages/service-kit"], REPO_ROOT);
            for (const app of APPS) run("npm", ["run", "build", "-w", `apps/${app}`], REPO_ROOT);
            build = { ok: true };
        } catch (err) {
            const e = err as { stdout?: string; stderr?: string; message: string };
            build = { ok: false, error: `${e.stdout ?? ""}${e.stderr ?? ""}`.trim().slice(-500) || e.message };
            process.stdout.write(`  build failed: ${build.error}\n`);
        }
    }

    process.stdout.write("Starting the databases…\n");
    const dbs = await startBenchDatabases(5);
    const common = { PATH: process.env.PATH ?? "", NODE_ENV: "production", LOG_LEVEL: "info" };
    const envOf = (app: App): Record<string, string> => {
        if (app === "catalogue-api" || app === "visits-api") {
            const db = app === "catalogue-api" ? dbs.catalogue : dbs.visits;
            return {
                ...common,
                DB_HOST: db.host,
                DB_PORT: String(db.port),
                DB_USER: db.user,
                DB_PASSWORD: db.password,
                DB_NAME: db.database,
            };
        }
        if (app === "products-api")
            return { ...common, DYNAMODB_ENDPOINT: dbs.dynamoEndpoint, TABLE_NAME: PRODUCTS_TABLE, AWS_REGION, RUNTIME: "bench" };
        return common;
    };

    // Tracing on exports to a receiver on loopback, as to a collector next to the task (docs/tracing.md).
    const receiver = await startOtlpReceiver();
    onCleanup(() => receiver.close());
    // What the image sets (Dockerfile ENV): tracing off unless the platform's component switches it on.
    const tracingOff = (app: App): Record<string, string> => ({ OTEL_SERVICE_NAME: app, OTEL_SDK_DISABLED: "true" });
    const tracingOn = (app: App): Record<string, string> => ({
        OTEL_SERVICE_NAME: app,
        OTEL_SDK_DISABLED: "false",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    });
    // The one-file bundle of before issue #21 (bundle.js --single-file), the baseline of the built modes.
    const oneFile = new Map<App, string>();
    if (build.ok) {
        for (const app of APPS) {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-one-file-${app}-`));
            layoutDirs.push(dir);
            run(
                process.execPath,
                [path.join(REPO_ROOT, "packages/service-kit/bundle.js"), "--single-file", "--outdir", dir],
                path.join(REPO_ROOT, "apps", app),
            );
            oneFile.set(app, path.join(dir, "server.js"));
        }
    }

    const startup: StartupRow[] = [];
    const record = (app: string, mode: StartupRow["mode"], times: number[], error: string | undefined): StartupRow => {
        const row: StartupRow = { app, mode, runsMs: times, medianMs: times.length ? median(times) : NaN, ok: error === undefined, error };
        startup.push(row);
        process.stdout.write(
            `${row.app.padEnd(28)} ${mode.padEnd(26)} ${row.ok ? `median ${row.medianMs.toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(", ")})` : `FAILED ${error}`}\n`,
        );
        return row;
    };
    for (const runtime of nodes) {
        for (const app of APPS) {
            const label = `${app} (Node ${runtime.major})`;
            const src = ["-r", "@swc-node/register", path.join("apps", app, "src", "server.ts")];
            const times: number[] = [];
            let error: string | undefined;
            try {
                for (let i = 0; i < runs; i += 1) times.push(await timeToHealthy(runtime, src, envOf(app)));
            } catch (err) {
                error = (err as Error).message;
            }
            record(label, "swc-register (src)", times, error);
            if (!(build.ok || (args["no-build"] && hasDist(app)))) continue;

            // The built modes side by side: run i of each mode one after the other, so load that comes and goes
            // on the machine falls on all of them alike.
            const image = containerLayout(app) ?? [
                "--require",
                path.join("apps", app, "dist", "tracing.js"),
                path.join("apps", app, "dist", "server.js"),
            ];
            const modes: Array<{ mode: StartupRow["mode"]; argv: string[]; env: Record<string, string>; times: number[]; error?: string }> =
                [
                    { mode: "built (dist)", argv: image, env: { ...envOf(app), ...tracingOff(app) }, times: [] },
                    { mode: "built (dist), tracing on", argv: image, env: { ...envOf(app), ...tracingOn(app) }, times: [] },
                ];
            const single = oneFile.get(app);
            if (single) modes.push({ mode: "one-file bundle", argv: [single], env: envOf(app), times: [] });
            for (let i = 0; i < runs; i += 1) {
                for (const m of modes) {
                    if (m.error !== undefined) continue;
                    try {
                        m.times.push(await timeToHealthy(runtime, m.argv, m.env));
                    } catch (err) {
                        m.error = (err as Error).message;
                    }
                }
            }
            const [off, on, one] = modes.map((m) => record(label, m.mode, m.times, m.error));
            const ratio = (a: StartupRow | undefined, b: StartupRow | undefined): string =>
                a?.ok && b?.ok ? `${(a.medianMs / b.medianMs).toFixed(2)}×` : "–";
            process.stdout.write(
                `${label.padEnd(28)} ratio tracing on / off ${ratio(on, off)}; off / one-file bundle ${ratio(off, one)}\n`,
            );
        }
    }
    const exported = receiver.requests.reduce((n, r) => n + r.spans, 0);
    notes.push(
        `Tracing on: ${exported} spans in ${receiver.requests.length} OTLP exports reached the loopback receiver during the runs (start-up DB work; /health is not traced).`,
    );

    const payloadRows: PayloadRow[] = [];
    if (!args["no-payload"]) {
        for (const app of APPS.filter(hasDist)) {
            process.stdout.write(`Payload ${app}…\n`);
            try {
                const row = payload(app, notes);
                payloadRows.push(row);
                process.stdout.write(
                    `  ${(row.totalBytes / 1e6).toFixed(1)} MB (dist ${(row.distBytes / 1e6).toFixed(2)} MB, node_modules ${(row.depsBytes / 1e6).toFixed(1)} MB, ${row.packages} packages)\n`,
                );
            } catch (err) {
                notes.push(`payload of ${app} not measured: ${(err as Error).message.slice(0, 300)}`);
            }
        }
    }

    const result: StartupResult = {
        machine,
        command: `node -r @swc-node/register bench/startup.ts ${process.argv.slice(2).join(" ")}`.trim(),
        node: nodes.map((n) => n.version).join(", "),
        build,
        startup,
        payload: payloadRows,
        payloadMethod: payloadRows.every((p) => p.depsBytes === 0 && p.packages === 0)
            ? "Read from each app's Dockerfile: the runtime stage installs nothing and only COPYs build output (the esbuild bundle `dist/server.js`), so the payload is the size of those files on top of the Node base image (the base image itself is not counted). The built start-up times above run that file from a temp dir holding nothing else, as in the image."
            : "Reproduces the Dockerfile's runtime stage: every workspace `package.json` plus `package-lock.json` copied to a temp dir, " +
              "`npm ci --omit=dev --workspace=@serverless-containers/<app> --ignore-scripts`, then the apparent size of every file under " +
              "`node_modules` (workspace symlinks not followed) plus the built `apps/<app>/dist`, `packages/service-kit/dist` and `index.js` — " +
              "the files the image adds on top of the Node base image (the base image itself is not counted).",
        notes,
    };
    writeJson("startup.json", result);
    for (const d of layoutDirs) fs.rmSync(d, { recursive: true, force: true });
    if (!args["no-report"])
        process.stdout.write(
            `Report: ${writeReport()
                .map((f) => path.relative(REPO_ROOT, f))
                .join(", ")}\n`,
        );
}

onCleanup(async () => undefined);
runBench(main);
