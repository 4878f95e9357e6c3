"use strict";
// Builds the app in the current directory into dist/, what the runtime image ships and nothing else:
//   dist/server.js     the app and this kit (from its TypeScript sources) and the dependencies nobody instruments,
//                      bundled by esbuild into one file;
//   dist/tracing.js    the OpenTelemetry preload (src/tracing.ts): `node --require ./tracing.js server.js`;
//   dist/node_modules  the packages the OpenTelemetry instrumentations hook, and the SDK itself, as plain files: an
//                      instrumentation patches a module when it is require()d by name (pg/lib/client.js,
//                      mysql2/lib/connection.js, @smithy/core/dist-cjs/submodules/client/index.js…), which a bundle
//                      never does. Only the files that can be required are copied (traced by @vercel/nft).
// Types are checked by `npm run typecheck`, not here. docs/tracing.md says what this costs (size, start-up).
//
//   npm run build -w apps/<name>            (or: node <kit>/bundle.js [--outdir <dir>] from the app's directory)
//   node <kit>/bundle.js --single-file --outdir <dir>
//                                           everything in one dist/server.js, as before issue #21 (nothing can be
//                                           instrumented): bench/startup.ts's baseline for the start-up cost of dist/.
const fs = require("fs");
const path = require("path");
const esbuild = require("esbuild");
const { nodeFileTrace } = require("@vercel/nft");

/**
 * Kept out of the bundle: what the instrumentations in src/tracing.ts hook (express, pg, pg-pool, mysql2, pino, the
 * AWS SDK v3 — @aws-sdk/* and the @smithy/* it is built on) and the OpenTelemetry packages. http and fetch are Node's.
 */
const INSTRUMENTED = ["express", "pg", "pg-pool", "mysql2", "pino", "@aws-sdk/*", "@smithy/*", "@opentelemetry/*"];

const repoRoot = path.resolve(__dirname, "..", "..");
const outdirAt = process.argv.indexOf("--outdir");
const dist = path.resolve(outdirAt > 0 ? process.argv[outdirAt + 1] : "dist");
const singleFile = process.argv.includes("--single-file");

function bundle(entry, outfile) {
    return esbuild.buildSync({
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: "node",
        target: "node24",
        format: "cjs",
        alias: { "@serverless-containers/service-kit": path.join(__dirname, "src/index.ts") },
        // pg tries the optional native binding first and falls back to pure JS when it is absent.
        external: ["pg-native", ...(singleFile ? [] : INSTRUMENTED)],
        legalComments: "none",
        metafile: true,
        logLevel: "warning",
    });
}

async function main() {
    fs.rmSync(dist, { recursive: true, force: true });
    const server = bundle(path.resolve("src/server.ts"), path.join(dist, "server.js"));
    if (singleFile) return;
    const tracing = bundle(path.join(__dirname, "src/tracing.ts"), path.join(dist, "tracing.js"));

    // Every file the two entry points can require at run time, resolved as their sources' requires resolve, copied to
    // dist/node_modules with the same layout below node_modules (nested copies stay nested). Each bundle is traced as
    // if it sat next to its source — server.js in <app>/, tracing.js in the kit's directory — whatever --outdir is
    // (tests build into a temp dir; nor does a dist/node_modules left by an earlier build take part): the kit's own node_modules can hold versions the root does not (npm nests a kit
    // dependency there when another workspace's dependency took the root's place), and the image's `npm ci
    // --workspace=apps` installs no root-only package.
    const virtual = new Map([
        [path.resolve("__traced__", "server.js"), path.join(dist, "server.js")],
        [path.join(__dirname, "__traced__", "tracing.js"), path.join(dist, "tracing.js")],
    ]);
    const trace = await nodeFileTrace([...virtual.keys()], {
        base: repoRoot,
        readFile: (file) => fs.promises.readFile(virtual.get(file) ?? file).catch(() => null),
    });
    const copiedFrom = new Map();
    let files = 0;
    let bytes = 0;
    for (const file of trace.fileList) {
        const parts = file.split(path.sep);
        const at = parts.indexOf("node_modules");
        if (at < 0) continue; // dist/ itself, or a workspace source (bundled)
        const src = path.join(repoRoot, file);
        const stat = fs.lstatSync(src);
        if (!stat.isFile()) continue;
        const dst = path.join(dist, ...parts.slice(at));
        // Two installed copies landing on one path (e.g. the root's and the kit's node_modules/<pkg> in two versions)
        // would mix their files: refuse instead.
        if (copiedFrom.has(dst) && copiedFrom.get(dst) !== src) throw new Error(`${copiedFrom.get(dst)} and ${src} both map to ${dst}`);
        copiedFrom.set(dst, src);
        fs.mkdirSync(path.dirname(dst), { recursive: true });
        fs.copyFileSync(src, dst);
        files += 1;
        bytes += stat.size;
    }
    // Every package the bundles require (the externals) must be in dist/node_modules: nft leaves an unresolvable
    // require out silently, and the image would fail only when that require runs (tracing switched on).
    const missing = [server, tracing]
        .flatMap((r) => Object.values(r.metafile.outputs).flatMap((o) => o.imports))
        .filter((i) => i.external && !i.path.startsWith("node:") && !require("module").isBuiltin(i.path) && i.path !== "pg-native")
        .map((i) => (i.path.startsWith("@") ? i.path.split("/").slice(0, 2) : i.path.split("/").slice(0, 1)).join("/"))
        .filter((name) => !fs.existsSync(path.join(dist, "node_modules", name, "package.json")));
    if (missing.length > 0) throw new Error(`not in ${path.join(dist, "node_modules")}: ${[...new Set(missing)].join(", ")}`);
    const bundled = Object.values(server.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
    process.stdout.write(
        `dist/server.js: ${(bundled / 1024 / 1024).toFixed(1)} MiB bundled; dist/node_modules: ${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB\n`,
    );
}

main().catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
});
