import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { errorOf, promiseOf, settle, setupMocks } from "./testing/mocks";

const mocks = setupMocks();
let ContainerImage: typeof import("./container-image").ContainerImage;
let context: string;

beforeAll(async () => {
    ({ ContainerImage } = await import("./container-image"));
});
beforeEach(() => {
    mocks.reset();
    context = mkdtempSync(path.join(tmpdir(), "image-ctx-"));
    mkdirSync(path.join(context, "app"));
    writeFileSync(path.join(context, "app", "Dockerfile"), "FROM node:24-bookworm-slim\nUSER node\n");
    writeFileSync(path.join(context, "app", "server.js"), "console.log('v1')\n");
});

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

    it("should build for linux/amd64 and authenticate with an ECR token when pushing", async () => {
        new ContainerImage("api", { context, dockerfile: "app/Dockerfile" });
        await settle();
        const image = mocks.one("docker:index/image:Image");
        expect(image.inputs.build.platform).toBe("linux/amd64");
        expect(image.inputs.build.dockerfile).toBe(path.join(context, "app/Dockerfile"));
        expect(image.inputs.registry.username).toBe("AWS");
        expect(image.inputs.registry.password).toBe("offline-ecr-token");
        expect(image.secretInputs).toContain("registry");
        expect(mocks.invokes.map((i) => i.token)).toContain("aws:ecr/getAuthorizationToken:getAuthorizationToken");
    });

    it("should expose a digest-pinned image URI when the image is pushed", async () => {
        const image = new ContainerImage("api", { context, dockerfile: "app/Dockerfile" });
        const uri = await promiseOf(image.imageUri);
        expect(uri).toMatch(/^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/.+@sha256:[0-9a-f]{64}$/);
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
        expect(files.filter((f) => /(^|\/)(README\.md|node_modules|dist)(\/|$)|\.test\.ts$|^(components|stacks|docs|bench|scripts)\//.test(f))).toEqual([]);
    });

    it("should change the tag when the build platform changes", async () => {
        const amd = new ContainerImage("a", { context, dockerfile: "app/Dockerfile" }).tag;
        expect(new ContainerImage("b", { context, dockerfile: "app/Dockerfile", platform: "linux/arm64" }).tag).not.toBe(amd);
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
