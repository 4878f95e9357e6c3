"use strict";
// The kit is consumed as TypeScript source: apps bundle it into their single dist/server.js with
// esbuild (bundle.js), and `npm run dev` / jest load it through their TypeScript loaders. There is no
// separately compiled kit to keep in step.
const path = require("path");

const tsLoaderActive = Boolean(require.extensions && require.extensions[".ts"]) || process.env.JEST_WORKER_ID !== undefined;
if (!tsLoaderActive) {
    throw new Error(
        "@serverless-containers/service-kit is TypeScript source: load it under a TypeScript loader " +
            "(node -r @swc-node/register) or bundle the app (npm run build -w apps/<name>).",
    );
}
module.exports = require(path.join(__dirname, "src", "index.ts"));
