import type * as PrivateModule from "./private-fargate-service";
import { errorOf, promiseOf, settle, setupMocks } from "./testing/mocks";

const mocks = setupMocks();
let m: typeof PrivateModule;

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/private@sha256:${"b".repeat(64)}`;
const CLIENT_SG = "sg-0client0000000000";
const VPC = { vpcId: "vpc-1", subnetIds: ["subnet-priv-a", "subnet-priv-b"] };

beforeAll(async () => {
    m = await import("./private-fargate-service");
});
beforeEach(() => mocks.reset());

/** The service with `extra` over the defaults; `network` given there replaces the whole default network. */
const build = (extra: Partial<PrivateModule.PrivateFargateServiceArgs> = {}) =>
    new m.PrivateFargateService("private", {
        image: IMAGE,
        network: { vpc: VPC, allowFrom: [CLIENT_SG] },
        namespaceName: "apprunner.demo",
        serviceName: "privateservice",
        tags: { project: "serverless-containers" },
        ...extra,
    });

const containerOf = () => JSON.parse(mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions)[0];

describe("PrivateFargateService", () => {
    it("should output the Cloud Map host and port as its URL when built", async () => {
        const svc = build();
        await settle();
        expect(await promiseOf(svc.url)).toBe("http://privateservice.apprunner.demo:8080");
        expect(mocks.one("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace").inputs).toMatchObject({
            name: "apprunner.demo",
            vpc: "vpc-1",
        });
        expect(await promiseOf(svc.namespaceName)).toBe("apprunner.demo");
        expect(await promiseOf(svc.clusterName)).toBe(mocks.one("aws:ecs/cluster:Cluster").state.name);
        expect(await promiseOf(svc.serviceName)).toBe(mocks.one("aws:ecs/service:Service").state.name);
    });

    it("should register A records with MULTIVALUE routing and a failure threshold when built", async () => {
        build();
        await settle();
        const discovery = mocks.one("aws:servicediscovery/service:Service");
        const namespace = mocks.one("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace");
        expect(discovery.inputs.name).toBe("privateservice");
        expect(discovery.inputs.dnsConfig).toEqual({
            namespaceId: namespace.state.id,
            dnsRecords: [{ type: "A", ttl: 10 }],
            routingPolicy: "MULTIVALUE",
        });
        expect(discovery.inputs.healthCheckCustomConfig).toEqual({ failureThreshold: 1 });
        expect(mocks.one("aws:ecs/service:Service").inputs.serviceRegistries).toEqual({ registryArn: discovery.state.arn });
    });

    it("should allow the container port only from the named security groups when built", async () => {
        const svc = build({ network: { vpc: VPC, allowFrom: [CLIENT_SG, "sg-0other"] } });
        await settle();
        const sg = mocks.one("aws:ec2/securityGroup:SecurityGroup");
        expect(sg.inputs.ingress).toBeUndefined();
        expect(sg.inputs.egress).toBeUndefined();
        const ingress = mocks.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        expect(
            ingress.map((r) => [r.inputs.securityGroupId, r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort]),
        ).toEqual([
            [sg.state.id, CLIENT_SG, 8080, 8080],
            [sg.state.id, "sg-0other", 8080, 8080],
        ]);
        for (const rule of ingress) {
            expect(rule.inputs.cidrIpv4).toBeUndefined();
            expect(rule.inputs.cidrIpv6).toBeUndefined();
            expect(rule.inputs.prefixListId).toBeUndefined();
        }
        const egress = mocks.byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
        expect(egress.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4])).toEqual([[443, 443, "0.0.0.0/0"]]);
        expect(await promiseOf(svc.securityGroupId)).toBe(sg.state.id);
    });

    it("should add one more ingress rule from a group when allowClient is called", async () => {
        const svc = build();
        svc.allowClient("late", "sg-0late");
        await settle();
        const rule = mocks.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "private-late");
        expect(rule.inputs).toMatchObject({ referencedSecurityGroupId: "sg-0late", fromPort: 8080, toPort: 8080 });
    });

    it("should run without a public IP on the given private subnets when built", async () => {
        build();
        await settle();
        const service = mocks.one("aws:ecs/service:Service").inputs;
        expect(service.networkConfiguration).toEqual({
            subnets: ["subnet-priv-a", "subnet-priv-b"],
            securityGroups: [mocks.one("aws:ec2/securityGroup:SecurityGroup").state.id],
            assignPublicIp: false,
        });
        expect(service.deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
        expect(service.desiredCount).toBe(1);
        expect(service.capacityProviderStrategies).toEqual([{ capacityProvider: "FARGATE", weight: 1 }]);
    });

    it("should use FARGATE_SPOT and the task count when asked", async () => {
        build({ capacityProvider: "FARGATE_SPOT", scaling: { min: 3, max: 3 } });
        await settle();
        const service = mocks.one("aws:ecs/service:Service");
        expect(service.inputs.capacityProviderStrategies).toEqual([{ capacityProvider: "FARGATE_SPOT", weight: 1 }]);
        expect(service.inputs.desiredCount).toBe(3);
        expect(mocks.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders").inputs.capacityProviders).toEqual([
            "FARGATE",
            "FARGATE_SPOT",
        ]);
        expect(mocks.dependsOn(service, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")).toBe(true);
    });

    it("should harden the container when the task definition is built", async () => {
        build({ environment: { GREETING: "hi" } });
        await settle();
        const task = mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs;
        expect(task).toMatchObject({
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: "256",
            memory: "512",
            volumes: [{ name: "tmp" }],
        });
        const container = containerOf();
        expect(container).toMatchObject({
            image: IMAGE,
            user: "1000",
            readonlyRootFilesystem: true,
            privileged: false,
            portMappings: [{ containerPort: 8080, protocol: "tcp" }],
            mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
        });
        expect(container.environment).toEqual([
            { name: "PORT", value: "8080" },
            { name: "GREETING", value: "hi" },
        ]);
        // No command given: no container health check, so nothing assumes a program the image may lack.
        expect(container.healthCheck).toBeUndefined();
        const logGroup = mocks.one("aws:cloudwatch/logGroup:LogGroup");
        expect(logGroup.inputs.retentionInDays).toBe(30);
        expect(container.logConfiguration).toEqual({
            logDriver: "awslogs",
            options: { "awslogs-group": logGroup.state.name, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "private" },
        });
    });

    it("should split execution and task roles when built", async () => {
        build({ policyStatements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::bucket/key"] }] });
        await settle();
        const trust = (name: string) =>
            JSON.parse(mocks.one("aws:iam/role:Role", name).inputs.assumeRolePolicy).Statement[0].Principal.Service;
        expect(trust("private-execution-role")).toBe("ecs-tasks.amazonaws.com");
        expect(trust("private-task-role")).toBe("ecs-tasks.amazonaws.com");
        expect(mocks.byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => [a.name, a.inputs.policyArn])).toEqual([
            ["private-execution-managed", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
        ]);
        const taskPolicy = mocks.one("aws:iam/rolePolicy:RolePolicy", "private-task-policy");
        expect(taskPolicy.inputs.role).toBe(mocks.one("aws:iam/role:Role", "private-task-role").state.name);
        expect(JSON.parse(taskPolicy.inputs.policy).Statement).toEqual([
            { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::bucket/key"] },
        ]);
        const task = mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs;
        expect(task.executionRoleArn).toBe(mocks.one("aws:iam/role:Role", "private-execution-role").state.arn);
        expect(task.taskRoleArn).toBe(mocks.one("aws:iam/role:Role", "private-task-role").state.arn);
    });

    it("should tag every taggable child when tags are given", async () => {
        build();
        await settle();
        const taggable = [
            "aws:iam/role:Role",
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:ecs/cluster:Cluster",
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
            "aws:servicediscovery/service:Service",
            "aws:ecs/taskDefinition:TaskDefinition",
            "aws:ecs/service:Service",
        ];
        for (const type of taggable) {
            const found = mocks.byType(type);
            expect([type, found.length > 0]).toEqual([type, true]);
            for (const r of found) expect([r.name, r.inputs.tags]).toEqual([r.name, { project: "serverless-containers" }]);
        }
    });

    it("should run the caller's container health check command when one is given", async () => {
        build({ health: { command: ["CMD", "curl", "-f", "http://127.0.0.1:8080/health"] } });
        await settle();
        expect(containerOf().healthCheck).toEqual({
            command: ["CMD", "curl", "-f", "http://127.0.0.1:8080/health"],
            interval: 15,
            timeout: 5,
            retries: 3,
            startPeriod: 20,
        });
    });

    it("should build a Node health check command from a plain path and refuse one that could break out of the script", () => {
        const command = m.nodeHealthCheckCommand(8080, "/health");
        expect(command.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
        expect(command[3]).toContain('fetch("http://127.0.0.1:8080/health")');
        expect(() => m.nodeHealthCheckCommand(8080, '/health");process.exit(0);("')).toThrow(
            'nodeHealthCheckCommand: the path must start with "/" and use only letters, digits, / _ . - (got "/health\\");process.exit(0);(\\"").',
        );
    });

    it("should expose the task role as the role the app runs as, and add egress rules by object, when built", async () => {
        const svc = build({
            network: {
                vpc: { vpcId: "vpc-1", subnetIds: ["subnet-priv-a"] },
                allowFrom: [CLIENT_SG],
                egress: [{ port: 5432, securityGroupId: "sg-db", description: "to the database" }],
            },
        });
        svc.allowEgress("to-cache", { port: 6379, securityGroupId: "sg-cache", description: "to the cache" });
        await settle();
        const role = mocks.one("aws:iam/role:Role", "private-task-role");
        expect([await promiseOf(svc.roleArn), await promiseOf(svc.roleName)]).toEqual([role.state.arn, role.state.name]);
        const egress = mocks
            .byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
            .map((r) => [r.name, r.inputs.fromPort, r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4]);
        expect(egress).toEqual([
            ["private-egress-https", 443, "0.0.0.0/0"],
            ["private-egress-0", 5432, "sg-db"],
            ["private-to-cache", 6379, "sg-cache"],
        ]);
    });

    const wrongShapes: [string, unknown, string][] = [
        [
            "a string as allowFrom",
            { network: { vpc: VPC, allowFrom: "sg-1" } },
            '`network.allowFrom` must be a list (got the string "sg-1").',
        ],
        ["flat VPC args instead of `network.vpc`", { network: { vpcId: "vpc-1", allowFrom: [CLIENT_SG] } }, "`network.vpc` is required."],
        [
            "a string as the health check command",
            { health: { command: "curl -f localhost" } },
            '`health.command` must be a list (got the string "curl -f localhost").',
        ],
        ["no namespace name", { namespaceName: undefined }, "`namespaceName` is required."],
    ];
    it.each(wrongShapes)("should name the argument, not raise a TypeError, when given %s", async (_case, wrong, message) => {
        expect(await errorOf(() => build(wrong as never))).toBe(`PrivateFargateService "private": ${message}`);
    });

    describe("bad args", () => {
        const cases: [string, Partial<PrivateModule.PrivateFargateServiceArgs>, string][] = [
            [
                "network.allowFrom is empty",
                { network: { vpc: VPC, allowFrom: [] } },
                "`network.allowFrom` must name at least one security group allowed to reach port 8080 (got an empty list); the service accepts no CIDR.",
            ],
            [
                "network.allowFrom is missing (one message, not also an empty list the caller never gave)",
                { network: { vpc: VPC } },
                "`network.allowFrom` must name at least one security group allowed to reach port 8080; the service accepts no CIDR.",
            ],
            [
                "the task count is -1",
                { scaling: { min: -1, max: -1 } },
                "`scaling.min` must be an integer between 0 and 100 (got -1). `scaling.max` must be an integer between 0 and 100 (got -1).",
            ],
            [
                "scaling.min and scaling.max differ (no autoscaling)",
                { scaling: { min: 1, max: 3 } },
                "`scaling.min` (1) and `scaling.max` (3) must be equal on private Fargate, which has no autoscaling: give one count (0 stops the service).",
            ],
            [
                "capacityProvider is SPOT",
                { capacityProvider: "SPOT" as PrivateModule.CapacityProvider },
                '`capacityProvider` must be one of FARGATE, FARGATE_SPOT (got "SPOT").',
            ],
            [
                "namespaceName has capitals and an underscore",
                { namespaceName: "AppRunner_Demo" },
                '`namespaceName` must be a lower-case DNS name of labels made of a-z, 0-9 and - (e.g. "apprunner.demo") (got "AppRunner_Demo").',
            ],
            [
                "serviceName has a dot",
                { serviceName: "private.service" },
                '`serviceName` must be one lower-case DNS label (a-z, 0-9, -; at most 63 characters) (got "private.service").',
            ],
            [
                "memory does not pair with cpu",
                { cpu: 0.25, memory: 4 },
                "`memory` 4096 MiB is not allowed with cpu 256; allowed: 512-2048 MiB in 512 MiB steps. (`cpu` 0.25 vCPU = 256 units, `memory` 4 GiB = 4096 MiB.)",
            ],
            [
                "cpu is not a Fargate size",
                { cpu: 0.3 },
                "`cpu` must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units (got 307). (`cpu` 0.3 vCPU = 307 units, `memory` 0.5 GiB = 512 MiB.)",
            ],
            [
                "cpu in the deprecated CPU units is not a Fargate size",
                { cpu: 300 },
                "`cpu` must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units (got 300). (`memory` 0.5 GiB = 512 MiB.)",
            ],
            [
                "health.command is empty",
                { health: { command: [] } },
                '`health.command` must be a non-empty list of strings such as ["CMD", "curl", "-f", "http://127.0.0.1:8080/health"] (got []).',
            ],
            ["user is root", { user: "root" }, '`user` must not be root (got "root"); use a non-root uid such as "1000" or "node".'],
        ];
        it.each(cases)("should throw naming the property when %s", async (_label, extra, message) => {
            expect(await errorOf(() => build(extra))).toBe(`PrivateFargateService "private": ${message}`);
            expect(mocks.resources.filter((r) => r.custom)).toHaveLength(0);
        });
    });
});
