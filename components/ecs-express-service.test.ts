import type * as ExpressModule from "./ecs-express-service";
import { deleteOrder, isMonitoring, namesWith, planChanges } from "./testing/lifecycle";
import { errorOf, promiseOf, settle, setupMocks, type RecordedResource } from "./testing/mocks";

const mocks = setupMocks({
    subnets: { "subnet-pub-a": "10.0.128.0/22", "subnet-pub-b": "10.0.132.0/22", "subnet-a": "10.0.0.0/22", "subnet-b": "10.0.4.0/22" },
});
let m: typeof ExpressModule;
let sizes: typeof import("./service/sizes");
let aliases: typeof import("./service/aliases");

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/products@sha256:${"a".repeat(64)}`;
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
const TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/products";

beforeAll(async () => {
    m = await import("./ecs-express-service");
    sizes = await import("./service/sizes");
    aliases = await import("./service/aliases");
});
beforeEach(() => mocks.reset());

const trustOf = (name: string) => JSON.parse(mocks.one("aws:iam/role:Role", name).inputs.assumeRolePolicy).Statement[0].Principal.Service;

describe("Express sizes (service/sizes.ts expressSize: vCPU and GiB → CPU units and MiB)", () => {
    const quiet = () => new aliases.Deprecations("EcsExpressService", "products");

    it("should convert vCPU and GiB to CPU units and MiB when the pair is the lab guide's", () => {
        expect(sizes.expressSize(0.25, 0.5, quiet())).toEqual({ cpu: "256", memory: "512" });
        expect(sizes.expressSize(1, 3, quiet())).toEqual({ cpu: "1024", memory: "3072" });
        expect(sizes.expressSize(4, 8, quiet())).toEqual({ cpu: "4096", memory: "8192" });
    });

    it("should refuse naming the memory and Express's ceiling when App Runner's 12 GiB is asked", () => {
        expect(sizes.expressSize(4, 12, quiet())).toEqual({
            problems: ["`memory` 12 GiB cannot run on ECS Express Mode, which allows at most 8 GiB; use 8 or less, or App Runner."],
        });
    });

    it("should refuse naming both properties when the pair is not a Fargate pair", () => {
        expect(sizes.expressSize(0.25, 4, quiet())).toEqual({
            problems: [
                "`memory` 4096 MiB is not allowed with cpu 256; allowed: 512-2048 MiB in 512 MiB steps. (`cpu` 0.25 vCPU = 256 units, `memory` 4 GiB = 4096 MiB.)",
            ],
        });
    });

    it("should refuse a cpu that is neither a number of vCPU nor App Runner's old notation", () => {
        expect(sizes.expressSize("256", 0.5, quiet())).toEqual({ problems: ['`cpu` must be a positive number of vCPU (got "256").'] });
    });
});

describe("EcsExpressService", () => {
    const VPC = { vpcId: "vpc-1", subnetIds: ["subnet-pub-a", "subnet-pub-b"] };
    const build = (extra: Partial<ExpressModule.EcsExpressServiceArgs> = {}, name = "products") =>
        new m.EcsExpressService(name, {
            image: IMAGE,
            network: { vpc: VPC },
            environment: { TABLE_NAME: "products", RUNTIME: "ecs-express" },
            policyStatements: [{ actions: ["dynamodb:GetItem"], resources: [TABLE_ARN] }],
            tags: { project: "serverless-containers" },
            ...extra,
        });

    it("should create execution, infrastructure and task roles with their trust principals when built", async () => {
        build();
        await settle();
        expect(trustOf("products-execution-role")).toBe("ecs-tasks.amazonaws.com");
        expect(trustOf("products-infrastructure-role")).toBe("ecs.amazonaws.com");
        expect(trustOf("products-task-role")).toBe("ecs-tasks.amazonaws.com");
        expect(mocks.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "products-infrastructure-managed").inputs.policyArn).toBe(
            "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices",
        );
        expect(mocks.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "products-execution-managed").inputs.policyArn).toBe(
            "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        );
    });

    it("should give the task role only the caller's statements when built", async () => {
        build();
        await settle();
        const policies = mocks.byType("aws:iam/rolePolicy:RolePolicy");
        expect(policies.map((p) => p.name)).toEqual(["products-task-policy"]);
        expect(JSON.parse(policies[0].inputs.policy).Statement).toEqual([
            { Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: [TABLE_ARN] },
        ]);
    });

    it("should let the execution role read exactly the injected secret ARNs when secrets are set", async () => {
        build({ secrets: { DB_SECRET: SECRET } });
        await settle();
        const policy = JSON.parse(mocks.one("aws:iam/rolePolicy:RolePolicy", "products-execution-secrets").inputs.policy);
        expect(policy.Statement).toEqual([
            { Sid: "ReadInjectedSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET] },
        ]);
        const container = mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs.primaryContainer;
        expect(container.secrets).toEqual([{ name: "DB_SECRET", valueFrom: SECRET }]);
        expect(JSON.stringify(container.environments)).not.toContain(SECRET);
    });

    it("should let the execution role read an SSM parameter with ssm:GetParameters when a secret is a parameter ARN", async () => {
        const parameter = "arn:aws:ssm:us-east-1:123456789012:parameter/products/api-key";
        build({ secrets: { DB_SECRET: SECRET, API_KEY: parameter } });
        await settle();
        const policy = JSON.parse(mocks.one("aws:iam/rolePolicy:RolePolicy", "products-execution-secrets").inputs.policy);
        expect(policy.Statement).toEqual([
            { Sid: "ReadInjectedSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET] },
            { Sid: "ReadInjectedParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [parameter] },
        ]);
    });

    it("should map the lab guide's settings onto Express when defaults are used", async () => {
        build();
        await settle();
        const service = mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs;
        expect(service.cpu).toBe("256");
        expect(service.memory).toBe("512");
        expect(service.healthCheckPath).toBe("/health");
        expect(service.primaryContainer.containerPort).toBe(8080);
        expect(service.primaryContainer.image).toBe(IMAGE);
        expect(service.primaryContainer.environments).toEqual([
            { name: "PORT", value: "8080" },
            { name: "TABLE_NAME", value: "products" },
            { name: "RUNTIME", value: "ecs-express" },
            { name: "EXPRESS_SCALING_TARGET", value: "min=1 max=5 AVERAGE_CPU=60" },
        ]);
        expect(service.scalingTargets).toEqual([
            { minTaskCount: 1, maxTaskCount: 5, autoScalingMetric: "AVERAGE_CPU", autoScalingTargetValue: 60 },
        ]);
    });

    it("should make the service depend on every role policy when built", async () => {
        build({ secrets: { DB_SECRET: SECRET } });
        await settle();
        const service = mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService");
        for (const attachment of ["products-execution-managed", "products-infrastructure-managed"]) {
            expect(mocks.dependsOn(service, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", attachment)).toBe(true);
        }
        for (const policy of ["products-execution-secrets", "products-task-policy"]) {
            expect(mocks.dependsOn(service, "aws:iam/rolePolicy:RolePolicy", policy)).toBe(true);
        }
    });

    it("should output an https URL and the service ARN when the service is created", async () => {
        const svc = build();
        await settle();
        expect(await promiseOf(svc.url)).toMatch(/^https:\/\/[a-z0-9-]+\.ecs\.us-east-1\.on\.aws$/);
        expect(await promiseOf(svc.serviceArn)).toMatch(/^arn:aws:ecs:us-east-1:123456789012:service\//);
    });

    it("should throw naming network, before creating anything, when no network is given (Express would fall back to the default VPC)", async () => {
        const args = { image: IMAGE, tags: { project: "serverless-containers" } } as unknown as ExpressModule.EcsExpressServiceArgs;
        const message = await errorOf(() => new m.EcsExpressService("products", args));
        expect(message).toMatch(/^EcsExpressService "products": `network` is required/);
        expect(message).toContain("default VPC");
        expect(mocks.resources.filter((r) => r.custom)).toHaveLength(0);
    });

    it("should report a missing network together with the other problems when several args are wrong", async () => {
        const args = { image: IMAGE, logRetentionDays: 10 } as unknown as ExpressModule.EcsExpressServiceArgs;
        const message = await errorOf(() => new m.EcsExpressService("products", args));
        expect(message).toContain("`logRetentionDays` must be one of");
        expect(message).toContain("`network` is required");
    });

    it("should make the service wait for the component's dependsOn (the VPC endpoints its tasks pull through) when given", async () => {
        const endpoint = new (await import("@pulumi/aws")).ec2.VpcEndpoint("ecr-dkr", {
            vpcId: "vpc-1",
            serviceName: "com.amazonaws.us-east-1.ecr.dkr",
            vpcEndpointType: "Interface",
        });
        new m.EcsExpressService("products", { image: IMAGE, network: { vpc: VPC } }, { dependsOn: [endpoint] });
        await settle();
        const service = mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService");
        expect(mocks.dependsOn(service, "aws:ec2/vpcEndpoint:VpcEndpoint", "ecr-dkr")).toBe(true);
        // The role policies stay dependencies too.
        expect(mocks.dependsOn(service, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "products-execution-managed")).toBe(true);
    });

    it("should log to its own log group with retention and run in its own cluster with insights when built", async () => {
        build();
        await settle();
        expect(mocks.one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays).toBe(30);
        expect(mocks.one("aws:ecs/cluster:Cluster").inputs.settings).toEqual([{ name: "containerInsights", value: "enabled" }]);
        const service = mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs;
        expect(service.cluster).toBe(mocks.one("aws:ecs/cluster:Cluster").state.name);
        expect(service.primaryContainer.awsLogsConfigurations).toEqual([
            { logGroup: mocks.one("aws:cloudwatch/logGroup:LogGroup").state.name, logStreamPrefix: "app" },
        ]);
    });

    it("should run in the VPC with its own security group, admitting only the load balancer's subnets on the container port, when network is set", async () => {
        const svc = build({
            network: {
                vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] },
                egress: [{ port: 5432, securityGroupId: "sg-proxy", description: "RDS Proxy" }],
            },
        });
        await settle();
        const sg = mocks.one("aws:ec2/securityGroup:SecurityGroup", "products-sg");
        expect(sg.inputs.vpcId).toBe("vpc-1");
        expect(sg.inputs.ingress).toBeUndefined();
        // Express's infrastructure role may add ingress only to groups tagged AmazonECSManaged (or by tagging the
        // rule it creates, which no document says it does for a group it did not make): the component adds it.
        // The load balancer's nodes live in the service's subnets (Express gives them and the tasks one list):
        // exactly those subnets' CIDRs, through a prefix list, on the container port.
        const ingress = mocks.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        const prefixList = mocks.one("aws:ec2/managedPrefixList:ManagedPrefixList");
        expect(
            ingress.map((r) => [
                r.name,
                r.inputs.securityGroupId,
                r.inputs.ipProtocol,
                r.inputs.fromPort,
                r.inputs.toPort,
                r.inputs.prefixListId,
                r.inputs.cidrIpv4,
            ]),
        ).toEqual([["products-from-load-balancer", sg.state.id, "tcp", 8080, 8080, prefixList.state.id, undefined]]);
        expect(prefixList.inputs.entries.map((e: { cidr: string }) => e.cidr)).toEqual(["10.0.0.0/22", "10.0.4.0/22"]);
        const egress = mocks
            .byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
            .map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4]);
        expect(egress).toEqual([
            [443, "0.0.0.0/0"],
            [5432, "sg-proxy"],
        ]);
        const service = mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs;
        expect(service.networkConfigurations).toEqual([{ subnets: ["subnet-a", "subnet-b"], securityGroups: [sg.state.id] }]);
        expect(await promiseOf(svc.securityGroupId)).toBe(sg.state.id);
    });

    it("should tag every taggable child when tags are given", async () => {
        build();
        await settle();
        const taggable = [
            "aws:iam/role:Role",
            "aws:ecs/cluster:Cluster",
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:ecs/expressGatewayService:ExpressGatewayService",
        ];
        for (const type of taggable) {
            for (const r of mocks.byType(type)) expect([r.name, r.inputs.tags]).toEqual([r.name, { project: "serverless-containers" }]);
        }
    });

    it("should throw naming memory when App Runner's 10 GiB cannot run on Express", async () => {
        expect(await errorOf(() => build({ cpu: 4, memory: 10 }))).toBe(
            'EcsExpressService "products": `memory` 10 GiB cannot run on ECS Express Mode, which allows at most 8 GiB; use 8 or less, or App Runner.',
        );
        expect(mocks.resources.filter((r) => r.custom)).toHaveLength(0);
    });

    it("should throw naming scaling.target.metric when the metric is not one Express scales on", async () => {
        expect(await errorOf(() => build({ scaling: { target: { metric: "concurrency", value: 100 } } }))).toBe(
            'EcsExpressService "products": `scaling.target.metric` "concurrency" is not supported on ECS Express Mode, which scales on "cpu", "memory", "requests" only.',
        );
        expect(await errorOf(() => build({ scaling: { target: { metric: "CONCURRENCY" as never, value: 100 } } }))).toBe(
            'EcsExpressService "products": `scaling.target.metric` must be one of cpu, memory, requests, concurrency (got "CONCURRENCY").',
        );
    });

    it("should throw naming scaling.target.value when a percentage target is above 100", async () => {
        expect(await errorOf(() => build({ scaling: { target: { metric: "cpu", value: 150 } } }))).toBe(
            'EcsExpressService "products": `scaling.target.value` must be an integer between 1 and 100 (got 150).',
        );
    });

    it("should throw naming scaling.min and scaling.max when min is above max", async () => {
        expect(await errorOf(() => build({ scaling: { min: 6, max: 5 } }))).toBe(
            'EcsExpressService "products": `scaling.min` (6) must not be greater than `scaling.max` (5).',
        );
    });

    it("should throw naming the statement when a caller passes a wildcard action", async () => {
        expect(await errorOf(() => build({ policyStatements: [{ actions: ["dynamodb:*"], resources: [TABLE_ARN] }] }))).toBe(
            'EcsExpressService "products": `policyStatements[0].actions` must list specific actions, not a wildcard (got ["dynamodb:*"]).',
        );
    });

    it("should throw one pulumi.ResourceError on the component listing every problem, the wildcard action among them, when several args are wrong", async () => {
        const pulumi = await import("@pulumi/pulumi");
        let error: unknown;
        try {
            build({ scaling: { min: 6, max: 5 }, policyStatements: [{ actions: ["dynamodb:*"], resources: [TABLE_ARN] }] });
        } catch (e) {
            error = e;
        }
        expect(pulumi.ResourceError.isInstance(error)).toBe(true);
        expect((error as InstanceType<typeof pulumi.ResourceError>).resource?.constructor.name).toBe("EcsExpressService");
        expect((error as Error).message).toBe(
            'EcsExpressService "products": `scaling.min` (6) must not be greater than `scaling.max` (5). `policyStatements[0].actions` must list specific actions, not a wildcard (got ["dynamodb:*"]).',
        );
    });

    it("should refuse EXPRESS_SCALING_TARGET in environment, the component's own variable", async () => {
        expect(await errorOf(() => build({ environment: { EXPRESS_SCALING_TARGET: "x" } }))).toContain(
            "`environment.EXPRESS_SCALING_TARGET` is the component's own",
        );
    });

    it("should throw naming logRetentionDays when the value is not a CloudWatch retention", async () => {
        expect(await errorOf(() => build({ logRetentionDays: 10 }))).toContain(
            "`logRetentionDays` must be one of CloudWatch's values 1, 3, 5, 7, 14, 30",
        );
    });

    it("should expose the task role as the role the app runs as, by ARN and name, when built", async () => {
        const svc = build();
        await settle();
        const role = mocks.one("aws:iam/role:Role", "products-task-role");
        expect([await promiseOf(svc.roleArn), await promiseOf(svc.roleName)]).toEqual([role.state.arn, role.state.name]);
    });

    it("should warn on the component that the deprecated maxConcurrency has no effect when it is set", async () => {
        const pulumi = await import("@pulumi/pulumi");
        const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
        try {
            const svc = build({ maxConcurrency: 50 });
            expect(warn).toHaveBeenCalledTimes(1);
            expect(warn).toHaveBeenCalledWith(
                'EcsExpressService "products": deprecated arguments, accepted until the next minor version (see the package CHANGELOG): `maxConcurrency` has no effect on ECS Express Mode, which scales on `scaling.target` (cpu); it applies on App Runner only, as `scaling.target` { metric: "concurrency" }.',
                svc,
            );
            warn.mockClear();
            // Another name: two services of one name would also repeat each other's rules, which EC2 refuses.
            build({}, "products-2");
            expect(warn).not.toHaveBeenCalled();
            // Still checked as on App Runner while it is accepted.
            expect(await errorOf(() => build({ maxConcurrency: 500 }))).toBe(
                'EcsExpressService "products": `maxConcurrency` must be an integer between 1 and 200 (got 500).',
            );
        } finally {
            warn.mockRestore();
        }
    });

    it("should add an egress rule on the tasks' group when allowEgress is called", async () => {
        const svc = build();
        svc.allowEgress("to-cache", { port: 6379, securityGroupId: "sg-cache", description: "to the cache" });
        await settle();
        const rule = mocks.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "products-to-cache").inputs;
        expect([rule.fromPort, rule.referencedSecurityGroupId, rule.description]).toEqual([6379, "sg-cache", "to the cache"]);
    });

    const wrongShapes: [string, unknown, string][] = [
        ["a string as the network", { network: "vpc-1" }, '`network` must be an object (got the string "vpc-1").'],
        ["a string as the scaling", { scaling: "AVERAGE_CPU" }, '`scaling` must be an object (got the string "AVERAGE_CPU").'],
        [
            "a scaling target without a metric",
            { scaling: { target: { value: 50 } } },
            "`scaling.target.metric` is required (one of cpu, memory, requests, concurrency).",
        ],
        ["a list as the cpu", { cpu: [256] }, "`cpu` must be a positive number of vCPU (got a list [256])."],
    ];
    it.each(wrongShapes)("should name the argument, not raise a TypeError, when given %s", async (_case, wrong, message) => {
        expect(await errorOf(() => build(wrong as never))).toBe(`EcsExpressService "products": ${message}`);
    });

    it("should throw naming network.vpc.subnetIds when fewer than two subnets are listed", async () => {
        expect(await errorOf(() => build({ network: { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a"] } } }))).toBe(
            'EcsExpressService "products": `network.vpc.subnetIds` must list at least 2 subnets (Express requires two; got 1).',
        );
    });
});

describe("EcsExpressService lifecycle (what `pulumi up` and `destroy` do, from the provider model)", () => {
    const VPC = { vpcId: "vpc-1", subnetIds: ["subnet-pub-a", "subnet-pub-b"] };
    /** Evaluate the component with `args` and return what the mocks recorded. */
    const evaluate = async (extra: Partial<ExpressModule.EcsExpressServiceArgs> = {}): Promise<RecordedResource[]> => {
        mocks.reset();
        new m.EcsExpressService("products", { image: IMAGE, network: { vpc: VPC }, serviceName: "products-api-test", ...extra });
        await settle();
        return [...mocks.resources];
    };

    // The provider's Update diffs WithIgnoredField("scaling_target"): with nothing else changed, a new min/max
    // reached no API. Seen failing before EXPRESS_SCALING_TARGET: the service's change was "update-ignored".
    it.each([
        ["scaling.min", { scaling: { min: 2 } }],
        ["scaling.max", { scaling: { max: 9 } }],
        ["scaling.target.value", { scaling: { target: { metric: "cpu" as const, value: 45 } } }],
        ["scaling.target.metric", { scaling: { target: { metric: "requests" as const, value: 600 } } }],
    ])("should make a change of only %s an update the provider sends, replacing nothing", async (_label, change) => {
        const plan = planChanges(await evaluate(), await evaluate(change));
        const service = [...plan.values()].find((p) => p.type === "aws:ecs/expressGatewayService:ExpressGatewayService")!;
        expect(service.change).toBe("update");
        expect(service.fields).toEqual(["primaryContainer", "scalingTargets"]);
        expect(namesWith(plan, "replace")).toEqual([]);
    });

    /** `before` with the resource `name` replaced: an input it replaces on changed (what a new value would do). */
    const replacing = (before: RecordedResource[], name: string, input: string): RecordedResource[] =>
        before.map((r) => (r.name === name ? { ...r, inputs: { ...r.inputs, [input]: `${String(r.inputs[input])}-new` } } : r));

    it("should replace the service and its drain wait when the infrastructure role is replaced (the provider's RequiresReplace), keeping serviceName", async () => {
        const before = await evaluate();
        const plan = planChanges(before, replacing(before, "products-infrastructure-role", "name"));
        expect(namesWith(plan, "replace")).toEqual([
            "products-drain",
            "products-infrastructure-managed",
            "products-infrastructure-role",
            "products-service",
        ]);
        // The name stays: ECS refuses it while it lists the old service, so such a replacement needs a new
        // serviceName in the same `up` (documented on the argument). Created before the old one is deleted:
        const service = before.find((r) => r.type === "aws:ecs/expressGatewayService:ExpressGatewayService")!;
        expect([service.inputs.serviceName, service.options?.deleteBeforeReplace]).toEqual(["products-api-test", false]);
    });

    // The Update API has no cluster: a new cluster must replace the service (replaceOnChanges), reached here
    // through the cascade from the cluster's own replacement (its auto-name changes, and the service holds it).
    it("should replace the service and its drain wait, not update them, when the cluster is replaced", async () => {
        const before = await evaluate();
        const plan = planChanges(before, replacing(before, "products-cluster", "name"));
        expect(namesWith(plan, "replace")).toEqual(["products-cluster", "products-drain", "products-service"]);
    });

    it("should replace the service and its drain wait, and update nothing else, when serviceName changes", async () => {
        const plan = planChanges(await evaluate(), await evaluate({ serviceName: "products-api-renamed" }));
        expect(namesWith(plan, "replace")).toEqual(["products-drain", "products-service"]);
        // The alarms and the dashboard follow the new service (its name is their ServiceName dimension).
        expect(namesWith(plan, "update").filter((n) => !isMonitoring(n))).toEqual([]);
        expect(namesWith(plan, "update")).toEqual(expect.arrayContaining(["products-alarm-running-tasks", "products-dashboard"]));
    });

    it("should replace the security group, its rules and nothing but the service's network settings when the VPC changes", async () => {
        const plan = planChanges(await evaluate(), await evaluate({ network: { vpc: { vpcId: "vpc-2", subnetIds: VPC.subnetIds } } }));
        expect(namesWith(plan, "replace")).toEqual(["products-egress-https", "products-from-load-balancer", "products-sg"]);
        expect(namesWith(plan, "update")).toEqual(["products-service"]);
    });

    it("should update the load balancer's prefix list in place, replacing nothing, when the subnets change", async () => {
        const plan = planChanges(
            await evaluate(),
            await evaluate({ network: { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] } } }),
        );
        expect(namesWith(plan, "replace")).toEqual([]);
        expect(namesWith(plan, "update")).toEqual(["products-load-balancer-subnets", "products-service"]);
    });

    // The provider's delete returns once the service is DRAINING; Express still tears down its load balancer,
    // security groups and certificate with the infrastructure role. The drain wait is deleted first and waits for
    // INACTIVE, so none of what that teardown uses is deleted before it ends.
    it("should delete the drain wait first, then the service, and only then the roles, policies, cluster, security group and logs", async () => {
        // The alarms, composite and dashboard read the service's outputs, so they go first; nothing else uses them.
        const order = deleteOrder(await evaluate()).filter((n) => !isMonitoring(n));
        const at = (name: string) => order.indexOf(name);
        expect(at("products-drain")).toBe(0);
        expect(at("products-service")).toBe(1);
        for (const after of [
            "products-infrastructure-managed",
            "products-infrastructure-role",
            "products-execution-role",
            "products-task-role",
            "products-cluster",
            "products-sg",
            // The group's rules too: draining tasks keep their traffic and their way to the log endpoints.
            "products-egress-https",
            "products-from-load-balancer",
            "products-load-balancer-subnets",
            "products-logs",
        ]) {
            expect(at(after)).toBeGreaterThan(at("products-service"));
        }
        expect(order).toHaveLength(new Set(order).size);
    });
});
