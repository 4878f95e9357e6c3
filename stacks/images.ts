/**
 * Images of the monorepo's apps. Every app builds with the repository root as context (it depends on
 * the shared service kit); the root `.dockerignore` allow-lists what that context contains.
 */
import * as path from "node:path";
import { ContainerImage } from "../components/container-image";
import type { StackConfig } from "./config";

export const REPO_ROOT = path.resolve(__dirname, "..");

/** ECR repository + digest-pinned image of `apps/<app>`; `name` defaults to the app's name. */
export function appImage(app: string, config: StackConfig, name: string = app): ContainerImage {
    return new ContainerImage(name, {
        context: REPO_ROOT,
        dockerfile: `apps/${app}/Dockerfile`,
        retainCount: config.imageRetainCount,
        // Dev repositories may be destroyed with their images; elsewhere images outlive a mistaken destroy.
        forceDelete: config.environment === "dev",
        tags: { ...config.tags, app },
    });
}
