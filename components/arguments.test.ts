/**
 * What every component says about arguments it cannot use, before creating anything: missing arguments, and an
 * output or promise where the component needs the value itself (it decides what to create from it).
 */
import * as pulumi from "@pulumi/pulumi";
import { errorOf, settle, setupMocks } from "./testing/mocks";
import { COMPONENT_NAMES } from "./provider-components";

const mocks = setupMocks();
let lib: Record<string, new (name: string, args: unknown) => pulumi.ComponentResource>;

beforeAll(async () => {
    lib = (await import("./index")) as unknown as typeof lib;
});
beforeEach(() => mocks.reset());

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/api@sha256:${"a".repeat(64)}`;
const VPC = { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] };

/** The required arguments each component names when it gets none (the schema's requiredInputs, in its order). */
const REQUIRED: Record<string, string> = {
    AppRunnerService: "`image`",
    VpcConnectedAppRunner: "`image` and `vpc`",
    EcsExpressService: "`image` and `vpc`",
    PrivateFargateService: "`allowFrom`, `image`, `namespaceName` and `vpc`",
    EksFargateCluster: "`kubernetesVersion` and `vpc`",
    EksFargateService: "`cluster`, `image` and `namespace`",
    AuroraWithProxy: "`appUser`, `databaseName`, `engine` and `vpc`",
    ContainerImage: "`context`",
    DynamoTable: "`hashKey`",
};

describe("missing arguments", () => {
    it("should cover all nine components", () => {
        expect(Object.keys(REQUIRED).sort()).toEqual([...COMPONENT_NAMES].sort());
    });

    it.each(
        Object.entries(REQUIRED).flatMap(([component, required]) => [undefined, null].map((args) => [component, args, required] as const)),
    )("should name the required arguments when %s gets %p", async (component, args, required) => {
        expect(await errorOf(() => new lib[component]("x", args))).toBe(
            `${component} "x": the arguments must be an object with at least ${required}.`,
        );
        expect(mocks.resources.filter((r) => r.custom)).toEqual([]);
    });

    it("should name `context` when ContainerImage gets an empty object", async () => {
        expect(await errorOf(() => new lib.ContainerImage("x", {}))).toBe(
            'ContainerImage "x": `context` is required: the Docker build context directory.',
        );
    });
});

describe("an output or a promise where a plain value is needed", () => {
    it.each([
        ["EcsExpressService", "minSize", { image: IMAGE, vpc: VPC, minSize: pulumi.output(2) }],
        ["EcsExpressService", "cpu", { image: IMAGE, vpc: VPC, cpu: Promise.resolve("1 vCPU") }],
        ["AppRunnerService", "port", { image: IMAGE, port: pulumi.output(8080) }],
        ["AppRunnerService", "serviceName", { image: IMAGE, serviceName: pulumi.output("my-api") }],
        [
            "AuroraWithProxy",
            "minCapacity",
            { engine: "postgresql", databaseName: "d", appUser: { username: "u", schema: [] }, vpc: VPC, minCapacity: pulumi.output(1) },
        ],
        [
            "AuroraWithProxy",
            "appUser.username",
            { engine: "postgresql", databaseName: "d", appUser: { username: pulumi.output("u"), schema: [] }, vpc: VPC },
        ],
        ["DynamoTable", "hashKey", { hashKey: pulumi.output("id") }],
    ])("should say in one line that %s's `%s` must be a plain value", async (component, label, args) => {
        const message = await errorOf(() => new lib[component]("x", args));
        expect(message).toBe(
            `${component} "x": \`${label}\` must be a plain value, not an output or a promise: the component checks it and decides what to create from it while the program runs (read it from stack config, or await it before constructing the component).`,
        );
    });

    it("should still accept an output where the schema allows one (image, environment values)", async () => {
        new lib.AppRunnerService("ok-api", { image: pulumi.output(IMAGE), environment: { TABLE: pulumi.output("t") } });
        await settle();
        expect(
            mocks.one("aws:apprunner/service:Service").inputs.sourceConfiguration.imageRepository.imageConfiguration
                .runtimeEnvironmentVariables,
        ).toMatchObject({
            TABLE: "t",
        });
    });
});
