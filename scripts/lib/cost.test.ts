import type { RecordedResource } from "../../components/testing/mocks";
import { billedPodSize, estimateMonthlyCost, formatCostTable, type CostRow } from "./cost";
import { PRICES, type PriceKey } from "./prices";

const STACK = "urn:pulumi:test::serverless-containers::pulumi:pulumi:Stack::serverless-containers-test";
const P = (key: PriceKey) => PRICES.lines[key].usd;
const H = PRICES.hoursPerMonth;

/** A recorded resource as the mocks would record it (inputs echoed into state, plus computed state). */
function res(
    type: string,
    name: string,
    inputs: RecordedResource["inputs"],
    state: RecordedResource["inputs"] = {},
    parent = STACK,
): RecordedResource {
    return {
        type,
        name,
        urn: `urn:pulumi:test::serverless-containers::${type}::${name}`,
        parent,
        dependsOn: [],
        inputs,
        secretInputs: [],
        state: { ...inputs, ...state },
        custom: true,
    };
}

const rowsOf = (resources: RecordedResource[], kind: string): CostRow[] =>
    estimateMonthlyCost(resources).rows.filter((r) => r.kind === kind);
const sum = (rows: CostRow[]) => rows.reduce((s, r) => s + r.monthly, 0);

function deployment(name: string, cpu: string, memory: string, replicas: number): RecordedResource {
    return res("kubernetes:apps/v1:Deployment", name, {
        metadata: { name, namespace: "products" },
        spec: {
            replicas,
            template: {
                metadata: { labels: { app: name } },
                spec: { containers: [{ name: "app", image: "repo@sha256:abc", resources: { requests: { cpu, memory } } }] },
            },
        },
    });
}

function auroraCluster(name: string, minCapacity: number, readers: number): RecordedResource[] {
    const cluster = res(
        "aws:rds/cluster:Cluster",
        `${name}-cluster`,
        { engine: "aurora-mysql", serverlessv2ScalingConfiguration: { minCapacity, maxCapacity: 16 }, manageMasterUserPassword: false },
        { id: `${name}-cluster-id`, clusterIdentifier: `${name}-cluster-ident` },
    );
    const instances = Array.from({ length: 1 + readers }, (_, i) =>
        res("aws:rds/clusterInstance:ClusterInstance", `${name}-${i === 0 ? "writer" : `reader-${i}`}`, {
            clusterIdentifier: `${name}-cluster-id`,
            instanceClass: "db.serverless",
        }),
    );
    return [cluster, ...instances];
}

function proxyFor(name: string): RecordedResource[] {
    return [
        res("aws:rds/proxy:Proxy", `${name}-proxy`, { engineFamily: "MYSQL" }, { name: `${name}-proxy-name` }),
        res("aws:rds/proxyTarget:ProxyTarget", `${name}-proxy-target`, {
            dbProxyName: `${name}-proxy-name`,
            dbClusterIdentifier: `${name}-cluster-ident`,
        }),
    ];
}

