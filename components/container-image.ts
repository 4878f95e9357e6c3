/**
 * ECR repository + Docker image build/push, exposing a digest-pinned image URI.
 *
 * The tag is derived from the content of the files that make the image, so two builds of the same
 * source share a tag (immutable tags would otherwise reject the second push), and any source change
 * produces a new tag and therefore a new digest — which is the only thing that triggers a rollout.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { intRange, throwIfAny } from "./limits";

export interface ContainerImageArgs {
    /** Docker build context directory (absolute, or relative to the program's working directory). */
    readonly context: string;
    /** Dockerfile path relative to `context`. @default "Dockerfile" */
    readonly dockerfile?: string;
    /**
     * Files/directories (relative to `context`) whose content defines the image; hashed into the tag.
     * @default the Dockerfile's directory plus the Dockerfile
     */
    readonly contentPaths?: string[];
    /** Target platform; App Runner, ECS and EKS Fargate run x86_64 unless told otherwise. @default "linux/amd64" */
    readonly platform?: string;
    /** Lifecycle policy keeps this many most recent images. @default 10 */
    readonly retainCount?: number;
    /** Build arguments. */
    readonly buildArgs?: Record<string, string>;
    /** Delete the repository even if it still holds images (dev only). @default false */
    readonly forceDelete?: boolean;
    /** Tags for the repository. */
    readonly tags?: Record<string, string>;
}

const SKIPPED_DIRS = new Set(["node_modules", "dist", ".git", "coverage", "test", "tests"]);

/** sha256 over every file under `paths` (sorted, names included), skipping build outputs and tests. */
export function contentHash(root: string, paths: string[]): string {
    const hash = createHash("sha256");
    const visit = (rel: string) => {
        const abs = path.join(root, rel);
        if (!existsSync(abs)) throw new Error(`ContainerImage: content path "${rel}" does not exist under ${root}.`);
        if (statSync(abs).isDirectory()) {
            for (const entry of readdirSync(abs).sort()) {
                if (!SKIPPED_DIRS.has(entry)) visit(path.join(rel, entry));
            }
        } else {
            hash.update(rel.split(path.sep).join("/")).update("\0").update(readFileSync(abs)).update("\0");
        }
    };
    for (const p of [...paths].sort()) visit(p);
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
        this.tag = `c-${contentHash(args.context, args.contentPaths ?? [path.dirname(dockerfile)]).slice(0, 16)}`;

        const repository = this.createRepository(name, args, retainCount);
        const image = this.createImage(name, args, dockerfile, repository);

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

    private createImage(name: string, args: ContainerImageArgs, dockerfile: string, repository: aws.ecr.Repository): docker.Image {
        const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent: this });
        return new docker.Image(
            `${name}-image`,
            {
                imageName: pulumi.interpolate`${repository.repositoryUrl}:${this.tag}`,
                build: {
                    context: args.context,
                    dockerfile: path.join(args.context, dockerfile),
                    platform: args.platform ?? "linux/amd64",
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
