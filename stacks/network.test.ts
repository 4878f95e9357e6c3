import { promiseOf, settle, setupMocks } from "../components/testing";
import { stackConfig } from "./testing";
import { excludedZoneIds, selectZones, UNSUPPORTED_ZONE_IDS } from "./zones";

// The mocked account maps us-east-1a to use1-az3 (as some real accounts do): EKS and RDS Proxy refuse it.
const mocks = setupMocks({ stack: "dev" });

describe("shared network zones", () => {
    it("should place the VPC in zones chosen by ID, never in use1-az3, when EKS and RDS Proxy run in it", async () => {
        const { createNetwork } = await import("./network");
        const network = await createNetwork(stackConfig());
        const zones = await promiseOf(network.availabilityZones);
        await settle();
        const vpc = mocks.one("awsx:ec2:Vpc").inputs;
        expect(vpc.availabilityZoneNames).toEqual(["us-east-1c", "us-east-1d"]);
        expect(vpc.numberOfAvailabilityZones).toBeUndefined();
        expect(zones).toEqual(["us-east-1c", "us-east-1d"]);
        expect(await promiseOf(network.availabilityZoneIds)).toEqual(["use1-az1", "use1-az2"]);
        // Only regular zones, and only available ones, are candidates.
        const lookup = mocks.invokes.find((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones");
        expect(lookup?.inputs).toMatchObject({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] });
    });

    it("should take three zones by ID for prod (use1-az1, az2, az4)", async () => {
        mocks.reset();
        const { createNetwork } = await import("./network");
        const network = await createNetwork(stackConfig({}, "prod"));
        expect(await promiseOf(network.availabilityZoneIds)).toEqual(["use1-az1", "use1-az2", "use1-az4"]);
        await settle();
        expect(mocks.one("awsx:ec2:Vpc").inputs.availabilityZoneNames).toEqual(["us-east-1c", "us-east-1d", "us-east-1e"]);
    });

    it("should lay subnets out within the VPC CIDR as config validated it", async () => {
        mocks.reset();
        const { createNetwork } = await import("./network");
        await createNetwork(stackConfig());
        await settle();
        const vpc = mocks.one("awsx:ec2:Vpc").inputs;
        expect(vpc.subnetStrategy).toBe("Auto");
        expect(vpc.subnetSpecs.map((s: { type: string; cidrMask: number }) => [s.type, s.cidrMask])).toEqual([
            ["Private", 20],
            ["Public", 22],
        ]);
    });
});

describe("selectZones", () => {
    const account = { names: ["x-1a", "x-1b", "x-1c"], zoneIds: ["use1-az3", "use1-az1", "use1-az2"] };

    it("should exclude the documented zone IDs of each service the stack runs", () => {
        expect(excludedZoneIds(["eks"])).toEqual(["cac1-az3", "use1-az3", "usw1-az2"]);
        expect(excludedZoneIds(["rds-proxy"])).toEqual(["use1-az3"]);
        expect(excludedZoneIds([])).toEqual([]);
        for (const row of UNSUPPORTED_ZONE_IDS) expect(row.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    });

    it("should pick the lowest usable zone IDs, whatever names the account gives them", () => {
        expect(selectZones(account, 2, ["eks"], "us-east-1")).toEqual({ names: ["x-1b", "x-1c"], zoneIds: ["use1-az1", "use1-az2"] });
        // With no restricted service, use1-az3 is an ordinary zone.
        expect(selectZones(account, 2, [], "us-east-1").zoneIds).toEqual(["use1-az1", "use1-az2"]);
        expect(selectZones(account, 3, [], "us-east-1").zoneIds).toEqual(["use1-az1", "use1-az2", "use1-az3"]);
    });

    it("should refuse, naming the key and the zones, when too few usable zones remain", () => {
        expect(() => selectZones(account, 3, ["eks", "rds-proxy"], "us-east-1")).toThrow(
            "`serverless-containers:availabilityZones` is 3, but region us-east-1 has only 2 zone(s) usable by eks, rds-proxy (available: use1-az3, use1-az1, use1-az2; excluded: cac1-az3, use1-az3, usw1-az2). Lower the count or pick another region.",
        );
    });
});

describe("the network an Express service needs", () => {
    const only = (overrides: Record<string, string>) =>
        stackConfig({
            appRunnerEnabled: "false",
            appRunnerVpcEnabled: "false",
            eksFargateEnabled: "false",
            visitsDemoEnabled: "false",
            ...overrides,
        });

    it("should be needed by products-api alone on ecs-express and not on app-runner", async () => {
        const { networkNeeded } = await import("./network");
        expect(networkNeeded(only({ appRunnerEnabled: "true", appRunnerPlatform: "ecs-express" }))).toBe(true);
        expect(networkNeeded(only({ appRunnerEnabled: "true", appRunnerPlatform: "app-runner" }))).toBe(false);
        expect(networkNeeded(only({}))).toBe(false);
        expect(networkNeeded(only({ eksFargateEnabled: "true" }))).toBe(true);
    });

    it("should give tasks without a public IP VPC endpoints for ECR, S3 layers, logs and DynamoDB when a program runs on Express", async () => {
        mocks.reset();
        const { createNetwork } = await import("./network");
        await createNetwork(only({ appRunnerEnabled: "true", appRunnerPlatform: "ecs-express" }));
        await settle();
        const vpc = mocks.one("awsx:ec2:Vpc").inputs;
        expect(vpc.vpcEndpointStrategy).toBe("Auto");
        const specs = (vpc.vpcEndpointSpecs as { serviceName: string; vpcEndpointType: string }[]).map((s) => [
            s.serviceName,
            s.vpcEndpointType,
        ]);
        expect(specs).toEqual([
            ["com.amazonaws.us-east-1.ecr.api", "Interface"],
            ["com.amazonaws.us-east-1.ecr.dkr", "Interface"],
            ["com.amazonaws.us-east-1.logs", "Interface"],
            ["com.amazonaws.us-east-1.s3", "Gateway"],
            ["com.amazonaws.us-east-1.dynamodb", "Gateway"],
        ]);
    });

    it("should add no DynamoDB endpoint for the VPC programs (no table) and no endpoint at all when nothing runs on Express", async () => {
        mocks.reset();
        const { createNetwork } = await import("./network");
        await createNetwork(only({ appRunnerVpcEnabled: "true", appRunnerVpcPlatform: "ecs-express" }));
        await settle();
        const names = (mocks.one("awsx:ec2:Vpc").inputs.vpcEndpointSpecs as { serviceName: string }[]).map((s) => s.serviceName);
        expect(names).toEqual([
            "com.amazonaws.us-east-1.ecr.api",
            "com.amazonaws.us-east-1.ecr.dkr",
            "com.amazonaws.us-east-1.logs",
            "com.amazonaws.us-east-1.s3",
        ]);

        mocks.reset();
        await createNetwork(only({ appRunnerVpcEnabled: "true", appRunnerVpcPlatform: "app-runner", eksFargateEnabled: "true" }));
        await settle();
        expect(mocks.one("awsx:ec2:Vpc").inputs.vpcEndpointSpecs).toBeUndefined();
    });
});