describe("estimateMonthlyCost", () => {
    it("should cost nothing when there are no resources", () => {
        const estimate = estimateMonthlyCost([]);
        expect(estimate.rows).toEqual([]);
        expect(estimate.total).toBe(0);
        expect(estimate.byKind).toEqual([]);
    });

    it("should charge the EKS control plane for every hour of the month when a cluster is planned", () => {
        const rows = rowsOf([res("eks:index:Cluster", "products-eks", { version: "1.33" })], "EKS control plane");
        expect(rows).toHaveLength(1);
        expect(rows[0].quantity).toBe(H);
        expect(rows[0].monthly).toBeCloseTo(H * P("eksClusterHour"), 10);
    });

    it("should bill Fargate pods at requests + 256 MiB rounded up to an allowed size, times replicas", () => {
        const rows = rowsOf([deployment("products-api", "250m", "512Mi", 2)], "Fargate (EKS pods)");
        expect(rows).toHaveLength(1);
        // 512 Mi + 256 Mi = 768 Mi → the 0.25 vCPU tier's next step, 1 GB.
        const perPodHour = 0.25 * P("fargateVcpuHour") + 1 * P("fargateGbHour");
        expect(rows[0].unit).toBe("pod-hour (0.25 vCPU, 1 GB)");
        expect(rows[0].monthly).toBeCloseTo(2 * H * perPodHour, 10);
        expect(rows[0].assumption).toMatch(/256 MiB/);
    });

    it("should use the HPA minimum when it is above the Deployment's replicas", () => {
        const hpa = res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "products-hpa", {
            metadata: { name: "products-api", namespace: "products" },
            spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "products-api" }, minReplicas: 3, maxReplicas: 10 },
        });
        const rows = rowsOf([deployment("products-api", "1", "2Gi", 1), hpa], "Fargate (EKS pods)");
        // 2 Gi + 256 Mi = 2.25 GB → 1 vCPU tier, 3 GB.
        expect(rows[0].quantity).toBe(3 * H);
        expect(rows[0].monthly).toBeCloseTo(3 * H * (1 * P("fargateVcpuHour") + 3 * P("fargateGbHour")), 10);
    });

    it.each([
        [undefined, undefined, 0.25, 0.5],
        ["250m", "1792Mi", 0.25, 2],
        ["250m", "2Gi", 0.5, 3],
        ["2", "7Gi", 2, 8],
    ])("should size a pod requesting cpu %s / memory %s at %s vCPU / %s GB", (cpu, memory, vcpu, gb) => {
        expect(billedPodSize(cpu, memory)).toEqual({ vcpu, memoryGiB: gb });
    });

    it("should bill App Runner's minimum instances as provisioned memory while idle and active vCPU + memory for the assumed active hours", () => {
        const scaling = res(
            "aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion",
            "api-scaling",
            { minSize: 2, maxSize: 5, maxConcurrency: 100 },
            { arn: "arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/api-scaling" },
        );
        const service = res("aws:apprunner/service:Service", "api-service", {
            instanceConfiguration: { cpu: "0.25 vCPU", memory: "0.5 GB" },
            autoScalingConfigurationArn: "arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/api-scaling",
        });
        const estimate = estimateMonthlyCost([scaling, service]);
        const provisioned = estimate.rows.filter((r) => r.kind === "App Runner (provisioned)");
        const active = estimate.rows.filter((r) => r.kind === "App Runner (active)");
        expect(provisioned[0].monthly).toBeCloseTo(2 * (H - 176) * 0.5 * P("appRunnerProvisionedGbHour"), 10);
        expect(active[0].monthly).toBeCloseTo(2 * 176 * (0.25 * P("appRunnerActiveVcpuHour") + 0.5 * P("appRunnerActiveGbHour")), 10);
        expect(active[0].assumption).toMatch(/176 h/);

        const allIdle = estimateMonthlyCost([scaling, service], { appRunnerActiveHours: 0 });
        expect(allIdle.total).toBeCloseTo(2 * H * 0.5 * P("appRunnerProvisionedGbHour"), 10);
    });

    it("should bill an ECS Fargate service's task size times desiredCount, discounted when it runs on FARGATE_SPOT", () => {
        const td = res(
            "aws:ecs/taskDefinition:TaskDefinition",
            "private-task",
            { family: "private", cpu: "256", memory: "512" },
            { arn: "arn:aws:ecs:us-east-1:123456789012:task-definition/private:1" },
        );
        const service = (capacityProvider: string) =>
            res("aws:ecs/service:Service", "private-service", {
                taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/private:1",
                desiredCount: 2,
                capacityProviderStrategies: [{ capacityProvider, weight: 1 }],
            });
        const perTaskHour = 0.25 * P("fargateVcpuHour") + 0.5 * P("fargateGbHour");
        const onDemand = sum(rowsOf([td, service("FARGATE")], "ECS Fargate"));
        const spot = sum(rowsOf([td, service("FARGATE_SPOT")], "ECS Fargate"));
        expect(onDemand).toBeCloseTo(2 * H * perTaskHour, 10);
        expect(spot).toBeCloseTo(2 * H * perTaskHour * (1 - P("fargateSpotDiscount")), 10);
        expect(spot).toBeLessThan(onDemand);
    });

    it("should bill an ECS Express service's minimum tasks on Fargate plus the ALB it creates", () => {
        const express = res("aws:ecs/expressGatewayService:ExpressGatewayService", "products-express", {
            cpu: "1024",
            memory: "2048",
            scalingTargets: [{ minTaskCount: 2, maxTaskCount: 5 }],
        });
        const estimate = estimateMonthlyCost([express]);
        const tasks = estimate.rows.filter((r) => r.kind === "ECS Express Mode");
        expect(tasks[0].monthly).toBeCloseTo(2 * H * (1 * P("fargateVcpuHour") + 2 * P("fargateGbHour")), 10);
        const alb = estimate.rows.filter((r) => r.kind === "Load balancer");
        expect(alb.map((r) => r.unit)).toEqual(["ALB-hour", "LCU-hour"]);
        expect(sum(alb)).toBeCloseTo(H * P("albHour") + H * P("albLcuHour"), 10);
    });

    it("should bill Aurora Serverless v2 at its minimum ACU for the writer and every reader", () => {
        const writerOnly = rowsOf(auroraCluster("db", 0.5, 0), "Aurora Serverless v2");
        const withReaders = rowsOf(auroraCluster("db", 0.5, 2), "Aurora Serverless v2");
        expect(writerOnly[0].monthly).toBeCloseTo(0.5 * H * P("auroraServerlessV2AcuHour"), 10);
        expect(withReaders[0].monthly).toBeCloseTo(3 * 0.5 * H * P("auroraServerlessV2AcuHour"), 10);
        expect(withReaders[0].monthly).toBeGreaterThan(writerOnly[0].monthly);
        expect(withReaders[0].assumption).toMatch(/minimum 0\.5 ACU.*2 reader/);
    });

    it("should bill an RDS Proxy on Aurora Serverless v2 at 8 ACUs at least, and at the cluster's capacity above that", () => {
        const small = rowsOf([...auroraCluster("small", 0.5, 0), ...proxyFor("small")], "RDS Proxy");
        expect(small[0].quantity).toBe(PRICES.rdsProxyMinimumAcus * H);
        expect(small[0].monthly).toBeCloseTo(8 * H * P("rdsProxyAcuHour"), 10);
        const big = rowsOf([...auroraCluster("big", 4, 2), ...proxyFor("big")], "RDS Proxy");
        expect(big[0].monthly).toBeCloseTo(12 * H * P("rdsProxyAcuHour"), 10);
    });

    it("should count one NAT gateway for the Single strategy and one per AZ for OnePerAz", () => {
        const vpc = (strategy: string) => res("awsx:ec2:Vpc", "vpc", { numberOfAvailabilityZones: 3, natGateways: { strategy } });
        const hours = (strategy: string) => rowsOf([vpc(strategy)], "NAT gateway").find((r) => r.unit === "gateway-hour")!;
        expect(hours("Single").monthly).toBeCloseTo(1 * H * P("natGatewayHour"), 10);
        expect(hours("OnePerAz").monthly).toBeCloseTo(3 * H * P("natGatewayHour"), 10);
        expect(rowsOf([vpc("None")], "NAT gateway")).toEqual([]);
    });

    it("should count one NAT gateway per named zone when the VPC lists its zones (as the stacks do)", () => {
        const vpc = res("awsx:ec2:Vpc", "vpc", {
            availabilityZoneNames: ["us-east-1c", "us-east-1d"],
            natGateways: { strategy: "OnePerAz" },
        });
        const hours = rowsOf([vpc], "NAT gateway").find((r) => r.unit === "gateway-hour")!;
        expect(hours.monthly).toBeCloseTo(2 * H * P("natGatewayHour"), 10);
    });

    it("should bill each interface VPC endpoint once per zone and gateway endpoints not at all", () => {
        const specs = [
            { serviceName: "com.amazonaws.us-east-1.ecr.api", vpcEndpointType: "Interface" },
            { serviceName: "com.amazonaws.us-east-1.ecr.dkr", vpcEndpointType: "Interface" },
            { serviceName: "com.amazonaws.us-east-1.logs", vpcEndpointType: "Interface" },
            { serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway" },
        ];
        const vpc = res("awsx:ec2:Vpc", "vpc", {
            availabilityZoneNames: ["us-east-1c", "us-east-1d"],
            natGateways: { strategy: "Single" },
            vpcEndpointSpecs: specs,
        });
        const rows = rowsOf([vpc], "VPC endpoints");
        expect(rows).toHaveLength(1);
        expect(rows[0].quantity).toBe(3 * 2 * H);
        expect(rows[0].monthly).toBeCloseTo(3 * 2 * H * P("vpcInterfaceEndpointAzHour"), 10);
        expect(rowsOf([res("awsx:ec2:Vpc", "plain", { numberOfAvailabilityZones: 2 })], "VPC endpoints")).toEqual([]);
    });

    it("should give an internet-facing load balancer one public IPv4 address in each zone the VPC lists, and awsx's 3 when it lists none", () => {
        const express = res("aws:ecs/expressGatewayService:ExpressGatewayService", "api-service", {});
        const nlb = res("kubernetes:core/v1:Service", "api", {
            metadata: {
                name: "api",
                annotations: {
                    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
                },
            },
            spec: { type: "LoadBalancer" },
        });
        const named = res("awsx:ec2:Vpc", "vpc", {
            availabilityZoneNames: ["us-east-1c", "us-east-1d"],
            natGateways: { strategy: "Single" },
        });
        const rows = rowsOf([named, express, nlb], "Public IPv4");
        expect(rows.map((r) => [r.resource, r.quantity])).toEqual([
            ["api", 2 * H],
            ["api-service", 2 * H],
        ]);
        expect(rows.every((r) => /\b2\b/.test(r.assumption) && !/\b3\b/.test(r.assumption))).toBe(true);
        const unnamed = res("awsx:ec2:Vpc", "vpc", { natGateways: { strategy: "Single" } });
        expect(rowsOf([unnamed, express], "Public IPv4").map((r) => r.quantity)).toEqual([3 * H]);
    });

    it("should count one NLB per Kubernetes Service annotated for the AWS Load Balancer Controller", () => {
        const svc = (name: string, type: string, annotations: Record<string, string>) =>
            res("kubernetes:core/v1:Service", name, { metadata: { name, annotations }, spec: { type, selector: { app: name } } });
        const rows = rowsOf(
            [
                svc("public", "LoadBalancer", { "service.beta.kubernetes.io/aws-load-balancer-type": "external" }),
                svc("internal", "ClusterIP", {}),
            ],
            "Load balancer",
        );
        expect(rows.map((r) => [r.resource, r.unit])).toEqual([
            ["public", "NLB-hour"],
            ["public", "NLCU-hour"],
        ]);
        expect(sum(rows)).toBeCloseTo(H * (P("nlbHour") + P("nlbNlcuHour")), 10);
    });

    it("should bill a DynamoDB on-demand table for the stated writes, reads and storage", () => {
        const rows = rowsOf([res("aws:dynamodb/table:Table", "products", { billingMode: "PAY_PER_REQUEST" })], "DynamoDB");
        expect(sum(rows)).toBeCloseTo(1 * P("dynamoDbWriteMillion") + 5 * P("dynamoDbReadMillion") + 1 * P("dynamoDbStorageGbMonth"), 10);
        expect(rows.map((r) => r.assumption).join(" ")).toMatch(/1,000,000 writes.*5,000,000 .*reads.*1 GB/s);
    });

    it("should bill KMS keys, ECR storage, secrets and log ingestion per resource", () => {
        const estimate = estimateMonthlyCost([
            res("aws:kms/key:Key", "eks-secrets-key", {}),
            res("aws:ecr/repository:Repository", "api-repo", {}),
            res("aws:secretsmanager/secret:Secret", "api-secret", {}),
            res("aws:cloudwatch/logGroup:LogGroup", "api-logs", {}),
        ]);
        expect(estimate.total).toBeCloseTo(
            P("kmsKeyMonth") + 1 * P("ecrStorageGbMonth") + P("secretsManagerSecretMonth") + 1 * P("cloudWatchLogsIngestGb"),
            10,
        );
    });

    it("should bill an alarm per metric it reads (each metric of a math alarm), composites and dashboards per month, and a log metric filter's metric", () => {
        const resources = [
            res("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-alarm-cpu-high", { metricName: "CPUUtilization", statistic: "Average" }),
            res("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-alarm-5xx-rate", {
                metricQueries: [
                    { id: "e1", expression: "100*a/b" },
                    { id: "a", metric: {} },
                    { id: "b", metric: {} },
                ],
            }),
            res("aws:cloudwatch/compositeAlarm:CompositeAlarm", "svc-unhealthy", { alarmName: "x", alarmRule: "ALARM(a)" }),
            res("aws:cloudwatch/dashboard:Dashboard", "svc-dashboard", { dashboardName: "x", dashboardBody: "{}" }),
            res("aws:cloudwatch/logMetricFilter:LogMetricFilter", "svc-error-logs", { name: "x" }),
        ];
        expect(rowsOf(resources, "CloudWatch alarms").map((r) => [r.resource, r.quantity, r.monthly])).toEqual([
            ["svc-alarm-cpu-high", 1, P("cloudWatchAlarmMetricMonth")],
            ["svc-alarm-5xx-rate", 2, 2 * P("cloudWatchAlarmMetricMonth")],
            ["svc-unhealthy", 1, P("cloudWatchCompositeAlarmMonth")],
        ]);
        expect(sum(rowsOf(resources, "CloudWatch dashboards"))).toBe(P("cloudWatchDashboardMonth"));
        expect(sum(rowsOf(resources, "CloudWatch metrics"))).toBe(P("cloudWatchCustomMetricMonth"));
    });

    it("should state an assumption on every row and add the rows up to the total and the per-kind summary", () => {
        const resources = [
            res("eks:index:Cluster", "eks", {}),
            deployment("api", "500m", "1Gi", 2),
            ...auroraCluster("db", 1, 1),
            ...proxyFor("db"),
            res("awsx:ec2:Vpc", "vpc", { numberOfAvailabilityZones: 2, natGateways: { strategy: "OnePerAz" } }),
            res("aws:dynamodb/table:Table", "t", { billingMode: "PAY_PER_REQUEST" }),
        ];
        const estimate = estimateMonthlyCost(resources);
        for (const row of estimate.rows) expect(row.assumption.length).toBeGreaterThan(10);
        expect(estimate.total).toBeCloseTo(sum(estimate.rows), 10);
        expect(estimate.byKind.reduce((s, k) => s + k.monthly, 0)).toBeCloseTo(estimate.total, 10);
        expect(new Set(estimate.byKind.map((k) => k.kind)).size).toBe(estimate.byKind.length);
        expect(estimate.unverifiedPrices).toContain("rdsProxyAcuHour");
    });
});

