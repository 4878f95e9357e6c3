import { errorOf, promiseOf, type RecordedResource, settle, setupMocks } from "../components/testing";
import { stackConfig, untaggedResources } from "./testing";
import type * as NetworkModule from "./network";
import type * as StackModule from "./visits-demo";

const mocks = setupMocks();
let stack: typeof StackModule;
let networkModule: typeof NetworkModule;

beforeAll(async () => {
    stack = await import("./visits-demo");
    networkModule = await import("./network");
});

const configFor = (overrides: Record<string, string> = {}) => stackConfig(overrides);

type Platform = "app-runner" | "ecs-express";

interface Run {
    readonly platform: Platform;
    readonly resources: RecordedResource[];
    readonly url: string;
    readonly privateServiceUrl: string;
    /** Plain env and env secrets of visits-api, whatever the platform. */
    readonly env: Record<string, string>;
    readonly secrets: Record<string, string>;
    /** visits-api's own security group (connector SG on App Runner, task SG on Express). */
    readonly webSecurityGroup: RecordedResource;
}

async function run(platform: Platform, overrides: Record<string, string> = {}): Promise<Run> {
    mocks.reset();
    const config = configFor({ visitsDemoPlatform: platform, ...overrides });
    const out = stack.visitsDemoStack(config, await networkModule.createNetwork(config));
    const [url, privateServiceUrl] = [await promiseOf(out.url), await promiseOf(out.privateServiceUrl)];
    await settle();
    const resources = [...mocks.resources];
    const find = (type: string, name?: string) => {
        const found = resources.filter((x) => x.type === type && (name === undefined || x.name === name));
        if (found.length !== 1) throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}`);
        return found[0];
    };
    let env: Record<string, string>;
    let secrets: Record<string, string>;
    let webSecurityGroup: RecordedResource;
    if (platform === "app-runner") {
        const image = find("aws:apprunner/service:Service").inputs.sourceConfiguration.imageRepository.imageConfiguration;
        env = image.runtimeEnvironmentVariables;
        secrets = image.runtimeEnvironmentSecrets ?? {};
        webSecurityGroup = find("aws:ec2/securityGroup:SecurityGroup", "visits-api-connector-sg");
    } else {
        const container = find("aws:ecs/expressGatewayService:ExpressGatewayService").inputs.primaryContainer;
        env = Object.fromEntries(container.environments.map((e: { name: string; value: string }) => [e.name, e.value]));
        secrets = Object.fromEntries(container.secrets.map((e: { name: string; valueFrom: string }) => [e.name, e.valueFrom]));
        webSecurityGroup = find("aws:ec2/securityGroup:SecurityGroup", "visits-api-sg");
    }
    return { platform, resources, url, privateServiceUrl, env, secrets, webSecurityGroup };
}

const byType = (r: Run, type: string) => r.resources.filter((x) => x.type === type);
const one = (r: Run, type: string, name?: string) => {
    const found = byType(r, type).filter((x) => name === undefined || x.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}`);
    return found[0];
};
const trust = (role: RecordedResource) => JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal.Service;

