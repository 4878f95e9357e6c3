import { errorOf, promiseOf, settle, setupMocks } from "./testing/mocks";

const mocks = setupMocks();
let VpcConnectedAppRunner: typeof import("./vpc-connected-app-runner").VpcConnectedAppRunner;
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/catalogue@sha256:${"b".repeat(64)}`;
const VPC = { vpcId: "vpc-1", subnetIds: ["subnet-priv0", "subnet-priv1"] };
const args = { image: IMAGE, network: { vpc: VPC } };

beforeAll(async () => {
    ({ VpcConnectedAppRunner } = await import("./vpc-connected-app-runner"));
});
beforeEach(() => mocks.reset());

describe("VpcConnectedAppRunner", () => {
    it("should put the connector on the private subnets only, with its own security group, when created", async () => {
        const svc = new VpcConnectedAppRunner("catalogue", args);
        await settle();
        const connector = mocks.one("aws:apprunner/vpcConnector:VpcConnector").inputs;
        const sg = mocks.one("aws:ec2/securityGroup:SecurityGroup", "catalogue-connector-sg");
        expect(connector.subnets).toEqual(["subnet-priv0", "subnet-priv1"]);
        expect(connector.securityGroups).toEqual([sg.state.id]);
        expect(await promiseOf(svc.securityGroupId)).toBe(sg.state.id);
        expect(sg.inputs.ingress).toBeUndefined();
        expect(sg.inputs.egress).toBeUndefined();
    });

    it("should route the service's egress through the connector when created", async () => {
        new VpcConnectedAppRunner("catalogue", args);
        await settle();
        const service = mocks.one("aws:apprunner/service:Service");
        const connector = mocks.one("aws:apprunner/vpcConnector:VpcConnector");
        expect(service.inputs.networkConfiguration.egressConfiguration).toEqual({
            egressType: "VPC",
            vpcConnectorArn: connector.state.arn,
        });
        expect(service.parent).toBe(mocks.one("serverless-containers:index:AppRunnerService").urn);
    });

    it("should derive the connector name from its subnets and group so a replacement gets a new name", async () => {
        new VpcConnectedAppRunner("svc-a", args);
        new VpcConnectedAppRunner("svc-b", { ...args, network: { vpc: { ...VPC, subnetIds: ["subnet-other0", "subnet-other1"] } } });
        await settle();
        const [a, b] = mocks.byType("aws:apprunner/vpcConnector:VpcConnector").map((c) => c.inputs.vpcConnectorName);
        expect(a).toMatch(/^svc-a-[0-9a-f]{8}$/);
        expect(b).toMatch(/^svc-b-[0-9a-f]{8}$/);
        expect(a.slice(-8)).not.toBe(b.slice(-8));
    });

    it("should allow egress only to the named destinations when egress is given", async () => {
        const svc = new VpcConnectedAppRunner("catalogue", {
            ...args,
            network: { vpc: VPC, egress: [{ port: 3306, securityGroupId: "sg-proxy", description: "to proxy" }] },
        });
        svc.allowEgress("private-svc", { port: 8080, securityGroupId: "sg-private", description: "to private service" });
        await settle();
        const rules = mocks
            .byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
            .map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.cidrIpv4]);
        expect(rules).toEqual([
            ["sg-proxy", 3306, undefined],
            ["sg-private", 8080, undefined],
        ]);
    });

    it("should validate the service args before creating any child when they are wrong", async () => {
        expect(
            await errorOf(
                () => new VpcConnectedAppRunner("catalogue", { ...args, scaling: { target: { metric: "concurrency", value: 0 } } }),
            ),
        ).toBe('VpcConnectedAppRunner "catalogue": `scaling.target.value` must be an integer between 1 and 200 (got 0).');
        await settle();
        expect(mocks.byType("aws:ec2/securityGroup:SecurityGroup")).toHaveLength(0);
    });

    it("should refuse an egress rule with neither a group nor a CIDR", async () => {
        expect(
            await errorOf(
                () =>
                    new VpcConnectedAppRunner("catalogue", {
                        ...args,
                        network: { vpc: VPC, egress: [{ port: 443, description: "x" }] },
                    }),
            ),
        ).toBe('VpcConnectedAppRunner "catalogue": `network.egress[0]` must set exactly one of securityGroupId or cidrIpv4.');
    });

    it("should refuse an egress rule added later with a message naming it when it is wrong", async () => {
        const svc = new VpcConnectedAppRunner("catalogue", args);
        expect(await errorOf(() => svc.allowEgress("proxy", { port: 70000, securityGroupId: "sg-1", description: "to proxy" }))).toBe(
            'VpcConnectedAppRunner "catalogue": `allowEgress("proxy").port` must be an integer between 1 and 65535 (got 70000).',
        );
        await settle();
    });

    it("should expose the role the app runs as by ARN and name when created", async () => {
        const svc = new VpcConnectedAppRunner("catalogue", args);
        await settle();
        const role = mocks.one("aws:iam/role:Role", "catalogue-instance-role");
        expect([await promiseOf(svc.roleArn), await promiseOf(svc.roleName)]).toEqual([role.state.arn, role.state.name]);
    });

    const wrongShapes: [string, unknown, string][] = [
        ["no network", { network: undefined }, "`network` is required: the VPC connector's VPC and private subnets (`network.vpc`)."],
        ["flat VPC args instead of `network.vpc`", { network: { vpcId: "vpc-1", subnetIds: ["subnet-a"] } }, "`network.vpc` is required."],
        [
            "a string as the subnets",
            { network: { vpc: { vpcId: "vpc-1", subnetIds: "subnet-a" } } },
            '`network.vpc.subnetIds` must be a list (got the string "subnet-a").',
        ],
        [
            "an egress rule as a string",
            { network: { vpc: VPC, egress: ["sg-proxy:3306"] } },
            '`network.egress[0]` must be an object (got the string "sg-proxy:3306").',
        ],
    ];
    it.each(wrongShapes)("should name the argument, not raise a TypeError, when given %s", async (_case, wrong, message) => {
        expect(await errorOf(() => new VpcConnectedAppRunner("catalogue", { ...args, ...(wrong as object) }))).toBe(
            `VpcConnectedAppRunner "catalogue": ${message}`,
        );
    });
});
