import { errorOf, promiseOf, settle, setupMocks } from "./testing/mocks";
import type { AppRunnerServiceArgs } from "./app-runner-service";

const mocks = setupMocks();
let AppRunnerService: typeof import("./app-runner-service").AppRunnerService;
let imageProblem: typeof import("./service/environment").imageProblem;

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/products@sha256:${"a".repeat(64)}`;
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-abc-123456";

beforeAll(async () => {
    ({ AppRunnerService } = await import("./app-runner-service"));
    ({ imageProblem } = await import("./service/environment"));
});
beforeEach(() => mocks.reset());

const trust = (roleName: string) => JSON.parse(mocks.one("aws:iam/role:Role", roleName).inputs.assumeRolePolicy).Statement;

describe("AppRunnerService", () => {
    it("should trust build.apprunner for the access role and tasks.apprunner for the instance role when created", async () => {
        new AppRunnerService("products", { image: IMAGE });
        await settle();
        expect(trust("products-access-role")).toEqual([
            { Effect: "Allow", Principal: { Service: "build.apprunner.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
        expect(trust("products-instance-role")).toEqual([
            { Effect: "Allow", Principal: { Service: "tasks.apprunner.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
    });

    it("should attach the ECR access policy before the service when created", async () => {
        new AppRunnerService("products", { image: IMAGE });
        await settle();
        const attachment = mocks.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        expect(attachment.inputs.policyArn).toBe("arn:aws:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess");
        const service = mocks.one("aws:apprunner/service:Service");
        expect(mocks.dependsOn(service, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "products-access-ecr")).toBe(true);
        expect(service.inputs.sourceConfiguration.authenticationConfiguration.accessRoleArn).toBe(
            mocks.one("aws:iam/role:Role", "products-access-role").state.arn,
        );
    });

    it("should use App Runner's default sizing when no sizing args are given", async () => {
        new AppRunnerService("products", { image: IMAGE });
        await settle();
        const scaling = mocks.one("aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion");
        expect([scaling.inputs.minSize, scaling.inputs.maxSize, scaling.inputs.maxConcurrency]).toEqual([1, 5, 100]);
        const service = mocks.one("aws:apprunner/service:Service");
        expect(service.inputs.instanceConfiguration).toMatchObject({ cpu: "0.25 vCPU", memory: "0.5 GB" });
        expect(service.inputs.healthCheckConfiguration).toMatchObject({ protocol: "HTTP", path: "/health" });
        expect(service.inputs.sourceConfiguration.imageRepository.imageConfiguration.port).toBe("8080");
        expect(service.inputs.autoScalingConfigurationArn).toBe(scaling.state.arn);
    });

    it("should pin the image by digest and disable auto deployments when created", async () => {
        new AppRunnerService("products", { image: IMAGE });
        await settle();
        const source = mocks.one("aws:apprunner/service:Service").inputs.sourceConfiguration;
        expect(source.imageRepository.imageIdentifier).toContain("@sha256:");
        expect(source.imageRepository.imageRepositoryType).toBe("ECR");
        expect(source.autoDeploymentsEnabled).toBe(false);
    });

    it("should inject secrets by ARN and let the instance role read exactly those when secrets are given", async () => {
        new AppRunnerService("products", {
            image: IMAGE,
            environment: { TABLE_NAME: "t" },
            secrets: { DB_SECRET: SECRET },
            policyStatements: [{ actions: ["dynamodb:GetItem"], resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/t"] }],
        });
        await settle();
        const service = mocks.one("aws:apprunner/service:Service");
        const image = service.inputs.sourceConfiguration.imageRepository.imageConfiguration;
        expect(image.runtimeEnvironmentSecrets).toEqual({ DB_SECRET: SECRET });
        expect(image.runtimeEnvironmentVariables).toEqual({ TABLE_NAME: "t" });
        const policy = JSON.parse(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
        expect(policy.Statement).toEqual([
            { Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: ["arn:aws:dynamodb:us-east-1:123456789012:table/t"] },
            { Sid: "ReadInjectedSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET] },
        ]);
        expect(mocks.dependsOn(service, "aws:iam/rolePolicy:RolePolicy")).toBe(true);
    });

    it("should create no instance policy when the app needs no permissions", async () => {
        new AppRunnerService("products", { image: IMAGE });
        await settle();
        expect(mocks.byType("aws:iam/rolePolicy:RolePolicy")).toHaveLength(0);
    });

    it("should resolve an https URL and enable X-Ray when observability is on", async () => {
        const service = new AppRunnerService("products", { image: IMAGE, observability: true });
        expect(await promiseOf(service.url)).toMatch(/^https:\/\/[0-9a-f]+\.us-east-1\.awsapprunner\.com$/);
        await settle();
        expect(mocks.one("aws:apprunner/observabilityConfiguration:ObservabilityConfiguration").inputs.traceConfiguration).toEqual({
            vendor: "AWSXRAY",
        });
        expect(mocks.one("aws:apprunner/service:Service").inputs.observabilityConfiguration.observabilityEnabled).toBe(true);
    });

    it("should turn the app's OpenTelemetry SDK on, exporting to App Runner's collector, and let it write traces when observability is on", async () => {
        new AppRunnerService("products", { image: IMAGE, observability: true, environment: { OTEL_SERVICE_NAME: "shop" } });
        await settle();
        const env =
            mocks.one("aws:apprunner/service:Service").inputs.sourceConfiguration.imageRepository.imageConfiguration
                .runtimeEnvironmentVariables;
        expect(env).toEqual({
            OTEL_SDK_DISABLED: "false",
            OTEL_TRACES_EXPORTER: "otlp",
            OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4317",
            OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
            OTEL_PROPAGATORS: "tracecontext,baggage,xray",
            OTEL_METRICS_EXPORTER: "none",
            // The caller's own value wins.
            OTEL_SERVICE_NAME: "shop",
        });
        const policy = JSON.parse(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
        expect(policy.Statement).toEqual([
            {
                Sid: "WriteTraces",
                Effect: "Allow",
                Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
                Resource: ["*"],
            },
        ]);
    });

    it("should leave the app's tracing off (the image's OTEL_SDK_DISABLED=true) when observability is off", async () => {
        new AppRunnerService("products", { image: IMAGE, environment: { A: "1" } });
        await settle();
        const env =
            mocks.one("aws:apprunner/service:Service").inputs.sourceConfiguration.imageRepository.imageConfiguration
                .runtimeEnvironmentVariables;
        expect(env).toEqual({ A: "1" });
    });

    it("should associate the custom domain and close public ingress when private ingress is set", async () => {
        new AppRunnerService("products", {
            image: IMAGE,
            customDomain: "api.example.com",
            privateIngress: { vpcId: "vpc-1", vpcEndpointId: "vpce-1" },
        });
        await settle();
        expect(mocks.one("aws:apprunner/customDomainAssociation:CustomDomainAssociation").inputs.domainName).toBe("api.example.com");
        expect(mocks.one("aws:apprunner/vpcIngressConnection:VpcIngressConnection").inputs.ingressVpcConfiguration).toEqual({
            vpcId: "vpc-1",
            vpcEndpointId: "vpce-1",
        });
        expect(mocks.one("aws:apprunner/service:Service").inputs.networkConfiguration.ingressConfiguration.isPubliclyAccessible).toBe(
            false,
        );
    });

    const bad: [string, Partial<AppRunnerServiceArgs>, string][] = [
        [
            "a CPU/memory pair App Runner does not offer",
            { cpu: 1, memory: 0.5 },
            "`memory` 0.5 GiB is not allowed with `cpu` 1 on App Runner; allowed: 2, 3, 4 GiB.",
        ],
        ["an unknown CPU", { cpu: 3 }, "`cpu` must be one of 0.25, 0.5, 1, 2, 4 vCPU on App Runner (got 3)."],
        [
            "concurrency 0",
            { scaling: { target: { metric: "concurrency", value: 0 } } },
            "`scaling.target.value` must be an integer between 1 and 200 (got 0).",
        ],
        [
            "concurrency 500",
            { scaling: { target: { metric: "concurrency", value: 500 } } },
            "`scaling.target.value` must be an integer between 1 and 200 (got 500).",
        ],
        ["min above max", { scaling: { min: 6, max: 5 } }, "`scaling.min` (6) must not be greater than `scaling.max` (5)."],
        ["max 30 instances", { scaling: { max: 30 } }, "`scaling.max` must be an integer between 1 and 25 (got 30)."],
        [
            "a service name too long",
            { serviceName: "x".repeat(41) },
            `\`serviceName\` must be 4-40 characters of letters, digits, - and _, starting with a letter or digit (got "${"x".repeat(41)}", 41 characters).`,
        ],
        ["port 70000", { port: 70000 }, "`port` must be an integer between 1 and 65535 (got 70000)."],
        [
            "a password in plain env",
            { environment: { DB_PASSWORD: "hunter2" } },
            "`environment.DB_PASSWORD` looks like a secret; pass it in `secrets` as a Secrets Manager ARN instead.",
        ],
        [
            "a health path without a slash",
            { health: { path: "health" } },
            '`health.path` must be a path starting with "/" (got the string "health").',
        ],
        [
            "an image tag instead of a digest",
            { image: "repo/products:latest" },
            '`image` must be pinned by digest (repository@sha256:<64 hex>), not the mutable tag :latest (got "repo/products:latest"); pass ContainerImage.imageUri.',
        ],
        [
            "a wildcard action",
            { policyStatements: [{ actions: ["dynamodb:*"], resources: ["arn:aws:dynamodb:us-east-1:1:table/t"] }] },
            '`policyStatements[0].actions` must list specific actions, not a wildcard (got ["dynamodb:*"]).',
        ],
        [
            "a statement in the policy-document form",
            {
                policyStatements: [
                    { Effect: "Allow", Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:us-east-1:1:table/t" } as never,
                ],
            },
            "`policyStatements[0]` uses the policy-document form (Effect, Action, Resource); pass { actions: [...], resources: [...], effect?, sid?, conditions? } instead.",
        ],
        [
            "an effect that is not Allow/Deny",
            { policyStatements: [{ effect: "allow", actions: ["dynamodb:GetItem"], resources: ["arn:aws:dynamodb:us-east-1:1:table/t"] }] },
            '`policyStatements[0].effect` must be one of Allow, Deny (got the string "allow").',
        ],
    ];
    it.each(bad)("should refuse %s when validating args", async (_case, args, message) => {
        expect(await errorOf(() => new AppRunnerService("products", { image: IMAGE, ...args }))).toBe(
            `AppRunnerService "products": ${message}`,
        );
        await settle();
        expect(mocks.byType("aws:apprunner/service:Service")).toHaveLength(0);
    });

    it("should refuse an image reference that is not pinned by digest", () => {
        expect(imageProblem("image", "repo/products:1.2.3")).toBe(
            '`image` must be pinned by digest (repository@sha256:<64 hex>), not the tag :1.2.3 (got "repo/products:1.2.3"); pass ContainerImage.imageUri.',
        );
        expect(imageProblem("image", `repo/products@sha256:${"0".repeat(63)}`)).toContain("must be pinned by digest");
        expect(imageProblem("image", IMAGE)).toBeUndefined();
    });

    it("should expose the role the app runs as by ARN and name when created", async () => {
        const service = new AppRunnerService("products", { image: IMAGE });
        const role = await (async () => {
            await settle();
            return mocks.one("aws:iam/role:Role", "products-instance-role");
        })();
        expect(await promiseOf(service.roleArn)).toBe(role.state.arn);
        expect(await promiseOf(service.roleName)).toBe(role.state.name);
    });

    // Shapes a JavaScript, YAML or other-language caller (or a cast) can pass: a message naming the
    // argument, never a TypeError from deep inside the component.
    const wrongShapes: [string, unknown, string][] = [
        [
            "no image",
            { image: undefined },
            "`image` is required: a digest-pinned image (repository@sha256:<64 hex>), e.g. ContainerImage.imageUri.",
        ],
        ["a number as the health check path", { health: { path: 5 } }, '`health.path` must be a path starting with "/" (got number 5).'],
        ["a list as the environment", { environment: ["A=1"] }, '`environment` must be a map of names to values (got a list ["A=1"]).'],
        [
            "a string as the policy statements",
            { policyStatements: "dynamodb:GetItem" },
            '`policyStatements` must be a list of statements (got the string "dynamodb:GetItem").',
        ],
        ["a string as private ingress", { privateIngress: "vpce-1" }, '`privateIngress` must be an object (got the string "vpce-1").'],
        ["private ingress without its endpoint", { privateIngress: { vpcId: "vpc-1" } }, "`privateIngress.vpcEndpointId` is required."],
    ];
    it.each(wrongShapes)("should name the argument, not raise a TypeError, when given %s", async (_case, args, message) => {
        const error = await errorOf(() => new AppRunnerService("products", { image: IMAGE, ...(args as object) }));
        expect(error).toBe(`AppRunnerService "products": ${message}`);
    });

    it("should be a ResourceError on the component, so the CLI attributes it, when args are wrong", async () => {
        const { ResourceError } = await import("@pulumi/pulumi");
        let thrown: unknown;
        try {
            new AppRunnerService("products", { image: IMAGE, port: 0 });
        } catch (e) {
            thrown = e;
        }
        expect(thrown).toBeInstanceOf(ResourceError);
    });
});
