/**
 * The data components' alarms (observability/data.ts) as AuroraWithProxy and DynamoTable create them under the
 * mocks: each alarm's namespace, metric, dimensions (resolved to the children's real names), statistic and threshold,
 * the threshold following the inputs it derives from, routing by severity, overrides, removal and opting out.
 */
import type { AuroraWithProxyArgs } from "../aurora-with-proxy";
import { errorOf, promiseOf, settle, setupMocks, type RecordedResource } from "../testing/mocks";

const mocks = setupMocks();
// The first DatabaseUser in a file serializes its dynamic provider (seconds on a loaded machine), as in aurora-with-proxy.test.ts.
jest.setTimeout(60_000);
let AuroraWithProxy: typeof import("../aurora-with-proxy").AuroraWithProxy;
let DynamoTable: typeof import("../dynamodb-table").DynamoTable;
let data: typeof import("./data");
let spec: typeof import("./spec");

beforeAll(async () => {
    ({ AuroraWithProxy } = await import("../aurora-with-proxy"));
    ({ DynamoTable } = await import("../dynamodb-table"));
    data = await import("./data");
    spec = await import("./spec");
});
beforeEach(() => mocks.reset());

const PAGE = "arn:aws:sns:us-east-1:123456789012:page";
const TICKET = "arn:aws:sns:us-east-1:123456789012:ticket";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const GIB = 1024 ** 3;

const base: AuroraWithProxyArgs = {
    engine: "mysql",
    databaseName: "labdb",
    appUser: { username: "lab_app", schema: ["CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY)"] },
    vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] },
};

const alarm = (name: string): RecordedResource => mocks.one(ALARM, name);
const alarmIds = (component: string) =>
    mocks
        .byType(ALARM)
        .filter((r) => r.name.startsWith(`${component}-alarm-`))
        .map((r) => r.name.slice(`${component}-alarm-`.length))
        .sort();

/** The names the dimensions must resolve to: an instance's identifier and the proxy's name, as the mocks gave them. */
const instanceId = (role: string) => mocks.one("aws:rds/clusterInstance:ClusterInstance", `db-${role}`).state.identifier as string;
const proxyName = () => mocks.one("aws:rds/proxy:Proxy").state.name as string;

