/**
 * Images of the monorepo's apps: one Dockerfile at the repository root, built once per app with
 * `--build-arg APP=<app>` and the repository root as context (the apps depend on the shared service
 * kit); the root `.dockerignore` allow-lists what that context contains.
 */
import * as path from "node:path";
import { ContainerImage } from "../components/index";
import type { StackConfig } from "./config";

export const REPO_ROOT = path.resolve(__dirname, "..");

/** ECR repository + digest-pinned image of `apps/<app>`; `name` defaults to the app's name. */
export function appImage(app: string, config: StackConfig, name: string = app): ContainerImage {
    return new ContainerImage(name, {
        // ContainerImage hands the Docker provider this path relative to the program's working directory
        // (the project root): another checkout path gives the same provider inputs.
        context: REPO_ROOT,
        dockerfile: "Dockerfile",
        buildArgs: { APP: app },
        retainCount: config.imageRetainCount,
        // Dev repositories may be destroyed with their images; elsewhere images outlive a mistaken destroy, until
        // the stack is retiring (`retire`: docs/deploying.md, "Retiring an environment").
        forceDelete: config.environment === "dev" || config.retire,
        tags: { ...config.tags, app },
    });
}
