import { cpSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { errorOf, promiseOf, settle, setupMocks, type EcrContents } from "./testing/mocks";

/** What the mocked ECR holds (repository → images); tests set it, the provider model's invokes read it. */
const mocks = setupMocks();

/** Make the mocked registry hold `images` (tag → digest) in `repository`, and nothing else. */
function registryHolds(repository: string, images: Record<string, string>): void {
    const contents: EcrContents = { [repository]: Object.entries(images).map(([tag, digest]) => ({ tag, digest })) };
    mocks.ecr = contents;
}
let ContainerImage: typeof import("./container-image").ContainerImage;
let context: string;
const tempDirs: string[] = [];
const cwd = process.cwd();

function tempDir(prefix: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    tempDirs.push(dir);
    return dir;
}

beforeAll(async () => {
    ({ ContainerImage } = await import("./container-image"));
});
beforeEach(() => {
    mocks.reset();
    mocks.ecr = {};
    context = tempDir("image-ctx-");
    mkdirSync(path.join(context, "app"));
    writeFileSync(path.join(context, "app", "Dockerfile"), "FROM node:24-bookworm-slim\nUSER node\n");
    writeFileSync(path.join(context, "app", "server.js"), "console.log('v1')\n");
});
afterEach(() => {
    process.chdir(cwd);
    for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const DIGEST_V1 = `sha256:${"1".repeat(64)}`;

describe("ContainerImage", () => {
    it("should create a scanned, immutable, encrypted ECR repository with a lifecycle policy when built", async () => {
        new ContainerImage("api", { context, dockerfile: "app/Dockerfile", retainCount: 7 });
        await settle();
        const repo = mocks.one("aws:ecr/repository:Repository");
        expect(repo.inputs.imageScanningConfiguration).toEqual({ scanOnPush: true });
        expect(repo.inputs.imageTagMutability).toBe("IMMUTABLE");
        expect(repo.inputs.encryptionConfigurations).toEqual([{ encryptionType: "KMS" }]);
        const lifecycle = JSON.parse(mocks.one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy);
        expect(lifecycle.rules[0].selection).toEqual({ tagStatus: "any", countType: "imageCountMoreThan", countNumber: 7 });
    });

    it("should name the repository per project and stack so two stacks of one account never share it", async () => {
        new ContainerImage("api", { context, dockerfile: "app/Dockerfile" });
        await settle();
        // setupMocks: project serverless-containers, stack test
        expect(mocks.one("aws:ecr/repository:Repository").inputs.name).toBe("serverless-containers/test/api");
    });

    it("should make the default repository name valid for ECR whatever the stack is called, and reject an invalid explicit one", async () => {
        const { defaultRepositoryName } = await import("./container-image");
        expect(defaultRepositoryName("serverless-containers", "Feature_X--1", "API")).toBe("serverless-containers/feature_x-1/api");
        expect(defaultRepositoryName("p", "-dev-", "eks.products")).toBe("p/dev/eks.products");
        expect(await errorOf(() => new ContainerImage("api", { context, dockerfile: "app/Dockerfile", repositoryName: "Bad Name" }))).toBe(
            'ContainerImage "api": `repositoryName` "Bad Name" is not a valid ECR repository name (2–256 characters: lowercase letters, digits, ".", "_", "-", "/").',
        );
    });

    it("should build for linux/amd64 and authenticate with an ECR token when pushing", async () => {
        new ContainerImage("api", { context, dockerfile: "app/Dockerfile" });
        await settle();
        const image = mocks.one("docker:index/image:Image");
        expect(image.inputs.build.platform).toBe("linux/amd64");
        expect(image.inputs.registry.username).toBe("AWS");
        expect(image.inputs.registry.password).toBe("offline-ecr-token");
        expect(image.secretInputs).toContain("registry");
        expect(mocks.invokes.map((i) => i.token)).toContain("aws:ecr/getAuthorizationToken:getAuthorizationToken");
    });

    it("should expose a digest-pinned image URI when the image is pushed", async () => {
        const image = new ContainerImage("api", { context, dockerfile: "app/Dockerfile" });
        const uri = await promiseOf(image.imageUri);
        expect(await promiseOf(image.pushes)).toBe(true);
        expect(uri).toMatch(/^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/.+@sha256:[0-9a-f]{64}$/);
        expect(uri).toBe((await promiseOf(mocks.one("docker:index/image:Image").state.repoDigest)) as string);
    });

    // A fresh account (every environment has its own): no repository at all. The provider answers
    // getRepositories with `names: null`, not [] (provider-model.ts cites the source); the first preview threw
    // "Cannot read properties of null (reading 'includes')".
    it("should build and push when the account has no repository at all (getRepositories answers names: null)", async () => {
        mocks.ecr = {};
        const image = new ContainerImage("api", { context, dockerfile: "app/Dockerfile" });
        expect(await promiseOf(image.pushes)).toBe(true);
        await settle();
        expect(mocks.byType("docker:index/image:Image")).toHaveLength(1);
    });

    it("should ignore untagged images (a null tag) when looking for the content's tag", async () => {
        const tag = new ContainerImage("probe", { context, dockerfile: "app/Dockerfile" }).tag;
        await settle();
        mocks.reset();
        mocks.ecr = { "serverless-containers/test/api": [{ tag: null, digest: `sha256:${"2".repeat(64)}` }] };
        const image = new ContainerImage("api", { context, dockerfile: "app/Dockerfile" });
        expect(await promiseOf(image.pushes)).toBe(true);
        expect(image.tag).toBe(tag);
    });

    // A push of a tag that already exists fails on an IMMUTABLE repository
    // (ImageTagAlreadyExistsException, even for the same digest: https://github.com/aws/containers-roadmap/issues/2179).
    it("should neither build nor push, and deploy the registry's digest, when the content's tag already exists", async () => {
        const tag = new ContainerImage("probe", { context, dockerfile: "app/Dockerfile" }).tag;
        await settle();
        mocks.reset();
        registryHolds("serverless-containers/test/api", { [tag]: DIGEST_V1, "c-0000000000000000": `sha256:${"0".repeat(64)}` });
        const image = new ContainerImage("api", { context, dockerfile: "app/Dockerfile" });
        const uri = await promiseOf(image.imageUri);
        await settle();
        expect(mocks.byType("docker:index/image:Image")).toEqual([]);
        expect(await promiseOf(image.pushes)).toBe(false);
        expect(uri).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/serverless-containers/test/api@${DIGEST_V1}`);
    });

    it("should deploy the existing digest on a rollback and build a new tag only for new content", async () => {
        const v1 = new ContainerImage("probe", { context, dockerfile: "app/Dockerfile" }).tag;
        await settle();
        registryHolds("serverless-containers/test/api", { [v1]: DIGEST_V1 });
        // v2: content the registry has never seen → built and pushed under a new tag
        writeFileSync(path.join(context, "app", "server.js"), "console.log('v2')\n");
        mocks.reset();
        const v2 = new ContainerImage("api", { context, dockerfile: "app/Dockerfile" });
        await promiseOf(v2.imageUri);
        await settle();
        expect(v2.tag).not.toBe(v1);
        expect(mocks.one("docker:index/image:Image").inputs.imageName).toBe(
            `123456789012.dkr.ecr.us-east-1.amazonaws.com/serverless-containers/test/api:${v2.tag}`,
        );
        // rollback (git revert) to v1, whose tag the registry holds → its digest, no build
        writeFileSync(path.join(context, "app", "server.js"), "console.log('v1')\n");
        mocks.reset();
        const back = new ContainerImage("api", { context, dockerfile: "app/Dockerfile" });
        const uri = await promiseOf(back.imageUri);
        await settle();
        expect(back.tag).toBe(v1);
        expect(mocks.byType("docker:index/image:Image")).toEqual([]);
        expect(uri).toMatch(new RegExp(`@${DIGEST_V1}$`));
    });

    it("should give the Docker provider identical inputs from another checkout path (relative context and Dockerfile)", async () => {
        const inputsFrom = async (checkout: string) => {
            cpSync(context, checkout, { recursive: true });
            process.chdir(checkout);
            mocks.reset();
            new ContainerImage("api", { context: checkout, dockerfile: "app/Dockerfile" });
            await settle();
            const { registry: _credentials, ...inputs } = mocks.one("docker:index/image:Image").inputs;
            return inputs;
        };
        const first = await inputsFrom(path.join(tempDir("checkout-a-"), "repo"));
        const second = await inputsFrom(path.join(tempDir("checkout-b-"), "somewhere", "else"));
        expect(first.build).toMatchObject({ context: ".", dockerfile: "app/Dockerfile" });
        expect(second).toEqual(first);
    });

    it("should keep the tag when content is unchanged and change it when a source file changes", async () => {
        const first = new ContainerImage("a", { context, dockerfile: "app/Dockerfile" }).tag;
        const same = new ContainerImage("b", { context, dockerfile: "app/Dockerfile" }).tag;
        writeFileSync(path.join(context, "app", "server.js"), "console.log('v2')\n");
        const changed = new ContainerImage("c", { context, dockerfile: "app/Dockerfile" }).tag;
        expect(same).toBe(first);
        expect(changed).not.toBe(first);
        expect(first).toMatch(/^c-[0-9a-f]{16}$/);
    });

    it("should keep the tag when a file the .dockerignore excludes changes", async () => {
        writeFileSync(path.join(context, ".dockerignore"), "*.md\n**/node_modules\n");
        const before = new ContainerImage("a", { context, dockerfile: "app/Dockerfile" }).tag;
        writeFileSync(path.join(context, "README.md"), "docs change");
        mkdirSync(path.join(context, "app", "node_modules"));
        writeFileSync(path.join(context, "app", "node_modules", "x.js"), "junk");
        expect(new ContainerImage("b", { context, dockerfile: "app/Dockerfile" }).tag).toBe(before);
        writeFileSync(path.join(context, "app", "new.js"), "sent to docker");
        expect(new ContainerImage("c", { context, dockerfile: "app/Dockerfile" }).tag).not.toBe(before);
    });

    it("should hash exactly the files the repository's allow-list .dockerignore sends to Docker", async () => {
        const { contextFiles } = await import("./container-image");
        const files = contextFiles(path.resolve(__dirname, ".."));
        expect(files).toContain("package-lock.json");
        expect(files).toContain("apps/catalogue-api/src/server.ts");
        expect(files).toContain("packages/service-kit/src/index.ts");
        expect(files).toContain("policy/package.json");
        // The image build runs `npm ci`, which needs the manifest of every workspace package-lock.json records.
        const root = path.resolve(__dirname, "..");
        const workspaces = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).workspaces as string[]).flatMap((w) =>
            w.endsWith("/*") ? readdirSync(path.join(root, w.slice(0, -2))).map((d) => `${w.slice(0, -2)}/${d}`) : [w],
        );
        expect(files).toEqual(expect.arrayContaining(workspaces.map((w) => `${w}/package.json`)));
        expect(
            files.filter(
                (f) =>
                    f !== "components/package.json" &&
                    /(^|\/)(README\.md|node_modules|dist)(\/|$)|\.test\.ts$|^(components|stacks|docs|bench|scripts)\//.test(f),
            ),
        ).toEqual([]);
    });

    it("should change the tag when the build platform or a build arg changes", async () => {
        const amd = new ContainerImage("a", { context, dockerfile: "app/Dockerfile" }).tag;
        expect(new ContainerImage("b", { context, dockerfile: "app/Dockerfile", platform: "linux/arm64" }).tag).not.toBe(amd);
        const one = new ContainerImage("c", { context, dockerfile: "app/Dockerfile", buildArgs: { APP: "one" } }).tag;
        expect(new ContainerImage("d", { context, dockerfile: "app/Dockerfile", buildArgs: { APP: "two" } }).tag).not.toBe(one);
    });

    it("should reject a retainCount of 0 when validating args", async () => {
        expect(await errorOf(() => new ContainerImage("api", { context, dockerfile: "app/Dockerfile", retainCount: 0 }))).toBe(
            'ContainerImage "api": `retainCount` must be an integer between 1 and 1000 (got 0).',
        );
    });

    it("should name the dockerfile when it does not exist", async () => {
        expect(await errorOf(() => new ContainerImage("api", { context, dockerfile: "nope/Dockerfile" }))).toBe(
            `ContainerImage "api": \`dockerfile\` "nope/Dockerfile" was not found in context "${context}".`,
        );
    });
});
