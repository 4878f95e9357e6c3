/**
 * ECR repository + Docker image build/push, exposing a digest-pinned image URI.
 *
 * The tag is a hash of exactly what the build sends to Docker — every file of the context that its
 * `.dockerignore` lets through, plus the Dockerfile — because that is also what makes the Docker
 * provider rebuild and push. With immutable tags, pushing a rebuilt image under a tag that already
 * exists is rejected; deriving the tag from the same input guarantees a rebuild always pushes a new
 * tag. A new tag yields a new digest only when the image really differs, and the digest is the only
 * thing that rolls a service out.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import dockerignore from "@balena/dockerignore";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { intRange, throwIfAny } from "./limits";

export interface ContainerImageArgs {
    /** Docker build context directory (absolute, or relative to the program's working directory). */
    readonly context: string;
    /** Dockerfile path relative to `context`. @default "Dockerfile" */
    readonly dockerfile?: string;
    /** Target platform; App Runner, ECS and EKS Fargate run x86_64 unless told otherwise. @default "linux/amd64" */
    readonly platform?: string;
    /** Lifecycle policy keeps this many most recent images. @default 10 */
    readonly retainCount?: number;
    /** Build arguments (part of the tag). */
    readonly buildArgs?: Record<string, string>;
    /** Delete the repository even if it still holds images (dev only). @default false */
    readonly forceDelete?: boolean;
    /** Tags for the repository. */
    readonly tags?: Record<string, string>;
}

/** Directories never walked: Docker contexts must exclude them anyway, and they are large. */
const NEVER_IN_CONTEXT = new Set([".git", "node_modules"]);

/** Files of `context` that Docker would send, honouring the context's `.dockerignore` (posix paths, sorted). */
export function contextFiles(context: string): string[] {
    const ignoreFile = path.join(context, ".dockerignore");
    const ignore = dockerignore().add(existsSync(ignoreFile) ? readFileSync(ignoreFile, "utf8") : "");
    const files: string[] = [];
    const walk = (dir: string) => {
        for (const entry of readdirSync(path.join(context, dir), { withFileTypes: true })) {
            if (NEVER_IN_CONTEXT.has(entry.name)) continue;
            const rel = dir ? `${dir}/${entry.name}` : entry.name;
            if (entry.isDirectory()) walk(rel);
            else if (entry.isFile() && !ignore.ignores(rel)) files.push(rel);
        }
    };
    walk("");
    return files.sort();
}

/** sha256 over the context files (names and bytes), the Dockerfile, the platform and the build args. */
export function contextHash(context: string, dockerfile: string, extra: string): string {
    const hash = createHash("sha256");
    for (const file of contextFiles(context)) {
        hash.update(file).update("\0").update(readFileSync(path.join(context, file))).update("\0");
    }
    hash.update("Dockerfile\0").update(readFileSync(path.join(context, dockerfile))).update("\0").update(extra);
    return hash.digest("hex");
}

export class ContainerImage extends pulumi.ComponentResource {
    /** `repository@sha256:…` — deploy this, never a tag. */
    public readonly imageUri: pulumi.Output<string>;
    public readonly repositoryUrl: pulumi.Output<string>;
    public readonly repositoryArn: pulumi.Output<string>;
    /** The content-derived tag that was pushed. */
    public readonly tag: string;

    constructor(name: string, args: ContainerImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("serverless-containers:image:ContainerImage", name, {}, opts);
        const dockerfile = args.dockerfile ?? "Dockerfile";
        const retainCount = args.retainCount ?? 10;
        throwIfAny("ContainerImage", name, [
            intRange("retainCount", retainCount, 1, 1000),
            existsSync(path.join(args.context, dockerfile)) ? undefined : `\`dockerfile\` "${dockerfile}" was not found in context "${args.context}".`,
        ]);
        const platform = args.platform ?? "linux/amd64";
        this.tag = `c-${contextHash(args.context, dockerfile, JSON.stringify({ platform, buildArgs: args.buildArgs ?? {} })).slice(0, 16)}`;

        const repository = this.createRepository(name, args, retainCount);
        const image = this.createImage(name, args, dockerfile, platform, repository);

        this.repositoryUrl = repository.repositoryUrl;
        this.repositoryArn = repository.arn;
        // repoDigest is `<repositoryUrl>@sha256:<digest>` of the pushed manifest.
        this.imageUri = image.repoDigest;
        this.registerOutputs({ imageUri: this.imageUri, repositoryUrl: this.repositoryUrl, repositoryArn: this.repositoryArn });
    }

    private createRepository(name: string, args: ContainerImageArgs, retainCount: number): aws.ecr.Repository {
        const repository = new aws.ecr.Repository(
            `${name}-repo`,
            {
                imageScanningConfiguration: { scanOnPush: true },
                // Immutable tags: a tag always means the same bytes; rollouts go by digest anyway.
                imageTagMutability: "IMMUTABLE",
                encryptionConfigurations: [{ encryptionType: "KMS" }],
                forceDelete: args.forceDelete ?? false,
                tags: args.tags,
            },
            { parent: this },
        );
        new aws.ecr.LifecyclePolicy(
            `${name}-lifecycle`,
            {
                repository: repository.name,
                policy: JSON.stringify({
                    rules: [
                        {
                            rulePriority: 1,
                            description: `Keep the last ${retainCount} images`,
                            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: retainCount },
                            action: { type: "expire" },
                        },
                    ],
                }),
            },
            { parent: this },
        );
        return repository;
    }

    private createImage(name: string, args: ContainerImageArgs, dockerfile: string, platform: string, repository: aws.ecr.Repository): docker.Image {
        const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent: this });
        return new docker.Image(
            `${name}-image`,
            {
                imageName: pulumi.interpolate`${repository.repositoryUrl}:${this.tag}`,
                build: {
                    context: args.context,
                    dockerfile: path.join(args.context, dockerfile),
                    platform,
                    args: args.buildArgs,
                },
                registry: {
                    server: repository.repositoryUrl,
                    username: auth.userName,
                    password: pulumi.secret(auth.password),
                },
            },
            { parent: this },
        );
    }
}
