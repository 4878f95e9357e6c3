// The same program evaluated as `pulumi preview` of a new stack: nothing exists yet, so every id and computed
// attribute is unknown (`UNKNOWN` in the recorded inputs) and `apply` callbacks on them do not run. What a
// preview can show is what is known before the first deploy; tests find resources by name and dependency.
import { strict as assert } from "node:assert";
import { before, describe, it } from "node:test";
import { settle, setupMocks, UNKNOWN } from "serverless-containers/testing";

const mocks = setupMocks({
    project: "orders",
    stack: "test",
    preview: true,
    subnets: {
        "subnet-0aa11bb22cc33dd44": "10.0.0.0/20",
        "subnet-0ee55ff66aa77bb88": "10.0.16.0/20",
        "subnet-0cc99dd00ee11ff22": "10.0.128.0/22",
        "subnet-0bb33cc44dd55ee66": "10.0.132.0/22",
    },
});

before(async () => {
    await import("./index.js");
    await settle();
});

describe("the orders program in a preview of a new stack", () => {
    it("admits the API's group at the proxy, although neither group's id is known yet", () => {
        // Which groups a rule joins is known from the resources its inputs come from (its dependencies).
        const rules = mocks
            .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .filter(
                (r) =>
                    mocks.dependsOn(r, "aws:ec2/securityGroup:SecurityGroup", "orders-db-proxy-sg") &&
                    mocks.dependsOn(r, "aws:ec2/securityGroup:SecurityGroup", "orders-api-sg"),
            );
        assert.equal(rules.length, 1);
        assert.equal(rules[0].inputs.securityGroupId, UNKNOWN);
        assert.equal(rules[0].inputs.referencedSecurityGroupId, UNKNOWN);
        assert.deepEqual([rules[0].inputs.ipProtocol, rules[0].inputs.fromPort, rules[0].inputs.toPort], ["tcp", 5432, 5432]);
    });

    it("shows the API's environment with the database's variables, unknown until the proxy exists", () => {
        const service = mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService");
        const env = Object.fromEntries(
            (service.inputs.primaryContainer.environments as { name: string; value: string }[]).map((e) => [e.name, e.value]),
        );
        // The proxy's endpoint is not known before the proxy exists; the service reads each part of the link on
        // its own, so the rest is known in the preview.
        assert.equal(env.DB_HOST, UNKNOWN);
        assert.deepEqual(
            [env.DB_PORT, env.DB_NAME, env.DB_USER, env.DB_TLS, env.DB_IAM_AUTH, env.AWS_REGION],
            ["5432", "orders", "orders_app", "true", "true", "us-east-1"],
        );
        // What the program itself sets is known.
        assert.equal(env.PORT, "8080");
        assert.equal(service.state.id, UNKNOWN);
    });
});
