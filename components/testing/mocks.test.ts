import type * as awsT from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { errorOf, promiseOf, settle, setupMocks } from "./mocks";

const mocks = setupMocks();
let aws: typeof awsT;

beforeAll(async () => {
    aws = await import("@pulumi/aws");
});
beforeEach(() => mocks.reset());

describe("test kit", () => {
    it("should record parent and dependsOn when a child depends on a sibling", async () => {
        class Parent extends pulumi.ComponentResource {
            constructor(name: string) {
                super("test:index:Parent", name);
                const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: "{}" }, { parent: this });
                new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy: "{}" }, { parent: this, dependsOn: [role] });
                this.registerOutputs({});
            }
        }
        new Parent("p");
        await settle();
        const policy = mocks.one("aws:iam/rolePolicy:RolePolicy");
        const parent = mocks.one("test:index:Parent");
        expect(policy.parent).toBe(parent.urn);
        expect(mocks.dependsOn(policy, "aws:iam/role:Role", "p-role")).toBe(true);
        expect(
            mocks
                .childrenOf(parent)
                .map((r) => r.name)
                .sort(),
        ).toEqual(["p-policy", "p-role"]);
    });

    it("should answer getRegion with both name and region when called", async () => {
        const region = await aws.getRegion();
        expect(region.name).toBe("us-east-1");
        expect(region.region).toBe("us-east-1");
    });

    it("should throw naming the token when an invoke is not mocked", async () => {
        const message = await errorOf(() => aws.ec2.getSubnet({ id: "subnet-1" }));
        expect(message).toContain('Unmocked invoke "aws:ec2/getSubnet:getSubnet"');
        expect(mocks.unmockedInvokes).toEqual(["aws:ec2/getSubnet:getSubnet"]);
    });

    it("should resolve IAM role ARNs as global IAM ARNs when outputs are read", async () => {
        const role = new aws.iam.Role("r", { name: "named-role", assumeRolePolicy: "{}" });
        expect(await promiseOf(role.arn)).toBe("arn:aws:iam::123456789012:role/named-role");
    });
});
