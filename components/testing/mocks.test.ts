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