describe("AuroraWithProxy monitoring", () => {
    it("should alarm on each instance and on the proxy with AWS's metrics, dimensions and statistics, thresholds derived from the inputs, routed by severity", async () => {
        // mysql, maxCapacity 16 ACU: AWS's table gives max_connections 2000; the proxy may use 90 % of it = 1800.
        new AuroraWithProxy("db", { ...base, maxCapacity: 16, readers: 1, monitoring: { actions: { page: [PAGE], ticket: [TICKET] } } });
        await settle();
        const n = { writer: instanceId("writer"), reader: instanceId("reader-1"), proxy: proxyName() };
        const instance = (id: string) => ({ DBInstanceIdentifier: id });
        const proxy = { ProxyName: n.proxy };
        type Row = [
            id: string,
            metric: string,
            dims: Record<string, string>,
            stat: string,
            comparison: string,
            threshold: number,
            severity: "page" | "ticket",
        ];
        const rows: Row[] = [
            [
                "acu-near-max-writer",
                "ServerlessDatabaseCapacity",
                instance(n.writer),
                "Average",
                "GreaterThanOrEqualToThreshold",
                14.4,
                "ticket",
            ],
            [
                "acu-near-max-reader-1",
                "ServerlessDatabaseCapacity",
                instance(n.reader),
                "Average",
                "GreaterThanOrEqualToThreshold",
                14.4,
                "ticket",
            ],
            ["cpu-high-writer", "CPUUtilization", instance(n.writer), "Average", "GreaterThanOrEqualToThreshold", 80, "ticket"],
            ["cpu-high-reader-1", "CPUUtilization", instance(n.reader), "Average", "GreaterThanOrEqualToThreshold", 80, "ticket"],
            // 10 % of 16 ACU × 2 GiB = 3.2 GiB.
            ["memory-low-writer", "FreeableMemory", instance(n.writer), "Average", "LessThanThreshold", 3435973837, "page"],
            ["memory-low-reader-1", "FreeableMemory", instance(n.reader), "Average", "LessThanThreshold", 3435973837, "page"],
            ["db-load-high-writer", "DBLoadRelativeToNumVCPUs", instance(n.writer), "Average", "GreaterThanThreshold", 1, "ticket"],
            ["db-load-high-reader-1", "DBLoadRelativeToNumVCPUs", instance(n.reader), "Average", "GreaterThanThreshold", 1, "ticket"],
            ["deadlocks", "Deadlocks", instance(n.writer), "Average", "GreaterThanThreshold", 0, "ticket"],
            [
                "proxy-availability",
                "AvailabilityPercentage",
                { ...proxy, TargetGroup: "default", TargetRole: "READ_WRITE" },
                "Average",
                "LessThanThreshold",
                95,
                "page",
            ],
            // 20 % of connectionBorrowTimeout 5 s, in microseconds.
            [
                "proxy-borrow-latency",
                "DatabaseConnectionsBorrowLatency",
                proxy,
                "Average",
                "GreaterThanOrEqualToThreshold",
                1_000_000,
                "page",
            ],
            // 90 % and 50 % of the 1800-connection pool.
            ["proxy-connections-near-max", "DatabaseConnections", proxy, "Sum", "GreaterThanOrEqualToThreshold", 1620, "ticket"],
            [
                "proxy-pinned-connections",
                "DatabaseConnectionsCurrentlySessionPinned",
                proxy,
                "Sum",
                "GreaterThanOrEqualToThreshold",
                900,
                "ticket",
            ],
            ["proxy-auth-failures", "ClientConnectionsSetupFailedAuth", proxy, "Sum", "GreaterThanOrEqualToThreshold", 10, "ticket"],
        ];
        expect(alarmIds("db")).toEqual(rows.map(([id]) => id).sort());
        const unhealthy = mocks.one(COMPOSITE, "db-unhealthy").inputs;
        expect(unhealthy.alarmActions).toEqual([PAGE]);
        for (const [id, metricName, dimensions, statistic, comparisonOperator, threshold, severity] of rows) {
            const a = alarm(`db-alarm-${id}`);
            expect([id, a.inputs]).toEqual([
                id,
                expect.objectContaining({ namespace: "AWS/RDS", metricName, dimensions, statistic, comparisonOperator, threshold }),
            ]);
            if (severity === "ticket") {
                expect([id, a.inputs.alarmActions, a.inputs.okActions]).toEqual([id, [TICKET], [TICKET]]);
                expect(unhealthy.alarmRule).not.toContain(`"${a.state.arn}"`);
            } else {
                expect([id, a.inputs.alarmActions]).toEqual([id, undefined]);
                expect(unhealthy.alarmRule).toContain(`ALARM("${a.state.arn}")`);
            }
        }
        expect(alarm("db-alarm-proxy-connections-near-max").inputs.alarmDescription).toContain(
            "90 % of the proxy's pool: maxConnectionsPercent 90 % of max_connections 2000 (mysql, 16 ACU) = 1800",
        );
    });

    it("should move the derived thresholds when the capacity range, engine, pool share and borrow timeout change", async () => {
        // postgresql, maxCapacity 4: max_connections 823 (AWS's table); 50 % of it = 411 connections for the proxy.
        new AuroraWithProxy("db", {
            ...base,
            engine: "postgresql",
            maxCapacity: 4,
            maxConnectionsPercent: 50,
            maxIdleConnectionsPercent: 10,
            connectionBorrowTimeout: 10,
        });
        await settle();
        const threshold = (id: string) => alarm(`db-alarm-${id}`).inputs.threshold;
        expect(threshold("acu-near-max-writer")).toBe(3.6);
        expect(threshold("memory-low-writer")).toBe(Math.round(0.8 * GIB));
        expect(threshold("proxy-borrow-latency")).toBe(2_000_000);
        expect(threshold("proxy-connections-near-max")).toBe(369);
        expect(threshold("proxy-pinned-connections")).toBe(205);
        // Deadlocks is published for both engines.
        expect(alarm("db-alarm-deadlocks").inputs.metricName).toBe("Deadlocks");
    });

    it("should read max_connections from AWS's table: the row at or below maxCapacity, PostgreSQL capped at 2000 when the minimum is 0.5 ACU", () => {
        expect(data.defaultMaxConnections("mysql", 0.5, 6)).toEqual({
            connections: 135,
            why: "max_connections 135 (mysql, 4 ACU, the row at or below maxCapacity 6)",
        });
        expect(data.defaultMaxConnections("mysql", 0.5, 256).connections).toBe(5000);
        expect(data.defaultMaxConnections("postgresql", 0.5, 32)).toEqual({
            connections: 2000,
            why: "max_connections 2000 (postgresql, 32 ACU: 5000, capped at 2000 for minCapacity 0.5)",
        });
        expect(data.defaultMaxConnections("postgresql", 0, 16).connections).toBe(2000);
        expect(data.defaultMaxConnections("postgresql", 1, 32).connections).toBe(5000);
        expect(data.defaultMaxConnections("postgresql", 0.5, 8).connections).toBe(1669);
        expect(data.proxyPoolSize({ engine: "mysql", minCapacity: 0.5, maxCapacity: 1, maxConnectionsPercent: 90 }).connections).toBe(81);
    });

    it("should apply monitoring.alarms: a new threshold and severity, a removed alarm, and refuse an unknown id by name", async () => {
        const db = new AuroraWithProxy("db", {
            ...base,
            monitoring: {
                actions: { ticket: [TICKET] },
                alarms: { "cpu-high-writer": { threshold: 95, severity: "page" }, deadlocks: { enabled: false } },
            },
        });
        await settle();
        expect(alarmIds("db")).not.toContain("deadlocks");
        const cpu = alarm("db-alarm-cpu-high-writer");
        expect(cpu.inputs.threshold).toBe(95);
        expect(cpu.inputs.alarmActions).toBeUndefined();
        expect(cpu.inputs.alarmDescription).toContain("95 % set by monitoring.alarms");
        expect(mocks.one(COMPOSITE, "db-unhealthy").inputs.alarmRule).toContain(`ALARM("${cpu.state.arn}")`);
        const widgets = JSON.parse(await promiseOf(db.dashboardWidgets)) as { properties: { title?: string } }[];
        expect(widgets.map((w) => w.properties.title)).not.toContain("deadlocks on the writer");
        mocks.reset();
        expect(
            await errorOf(() => new AuroraWithProxy("db2", { ...base, monitoring: { alarms: { "cpu-high": { threshold: 1 } } } })),
        ).toMatch(
            /^AuroraWithProxy "db2": monitoring\.alarms\["cpu-high"\]: no such alarm \(this component has: acu-near-max-writer, cpu-high-writer, /,
        );
    });

    it("should create no alarm with enabled: false, and publish an empty widget list in its output and its link", async () => {
        const db = new AuroraWithProxy("db", { ...base, monitoring: { enabled: false } });
        await settle();
        expect(mocks.byType(ALARM)).toHaveLength(0);
        expect(mocks.byType(COMPOSITE)).toHaveLength(0);
        expect(await promiseOf(db.dashboardWidgets)).toBe("[]");
        expect((await promiseOf(db.link)).dashboardWidgets).toBe("[]");
    });

    it("should publish its Database and Proxy sections through link, one graph per alarm with the resolved dimensions", async () => {
        const db = new AuroraWithProxy("db", base);
        await settle();
        const widgets = JSON.parse(await promiseOf(db.dashboardWidgets)) as { type: string; properties: Record<string, unknown> }[];
        expect((await promiseOf(db.link)).dashboardWidgets).toBe(JSON.stringify(widgets));
        expect(widgets.filter((w) => w.type === "text").map((w) => w.properties.markdown)).toEqual(["## Database", "## Proxy"]);
        const graph = widgets.find((w) => w.properties.title === "proxy cannot reach the writer")!;
        expect(graph.properties.metrics).toEqual([
            [
                "AWS/RDS",
                "AvailabilityPercentage",
                "ProxyName",
                proxyName(),
                "TargetGroup",
                "default",
                "TargetRole",
                "READ_WRITE",
                { stat: "Average", label: "proxy cannot reach the writer" },
            ],
        ]);
    });

    it("should refuse a malformed monitoring argument before creating anything", async () => {
        expect(await errorOf(() => new AuroraWithProxy("db", { ...base, monitoring: { slo: {} } as never }))).toContain(
            "`monitoring.slo` is not an argument of this component (it takes enabled, actions, alarms, runbookUrl)",
        );
        await settle();
        expect(mocks.byType("aws:rds/cluster:Cluster")).toHaveLength(0);
    });

    it("should define valid alarms (ids, periods, evaluation) for every reader count and engine", () => {
        for (const engine of ["mysql", "postgresql"] as const) {
            for (const readers of [0, 15]) {
                const alarms = data.auroraAlarms({
                    engine,
                    minCapacity: 0,
                    maxCapacity: 256,
                    maxConnectionsPercent: 1,
                    connectionBorrowTimeout: 3600,
                    instances: Array.from({ length: readers + 1 }, (_, i) => ({
                        role: i === 0 ? "writer" : `reader-${i}`,
                        identifier: `i${i}`,
                    })),
                    proxyName: "p",
                    targetGroupName: "default",
                });
                expect(spec.specProblems(alarms)).toEqual([]);
                expect(alarms).toHaveLength(4 * (readers + 1) + 6);
            }
        }
    });
});

describe("DynamoTable monitoring", () => {
    it("should alarm on system errors over the app's operations, read and write throttles, and average latency per operation, all tickets", async () => {
        const table = new DynamoTable("orders", { hashKey: "orderId", monitoring: { actions: { page: [PAGE], ticket: [TICKET] } } });
        await settle();
        const tableName = mocks.one("aws:dynamodb/table:Table").state.name as string;
        const operations = ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"];
        expect(alarmIds("orders")).toEqual(
            [
                "system-errors",
                "read-throttles",
                "write-throttles",
                "latency-getitem",
                "latency-putitem",
                "latency-updateitem",
                "latency-deleteitem",
                "latency-query",
            ].sort(),
        );
        const errors = alarm("orders-alarm-system-errors").inputs;
        expect(errors.metricQueries[0]).toMatchObject({
            id: "e1",
            expression: "SUM([getitem, putitem, updateitem, deleteitem, query])",
            returnData: true,
        });
        expect(errors.metricQueries.slice(1)).toEqual(
            operations.map((o) =>
                expect.objectContaining({
                    id: o.toLowerCase(),
                    returnData: false,
                    metric: {
                        namespace: "AWS/DynamoDB",
                        metricName: "SystemErrors",
                        dimensions: { TableName: tableName, Operation: o },
                        stat: "Sum",
                        period: 300,
                    },
                }),
            ),
        );
        expect(errors).toMatchObject({ comparisonOperator: "GreaterThanThreshold", threshold: 0 });
        for (const kind of ["Read", "Write"]) {
            expect(alarm(`orders-alarm-${kind.toLowerCase()}-throttles`).inputs).toMatchObject({
                namespace: "AWS/DynamoDB",
                metricName: `${kind}ThrottleEvents`,
                dimensions: { TableName: tableName },
                statistic: "Sum",
                threshold: 0,
            });
        }
        for (const o of operations) {
            expect(alarm(`orders-alarm-latency-${o.toLowerCase()}`).inputs).toMatchObject({
                namespace: "AWS/DynamoDB",
                metricName: "SuccessfulRequestLatency",
                dimensions: { TableName: tableName, Operation: o },
                statistic: "Average",
                threshold: o === "Query" ? 100 : 25,
            });
        }
        for (const a of mocks.byType(ALARM)) expect([a.name, a.inputs.alarmActions]).toEqual([a.name, [TICKET]]);
        expect(mocks.byType(COMPOSITE)).toHaveLength(0);
        const widgets = JSON.parse(await promiseOf(table.dashboardWidgets)) as { type: string; properties: Record<string, unknown> }[];
        expect(widgets[0].properties.markdown).toBe("## Table");
        expect(widgets).toHaveLength(1 + 8);
    });

    it("should follow the operations the app calls: one latency alarm each, and a single operation read without SUM", async () => {
        new DynamoTable("orders", { hashKey: "orderId", operations: ["GetItem", "Scan"] });
        new DynamoTable("visits", { hashKey: "id", operations: ["PutItem"] });
        await settle();
        expect(alarmIds("orders").filter((id) => id.startsWith("latency-"))).toEqual(["latency-getitem", "latency-scan"]);
        expect(alarm("orders-alarm-latency-scan").inputs.threshold).toBe(100);
        expect(alarm("orders-alarm-system-errors").inputs.metricQueries[0].expression).toBe("SUM([getitem, scan])");
        expect(alarm("visits-alarm-system-errors").inputs.metricQueries[0].expression).toBe("putitem");
    });

    it("should refuse operations CloudWatch does not report, and more than one alarm's math can read", async () => {
        expect(await errorOf(() => new DynamoTable("orders", { hashKey: "orderId", operations: ["GetItem", "GetItems"] }))).toBe(
            `DynamoTable "orders": \`operations\`: "GetItems" is not a DynamoDB operation CloudWatch reports (${data.DYNAMODB_OPERATIONS.join(", ")}).`,
        );
        const eleven = [...data.DYNAMODB_OPERATIONS].slice(0, 11);
        expect(await errorOf(() => new DynamoTable("orders", { hashKey: "orderId", operations: eleven }))).toContain(
            "`operations` may list at most 10 operations (one alarm's metric math reads at most 10 metrics).",
        );
        await settle();
        expect(mocks.byType("aws:dynamodb/table:Table")).toHaveLength(0);
    });

    it("should remove and change alarms through monitoring.alarms, and create none with enabled: false", async () => {
        new DynamoTable("orders", {
            hashKey: "orderId",
            monitoring: { alarms: { "read-throttles": { enabled: false }, "latency-getitem": { threshold: 40 } } },
        });
        const off = new DynamoTable("quiet", { hashKey: "id", monitoring: { enabled: false } });
        await settle();
        expect(alarmIds("orders")).not.toContain("read-throttles");
        expect(alarm("orders-alarm-latency-getitem").inputs.threshold).toBe(40);
        expect(mocks.byType(ALARM).filter((a) => a.name.startsWith("quiet-"))).toHaveLength(0);
        expect(await promiseOf(off.dashboardWidgets)).toBe("[]");
    });

    it("should define valid alarms for every operation CloudWatch reports, ten at a time", () => {
        const all = [...data.DYNAMODB_OPERATIONS];
        for (const operations of [all.slice(0, 10), all.slice(3)]) {
            expect(spec.specProblems(data.tableAlarms({ tableName: "t", operations }))).toEqual([]);
        }
    });
});
