/**
 * One Node version for everyone, and a clear refusal of the others: the version files nvm/fnm/nodenv and
 * GitHub's setup-node read, the one .ci/run installs, npm's engine check on `npm ci`, and the check the
 * preview and the dev runner make before they load anything.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import semver from "semver";
import { nodeVersionProblem, pinnedNodeVersion, supportedNodeRange } from "./lib/node-version";

const ROOT = path.resolve(__dirname, "..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

describe("the Node version", () => {
    it("should be pinned once: .nvmrc and .node-version agree, .ci/run installs that version, and engines accepts it", () => {
        const pinned = read(".nvmrc").trim();
        expect(semver.valid(pinned)).toBe(pinned);
        expect(read(".node-version").trim()).toBe(pinned);
        expect(pinnedNodeVersion()).toBe(pinned);
        expect(read(".ci/run")).toMatch(/^CI_NODE_VERSION="\$\(tr -d '\[:space:\]' < \.nvmrc\)"$/m);
        expect(semver.satisfies(pinned, supportedNodeRange())).toBe(true);
    });

    it("should declare only Node versions every package npm ci installs accepts (what engine-strict enforces)", () => {
        const lock = JSON.parse(read("package-lock.json")) as {
            packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
        };
        const range = supportedNodeRange();
        const refusing = Object.entries(lock.packages)
            .filter(([, p]) => !p.optional && !Array.isArray(p.engines) && p.engines?.node !== undefined)
            .filter(([, p]) => !semver.subset(range, (p.engines as { node: string }).node))
            .map(([name, p]) => `${name || "(root)"}: ${(p.engines as { node: string }).node}`);
        expect(refusing).toEqual([]);
    });

    it("should make npm ci fail, not warn, on a Node outside engines", () => {
        const settings = read(".npmrc")
            .split("\n")
            .filter((l) => !/^\s*[#;]/.test(l));
        expect(settings).toContain("engine-strict=true");
    });

    it("should name the running version, the range and .nvmrc when the version is outside engines, and accept the pinned one", () => {
        expect(nodeVersionProblem("20.20.2")).toBe(
            `serverless-containers needs Node ${supportedNodeRange()} (package.json "engines"); this is Node 20.20.2. ` +
                `Use the version in .nvmrc (${pinnedNodeVersion()}): \`nvm install\` or \`fnm use\` reads it; the README's quick start has the steps.`,
        );
        expect(nodeVersionProblem("22.12.0")).toContain("this is Node 22.12.0");
        expect(nodeVersionProblem(pinnedNodeVersion())).toBeUndefined();
    });

    it.each(["scripts/offline-preview.ts", "scripts/dev.ts"])(
        "should check the Node version in %s before it imports anything else",
        (file) => {
            const firstImport = /^import\s.*$/m.exec(read(file))?.[0];
            expect(firstImport).toBe(`import "./lib/supported-node";`);
        },
    );

    it("should exit 1 with the message before anything else runs when the check fails", () => {
        const run = spawnSync(
            process.execPath,
            ["-r", "@swc-node/register", "-e", 'require("./scripts/lib/node-version").requireSupportedNode(">=99"); console.log("ran on")'],
            { cwd: ROOT, encoding: "utf8" },
        );
        expect(run.status).toBe(1);
        expect(run.stdout).toBe("");
        expect(run.stderr).toContain(
            `✖ serverless-containers needs Node >=99 (package.json "engines"); this is Node ${process.versions.node}.`,
        );
    });
});
