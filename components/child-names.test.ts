/**
 * Child names a component derives from its own name must fit AWS's limits. The provider auto-names a child
 * `<logical name>-<7 random>` and refuses one longer than the type allows, but only at `pulumi preview` against
 * AWS: under mocks nothing checks it. So each component checks at construction and names its longest child.
 */
import { errorOf, settle, setupMocks } from "./testing/mocks";

const mocks = setupMocks({ subnets: { "subnet-a": "10.0.0.0/22", "subnet-b": "10.0.4.0/22" } });
// AuroraWithProxy's first DatabaseUser serializes its dynamic provider (seconds on a loaded machine): see aurora-with-proxy.test.ts.
jest.setTimeout(60_000);
let lib: Record<string, new (name: string, args: unknown) => unknown>;

beforeAll(async () => {
    lib = (await import("./index")) as unknown as typeof lib;
});
beforeEach(() => mocks.reset());

/** The construction error; whatever happens, registrations finish inside the test (none leak into the next). */
async function refusal(construct: () => unknown): Promise<string> {
    try {
        return await errorOf(construct);
    } finally {
        await settle();
    }
}

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/api@sha256:${"a".repeat(64)}`;
const VPC = { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] };
const CLUSTER = {
    clusterName: "c",
    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
    oidcProviderUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
    kubeconfig: '{"apiVersion":"v1","kind":"Config"}',
    privateSubnetIds: ["subnet-a", "subnet-b"],
    podExecutionRoleArn: "arn:aws:iam::123456789012:role/pod-execution",
};

/** Args per component (its name chosen by the test); App Runner's service name is set so only child names vary. */
const ARGS: Record<string, unknown> = {
    AuroraWithProxy: { engine: "postgresql", databaseName: "app", appUser: { username: "app", schema: [] }, vpc: VPC },
    AppRunnerService: { image: IMAGE, serviceName: "api-service" },
    EcsExpressService: { image: IMAGE, vpc: VPC },
    PrivateFargateService: { image: IMAGE, vpc: VPC, allowFrom: ["sg-1"], namespaceName: "apps.internal" },
    EksFargateCluster: { vpc: VPC, kubernetesVersion: "1.35" },
    EksFargateService: { cluster: CLUSTER, namespace: "api", image: IMAGE, appName: "api" },
};

/** AWS's limits on the physical names of the auto-named types these components create. */
const LIMIT: Record<string, number> = {
    "aws:iam/role:Role": 64,
    "aws:iam/rolePolicy:RolePolicy": 128,
    "aws:rds/cluster:Cluster": 63,
    "aws:rds/clusterInstance:ClusterInstance": 63,
    "aws:rds/proxy:Proxy": 63,
};
const PHYSICAL: Record<string, string> = {
    "aws:rds/cluster:Cluster": "clusterIdentifier",
    "aws:rds/clusterInstance:ClusterInstance": "identifier",
};

describe("child names within AWS limits", () => {
    it("should refuse an AuroraWithProxy name whose role name would pass IAM's 64 characters, naming the child and the limit", async () => {
        const name = "d".repeat(50);
        expect(await refusal(() => new lib.AuroraWithProxy(name, { ...(ARGS.AuroraWithProxy as object), readers: 2 }))).toBe(
            `AuroraWithProxy "${name}": the name is too long for the children it names: IAM role "${name}-proxy-role-<7 random>" would have 69 characters, and IAM role names allow 64 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). Use a name of at most 45 characters.`,
        );
        expect(mocks.resources.filter((r) => r.custom)).toEqual([]);
    });

    it.each(Object.keys(ARGS))("should accept the longest %s name it allows, and every auto-named child then fits", async (component) => {
        const message = await refusal(() => new lib[component]("n".repeat(120), ARGS[component]));
        const longest = Number(/Use a name of at most (\d+) characters\./.exec(message)?.[1]);
        expect(longest).toBeGreaterThan(8);
        mocks.reset();
        new lib[component]("n".repeat(longest), ARGS[component]);
        await settle();
        const tooLong = mocks.resources
            .filter((r) => r.type in LIMIT && r.options?.autoNamed)
            .map((r) => [r.type, String(r.inputs[PHYSICAL[r.type] ?? "name"])] as const)
            .filter(([type, physical]) => physical.length > LIMIT[type]);
        expect(tooLong).toEqual([]);
        expect(mocks.resources.some((r) => r.type === "aws:iam/role:Role")).toBe(true);
    });
});
