import { errorOf, promiseOf, type RecordedResource, settle, setupMocks } from "../components/testing";
import type * as StackModule from "./app-runner";
import { stackConfig, TEST_NETWORK_SUBNETS, testNetwork, untaggedResources } from "./testing";

const mocks = setupMocks({ subnets: { ...TEST_NETWORK_SUBNETS } });
let stack: typeof StackModule;

beforeAll(async () => {
    stack = await import("./app-runner");
});
beforeEach(() => mocks.reset());

const configFor = (overrides: Record<string, string> = {}) => stackConfig(overrides);

interface Run {
    readonly resources: RecordedResource[];
    readonly url: string;
    readonly tableName: string;
}

/** Run the stack under fresh mocks with one platform and keep what was registered. */
async function run(platform: "app-runner" | "ecs-express", overrides: Record<string, string> = {}): Promise<Run> {
    mocks.reset();
    // As index.ts does: the shared network only when products-api runs on Express.
    const out = stack.appRunnerStack(
        configFor({ appRunnerPlatform: platform, ...overrides }),
        platform === "ecs-express" ? testNetwork() : undefined,
    );
    await settle();
    const [url, tableName] = [await promiseOf(out.url), await promiseOf(out.tableName)];
    await settle();
    return { resources: [...mocks.resources], url, tableName };
}

