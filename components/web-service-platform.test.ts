import type * as pulumiT from "@pulumi/pulumi";
import type * as PlatformModule from "./web-service-platform";
import { errorOf, promiseOf, settle, setupMocks } from "./testing/mocks";

const mocks = setupMocks({
    subnets: {
        "subnet-pub-a": "10.0.128.0/22",
        "subnet-pub-b": "10.0.132.0/22",
        "subnet-priv-a": "10.0.0.0/22",
        "subnet-priv-b": "10.0.4.0/22",
        "subnet-a": "10.0.8.0/22",
        "subnet-b": "10.0.12.0/22",
    },
});
let m: typeof PlatformModule;

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${"c".repeat(64)}`;
const ENV = { TABLE_NAME: "products", RUNTIME: "test" };
const VPC = { vpcId: "vpc-1", subnetIds: ["subnet-priv-a", "subnet-priv-b"], publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"] };
const NETWORK = { vpc: VPC };

beforeAll(async () => {
    m = await import("./web-service-platform");
});
beforeEach(() => mocks.reset());

const args = (extra: Partial<PlatformModule.CreateWebServiceArgs> = {}): PlatformModule.CreateWebServiceArgs => ({
    image: IMAGE,
    environment: ENV,
    ...extra,
});
const trusts = () =>
    mocks
        .byType("aws:iam/role:Role")
        .map((r) => JSON.parse(r.inputs.assumeRolePolicy).Statement[0].Principal.Service)
        .sort();
const ownTypes = () => mocks.resources.filter((r) => r.type.startsWith("serverless-containers:")).map((r) => r.type);

describe("createWebService", () => {
    it("should create an AppRunnerService with App Runner's role principals when the platform is app-runner", async () => {
        const web = m.createWebService("app-runner", "web-api", args());
        await settle();
        expect(ownTypes()).toEqual(["serverless-containers:index:AppRunnerService"]);
        expect(trusts()).toEqual(["build.apprunner.amazonaws.com", "tasks.apprunner.amazonaws.com"]);
        expect(web.securityGroupId).toBeUndefined();
        expect(await promiseOf(web.url)).toMatch(/^https:\/\/.+\.awsapprunner\.com$/);
    });

    it("should create a VpcConnectedAppRunner with its security group when the platform is app-runner and network is set", async () => {
        const web = m.createWebService(
            "app-runner",
            "web-api",
            args({ network: { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] } } }),
        );
        await settle();
        expect(ownTypes()).toEqual(["serverless-containers:index:VpcConnectedAppRunner", "serverless-containers:index:AppRunnerService"]);
        expect(await promiseOf(web.securityGroupId!)).toBe(mocks.one("aws:ec2/securityGroup:SecurityGroup").state.id);
        expect(mocks.byType("aws:apprunner/vpcConnector:VpcConnector")).toHaveLength(1);
    });

    it("should create an EcsExpressService with ECS's role principals when the platform is ecs-express", async () => {
        const web = m.createWebService("ecs-express", "web-api", args({ network: NETWORK }));
        await settle();
        expect(ownTypes()).toEqual(["serverless-containers:index:EcsExpressService"]);
        expect(trusts()).toEqual(["ecs-tasks.amazonaws.com", "ecs-tasks.amazonaws.com", "ecs.amazonaws.com"]);
        expect(mocks.byType("aws:apprunner/service:Service")).toHaveLength(0);
        expect(await promiseOf(web.url)).toMatch(/^https:\/\/.+\.on\.aws$/);
        expect(await promiseOf(web.securityGroupId!)).toBe(mocks.one("aws:ec2/securityGroup:SecurityGroup").state.id);
    });

    it("should give the app the same environment and secrets when either platform is chosen", async () => {
        const secrets = { DB_SECRET: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf" };
        m.createWebService("app-runner", "web-api", args({ secrets }));
        await settle();
        const image = mocks.one("aws:apprunner/service:Service").inputs.sourceConfiguration.imageRepository;
        const appRunner = {
            env: image.imageConfiguration.runtimeEnvironmentVariables,
            secrets: image.imageConfiguration.runtimeEnvironmentSecrets,
            port: image.imageConfiguration.port,
        };
        mocks.reset();
        m.createWebService("ecs-express", "web-api", args({ secrets, network: NETWORK }));
        await settle();
        const container = mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs.primaryContainer;
        const env = Object.fromEntries(container.environments.map((e: { name: string; value: string }) => [e.name, e.value]));
        // App Runner sets PORT itself from the configured port; Express gets it explicitly, and its scaling
        // target as a variable (the provider's Update ignores a change of the scaling target alone).
        expect(env).toEqual({ ...appRunner.env, PORT: appRunner.port, EXPRESS_SCALING_TARGET: "min=1 max=5 AVERAGE_CPU=60" });
        expect(Object.fromEntries(container.secrets.map((s: { name: string; valueFrom: string }) => [s.name, s.valueFrom]))).toEqual(
            appRunner.secrets,
        );
    });

    it("should pass the Express scaling metric through when scaling.target is set", async () => {
        m.createWebService("ecs-express", "web-api", args({ network: NETWORK, scaling: { target: { metric: "requests", value: 1000 } } }));
        await settle();
        expect(mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs.scalingTargets[0]).toMatchObject({
            autoScalingMetric: "REQUEST_COUNT_PER_TARGET",
            autoScalingTargetValue: 1000,
        });
    });

    it("should read the deprecated expressScaling as scaling.target on ecs-express, warning once, and refuse both together", async () => {
        const pulumi = await import("@pulumi/pulumi");
        const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
        try {
            const web = m.createWebService(
                "ecs-express",
                "web-api",
                args({ network: NETWORK, expressScaling: { metric: "REQUEST_COUNT_PER_TARGET", targetValue: 1000 } }),
            );
            expect(warn.mock.calls).toEqual([
                [
                    'createWebService "web-api": `expressScaling` is deprecated, accepted until the next minor version: use `scaling.target` (metric "cpu", "memory" or "requests").',
                    web.resource,
                ],
            ]);
            await settle();
            expect(mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs.scalingTargets[0]).toMatchObject({
                autoScalingMetric: "REQUEST_COUNT_PER_TARGET",
                autoScalingTargetValue: 1000,
            });
        } finally {
            warn.mockRestore();
        }
        mocks.reset();
        expect(
            await errorOf(() =>
                m.createWebService(
                    "ecs-express",
                    "web-api",
                    args({
                        network: NETWORK,
                        expressScaling: { metric: "AVERAGE_CPU", targetValue: 50 },
                        scaling: { target: { metric: "cpu", value: 50 } },
                    }),
                ),
            ),
        ).toBe(
            'createWebService "web-api": `expressScaling` and `scaling.target` are both set; `expressScaling` is the deprecated name of `scaling.target`: keep only `scaling.target`.',
        );
    });

    it("should add an egress rule on the service's group when allowEgress is called with a network", async () => {
        for (const platform of m.WEB_SERVICE_PLATFORMS) {
            mocks.reset();
            const web = m.createWebService(platform, "web-api", args({ network: NETWORK }));
            web.allowEgress("to-db", { port: 5432, securityGroupId: "sg-db", description: "web to database" });
            await settle();
            const rule = mocks.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "web-api-to-db");
            expect([platform, rule.inputs.referencedSecurityGroupId, rule.inputs.fromPort]).toEqual([platform, "sg-db", 5432]);
        }
    });

    it("should put the Express load balancer and tasks in the public subnets, waiting for the dependsOn option, when the platform is ecs-express", async () => {
        const { ec2 } = await import("@pulumi/aws");
        const endpoint = new ec2.VpcEndpoint("ecr-api", {
            vpcId: "vpc-1",
            serviceName: "com.amazonaws.us-east-1.ecr.api",
            vpcEndpointType: "Interface",
        });
        m.createWebService("ecs-express", "web-api", args({ network: NETWORK }), { dependsOn: [endpoint] });
        await settle();
        const service = mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService");
        expect(service.inputs.networkConfigurations[0].subnets).toEqual(VPC.publicSubnetIds);
        expect(mocks.dependsOn(service, "aws:ec2/vpcEndpoint:VpcEndpoint", "ecr-api")).toBe(true);
    });

    it("should throw naming network.vpc.publicSubnetIds on ecs-express when there is no network or no public subnets", async () => {
        expect(await errorOf(() => m.createWebService("ecs-express", "web-api", args()))).toBe(
            'createWebService "web-api": `network` (with `vpc.publicSubnetIds`) is required on ecs-express: without one Express would use the account\'s default VPC.',
        );
        expect(
            await errorOf(() =>
                m.createWebService("ecs-express", "web-api", args({ network: { vpc: { vpcId: "vpc-1", subnetIds: VPC.subnetIds } } })),
            ),
        ).toBe(
            'createWebService "web-api": `network.vpc.publicSubnetIds` is required on ecs-express: Express puts its load balancer and tasks in those subnets (private ones give an internal load balancer).',
        );
        await settle();
        expect(mocks.resources.filter((r) => r.custom)).toHaveLength(0);
    });

    it("should throw naming allowEgress when the service has no network", async () => {
        const web = m.createWebService("app-runner", "web-api", args());
        expect(await errorOf(() => web.allowEgress("to-db", { port: 5432, securityGroupId: "sg-db", description: "x" }))).toBe(
            'createWebService "web-api": `allowEgress` needs `network` to be set (the service has public egress only).',
        );
        await settle();
    });

    it("should hand out the role the app runs as on every platform, so the handle can be a database client", async () => {
        for (const platform of m.WEB_SERVICE_PLATFORMS) {
            mocks.reset();
            const web = m.createWebService(platform, "web-api", { ...args(), network: NETWORK });
            // The shape a database's `connect` takes: checked by the type checker (npm run typecheck).
            const client: { readonly securityGroupId: pulumiT.Input<string>; readonly roleName: pulumiT.Input<string> } = web;
            await settle();
            const runtimeRole = platform === "app-runner" ? "web-api-instance-role" : "web-api-task-role";
            expect([platform, await promiseOf(web.roleName), await promiseOf(web.roleArn)]).toEqual([
                platform,
                mocks.one("aws:iam/role:Role", runtimeRole).state.name,
                mocks.one("aws:iam/role:Role", runtimeRole).state.arn,
            ]);
            expect(await promiseOf(client.securityGroupId as pulumiT.Output<string>)).toBe(
                mocks.one("aws:ec2/securityGroup:SecurityGroup").state.id,
            );
        }
    });

    it("should turn tracing on through App Runner's observability, in or out of a VPC, when observability is set", async () => {
        m.createWebService("app-runner", "web-api", args({ observability: true }));
        m.createWebService(
            "app-runner",
            "vpc-api",
            args({ observability: true, network: { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] } } }),
        );
        await settle();
        expect(mocks.byType("aws:apprunner/observabilityConfiguration:ObservabilityConfiguration")).toHaveLength(2);
        for (const svc of mocks.byType("aws:apprunner/service:Service")) {
            expect(svc.inputs.observabilityConfiguration.observabilityEnabled).toBe(true);
        }
    });

    it("should warn that observability has no effect on ecs-express, which runs no collector sidecar", async () => {
        const pulumi = await import("@pulumi/pulumi");
        const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
        try {
            const web = m.createWebService("ecs-express", "web-api", args({ network: NETWORK, observability: true }));
            expect(warn).toHaveBeenCalledWith(
                'createWebService "web-api": `observability` has no effect on ecs-express: Express Mode runs one container per task, so there is no collector sidecar (docs/tracing.md); traces stay off.',
                web.resource,
            );
        } finally {
            warn.mockRestore();
        }
        await settle();
        expect(mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs).not.toHaveProperty("observability");
    });

    it("should warn that expressScaling has no effect when the platform is app-runner", async () => {
        const pulumi = await import("@pulumi/pulumi");
        const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
        try {
            const web = m.createWebService("app-runner", "web-api", args({ expressScaling: { metric: "AVERAGE_CPU", targetValue: 50 } }));
            expect(warn).toHaveBeenCalledWith(
                'createWebService "web-api": `expressScaling` has no effect on app-runner, which scales on `scaling.target` { metric: "concurrency" } (and `expressScaling` is deprecated: use `scaling.target`).',
                web.resource,
            );
        } finally {
            warn.mockRestore();
        }
        await settle();
    });

    const wrongShapes: [string, unknown, string][] = [
        ["no arguments", undefined, "the arguments must be an object with at least `image`."],
        ["a string as the network", { image: IMAGE, network: "vpc-1" }, '`network` must be an object (got the string "vpc-1").'],
        [
            "a string as the egress rules",
            { image: IMAGE, network: { vpc: VPC, egress: "sg-db" } },
            '`network.egress` must be a list (got the string "sg-db").',
        ],
    ];
    it.each(wrongShapes)("should name the argument, not raise a TypeError, when given %s", async (_case, wrong, message) => {
        expect(await errorOf(() => m.createWebService("app-runner", "web-api", wrong as never))).toBe(
            `createWebService "web-api": ${message}`,
        );
        await settle();
        expect(mocks.resources).toHaveLength(0);
    });

    it("should throw naming platform when the value is not supported", async () => {
        expect(await errorOf(() => m.createWebService("fargate" as PlatformModule.WebServicePlatform, "web-api", args()))).toBe(
            'createWebService "web-api": `platform` must be one of app-runner, ecs-express (got "fargate").',
        );
        await settle();
        expect(mocks.resources).toHaveLength(0);
    });
});
