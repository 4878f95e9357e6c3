// The program's tests, as a consumer writes them: `serverless-containers/testing` stands in for the Pulumi engine
// and the providers, the program is evaluated as `pulumi up` would evaluate it, and the tests read what it
// registered. Run with `node --test` (after compiling) or any test runner.
import { strict as assert } from "node:assert";
import { before, describe, it } from "node:test";
import { promiseOf, settle, setupMocks, type RecordedResource } from "serverless-containers/testing";

// First the mocks, then the program: a resource registered before setupMocks would look for a real engine.
const mocks = setupMocks({
    project: "orders",
    stack: "test",
    // Subnets the program does not create: services read their CIDRs (aws.ec2.getSubnet).
    subnets: {
        "subnet-0aa11bb22cc33dd44": "10.0.0.0/20",
        "subnet-0ee55ff66aa77bb88": "10.0.16.0/20",
        "subnet-0cc99dd00ee11ff22": "10.0.128.0/22",
        "subnet-0bb33cc44dd55ee66": "10.0.132.0/22",
    },
});

type Program = typeof import("./index.js");
let program: Program;

/** The recorded resource of `type` whose id (after the update) is `id`. */
function withId(type: string, id: string): RecordedResource {
    const found = mocks.byType(type).filter((r) => r.state.id === id);
    assert.equal(found.length, 1, `one ${type} with id ${id}`);
    return found[0];
}

/** Name/value pairs as one map (ECS and Kubernetes give a container's environment as a list). */
const pairs = (list: { name: string; value: string }[]) => Object.fromEntries(list.map((e) => [e.name, e.value]));

/** Where each platform's container definition carries the environment, in the resources the component registers. */
const ENVIRONMENT: Record<keyof Program["clients"], () => Record<string, string>> = {
    "ecs-express": () => pairs(mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs.primaryContainer.environments),
    "app-runner": () =>
        mocks.one("aws:apprunner/service:Service").inputs.sourceConfiguration.imageRepository.imageConfiguration
            .runtimeEnvironmentVariables,
    // The task definition's container definitions are one JSON document.
    "private-fargate": () =>
        pairs(JSON.parse(mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions)[0].environment),
    eks: () => pairs(mocks.one("kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0].env),
};

before(async () => {
    program = await import("./index.js");
    await settle();
});

describe("the orders program", () => {
    it("registers only resource types and invokes the providers' model knows", () => {
        assert.deepEqual(mocks.unmodelledResources, []);
        assert.deepEqual(mocks.unmockedInvokes, []);
        assert.ok(mocks.resources.length > 0);
    });

    for (const platform of Object.keys(ENVIRONMENT) as (keyof Program["clients"])[]) {
        describe(`the ${platform} service, linked to the database`, () => {
            let client: { securityGroupId: string; roleName: string };
            let proxyGroup: string;
            before(async () => {
                const { securityGroupId, roleName } = program.clients[platform];
                assert.ok(securityGroupId, `the ${platform} service has a security group of its own`);
                client = { securityGroupId: await promiseOf(securityGroupId), roleName: await promiseOf(roleName) };
                proxyGroup = await promiseOf(program.proxySecurityGroupId);
            });

            it("is admitted by the proxy's security group on the PostgreSQL port, from its own group only", () => {
                const rules = mocks
                    .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                    .filter(
                        (r) => r.inputs.securityGroupId === proxyGroup && r.inputs.referencedSecurityGroupId === client.securityGroupId,
                    );
                assert.equal(rules.length, 1);
                assert.equal(rules[0].inputs.ipProtocol, "tcp");
                assert.equal(rules[0].inputs.fromPort, 5432);
                assert.equal(rules[0].inputs.toPort, 5432);
            });

            it("may reach the proxy from its own group: egress to the proxy's group on the PostgreSQL port", () => {
                const rules = mocks
                    .byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
                    .filter(
                        (r) => r.inputs.securityGroupId === client.securityGroupId && r.inputs.referencedSecurityGroupId === proxyGroup,
                    );
                assert.equal(rules.length, 1);
                assert.deepEqual([rules[0].inputs.ipProtocol, rules[0].inputs.fromPort, rules[0].inputs.toPort], ["tcp", 5432, 5432]);
                // The group exists and belongs to the VPC the program runs in.
                assert.equal(withId("aws:ec2/securityGroup:SecurityGroup", client.securityGroupId).inputs.vpcId, program.network.vpcId);
            });

            it("runs as a role allowed rds-db:connect as the app user at this proxy, and nothing broader", async () => {
                // IAM authentication at a proxy names the proxy's resource id (the last part of its ARN).
                const proxyId = (await promiseOf(program.proxyArn)).split(":").pop();
                assert.match(String(proxyId), /^prx-[0-9a-f]{17}$/);
                const connects = mocks
                    .byType("aws:iam/rolePolicy:RolePolicy")
                    .filter((p) => p.inputs.role === client.roleName)
                    .flatMap(
                        (p) => JSON.parse(p.inputs.policy).Statement as { Effect: string; Action: string | string[]; Resource: unknown }[],
                    )
                    .filter((s) => [s.Action].flat().some((a) => a.startsWith("rds-db:")));
                assert.deepEqual(
                    connects.map((s) => [s.Effect, [s.Action].flat(), [s.Resource].flat()]),
                    [["Allow", ["rds-db:connect"], [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${proxyId}/orders_app`]]],
                );
            });

            it("gets the database's DB_* environment in its container definition", () => {
                const proxy = mocks.one("aws:rds/proxy:Proxy").state;
                const env = ENVIRONMENT[platform]();
                assert.deepEqual(Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith("DB_"))), {
                    DB_HOST: proxy.endpoint,
                    DB_PORT: "5432",
                    DB_NAME: "orders",
                    DB_USER: "orders_app",
                    DB_TLS: "true",
                    DB_IAM_AUTH: "true",
                });
                assert.equal(env.AWS_REGION, "us-east-1");
                assert.match(env.DB_HOST, /\.proxy-[0-9a-z]{12}\.us-east-1\.rds\.amazonaws\.com$/);
            });
        });
    }
});
