/**
 * The build context podman/buildah really sends, listed from inside an image (`COPY . /ctx/`), to compare
 * with `contextFiles()` — the BuildKit reading of .dockerignore (@balena/dockerignore), which is also what
 * ContainerImage hashes into the tag. Docker/BuildKit and buildah users must get the same context.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { BASE_IMAGE } from "./base-image";
import { podman, ULIMITS } from "./podman";

export function podmanContextFiles(contextDir: string): string[] {
    const dir = mkdtempSync(path.join(tmpdir(), "context-probe-"));
    const tag = `localhost/serverless-containers/context-probe:${path.basename(dir).toLowerCase()}`;
    try {
        // The Containerfile lives outside the context, so it cannot add itself to the listing.
        writeFileSync(path.join(dir, "Containerfile"), `FROM ${BASE_IMAGE}\nCOPY . /ctx/\n`);
        podman(["build", "--pull=never", "--quiet", ...ULIMITS, "-f", path.join(dir, "Containerfile"), "-t", tag, contextDir]);
        const listing = podman(["run", "--rm", "--network", "none", ...ULIMITS, "--entrypoint", "find", tag, "/ctx", "-type", "f"]);
        return listing.stdout
            .split("\n")
            .filter((l) => l.startsWith("/ctx/"))
            .map((l) => l.slice("/ctx/".length))
            .sort();
    } finally {
        podman(["rmi", "--force", tag], { allowFailure: true });
        rmSync(dir, { recursive: true, force: true });
    }
}
