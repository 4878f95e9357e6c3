import { errorOf, promiseOf, settle, setupMocks, type RecordedResource } from "./testing/mocks";
import type { AuroraWithProxyArgs } from "./aurora-with-proxy";

const mocks = setupMocks();
let AuroraWithProxy: typeof import("./aurora-with-proxy").AuroraWithProxy;

const base: AuroraWithProxyArgs = { engine: "mysql", databaseName: "labdb", vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] };

beforeAll(async () => {
    ({ AuroraWithProxy } = await import("./aurora-with-proxy"));
});
beforeEach(() => mocks.reset());

const ingressRules = (): RecordedResource[] => mocks.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");

describe("AuroraWithProxy", () => {
    it("should create an encrypted Serverless v2 cluster with an RDS-managed password when created", async () => {
        new AuroraWithProxy("db", { ...base, minCapacity: 0.5, maxCapacity: 8 });
        await settle();
        const cluster = mocks.one("aws:rds/cluster:Cluster").inputs;
        expect(cluster).toMatchObject({
            engine: "aurora-mysql",
            engineMode: "provisioned",
            engineVersion: "8.0.mysql_aurora.3.08.2",
            databaseName: "labdb",
            masterUsername: "app_admin",
            manageMasterUserPassword: true,
            storageEncrypted: true,
            iamDatabaseAuthenticationEnabled: true,
            copyTagsToSnapshot: true,
            backupRetentionPeriod: 7,
            serverlessv2ScalingConfiguration: { minCapacity: 0.5, maxCapacity: 8 },
            enabledCloudwatchLogsExports: ["audit", "error", "slowquery"],
            deletionProtection: false,
            skipFinalSnapshot: true,
        });
        expect(cluster.masterPassword).toBeUndefined();
        expect(mocks.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).toEqual(["subnet-a", "subnet-b"]);
    });

    it("should export postgresql logs and use port 5432 when the engine is postgresql", async () => {
        const db = new AuroraWithProxy("db", { ...base, engine: "postgresql" });
        await settle();
        expect(mocks.one("aws:rds/cluster:Cluster").inputs).toMatchObject({ engine: "aurora-postgresql", enabledCloudwatchLogsExports: ["postgresql"], port: 5432 });
        expect(mocks.one("aws:rds/proxy:Proxy").inputs.engineFamily).toBe("POSTGRESQL");
        expect(await promiseOf(db.port)).toBe(5432);
    });

    it("should turn on deletion protection and a final snapshot when asked (prod)", async () => {
        new AuroraWithProxy("db", { ...base, deletionProtection: true });
        await settle();
        expect(mocks.one("aws:rds/cluster:Cluster").inputs).toMatchObject({ deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "db-test-final" });
    });

    it("should fill the exported logs through a parameter group matching the engine version", async () => {
        new AuroraWithProxy("my", base);
        new AuroraWithProxy("pg", { ...base, engine: "postgresql", engineVersion: "15.8" });
        await settle();
        const groups = Object.fromEntries(mocks.byType("aws:rds/clusterParameterGroup:ClusterParameterGroup").map((g) => [g.name, g.inputs]));
        expect(groups["my-params"].family).toBe("aurora-mysql8.0");
        expect(groups["my-params"].parameters.map((p: { name: string }) => p.name)).toEqual(["server_audit_logging", "server_audit_events", "slow_query_log", "long_query_time"]);
        expect(groups["pg-params"].family).toBe("aurora-postgresql15");
        const groupOf = (cluster: string) => mocks.one("aws:rds/cluster:Cluster", cluster).inputs.dbClusterParameterGroupName;
        expect(groupOf("my-cluster")).toBe(mocks.one("aws:rds/clusterParameterGroup:ClusterParameterGroup", "my-params").state.name);
        expect(groupOf("pg-cluster")).toBe(mocks.one("aws:rds/clusterParameterGroup:ClusterParameterGroup", "pg-params").state.name);
        expect(groupOf("my-cluster")).toMatch(/^my-params-[0-9a-f]{7}$/);
    });

    it("should place readers in the VPC's AZs after the writer's when the AZs are given", async () => {
        new AuroraWithProxy("db", { ...base, readers: 1, availabilityZones: ["us-east-1b", "us-east-1d"] });
        await settle();
        expect(mocks.byType("aws:rds/clusterInstance:ClusterInstance").map((i) => i.inputs.availabilityZone)).toEqual(["us-east-1b", "us-east-1d"]);
    });

    it("should place readers in AZs other than the writer's when readers are requested", async () => {
        new AuroraWithProxy("db", { ...base, readers: 2 });
        await settle();
        const instances = mocks.byType("aws:rds/clusterInstance:ClusterInstance");
        expect(instances.map((i) => i.name)).toEqual(["db-writer", "db-reader-1", "db-reader-2"]);
        const azs = instances.map((i) => i.inputs.availabilityZone);
        expect(new Set(azs).size).toBe(3);
        expect(instances.every((i) => i.inputs.instanceClass === "db.serverless" && i.inputs.publiclyAccessible === false)).toBe(true);
    });

    it("should require TLS at the proxy and authenticate with the managed secret when created", async () => {
        const db = new AuroraWithProxy("db", base);
        await settle();
        const proxy = mocks.one("aws:rds/proxy:Proxy").inputs;
        const secretArn = mocks.one("aws:rds/cluster:Cluster").state.masterUserSecrets[0].secretArn;
        expect(proxy.requireTls).toBe(true);
        expect(proxy.auths).toEqual([expect.objectContaining({ authScheme: "SECRETS", secretArn, iamAuth: "DISABLED" })]);
        expect(await promiseOf(db.secretArn)).toBe(secretArn);
        expect(await promiseOf(db.host)).toMatch(/\.proxy-[0-9a-f]+\.us-east-1\.rds\.amazonaws\.com$/);
    });

    it("should require IAM auth at the proxy when iamAuth is on", async () => {
        new AuroraWithProxy("db", { ...base, iamAuth: true });
        await settle();
        expect(mocks.one("aws:rds/proxy:Proxy").inputs.auths[0].iamAuth).toBe("REQUIRED");
    });

    it("should grant rds-db:connect on exactly the proxy user when a client asks for its connect statement", async () => {
        const db = new AuroraWithProxy("db", { ...base, iamAuth: true });
        const statement = db.connectStatement();
        const resource = await promiseOf(statement.Resource as any);
        const proxyArn: string = await promiseOf(db.proxyArn);
        expect(proxyArn).toMatch(/:db-proxy:prx-[0-9a-f]{17}$/);
        expect(statement.Action).toEqual(["rds-db:connect"]);
        expect(resource).toBe(`arn:aws:rds-db:us-east-1:123456789012:dbuser:${proxyArn.split(":").pop()}/app_admin`);
        expect(await promiseOf(db.connectStatement("reporting").Resource as any)).toMatch(/\/reporting$/);
    });

    it("should let the proxy role read only the cluster's secret when created", async () => {
        new AuroraWithProxy("db", base);
        await settle();
        const role = mocks.one("aws:iam/role:Role", "db-proxy-role");
        expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: "rds.amazonaws.com" });
        const secretArn = mocks.one("aws:rds/cluster:Cluster").state.masterUserSecrets[0].secretArn;
        expect(JSON.parse(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs.policy).Statement).toEqual([
            { Sid: "ReadMasterSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretArn },
        ]);
    });

    it("should register the proxy target only after the cluster instances exist", async () => {
        new AuroraWithProxy("db", { ...base, readers: 1 });
        await settle();
        const target = mocks.one("aws:rds/proxyTarget:ProxyTarget");
        expect(mocks.dependsOn(target, "aws:rds/clusterInstance:ClusterInstance", "db-writer")).toBe(true);
        expect(mocks.dependsOn(target, "aws:rds/clusterInstance:ClusterInstance", "db-reader-1")).toBe(true);
        const pool = mocks.one("aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup").inputs.connectionPoolConfig;
        expect(pool).toEqual({ connectionBorrowTimeout: 5, maxConnectionsPercent: 90, maxIdleConnectionsPercent: 50 });
    });

    it("should chain client → proxy → cluster by security group and never open a CIDR when clients are allowed", async () => {
        const db = new AuroraWithProxy("db", { ...base, clientSecurityGroupIds: ["sg-client1"] });
        db.allowClient("late", "sg-client2");
        await settle();
        const proxySg = mocks.one("aws:ec2/securityGroup:SecurityGroup", "db-proxy-sg").state.id;
        const clusterSg = mocks.one("aws:ec2/securityGroup:SecurityGroup", "db-cluster-sg").state.id;
        const rules = Object.fromEntries(ingressRules().map((r) => [r.name, [r.inputs.securityGroupId, r.inputs.referencedSecurityGroupId, r.inputs.fromPort]]));
        expect(rules).toEqual({
            "db-cluster-from-proxy": [clusterSg, proxySg, 3306],
            "db-proxy-from-client-0": [proxySg, "sg-client1", 3306],
            "db-proxy-from-late": [proxySg, "sg-client2", 3306],
        });
        for (const r of [...ingressRules(), ...mocks.byType("aws:ec2/securityGroup:SecurityGroup")]) {
            expect(r.inputs.cidrIpv4).toBeUndefined();
            expect(r.inputs.ingress).toBeUndefined();
        }
    });

    it("should never put a password in any resource input when created", async () => {
        new AuroraWithProxy("db", base);
        await settle();
        const text = JSON.stringify(mocks.resources.map((r) => r.inputs));
        expect(text).not.toMatch(/masterPassword|"password"/i);
    });

    const bad: [string, Partial<AuroraWithProxyArgs>, string][] = [
        ["0.3 ACU", { minCapacity: 0.3 }, "`minCapacity` must be 0, or 0.5-256 ACU in 0.5 steps (got 0.3)."],
        ["300 ACU", { maxCapacity: 300 }, "`maxCapacity` must be 1-256 ACU in 0.5 steps (got 300)."],
        ["a max of 0.5 ACU", { maxCapacity: 0.5 }, "`maxCapacity` must be 1-256 ACU in 0.5 steps (got 0.5)."],
        ["min above max", { minCapacity: 8, maxCapacity: 4 }, "`minCapacity` (8) must not be greater than `maxCapacity` (4)."],
        ["an unknown engine", { engine: "oracle" as never }, '`engine` must be one of mysql, postgresql (got "oracle").'],
        ["the username admin", { masterUsername: "admin" }, "`masterUsername` must not be a reserved or commonly guessed name (admin, postgres, root, rdsadmin, rdsproxyadmin, mysql, master) (got \"admin\")."],
        ["16 readers", { readers: 16 }, "`readers` must be an integer between 0 and 15 (got 16)."],
        ["a borrow timeout above the request timeout", { connectionBorrowTimeout: 30 }, "`connectionBorrowTimeout` (30s) must be below `appRequestTimeout` (30s) so the app can answer 503 before its client gives up."],
        ["backup retention 0", { backupRetentionDays: 0 }, "`backupRetentionDays` must be an integer between 1 and 35 (got 0)."],
        ["an engine version of another major", { engineVersion: "5.7.mysql_aurora.2.11.2" }, '`engineVersion` "5.7.mysql_aurora.2.11.2" is not a supported mysql version (MySQL 8.0-compatible 3.x, or PostgreSQL 13-17).'],
        ["a database name with a dash", { databaseName: "lab-db" }, '`databaseName` must start with a letter and contain only letters, digits and _ (max 63) (got "lab-db").'],
    ];
    it.each(bad)("should refuse %s when validating args", async (_case, args, message) => {
        expect(await errorOf(() => new AuroraWithProxy("db", { ...base, ...args }))).toBe(`AuroraWithProxy "db": ${message}`);
        await settle();
        expect(mocks.byType("aws:rds/cluster:Cluster")).toHaveLength(0);
    });

    it("should accept 0 ACU minimum (auto-pause) and set the pause delay", async () => {
        new AuroraWithProxy("db", { ...base, minCapacity: 0 });
        await settle();
        expect(mocks.one("aws:rds/cluster:Cluster").inputs.serverlessv2ScalingConfiguration).toEqual({ minCapacity: 0, maxCapacity: 4, secondsUntilAutoPause: 3600 });
    });
});
