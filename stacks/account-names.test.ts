/**
 * Names AWS requires to be unique per account and region must differ between two stacks of this
 * project, since teams run dev, a feature stack and prod side by side in one account. Auto-named
 * resources get a unique suffix from Pulumi (and from the mocks, per stack); what can collide is a
 * name the program fixes. This evaluates the whole program for several stacks and compares them.
 */
import type { RecordedResource } from "../components/testing";
import { evaluateProgram } from "./testing";

/** Input fields that name the resource itself and must be unique per account, per type (default: `name`). */
const OWN_NAME_FIELDS: Record<string, string[]> = {
    // Unique within its namespace only (which is itself per stack).
    "aws:servicediscovery/service:Service": [],
    "aws:apprunner/service:Service": ["serviceName"],
    "aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion": ["autoScalingConfigurationName"],
    "aws:apprunner/observabilityConfiguration:ObservabilityConfiguration": ["observabilityConfigurationName"],
    "aws:apprunner/vpcConnector:VpcConnector": ["vpcConnectorName"],
    "aws:ecs/expressGatewayService:ExpressGatewayService": ["serviceName"],
    "aws:rds/cluster:Cluster": ["clusterIdentifier", "finalSnapshotIdentifier"],
    "aws:rds/clusterInstance:ClusterInstance": ["identifier"],
    "aws:iam/role:Role": ["name"],
    "aws:cloudwatch/logGroup:LogGroup": ["name"],
    // Composite alarms and dashboards take the name they are given (`<project>-<stack>-…`); metric alarms are auto-named.
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": ["alarmName"],
    "aws:cloudwatch/dashboard:Dashboard": ["dashboardName"],
    // Unique within its log group only (which is itself per stack).
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": [],
};

/**
 * Fields ending in Name/Identifier that refer to another resource or are not account-wide (a database
 * inside its own cluster, a Kubernetes object inside its own cluster). A new field must be placed in one
 * of the two lists: the test fails on an unclassified one.
 */
const NOT_ACCOUNT_WIDE = new Set([
    "clusterName",
    "dbProxyName",
    "targetGroupName",
    "dbClusterIdentifier",
    "clusterIdentifier", // on an instance: the cluster it joins
    "dbClusterParameterGroupName",
    "dbSubnetGroupName",
    "databaseName",
    "masterUsername",
    "addonName",
    "domainName",
    "imageName",
    "fargateProfileName",
    "principalArn",
    "namePrefix", // the provider appends a unique suffix
    "metricName", // on an alarm: the metric it reads
    "logGroupName", // on a metric filter: the group it reads
]);

interface PhysicalName {
    readonly type: string;
    readonly field: string;
    readonly value: string;
    readonly resource: string;
}

function physicalNames(resources: readonly RecordedResource[]): { names: PhysicalName[]; unclassified: string[] } {
    const names: PhysicalName[] = [];
    const unclassified: string[] = [];
    for (const r of resources.filter((x) => x.custom && x.type.startsWith("aws:"))) {
        const own = new Set(OWN_NAME_FIELDS[r.type] ?? ["name"]);
        for (const [field, value] of Object.entries(r.inputs)) {
            if (typeof value !== "string") continue;
            if (field === "name" && !own.has("name")) continue;
            if (own.has(field)) names.push({ type: r.type, field, value, resource: r.name });
            else if (/(Name|Identifier)$/.test(field) && !NOT_ACCOUNT_WIDE.has(field)) unclassified.push(`${r.type}.${field}`);
        }
    }
    return { names, unclassified: [...new Set(unclassified)] };
}

function shared(a: readonly RecordedResource[], b: readonly RecordedResource[]): string[] {
    const key = (n: PhysicalName) => `${n.type} ${n.field}=${n.value}`;
    const inB = new Set(physicalNames(b).names.map(key));
    return physicalNames(a)
        .names.filter((n) => inB.has(key(n)))
        .map((n) => `${key(n)} (${n.resource})`);
}

// Five evaluations of the whole program: a few seconds each when idle, over a minute in all on a
// loaded 2-core machine (seen timing out at 60 s with load average 20+).
jest.setTimeout(240_000);

let dev: RecordedResource[];
let feature: RecordedResource[];
let prod: RecordedResource[];
let devAppRunner: RecordedResource[];
let featureAppRunner: RecordedResource[];

beforeAll(async () => {
    dev = await evaluateProgram("dev", "dev");
    // A second stack with the same stack file (a feature or personal stack in the dev account).
    feature = await evaluateProgram("dev", "feature-login");
    prod = await evaluateProgram("prod", "prod");
    // The stack files run everything on ECS Express Mode; App Runner (for accounts that have it) is the variant.
    const appRunner = { appRunnerPlatform: "app-runner", appRunnerVpcPlatform: "app-runner", visitsDemoPlatform: "app-runner" };
    devAppRunner = await evaluateProgram("dev", "dev", appRunner);
    featureAppRunner = await evaluateProgram("dev", "feature-login", appRunner);
});

describe("account-wide names", () => {
    it("should find the names the program fixes (the check has something to compare)", () => {
        const fields = new Set(physicalNames(dev).names.map((n) => `${n.type}.${n.field}`));
        expect(fields).toContain("aws:ecs/expressGatewayService:ExpressGatewayService.serviceName");
        expect(fields).toContain("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace.name");
        expect(new Set(physicalNames(devAppRunner).names.map((n) => `${n.type}.${n.field}`))).toContain(
            "aws:apprunner/service:Service.serviceName",
        );
    });

    it("should share no account-wide name between two stacks of the same stack file", () => {
        expect(shared(dev, feature)).toEqual([]);
    });

    it("should share no account-wide name between dev and prod", () => {
        expect(shared(dev, prod)).toEqual([]);
    });

    it("should share no account-wide name between two stacks on App Runner", () => {
        expect(shared(devAppRunner, featureAppRunner)).toEqual([]);
    });

    it("should classify every name-like input field as the resource's own name or a reference", () => {
        expect([
            ...physicalNames(dev).unclassified,
            ...physicalNames(prod).unclassified,
            ...physicalNames(devAppRunner).unclassified,
        ]).toEqual([]);
    });

    it("should keep App Runner names within AWS's length limits", () => {
        const limits: Record<string, number> = {
            serviceName: 40,
            autoScalingConfigurationName: 32,
            observabilityConfigurationName: 32,
            vpcConnectorName: 40,
        };
        const long = evaluateLong([...devAppRunner, ...featureAppRunner, ...prod], limits);
        expect(long).toEqual([]);
    });
});

function evaluateLong(resources: readonly RecordedResource[], limits: Record<string, number>): string[] {
    return physicalNames(resources)
        .names.filter(
            (n) =>
                n.type.startsWith("aws:apprunner/") &&
                limits[n.field] !== undefined &&
                (n.value.length > limits[n.field] || n.value.length < 4),
        )
        .map((n) => `${n.field}=${n.value}`);
}