describe.each<[Platform, string, string[][]]>([
    [
        "app-runner",
        "visits-api-instance-role",
        [
            ["visits-api-access-role", "build.apprunner.amazonaws.com"],
            ["visits-api-instance-role", "tasks.apprunner.amazonaws.com"],
        ],
    ],
    [
        "ecs-express",
        "visits-api-task-role",
        [
            ["visits-api-execution-role", "ecs-tasks.amazonaws.com"],
            ["visits-api-infrastructure-role", "ecs.amazonaws.com"],
            ["visits-api-task-role", "ecs-tasks.amazonaws.com"],
        ],
    ],
])("visitsDemoStack on %s", (platform, appRoleName, webRoles) => {
    let r: Run;
    beforeAll(async () => {
        r = await run(platform);
    }, 30_000); // a whole stack (with the DB bootstrap's serialized provider) on a loaded machine

    it("should give visits-api the Cloud Map URL of the private service when built", () => {
        const namespace = one(r, "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace");
        const discovery = one(r, "aws:servicediscovery/service:Service");
        expect([namespace.inputs.name, discovery.inputs.name]).toEqual(["dev.apprunner.demo", "privateservice"]);
        expect(discovery.inputs.dnsConfig.namespaceId).toBe(namespace.state.id);
        expect(r.env.ECSPRIVATESERVICE).toBe(`http://${discovery.inputs.name}.${namespace.inputs.name}:8080`);
        expect(r.privateServiceUrl).toBe(r.env.ECSPRIVATESERVICE);
        expect(one(r, "aws:ecs/service:Service").inputs.serviceRegistries.registryArn).toBe(discovery.state.arn);
    });

    it("should health-check the private service's Node image with Node itself (the image has no curl or wget) when built", () => {
        const container = JSON.parse(one(r, "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions)[0];
        expect(container.healthCheck.command.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
        expect(container.healthCheck.command[3]).toContain('fetch("http://127.0.0.1:8080/health")');
    });

    it("should let only visits-api's security group reach the private service when built", () => {
        const privateSg = one(r, "aws:ec2/securityGroup:SecurityGroup", "visits-private-sg");
        const rules = byType(r, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (x) => x.inputs.securityGroupId === privateSg.state.id,
        );
        expect(rules.map((x) => [x.inputs.referencedSecurityGroupId, x.inputs.fromPort, x.inputs.toPort])).toEqual([
            [r.webSecurityGroup.state.id, 8080, 8080],
        ]);
        // The rule must depend on the group it references (so deletes happen in the right order).
        expect(rules[0].dependsOn).toContain(r.webSecurityGroup.urn);
    });

    it("should use no CIDR in any ingress rule or inline security group rule when built, but the Express load balancer's subnets", () => {
        // The one exception: the Express-managed load balancer to visits-api's tasks. Its group belongs to Express
        // and is unknown to the stack, so the component admits the load balancer's subnets (a prefix list of their
        // CIDRs) on the container port only (components/ecs-express-service.ts says why the rule is ours).
        const rules = byType(r, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        const fromLoadBalancer = rules.filter((rule) => rule.name.endsWith("-from-load-balancer"));
        const prefixLists = byType(r, "aws:ec2/managedPrefixList:ManagedPrefixList");
        expect(
            fromLoadBalancer.map((rule) => [
                rule.name,
                rule.inputs.fromPort,
                rule.inputs.toPort,
                rule.inputs.prefixListId,
                rule.inputs.cidrIpv4,
            ]),
        ).toEqual(r.platform === "ecs-express" ? [["visits-api-from-load-balancer", 8080, 8080, prefixLists[0].state.id, undefined]] : []);
        if (r.platform === "ecs-express") {
            // Exactly the public subnets visits-api and its load balancer run in.
            expect(prefixLists[0].inputs.entries.map((e: { description: string }) => e.description.split(" ").pop())).toEqual(
                one(r, "awsx:ec2:Vpc").state.publicSubnetIds,
            );
        }
        for (const rule of rules.filter((x) => !fromLoadBalancer.includes(x))) {
            expect([rule.name, rule.inputs.cidrIpv4, rule.inputs.cidrIpv6, rule.inputs.referencedSecurityGroupId]).toEqual([
                rule.name,
                undefined,
                undefined,
                expect.stringMatching(/^sg-/),
            ]);
        }
        for (const sg of byType(r, "aws:ec2/securityGroup:SecurityGroup")) {
            expect([sg.name, sg.inputs.ingress]).toEqual([sg.name, undefined]);
        }
        expect(byType(r, "aws:ec2/securityGroupRule:SecurityGroupRule")).toHaveLength(0);
    });

    it("should run the private service without a public IP on the private subnets when built", () => {
        const network = one(r, "awsx:ec2:Vpc").state;
        expect(one(r, "aws:ecs/service:Service").inputs.networkConfiguration).toMatchObject({
            assignPublicIp: false,
            subnets: network.privateSubnetIds,
        });
    });

    it("should give visits-api the proxy endpoint with TLS and IAM auth, and no password, when built", () => {
        const proxy = one(r, "aws:rds/proxy:Proxy");
        expect(r.env).toMatchObject({
            DB_HOST: proxy.state.endpoint,
            DB_PORT: "5432",
            DB_NAME: "apprunnerdemo",
            DB_TLS: "true",
            DB_IAM_AUTH: "true",
            AWS_REGION: "us-east-1",
        });
        expect(r.env.DB_USER).toBe("visits_app"); // its DML-only user, never the master user
        expect(proxy.inputs.defaultAuthScheme).toBe("IAM_AUTH");
        expect(r.secrets).toEqual({});
        expect(Object.keys(r.env).filter((k) => /PASSWORD|SECRET/.test(k))).toEqual([]);
    });

    it("should let only the app's role connect, to exactly its proxy user, when built", () => {
        const proxyId = (one(r, "aws:rds/proxy:Proxy").state.arn as string).split(":").pop();
        // Every statement on the role visits-api runs as, whichever policy resource carries it.
        const roleName = one(r, "aws:iam/role:Role", appRoleName).state.name;
        const visitsPolicies = byType(r, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === roleName);
        const statements = visitsPolicies.flatMap((p) => JSON.parse(p.inputs.policy).Statement);
        expect(statements).toEqual([
            {
                Sid: "ConnectThroughRdsProxy",
                Effect: "Allow",
                Action: ["rds-db:connect"],
                Resource: [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${proxyId}/${r.env.DB_USER}`],
            },
        ]);
        expect(statements.filter((s: { Action: string[] }) => s.Action.includes("secretsmanager:GetSecretValue"))).toEqual([]);
    });

    it("should create the platform's roles with their trust principals when built", () => {
        const roles = byType(r, "aws:iam/role:Role").filter((x) => x.name.startsWith("visits-api-"));
        expect(roles.map((x) => [x.name, trust(x)]).sort()).toEqual(webRoles);
    });

    it("should let visits-api reach the proxy and the private service, and the proxy accept visits-api, when built", () => {
        const proxySg = one(r, "aws:ec2/securityGroup:SecurityGroup", "visits-db-proxy-sg").state.id;
        const privateSg = one(r, "aws:ec2/securityGroup:SecurityGroup", "visits-private-sg").state.id;
        const egress = byType(r, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter(
            (x) => x.inputs.securityGroupId === r.webSecurityGroup.state.id,
        );
        // Registration order follows when each rule's inputs resolve, so compare as a set.
        expect(
            egress
                .filter((x) => x.inputs.referencedSecurityGroupId)
                .map((x) => [x.inputs.referencedSecurityGroupId, x.inputs.fromPort])
                .sort((a, b) => Number(a[1]) - Number(b[1])),
        ).toEqual([
            [proxySg, 5432],
            [privateSg, 8080],
        ]);
        const proxyIngress = byType(r, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (x) => x.inputs.securityGroupId === proxySg,
        );
        expect(proxyIngress.map((x) => [x.inputs.referencedSecurityGroupId, x.inputs.fromPort])).toContainEqual([
            r.webSecurityGroup.state.id,
            5432,
        ]);
    });

    it("should tag every taggable resource with the stack tags when built", () => {
        expect(r.resources.filter((x) => x.type.startsWith("aws:")).length).toBeGreaterThan(10);
        expect(untaggedResources(r.resources, configFor().tags)).toEqual([]);
    });

    it("should export an https URL for visits-api when deployed", () => {
        expect(r.url).toMatch(/^https:\/\//);
    });
});

describe("visitsDemoStack bad config", () => {
    const cases: [string, Record<string, string>, string][] = [
        [
            "visitsDemoPlatform is fargate",
            { visitsDemoPlatform: "fargate" },
            '`serverless-containers:visitsDemoPlatform` must be one of app-runner | ecs-express (got "fargate").',
        ],
        [
            "privateServiceCapacity is SPOT",
            { privateServiceCapacity: "SPOT" },
            '`serverless-containers:privateServiceCapacity` must be one of FARGATE | FARGATE_SPOT (got "SPOT").',
        ],
        [
            "privateServiceDesiredCount is -1",
            { privateServiceDesiredCount: "-1" },
            '`serverless-containers:privateServiceDesiredCount` must be an integer between 0 and 100 (got "-1").',
        ],
    ];
    it.each(cases)("should throw naming the key when %s", async (_label, overrides, message) => {
        expect(await errorOf(() => configFor(overrides))).toBe(`Invalid stack config for stack "dev":\n  - ${message}`);
    });
});