const one = (r: Run, type: string, name?: string) => {
    const found = r.resources.filter((x) => x.type === type && (name === undefined || x.name === name));
    if (found.length !== 1) throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}`);
    return found[0];
};
const trust = (role: RecordedResource) => JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal.Service;
const HOSTING =
    /^(aws:apprunner\/|aws:ecs\/|aws:iam\/|aws:cloudwatch\/|aws:ec2\/securityGroup:|aws:vpc\/securityGroup(Egress|Ingress)Rule:|aws:ec2\/managedPrefixList:|pulumi-nodejs:dynamic\/serverless-containers:ExpressServiceDrain$|serverless-containers:index:(AppRunnerService|VpcConnectedAppRunner|EcsExpressService)$)/;

describe("appRunnerStack on app-runner (default)", () => {
    let r: Run;
    beforeAll(async () => {
        r = await run("app-runner");
    });

    it("should use the lab guide's settings when dev config is used", () => {
        const service = one(r, "aws:apprunner/service:Service").inputs;
        expect(service.instanceConfiguration).toMatchObject({ cpu: "0.25 vCPU", memory: "0.5 GB" });
        expect(service.sourceConfiguration.imageRepository.imageConfiguration.port).toBe("8080");
        expect(service.healthCheckConfiguration).toMatchObject({ protocol: "HTTP", path: "/health" });
        expect(one(r, "aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion").inputs).toMatchObject({
            minSize: 1,
            maxSize: 5,
            maxConcurrency: 100,
        });
    });

    it("should trust build.apprunner for the access role and tasks.apprunner for the instance role when on App Runner", () => {
        const roles = r.resources.filter((x) => x.type === "aws:iam/role:Role");
        expect(roles.map((x) => [x.name, trust(x)]).sort()).toEqual([
            ["products-api-access-role", "build.apprunner.amazonaws.com"],
            ["products-api-instance-role", "tasks.apprunner.amazonaws.com"],
        ]);
        const service = one(r, "aws:apprunner/service:Service").inputs;
        expect(service.instanceConfiguration.instanceRoleArn).toBe(one(r, "aws:iam/role:Role", "products-api-instance-role").state.arn);
    });

    it("should scope the instance role's DynamoDB policy to the one table ARN when built", () => {
        const tableArn = one(r, "aws:dynamodb/table:Table").state.arn;
        const policies = r.resources.filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy");
        expect(policies.map((p) => p.name)).toEqual(["products-api-instance-policy"]);
        expect(JSON.parse(policies[0].inputs.policy).Statement).toEqual([
            {
                Sid: "DynamoTableProducts",
                Effect: "Allow",
                Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan"],
                Resource: [tableArn],
            },
        ]);
    });

    it("should give the app TABLE_NAME, AWS_REGION and RUNTIME=app-runner when on App Runner", () => {
        const env = one(r, "aws:apprunner/service:Service").inputs.sourceConfiguration.imageRepository.imageConfiguration
            .runtimeEnvironmentVariables;
        expect(env).toEqual({ TABLE_NAME: r.tableName, AWS_REGION: "us-east-1", RUNTIME: "app-runner" });
    });

    it("should export the https App Runner URL and the table name when deployed", () => {
        expect(r.url).toMatch(/^https:\/\/[a-z0-9]+\.us-east-1\.awsapprunner\.com$/);
        expect(r.tableName).toBe(one(r, "aws:dynamodb/table:Table").state.name);
    });

    it("should tag every taggable resource with the stack tags when built", () => {
        expect(r.resources.filter((x) => x.type.startsWith("aws:")).length).toBeGreaterThan(3);
        expect(untaggedResources(r.resources, configFor().tags)).toEqual([]);
    });
});

describe("appRunnerStack on ecs-express", () => {
    let r: Run;
    let warnings: string[];
    beforeAll(async () => {
        const pulumi = await import("@pulumi/pulumi");
        const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
        try {
            r = await run("ecs-express");
            warnings = warn.mock.calls.map((call) => String(call[0]));
        } finally {
            warn.mockRestore();
        }
    });

    it("should pass no App Runner-only argument, so the deploy carries no has-no-effect warning, when dev config is used", () => {
        expect(warnings).toEqual([]);
    });

    it("should map the lab guide's settings onto Express when dev config is used", () => {
        const service = one(r, "aws:ecs/expressGatewayService:ExpressGatewayService").inputs;
        expect(service).toMatchObject({ cpu: "256", memory: "512", healthCheckPath: "/health" });
        expect(service.primaryContainer.containerPort).toBe(8080);
        expect(service.scalingTargets).toEqual([
            { minTaskCount: 1, maxTaskCount: 5, autoScalingMetric: "AVERAGE_CPU", autoScalingTargetValue: 60 },
        ]);
    });

    it("should trust ecs-tasks for execution and task roles and ecs for the infrastructure role when on Express", () => {
        const roles = r.resources.filter((x) => x.type === "aws:iam/role:Role");
        expect(roles.map((x) => [x.name, trust(x)]).sort()).toEqual([
            ["products-api-execution-role", "ecs-tasks.amazonaws.com"],
            ["products-api-infrastructure-role", "ecs.amazonaws.com"],
            ["products-api-task-role", "ecs-tasks.amazonaws.com"],
        ]);
    });

    it("should scope the task role's DynamoDB policy to the one table ARN when built", () => {
        const tableArn = one(r, "aws:dynamodb/table:Table").state.arn;
        const policy = one(r, "aws:iam/rolePolicy:RolePolicy");
        expect(policy.name).toBe("products-api-task-policy");
        expect(JSON.parse(policy.inputs.policy).Statement).toEqual([
            {
                Sid: "DynamoTableProducts",
                Effect: "Allow",
                Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan"],
                Resource: [tableArn],
            },
        ]);
    });

    it("should export an https Express URL when deployed", () => {
        expect(r.url).toMatch(/^https:\/\/[a-z0-9-]+\.ecs\.us-east-1\.on\.aws$/);
    });

    it("should run products-api in the shared network's public subnets with its own security group, never in the default VPC", async () => {
        const network = testNetwork();
        const service = one(r, "aws:ecs/expressGatewayService:ExpressGatewayService").inputs;
        const sg = one(r, "aws:ec2/securityGroup:SecurityGroup", "products-api-sg");
        expect(sg.inputs.vpcId).toBe(await promiseOf(network.vpcId));
        expect(service.networkConfigurations).toEqual([
            { subnets: await promiseOf(network.publicSubnetIds), securityGroups: [sg.state.id] },
        ]);
    });
});

describe("appRunnerStack on ecs-express without the shared network", () => {
    it("should throw naming the network instead of falling back to the account's default VPC", async () => {
        const config = configFor({ appRunnerPlatform: "ecs-express" });
        expect(await errorOf(() => stack.appRunnerStack(config))).toBe(
            "appRunnerStack: products-api on ecs-express needs the shared network (`serverless-containers:appRunnerPlatform` is ecs-express): without one, Express would use the account's default VPC.",
        );
        await settle();
    });

    it("should need no network on App Runner", async () => {
        mocks.reset();
        stack.appRunnerStack(configFor({ appRunnerPlatform: "app-runner" }));
        await settle();
        expect(mocks.byType("aws:apprunner/service:Service")).toHaveLength(1);
        expect(mocks.resources.filter((x) => x.type.startsWith("aws:ec2/") || x.type.startsWith("awsx:"))).toEqual([]);
    });
});

describe("switching appRunnerPlatform", () => {
    let appRunner: Run;
    let express: Run;
    beforeAll(async () => {
        appRunner = await run("app-runner");
        express = await run("ecs-express");
    });

    it("should keep the ECR repository, image and table inputs identical when the platform changes", () => {
        for (const type of [
            "aws:ecr/repository:Repository",
            "aws:ecr/lifecyclePolicy:LifecyclePolicy",
            "docker:index/image:Image",
            "aws:dynamodb/table:Table",
        ]) {
            expect([type, one(express, type).name, one(express, type).inputs]).toEqual([
                type,
                one(appRunner, type).name,
                one(appRunner, type).inputs,
            ]);
        }
    });

    it("should change only hosting resource types when the platform changes", () => {
        const typesOf = (r: Run) => [...new Set(r.resources.map((x) => x.type))].sort();
        const nonHosting = (r: Run) => typesOf(r).filter((t) => !HOSTING.test(t));
        expect(nonHosting(express)).toEqual(nonHosting(appRunner));
        expect(nonHosting(appRunner).length).toBeGreaterThanOrEqual(4);
        const hosting = (r: Run) => typesOf(r).filter((t) => HOSTING.test(t) && !t.startsWith("aws:iam/"));
        expect(hosting(appRunner)).toEqual([
            "aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion",
            "aws:apprunner/service:Service",
            // The service's alarms, composite, dashboard and error-line filter (the table's alarms are on both platforms).
            "aws:cloudwatch/compositeAlarm:CompositeAlarm",
            "aws:cloudwatch/dashboard:Dashboard",
            "aws:cloudwatch/logMetricFilter:LogMetricFilter",
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "serverless-containers:index:AppRunnerService",
        ]);
        expect(hosting(express)).toEqual([
            "aws:cloudwatch/compositeAlarm:CompositeAlarm",
            "aws:cloudwatch/dashboard:Dashboard",
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:cloudwatch/logMetricFilter:LogMetricFilter",
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "aws:ec2/managedPrefixList:ManagedPrefixList",
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:ecs/cluster:Cluster",
            "aws:ecs/expressGatewayService:ExpressGatewayService",
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "pulumi-nodejs:dynamic/serverless-containers:ExpressServiceDrain",
            "serverless-containers:index:EcsExpressService",
        ]);
    });

    it("should give the app the same environment except RUNTIME (and PORT, which App Runner sets itself) when the platform changes", () => {
        const arEnv = one(appRunner, "aws:apprunner/service:Service").inputs.sourceConfiguration.imageRepository.imageConfiguration
            .runtimeEnvironmentVariables;
        const exEnv = Object.fromEntries(
            one(express, "aws:ecs/expressGatewayService:ExpressGatewayService").inputs.primaryContainer.environments.map(
                (e: { name: string; value: string }) => [e.name, e.value],
            ),
        );
        // EXPRESS_SCALING_TARGET: what makes a scaling change reach the Express API (components/ecs-express-service.ts).
        expect(exEnv).toEqual({ ...arEnv, RUNTIME: "ecs-express", PORT: "8080", EXPRESS_SCALING_TARGET: "min=1 max=5 AVERAGE_CPU=60" });
    });
});

describe("appRunnerStack bad config", () => {
    it("should throw naming serverless-containers:appRunnerPlatform when it is fargate", async () => {
        expect(await errorOf(() => configFor({ appRunnerPlatform: "fargate" }))).toBe(
            'Invalid stack config for stack "dev":\n  - `serverless-containers:appRunnerPlatform` must be one of app-runner | ecs-express (got "fargate").',
        );
    });

    it("should reject App Runner's 4 vCPU / 12 GB on Express in config, naming the keys", async () => {
        expect(
            await errorOf(() => configFor({ appRunnerPlatform: "ecs-express", productsCpu: "4 vCPU", productsMemory: "12 GB" })),
        ).toContain(
            '`serverless-containers:appRunnerPlatform` is ecs-express, so `serverless-containers:productsCpu` "4 vCPU" and `serverless-containers:productsMemory` "12 GB" must fit Express sizes',
        );
    });

    it("should still refuse 4 vCPU / 12 GB in the Express component when config validation is bypassed", async () => {
        // Valid on App Runner (the stack files now default to ecs-express, which config refuses).
        const config = {
            ...configFor({ appRunnerPlatform: "app-runner", productsCpu: "4 vCPU", productsMemory: "12 GB" }),
            appRunnerPlatform: "ecs-express" as const,
        };
        expect(await errorOf(() => stack.appRunnerStack(config, testNetwork()))).toBe(
            'EcsExpressService "products-api": `memory` 12 GiB cannot run on ECS Express Mode, which allows at most 8 GiB; use 8 or less, or App Runner.',
        );
        await settle();
    });

    it("should throw naming serverless-containers:productsMaxConcurrency when it is above App Runner's 200", async () => {
        expect(await errorOf(() => configFor({ productsMaxConcurrency: "500" }))).toBe(
            'Invalid stack config for stack "dev":\n  - `serverless-containers:productsMaxConcurrency` must be an integer between 1 and 200 (got "500").',
        );
    });
});
