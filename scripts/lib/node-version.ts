/**
 * The Node.js versions this project runs on: package.json's `engines.node` (which `npm ci` enforces, .npmrc
 * sets engine-strict) and the one version pinned for everyone in `.nvmrc` / `.node-version` (what .ci/run
 * installs and GitHub's setup-node reads).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import semver from "semver";

const ROOT = path.resolve(__dirname, "..", "..");

/** package.json's `engines.node`. */
export function supportedNodeRange(): string {
    return (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
}

/** The version in `.nvmrc`. */
export function pinnedNodeVersion(): string {
    return readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim();
}

/** Why Node `version` cannot run this project, naming what to do; undefined when it can. */
export function nodeVersionProblem(version: string, range = supportedNodeRange()): string | undefined {
    if (semver.satisfies(version, range)) return undefined;
    return (
        `serverless-containers needs Node ${range} (package.json "engines"); this is Node ${version}. ` +
        `Use the version in .nvmrc (${pinnedNodeVersion()}): \`nvm install\` or \`fnm use\` reads it; the README's quick start has the steps.`
    );
}

/** Exits 1 with nodeVersionProblem's message when the running Node is outside `range`. */
export function requireSupportedNode(range?: string): void {
    const problem = nodeVersionProblem(process.versions.node, range);
    if (problem === undefined) return;
    process.stderr.write(`✖ ${problem}\n`);
    process.exit(1);
}
