/**
 * Build the four app images with podman from the repository root, exactly as a user builds them with Docker
 * (`docker build --build-arg APP=<app> .`), and measure what a platform pulls for them.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { BASE_IMAGE } from "./base-image";
import { podman, podmanStreaming, ULIMITS } from "./podman";

export const APPS = ["products-api", "catalogue-api", "visits-api", "private-service"] as const;
export type App = (typeof APPS)[number];

export const imageName = (app: App): string => `localhost/serverless-containers/${app}:test`;

/** `podman build` of one app; `--pull=never` because the base is the local stand-in. Returns seconds taken. */
export async function buildAppImage(app: App, repoRoot: string): Promise<number> {
    const started = Date.now();
    const { code, tail } = await podmanStreaming(
        [
            "build",
            "--pull=never",
            "--network",
            "host",
            ...ULIMITS,
            "--build-arg",
            `APP=${app}`,
            "-f",
            "Dockerfile",
            "-t",
            imageName(app),
            ".",
        ],
        `  [${app}] `,
        { cwd: repoRoot, quiet: true },
    );
    if (code !== 0) throw new Error(`podman build of ${app} failed (exit ${code}):\n${tail}`);
    return (Date.now() - started) / 1000;
}

export interface LayerFigures {
    /** Layers the app adds on top of the base image. */
    readonly layers: number;
    readonly uncompressedBytes: number;
    /** gzip (level 6, what `docker push` uses by default) of those layers: what a registry stores and a platform pulls. */
    readonly compressedBytes: number;
    /** The same for the base image (the stand-in here: see base-image.ts). */
    readonly baseCompressedBytes: number;
}

const rootfsLayers = (image: string): string[] =>
    JSON.parse(podman(["image", "inspect", "--format", "{{json .RootFS.Layers}}", image]).stdout) as string[];

/** Saves the image as an OCI layout and sizes its layers; the app's layers are those after the base's. */
export function layerFigures(image: string): LayerFigures {
    const baseLayers = rootfsLayers(BASE_IMAGE);
    const layers = rootfsLayers(image);
    if (baseLayers.some((l, i) => layers[i] !== l)) throw new Error(`${image} is not built on the current ${BASE_IMAGE}`);
    const dir = mkdtempSync(path.join(tmpdir(), "oci-layout-"));
    try {
        podman(["save", "--format", "oci-dir", "-o", path.join(dir, "oci"), image]);
        const blob = (digest: string) => readFileSync(path.join(dir, "oci", "blobs", ...digest.split(":")));
        const index = JSON.parse(readFileSync(path.join(dir, "oci", "index.json"), "utf8"));
        const manifest = JSON.parse(blob(index.manifests[0].digest).toString("utf8"));
        const sizes = (manifest.layers as Array<{ digest: string }>).map(({ digest }) => {
            const bytes = blob(digest);
            const gz = bytes[0] === 0x1f && bytes[1] === 0x8b;
            return {
                uncompressed: gz ? gunzipSync(bytes).length : bytes.length,
                compressed: gz ? bytes.length : gzipSync(bytes, { level: 6 }).length,
            };
        });
        const app = sizes.slice(baseLayers.length);
        const base = sizes.slice(0, baseLayers.length);
        return {
            layers: app.length,
            uncompressedBytes: app.reduce((n, s) => n + s.uncompressed, 0),
            compressedBytes: app.reduce((n, s) => n + s.compressed, 0),
            baseCompressedBytes: base.reduce((n, s) => n + s.compressed, 0),
        };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
