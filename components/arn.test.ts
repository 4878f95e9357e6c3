/**
 * ARNs follow the partition of the region the provider is configured for (AWS GovCloud and China use
 * `arn:aws-us-gov:` and `arn:aws-cn:`): nothing the components write names `arn:aws:` there. The mocks answer
 * getPartition, and build the ARNs of what they create, from the region as the provider does.
 */
import { promiseOf, settle, setupMocks } from "./testing/mocks";

const mocks = setupMocks({
    region: "us-gov-west-1",
    subnets: { "subnet-a": "10.0.0.0/22", "subnet-b": "10.0.4.0/22" },
});

const IMAGE = `123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/api@sha256:${"a".repeat(64)}`;
const VPC = { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] };

beforeEach(() => mocks.reset());

describe("partition", () => {
    it("should answer getPartition from the region, as the provider does", async () => {
        const aws = await import("@pulumi/aws");
        expect(await aws.getPartition({})).toMatchObject({ partition: "aws-us-gov", dnsSuffix: "amazonaws.com" });
    });

    it("should write no arn:aws: in GovCloud: managed policies, rds-db:connect, the LB controller's policy", async () => {
        const lib = await import("./index");
        new lib.EcsExpressService("express", { image: IMAGE, vpc: VPC });
        new lib.AppRunnerService("runner-api", { image: IMAGE });
        new lib.PrivateFargateService("private", { image: IMAGE, vpc: VPC, allowFrom: ["sg-client"], namespaceName: "apps.internal" });
        const db = new lib.AuroraWithProxy("db", {
            engine: "postgresql",
            databaseName: "app",
            appUser: { username: "app", schema: [] },
            vpc: VPC,
        });
        db.connect("api", { securityGroupId: "sg-client", roleName: "api-role" });
        const statement = db.connectStatement();
        new lib.EksFargateCluster("eks", { vpc: VPC, kubernetesVersion: "1.35" });
        await settle();

        const written = JSON.stringify(mocks.resources.map((r) => r.inputs));
        expect(written.match(/arn:aws:[^"]{0,60}/g) ?? []).toEqual([]);
        for (const arn of [
            "arn:aws-us-gov:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices",
            "arn:aws-us-gov:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess",
            "arn:aws-us-gov:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
            "arn:aws-us-gov:rds-db:us-gov-west-1:123456789012:dbuser:",
            "arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:*:loadbalancer/",
            "arn:aws-us-gov:ec2:*:*:security-group/*",
        ]) {
            expect([arn, written.includes(arn)]).toEqual([arn, true]);
        }
        expect(await promiseOf(statement.resources[0])).toMatch(/^arn:aws-us-gov:rds-db:us-gov-west-1:123456789012:dbuser:prx-/);
    });
});