describe("formatCostTable", () => {
    it("should render every row, the total and the per-kind summary as markdown when given an estimate", () => {
        const estimate = estimateMonthlyCost([res("eks:index:Cluster", "eks", {}), res("aws:kms/key:Key", "key|with|pipes", {})]);
        const table = formatCostTable(estimate);
        const lines = table.split("\n");
        expect(lines[0]).toBe("| Kind | Resource | Quantity | Unit | Unit price | Monthly | Assumption |");
        expect(table).toContain("| EKS control plane | eks | 730 | cluster-hour | $0.10 | $73.00 |");
        expect(table).toContain("key\\|with\\|pipes");
        expect(table).toContain(`**$${estimate.total.toFixed(2)}**`);
        expect(table).toContain("| Kind | Monthly |");
        expect(table).toContain(`as of ${PRICES.asOf}`);
    });
});

describe("PRICES", () => {
    it("should be dated and name an https source for every line", () => {
        expect(PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(Number.isNaN(Date.parse(PRICES.asOf))).toBe(false);
        expect(PRICES.region).toBe("us-east-1");
        for (const [key, line] of Object.entries(PRICES.lines)) {
            expect({ key, source: line.source }).toEqual({ key, source: expect.stringMatching(/^https:\/\/[^\s]+$/) });
            expect(typeof line.verified).toBe("boolean");
            expect(line.usd).toBeGreaterThanOrEqual(0);
            if (!line.verified) expect({ key, note: line.note }).toEqual({ key, note: expect.any(String) });
        }
    });
});
