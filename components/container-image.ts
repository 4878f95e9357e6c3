/**
 * ECR repository + Docker image build/push, exposing a digest-pinned image URI.
 *
 * The tag is a hash of exactly what the build sends to Docker — every file of the context that its
 * `.dockerignore` lets through (names and bytes, not modes or the checkout's path), the Dockerfile, the
 * platform and the build args — so one content has one tag wherever it is built.
 *
 * Pushing a tag that already exists is what fails on an IMMUTABLE repository — ECR answers
 * ImageTagAlreadyExistsException even when the digest is the same
 * (https://github.com/aws/containers-roadmap/issues/2179, https://github.com/aws/aws-sdk/issues/750) —
 * and the Docker provider (@pulumi/docker 4.x `Image`) rebuilds and pushes on ANY input change: its Diff
 * compares every input (only registry credentials are exempt), its Update "build[s] and push[es]
 * again", its Check adds a `contextDigest` over relative names, file modes and bytes, and its Delete is
 * a no-op (https://github.com/pulumi/pulumi-docker/blob/master/provider/provider.go). So the registry is
 * asked first, at program time (`aws.ecr.getRepositories` + `aws.ecr.getImages`, read in preview too):
 *   - the tag exists (same content deployed before, a rollback, a retry after an interrupted `up`, another
 *     checkout): no `docker.Image` at all — nothing is built or pushed — and the service gets the digest
 *     ECR holds for that tag;
 *   - the tag is new: a `docker.Image` builds and pushes it, with build paths relative to the program's
 *     working directory (the project root), so another checkout path gives the provider identical inputs.
 * After a push, the next deploy with the same content drops the `docker.Image` from the state (shown as a
 * delete in the preview); the provider's Delete touches neither the registry nor the image.
 *
 * Tag immutability stays on (Security Hub ECR.2): this design never re-pushes a tag. ECR's newer
 * IMMUTABLE_WITH_EXCLUSION (mutable tag filters,
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageTagMutabilityExclusionFilter.html) is
 * not needed: no tag here is ever meant to move.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import dockerignore from "@balena/dockerignore";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { intRange, throwIfAny } from "./limits";
import { componentType, withFormerTypes } from "./component";
import { checkArguments } from "./arguments";
import { stringProblem } from "./web-service";

export interface ContainerImageArgs {
    /**
     * Docker build context directory (absolute, or relative to the program's working directory). The Docker
     * provider receives it relative to the working directory, so the checkout's location is not an input.
     */
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
    /** ECR repository name, unique per account and region. @default `<project>/<stack>/<name>` (sanitised) */
    readonly repositoryName?: string;
}

/**
 * ECR repository names: 2–256 characters, lowercase path components separated by `/`
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html).
 */
const REPOSITORY_NAME = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** `<project>/<stack>/<name>` made valid for ECR: the stack is part of it, so stacks of one account never share a repository. */
export function defaultRepositoryName(project: string, stack: string, name: string): string {
    const part = (s: string) =>
        s
            .toLowerCase()
            .replace(/[^a-z0-9._-]+/g, "-")
            .replace(/[._-]{2,}/g, "-")
            .replace(/^[._-]+|[._-]+$/g, "") || "x";
    return [project, stack, name].map(part).join("/");
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
        hash.update(file)
            .update("\0")
            .update(readFileSync(path.join(context, file)))
            .update("\0");
    }
    hash.update("Dockerfile\0")
        .update(readFileSync(path.join(context, dockerfile)))
        .update("\0")
        .update(extra);
    return hash.digest("hex");
}

/** An ECR repository and a Docker image built from a context directory and pushed under a content-derived tag, exposing the digest-pinned image reference to deploy. */
export class ContainerImage extends pulumi.ComponentResource {
    /** `repository@sha256:…` — deploy this, never a tag. */
    public readonly imageUri: pulumi.Output<string>;
    /** URL of the ECR repository the image is pushed to (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). */
    public readonly repositoryUrl: pulumi.Output<string>;
    /** ARN of the ECR repository: scope pull permissions to it. */
    public readonly repositoryArn: pulumi.Output<string>;
    /** The content-derived tag (pushed now, or found in the repository). */
    public readonly tag: string;
    /** Whether this deployment builds and pushes `tag` (false: the repository already holds it). */
    public readonly pushes: pulumi.Output<boolean>;

