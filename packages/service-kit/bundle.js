"use strict";
// Builds the app in the current directory into ONE file, dist/server.js: the app, this kit (from its
// TypeScript sources) and every production dependency, bundled by esbuild. The runtime image then
// ships that file and nothing else: no node_modules (a few MB instead of tens), and one file to load at
// start instead of hundreds of module resolutions. Types are checked by `npm run typecheck`, not here.
//
//   npm run build -w apps/<name>
const fs = require("fs");
const path = require("path");
const esbuild = require("esbuild");

fs.rmSync(path.resolve("dist"), { recursive: true, force: true });

const result = esbuild.buildSync({
    entryPoints: [path.resolve("src/server.ts")],
    outfile: path.resolve("dist/server.js"),
    bundle: true,
    platform: "node",
    target: "node24",
    format: "cjs",
    alias: { "@serverless-containers/service-kit": path.join(__dirname, "src/index.ts") },
    // pg tries the optional native binding first and falls back to pure JS when it is absent.
    external: ["pg-native"],
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
process.stdout.write(`dist/server.js: ${(bytes / 1024 / 1024).toFixed(1)} MiB bundled\n`);
