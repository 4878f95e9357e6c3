'use strict';
// Runtime images ship only dist/ (see apps/*/Dockerfile). Under a TypeScript loader (`npm run dev` uses
// @swc-node/register; jest transforms .ts) the sources are loaded directly, so there is no kit build to forget.
const fs = require('fs');
const path = require('path');

const source = path.join(__dirname, 'src', 'index.ts');
const tsLoaderActive =
  Boolean(require.extensions && require.extensions['.ts']) || process.env.JEST_WORKER_ID !== undefined;

module.exports = tsLoaderActive && fs.existsSync(source) ? require(source) : require('./dist/index.js');