    constructor(name: string, args: ContainerImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("ContainerImage"), name, {}, withFormerTypes(opts, "serverless-containers:image:ContainerImage"));
        checkArguments("ContainerImage", name, args, this);
        // Shapes first: `context` and `dockerfile` are joined into a path below (a TypeError otherwise).
        throwIfAny(
            "ContainerImage",
            name,
            [
                args.context === undefined
                    ? "`context` is required: the Docker build context directory."
                    : stringProblem("context", args.context),
                stringProblem("dockerfile", args.dockerfile),
                stringProblem("repositoryName", args.repositoryName),
            ],
            this,
        );
        const dockerfile = args.dockerfile ?? "Dockerfile";
        const retainCount = args.retainCount ?? 10;
        const repositoryName = args.repositoryName ?? defaultRepositoryName(pulumi.getProject(), pulumi.getStack(), name);
        throwIfAny(
            "ContainerImage",
            name,
            [
                intRange("retainCount", retainCount, 1, 1000),
                existsSync(path.join(args.context, dockerfile))
                    ? undefined
                    : `\`dockerfile\` "${dockerfile}" was not found in context "${args.context}".`,
                REPOSITORY_NAME.test(repositoryName)
                    ? undefined
                    : `\`repositoryName\` "${repositoryName}" is not a valid ECR repository name (2–256 characters: lowercase letters, digits, ".", "_", "-", "/").`,
            ],
            this,
        );
        const platform = args.platform ?? "linux/amd64";
        this.tag = `c-${contextHash(args.context, dockerfile, JSON.stringify({ platform, buildArgs: args.buildArgs ?? {} })).slice(0, 16)}`;

        const repository = this.createRepository(name, args, repositoryName, retainCount);
        const existing = this.existingDigest(repositoryName, this.tag);
        this.pushes = pulumi.output(existing.then((digest) => digest === undefined));
        this.imageUri = pulumi.output(existing).apply((digest) =>
            digest !== undefined
                ? pulumi.interpolate`${repository.repositoryUrl}@${digest}`
                : // repoDigest is `<repositoryUrl>@sha256:<digest>` of the pushed manifest.
                  this.createImage(name, args, dockerfile, platform, repository).repoDigest,
        );

        this.repositoryUrl = repository.repositoryUrl;
        this.repositoryArn = repository.arn;
        this.registerOutputs({ imageUri: this.imageUri, repositoryUrl: this.repositoryUrl, repositoryArn: this.repositoryArn });
    }

    /** The digest the repository holds for `tag`, if any (a repository that does not exist yet holds nothing). */
    private async existingDigest(repositoryName: string, tag: string): Promise<string | undefined> {
        // An account or region with no repository at all answers `names: null`, not [] (the provider flattens an
        // empty set to a null set: terraform-provider-aws internal/service/ecr/repositories_data_source.go with
        // internal/framework/flex/set.go) — every environment's first preview, since each has its own account.
        const { names } = await aws.ecr.getRepositories({}, { parent: this });
        if (!(names ?? []).includes(repositoryName)) return undefined;
        const { imageIds } = await aws.ecr.getImages({ repositoryName }, { parent: this });
        return imageIds.find((id) => id.imageTag === tag)?.imageDigest;
    }

    private createRepository(name: string, args: ContainerImageArgs, repositoryName: string, retainCount: number): aws.ecr.Repository {
        const repository = new aws.ecr.Repository(
            `${name}-repo`,
            {
                name: repositoryName,
                imageScanningConfiguration: { scanOnPush: true },
                // Immutable tags: a tag always means the same bytes; rollouts go by digest anyway. Never
                // re-pushed: a tag the repository holds is deployed by its digest (existingDigest).
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
            // The policy has no Update: a new retainCount replaces it. Its create overwrites the repository's one policy
            // (PutLifecyclePolicy) and its delete removes whatever policy the repository has (DeleteLifecyclePolicy):
            // created before the old one is deleted, the new policy would be deleted with it
            // (terraform-provider-aws internal/service/ecr/lifecycle_policy.go).
            { parent: this, deleteBeforeReplace: true },
        );
        return repository;
    }

    private createImage(
        name: string,
        args: ContainerImageArgs,
        dockerfile: string,
        platform: string,
        repository: aws.ecr.Repository,
    ): docker.Image {
        const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent: this });
        // Relative to the program's working directory (Pulumi runs the program and its providers from the
        // project directory; the provider resolves a relative `dockerfile` against it, see Check in
        // provider.go above), so a checkout at another path yields the same inputs and no rebuild.
        const context = path.relative(process.cwd(), path.resolve(args.context)) || ".";
        return new docker.Image(
            `${name}-image`,
            {
                imageName: pulumi.interpolate`${repository.repositoryUrl}:${this.tag}`,
                build: {
                    context,
                    dockerfile: path.posix.join(context.split(path.sep).join("/"), dockerfile),
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
