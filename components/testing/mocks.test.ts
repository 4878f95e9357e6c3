import type * as awsT from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { errorOf, promiseOf, PulumiMocks, settle, setupMocks, UNKNOWN } from "./mocks";
import { INVOKES, RESOURCES, type ModelContext } from "./provider-model";

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

    it("should record the URN the engine gives: the parent's whole type chain, without the root stack's type", async () => {
        class Component extends pulumi.ComponentResource {
            constructor(type: string, name: string, opts?: pulumi.ComponentResourceOptions) {
                super(type, name, {}, opts);
            }
        }
        // The engine's NewURN (sdk/go/common/resource/urn.go) prefixes the parent's *qualified* type (its whole
        // chain) and leaves the root stack's type out; the SDK's mock monitor keeps only the parent's last type.
        const root = new Component("pulumi:pulumi:Stack", "serverless-containers-test");
        const outer = new Component("test:index:Outer", "o", { parent: root });
        const inner = new Component("test:index:Inner", "i", { parent: outer });
        const sibling = new aws.iam.Role("sibling", { assumeRolePolicy: "{}" }, { parent: inner });
        new aws.iam.Role("leaf", { assumeRolePolicy: "{}" }, { parent: inner, dependsOn: [sibling] });
        await settle();
        const stack = "urn:pulumi:test::serverless-containers";
        expect(mocks.one("test:index:Outer").urn).toBe(`${stack}::test:index:Outer::o`);
        const leaf = mocks.one("aws:iam/role:Role", "leaf");
        expect(leaf.urn).toBe(`${stack}::test:index:Outer$test:index:Inner$aws:iam/role:Role::leaf`);
        expect(leaf.parent).toBe(`${stack}::test:index:Outer$test:index:Inner::i`);
        expect(
            mocks
                .childrenOf(mocks.one("test:index:Inner"))
                .map((r) => r.name)
                .sort(),
        ).toEqual(["leaf", "sibling"]);
        expect(leaf.dependsOn).toEqual([`${stack}::test:index:Outer$test:index:Inner$aws:iam/role:Role::sibling`]);
    });

    it("should record each alias as the URN the engine resolves it to: name, type, parent, stack and project filled from the resource", async () => {
        class Component extends pulumi.ComponentResource {
            constructor(type: string, name: string, opts?: pulumi.ComponentResourceOptions) {
                super(type, name, {}, opts);
            }
        }
        const outer = new Component("test:index:Outer", "o");
        const other = new Component("test:index:Other", "x");
        new aws.iam.Role(
            "leaf",
            { assumeRolePolicy: "{}" },
            {
                parent: outer,
                aliases: [
                    { name: "old-leaf" },
                    { type: "aws:iam/oldRole:Role" },
                    { parent: pulumi.rootStackResource },
                    { parent: other, stack: "prod", project: "elsewhere" },
                    "urn:pulumi:test::serverless-containers::aws:iam/role:Role::literal",
                ],
            },
        );
        await settle();
        const stack = "urn:pulumi:test::serverless-containers";
        // collapseAliasToUrn in pkg/resource/deploy/step_generator.go: an empty field takes the resource's own value.
        expect(mocks.one("aws:iam/role:Role").aliases).toEqual([
            `${stack}::test:index:Outer$aws:iam/role:Role::old-leaf`,
            `${stack}::test:index:Outer$aws:iam/oldRole:Role::leaf`,
            `${stack}::aws:iam/role:Role::leaf`,
            "urn:pulumi:prod::elsewhere::test:index:Other$aws:iam/role:Role::leaf",
            `${stack}::aws:iam/role:Role::literal`,
        ]);
        expect(mocks.one("test:index:Outer").aliases).toEqual([]);
    });

    it("should answer getRegion with both name and region when called", async () => {
        const region = await aws.getRegion();
        expect(region.name).toBe("us-east-1");
        expect(region.region).toBe("us-east-1");
    });

    it("should throw naming the token when an invoke is not mocked", async () => {
        const message = await errorOf(() => aws.ec2.getVpc({ default: true }));
        expect(message).toBe(
            'Unmocked invoke "aws:ec2/getVpc:getVpc": the test kit answers only invokes whose provider answers it models. Give the mocks an answer: setupMocks({ invokes: { "aws:ec2/getVpc:getVpc": (inputs) => ({ … }) } }) (in this repository: INVOKES in components/testing/provider-model.ts).',
        );
        expect(mocks.unmockedInvokes).toEqual(["aws:ec2/getVpc:getVpc"]);
    });

    it("should resolve IAM role ARNs as global IAM ARNs when outputs are read", async () => {
        const role = new aws.iam.Role("r", { name: "named-role", assumeRolePolicy: "{}" });
        expect(await promiseOf(role.arn)).toBe("arn:aws:iam::123456789012:role/named-role");
    });
});

describe("the provider model", () => {
    const register = (m: PulumiMocks, type: string, inputs: Record<string, unknown> = {}) =>
        m.newResource({ type, name: "r", inputs, custom: true });

    it("should refuse a second identical security group rule as EC2 does (InvalidPermission.Duplicate), and not rules that differ or are unknown", () => {
        const m = new PulumiMocks();
        const rule = (name: string, inputs: Record<string, unknown>) =>
            m.newResource({ type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, inputs, custom: true });
        const base = { securityGroupId: "sg-a", referencedSecurityGroupId: "sg-b", ipProtocol: "tcp", fromPort: 5432, toPort: 5432 };
        rule("one", base);
        rule("other-port", { ...base, fromPort: 443, toPort: 443 });
        rule("unknown-peer", { ...base, referencedSecurityGroupId: UNKNOWN });
        m.newResource({ type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", name: "egress", inputs: base, custom: true });
        expect(() => rule("two", base)).toThrow(
            'InvalidPermission.Duplicate: the ingress rule (tcp 5432-5432, peer sg-b) on sg-a already exists as "one"',
        );
    });

    it("should refuse a resource type it has no row for, naming the type and how to give one", () => {
        const m = new PulumiMocks();
        expect(() => register(m, "aws:s3/bucket:Bucket")).toThrow(
            'Unmodelled resource type "aws:s3/bucket:Bucket": the test kit answers only for types whose provider behaviour it models. Give the mocks a row for it: setupMocks({ resources: { "aws:s3/bucket:Bucket": { id, outputs, replaceOn, source } } }) (in this repository: RESOURCES in components/testing/provider-model.ts).',
        );
        expect(m.unmodelledResources).toEqual(["aws:s3/bucket:Bucket"]);
    });

    it("should answer a type the program's test models itself, with the row's id and outputs, unknown in a preview", () => {
        const bucket = {
            id: (c: ModelContext) => String(c.inputs.bucket),
            autoName: "bucket",
            outputs: (c: ModelContext) => ({ arn: `arn:aws:s3:::${String(c.inputs.bucket)}` }),
            replaceOn: ["bucket"],
            source: "d.ts s3/bucket (Import: the bucket name)",
        };
        const update = register(new PulumiMocks({ resources: { "aws:s3/bucket:Bucket": bucket } }), "aws:s3/bucket:Bucket");
        expect(update.id).toMatch(/^r-[0-9a-f]{7}$/);
        expect(update.state.arn).toBe(`arn:aws:s3:::${update.id}`);
        const preview = register(new PulumiMocks({ preview: true, resources: { "aws:s3/bucket:Bucket": bucket } }), "aws:s3/bucket:Bucket");
        expect(preview).toMatchObject({ id: "", state: { arn: UNKNOWN, id: UNKNOWN } });
    });

    it("should refuse an answer of the test's own for an invoke the kit models: the provider's answer is modelled once", () => {
        expect(() => new PulumiMocks({ invokes: { "aws:ecr/getRepositories:getRepositories": () => ({ names: [] }) } })).toThrow(
            'setupMocks({ invokes }) may add invokes the test kit does not model, not replace its answers: "aws:ecr/getRepositories:getRepositories" is modelled (tf ecr/repositories_data_source.go',
        );
    });

    it("should refuse a row of the test's own for a type the kit models: the provider's behaviour is modelled once", () => {
        const role = { id: () => "role", source: "a test" };
        expect(() => new PulumiMocks({ resources: { "aws:iam/role:Role": role } })).toThrow(
            'setupMocks({ resources }) may add types the test kit does not model, not replace its rows: "aws:iam/role:Role" is modelled (d.ts iam/role',
        );
    });

    it("should answer a preview of a create as the engine does: id and computed attributes unknown, inputs and the auto-name known", () => {
        const preview = register(new PulumiMocks({ preview: true }), "aws:iam/role:Role", { assumeRolePolicy: "{}" });
        expect(preview.id).toBe("");
        expect(preview.state).toMatchObject({ assumeRolePolicy: "{}", arn: UNKNOWN, uniqueId: UNKNOWN, id: UNKNOWN });
        expect(preview.state.name).toMatch(/^r-[0-9a-f]{7}$/);
        const update = register(new PulumiMocks(), "aws:iam/role:Role", { assumeRolePolicy: "{}" });
        expect(update.id).toBe(update.state.name);
        expect(update.state.arn).toBe(`arn:aws:iam::123456789012:role/${update.state.name}`);
    });

    it("should cite a source for every resource row and say what every invoke answers when there is nothing", () => {
        expect(
            Object.entries(RESOURCES)
                .filter(([, row]) => row.source.length < 10)
                .map(([type]) => type),
        ).toEqual([]);
        expect(
            Object.entries(INVOKES)
                .filter(([, row]) => row.source.length < 10 || row.empty.length === 0)
                .map(([token]) => token),
        ).toEqual([]);
    });

    it("should answer getRepositories in an account with no repository with names: null, as the provider flattens an empty set", async () => {
        mocks.ecr = {};
        expect((await aws.ecr.getRepositories({})).names).toBeNull();
        mocks.ecr = { "p/s/api": [{ tag: "c-1", digest: "sha256:1" }] };
        expect((await aws.ecr.getRepositories({})).names).toEqual(["p/s/api"]);
        mocks.ecr = {};
    });
});
