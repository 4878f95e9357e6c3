import * as aws from "@pulumi/aws";
import { errorOf, promiseOf, settle, setupMocks, type RecordedResource } from "./testing/mocks";
import type { AuroraWithProxyArgs } from "./aurora-with-proxy";

const mocks = setupMocks();
// The first DatabaseUser in a file serializes its dynamic provider (Pulumi's closure serializer, ~3 s on a
// loaded 2-core machine, then cached): more than Jest's 5 s default leaves room for.
jest.setTimeout(30_000);
let AuroraWithProxy: typeof import("./aurora-with-proxy").AuroraWithProxy;

const appUser = { username: "catalogue_app", schema: ["CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY)"] };
const base: AuroraWithProxyArgs = {
    engine: "mysql",
    databaseName: "labdb",
    appUser,
    vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] },
};

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
            engineVersion: "8.0.mysql_aurora.3.10.4",
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
        expect(mocks.one("aws:rds/cluster:Cluster").inputs).toMatchObject({
            engine: "aurora-postgresql",
            enabledCloudwatchLogsExports: ["postgresql"],
            port: 5432,
        });
        expect(mocks.one("aws:rds/proxy:Proxy").inputs.engineFamily).toBe("POSTGRESQL");
        expect(await promiseOf(db.port)).toBe(5432);
    });

    it("should turn on deletion protection and a final snapshot when asked (prod)", async () => {
        new AuroraWithProxy("db", { ...base, deletionProtection: true });
        await settle();
        expect(mocks.one("aws:rds/cluster:Cluster").inputs).toMatchObject({
            deletionProtection: true,
            skipFinalSnapshot: false,
        });
        // Per stack and per cluster: <name>-<stack>-<8 hex of the cluster's identity>-final (lifecycle.test.ts).
        expect(mocks.one("aws:rds/cluster:Cluster").inputs.finalSnapshotIdentifier).toMatch(/^db-test-[0-9a-f]{8}-final$/);
        // Both windows set and apart (backup 03:00-04:00, maintenance Sunday 05:00-05:30 UTC).
        expect(mocks.one("aws:rds/cluster:Cluster").inputs).toMatchObject({
            preferredBackupWindow: "03:00-04:00",
            preferredMaintenanceWindow: "sun:05:00-sun:05:30",
        });
    });

    it("should fill the exported logs through a parameter group matching the engine version", async () => {
        new AuroraWithProxy("my", base);
        new AuroraWithProxy("pg", { ...base, engine: "postgresql", engineVersion: "15.8" });
        await settle();
        const groups = Object.fromEntries(
            mocks.byType("aws:rds/clusterParameterGroup:ClusterParameterGroup").map((g) => [g.name, g.inputs]),
        );
        expect(groups["my-params"].family).toBe("aurora-mysql8.0");
        expect(groups["my-params"].parameters.map((p: { name: string }) => p.name)).toEqual([
            "server_audit_logging",
            "server_audit_events",
            "slow_query_log",
            "long_query_time",
        ]);
        expect(groups["pg-params"].family).toBe("aurora-postgresql15");
        const groupOf = (cluster: string) => mocks.one("aws:rds/cluster:Cluster", cluster).inputs.dbClusterParameterGroupName;
        expect(groupOf("my-cluster")).toBe(mocks.one("aws:rds/clusterParameterGroup:ClusterParameterGroup", "my-params").state.name);
        expect(groupOf("pg-cluster")).toBe(mocks.one("aws:rds/clusterParameterGroup:ClusterParameterGroup", "pg-params").state.name);
        expect(groupOf("my-cluster")).toMatch(/^my-params-[0-9a-f]{7}$/);
    });

    it("should place readers in the VPC's AZs after the writer's when the AZs are given", async () => {
        new AuroraWithProxy("db", { ...base, readers: 1, availabilityZones: ["us-east-1b", "us-east-1d"] });
        await settle();
        expect(mocks.byType("aws:rds/clusterInstance:ClusterInstance").map((i) => i.inputs.availabilityZone)).toEqual([
            "us-east-1b",
            "us-east-1d",
        ]);
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

    it("should default to long-term-support minors AWS offers (verified 2026-11-30)", async () => {
        new AuroraWithProxy("my", base);
        new AuroraWithProxy("pg", { ...base, engine: "postgresql", appUser: { username: "visits_app", schema: [] } });
        await settle();
        expect(mocks.one("aws:rds/cluster:Cluster", "my-cluster").inputs.engineVersion).toBe("8.0.mysql_aurora.3.10.4");
        expect(mocks.one("aws:rds/cluster:Cluster", "pg-cluster").inputs.engineVersion).toBe("16.8");
        // Security Hub RDS.13 (policy pack) wins over AWS's "turn it off to stay on the LTS minor".
        expect(mocks.byType("aws:rds/clusterInstance:ClusterInstance").map((i) => i.inputs.autoMinorVersionUpgrade)).toEqual([true, true]);
    });

    it("should use end-to-end IAM at the proxy: TLS, no secret, IAM from client to proxy and from proxy to database", async () => {
        const db = new AuroraWithProxy("db", base);
        await settle();
        const proxy = mocks.one("aws:rds/proxy:Proxy").inputs;
        expect(proxy.requireTls).toBe(true);
        expect(proxy.defaultAuthScheme).toBe("IAM_AUTH");
        expect(proxy.auths).toBeUndefined();
        expect(await promiseOf(db.host)).toMatch(/\.proxy-[0-9a-f]+\.us-east-1\.rds\.amazonaws\.com$/);
    });

    it("should let the proxy role connect to the database as the app user only, and read no secret", async () => {
        new AuroraWithProxy("db", base);
        await settle();
        const role = mocks.one("aws:iam/role:Role", "db-proxy-role");
        expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: "rds.amazonaws.com" });
        const resourceId = mocks.one("aws:rds/cluster:Cluster").state.clusterResourceId;
        expect(resourceId).toMatch(/^cluster-[A-Z0-9]{26}$/);
        expect(JSON.parse(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs.policy).Statement).toEqual([
            {
                Sid: "ConnectToDatabaseAsAppUser",
                Effect: "Allow",
                Action: ["rds-db:connect"],
                Resource: `arn:aws:rds-db:us-east-1:123456789012:dbuser:${resourceId}/catalogue_app`,
            },
        ]);
    });

    it("should give the proxy security group no egress but the engine port to the cluster (no 443: it reads no secret)", async () => {
        new AuroraWithProxy("db", base);
        await settle();
        const proxySg = mocks.one("aws:ec2/securityGroup:SecurityGroup", "db-proxy-sg");
        const clusterSg = mocks.one("aws:ec2/securityGroup:SecurityGroup", "db-cluster-sg").state.id;
        expect(proxySg.inputs.egress).toBeUndefined();
        const egress = mocks
            .byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
            .filter((r) => r.inputs.securityGroupId === proxySg.state.id);
        expect(
            egress.map((r) => [
                r.inputs.referencedSecurityGroupId,
                r.inputs.ipProtocol,
                r.inputs.fromPort,
                r.inputs.toPort,
                r.inputs.cidrIpv4,
                r.inputs.prefixListId,
            ]),
        ).toEqual([[clusterSg, "tcp", 3306, 3306, undefined, undefined]]);
    });

    it("should give the bootstrap the aws provider the component's cluster uses, when the caller passes one", async () => {
        const eu = new aws.Provider("eu", { region: "eu-west-1", profile: "deploy" });
        new AuroraWithProxy("db", base, { provider: eu });
        await settle();
        expect(mocks.one("aws:rds/cluster:Cluster").provider).toMatch(/pulumi:providers:aws::eu::/);
        const bootstrap = mocks.one("pulumi-nodejs:dynamic/serverless-containers:DatabaseUser");
        expect(bootstrap.inputs.awsProvider).toEqual({ name: "eu", settings: { region: "eu-west-1", profile: "deploy" } });
        expect(bootstrap.provider ?? "").not.toMatch(/pulumi:providers:aws/);
    });

    it("should bootstrap the app user through the Data API after the writer exists, with the master secret", async () => {
        const db = new AuroraWithProxy("db", { ...base, readers: 1 });
        await settle();
        const cluster = mocks.one("aws:rds/cluster:Cluster");
        expect(cluster.inputs.enableHttpEndpoint).toBe(true);
        const bootstrap = mocks.one("pulumi-nodejs:dynamic/serverless-containers:DatabaseUser");
        expect(bootstrap.inputs).toMatchObject({
            clusterArn: cluster.state.arn,
            secretArn: cluster.state.masterUserSecrets[0].secretArn,
            database: "labdb",
            username: "catalogue_app",
        });
        expect(bootstrap.inputs.statements).toContain("CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY)");
        expect(bootstrap.inputs.statements).toContain("GRANT SELECT, INSERT, UPDATE, DELETE ON `labdb`.* TO 'catalogue_app'@'%'");
        expect(mocks.dependsOn(bootstrap, "aws:rds/clusterInstance:ClusterInstance", "db-writer")).toBe(true);
        // What apps get: the app user (resolved from the bootstrap), never the master user.
        expect(await promiseOf(db.username)).toBe("catalogue_app");
        expect(await promiseOf(db.masterUsername)).toBe("app_admin");
    });

    it("should grant rds-db:connect on exactly the app user at the proxy when a client asks for its connect statement", async () => {
        const db = new AuroraWithProxy("db", base);
        const statement = db.connectStatement();
        const resource = await promiseOf(statement.resources[0]);
        const proxyArn: string = await promiseOf(db.proxyArn);
        expect(proxyArn).toMatch(/:db-proxy:prx-[0-9a-f]{17}$/);
        expect(statement.actions).toEqual(["rds-db:connect"]);
        expect(resource).toBe(`arn:aws:rds-db:us-east-1:123456789012:dbuser:${proxyArn.split(":").pop()}/catalogue_app`);
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
        const rules = Object.fromEntries(
            ingressRules().map((r) => [r.name, [r.inputs.securityGroupId, r.inputs.referencedSecurityGroupId, r.inputs.fromPort]]),
        );
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

    describe("connect", () => {
        const client = { securityGroupId: "sg-0client", roleName: "catalogue-api-task-role" };
        const rulesOf = (type: string, sg: string) =>
            mocks
                .byType(type)
                .filter((r) => r.inputs.securityGroupId === sg)
                .map((r) => [
                    r.inputs.referencedSecurityGroupId,
                    r.inputs.ipProtocol,
                    r.inputs.fromPort,
                    r.inputs.toPort,
                    r.inputs.cidrIpv4,
                ]);

        it.each([
            ["mysql", 3306],
            ["postgresql", 5432],
        ] as const)(
            "should open the client → proxy path on the %s port (%d) in both security groups, never from a CIDR",
            async (engine, port) => {
                const db = new AuroraWithProxy("db", { ...base, engine });
                db.connect("api", client);
                await settle();
                const proxySg = mocks.one("aws:ec2/securityGroup:SecurityGroup", "db-proxy-sg").state.id;
                expect(rulesOf("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", proxySg)).toEqual([
                    ["sg-0client", "tcp", port, port, undefined],
                ]);
                expect(rulesOf("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "sg-0client")).toEqual([
                    [proxySg, "tcp", port, port, undefined],
                ]);
            },
        );

        it("should let the client's role rds-db:connect as the app user at this proxy only", async () => {
            const db = new AuroraWithProxy("db", base);
            db.connect("api", client);
            await settle();
            const proxyId = (mocks.one("aws:rds/proxy:Proxy").state.arn as string).split(":").pop();
            const policy = mocks.one("aws:iam/rolePolicy:RolePolicy", "db-api-connect").inputs;
            expect(policy.role).toBe("catalogue-api-task-role");
            expect(JSON.parse(policy.policy).Statement).toEqual([
                {
                    Sid: "ConnectThroughRdsProxy",
                    Effect: "Allow",
                    Action: ["rds-db:connect"],
                    Resource: [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${proxyId}/catalogue_app`],
                },
            ]);
        });

        it.each([
            ["mysql", "3306"],
            ["postgresql", "5432"],
        ] as const)(
            "should return the %s client's DB_* environment: the proxy, port %s, the app user, TLS and IAM auth",
            async (engine, port) => {
                const db = new AuroraWithProxy("db", { ...base, engine });
                const env = db.connect("api", client);
                const resolved = Object.fromEntries(await Promise.all(Object.entries(env).map(async ([k, v]) => [k, await promiseOf(v)])));
                await settle();
                expect(resolved).toEqual({
                    DB_HOST: mocks.one("aws:rds/proxy:Proxy").state.endpoint,
                    DB_PORT: port,
                    DB_NAME: "labdb",
                    DB_USER: "catalogue_app",
                    DB_TLS: "true",
                    DB_IAM_AUTH: "true",
                    AWS_REGION: "us-east-1",
                });
                // The same values before any client exists (a service needs its environment before its security group).
                expect(Object.keys(db.environment)).toEqual(Object.keys(env));
                expect(await promiseOf(db.environment.DB_HOST)).toBe(resolved.DB_HOST);
            },
        );

        it("should refuse a client without a security group or role, naming both", async () => {
            const db = new AuroraWithProxy("db", base);
            expect(await errorOf(() => db.connect("api", {} as never))).toBe(
                'AuroraWithProxy "db": `connect("api")` needs the client\'s `securityGroupId` (a service in a VPC has one). `connect("api")` needs the client\'s `roleName` (the IAM role it runs as).',
            );
            await settle();
        });
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
        [
            "the username admin",
            { masterUsername: "admin" },
            '`masterUsername` must not be a reserved or commonly guessed name (admin, postgres, root, rdsadmin, rdsproxyadmin, mysql, master) (got "admin").',
        ],
        ["16 readers", { readers: 16 }, "`readers` must be an integer between 0 and 15 (got 16)."],
        [
            "a borrow timeout above the request timeout",
            { connectionBorrowTimeout: 30 },
            "`connectionBorrowTimeout` (30s) must be below `appRequestTimeout` (30s) so the app can answer 503 before its client gives up.",
        ],
        ["backup retention 0", { backupRetentionDays: 0 }, "`backupRetentionDays` must be an integer between 1 and 35 (got 0)."],
        [
            "an engine version of another major",
            { engineVersion: "5.7.mysql_aurora.2.11.2" },
            '`engineVersion` "5.7.mysql_aurora.2.11.2" is not an Aurora MySQL 3 version such as 8.0.mysql_aurora.3.10.4.',
        ],
        [
            "a malformed MySQL version",
            { engineVersion: "8.0.foo" },
            '`engineVersion` "8.0.foo" is not an Aurora MySQL 3 version such as 8.0.mysql_aurora.3.10.4.',
        ],
        [
            "a MySQL version for PostgreSQL",
            { engine: "postgresql", engineVersion: "8.0.mysql_aurora.3.10.4" },
            '`engineVersion` "8.0.mysql_aurora.3.10.4" is not an Aurora PostgreSQL 13-17 version such as 16.8.',
        ],
        [
            "an app user with a dash",
            { appUser: { username: "catalogue-app", schema: [] } },
            '`appUser.username` must be 1-32 lower-case letters, digits or _, starting with a letter (got "catalogue-app").',
        ],
        [
            "the master user as app user",
            { appUser: { username: "app_admin", schema: [] } },
            '`appUser.username` must differ from the master user "app_admin".',
        ],
        [
            "schema DDL that is not idempotent",
            { appUser: { username: "catalogue_app", schema: ["DROP TABLE items"] } },
            "`appUser.schema[0]` must be an idempotent CREATE TABLE/INDEX IF NOT EXISTS statement.",
        ],
        [
            "a database name with a dash",
            { databaseName: "lab-db" },
            '`databaseName` must start with a letter and contain only letters, digits and _ (max 63) (got "lab-db").',
        ],
        [
            "an egress rule on the database's VPC",
            {
                vpc: {
                    vpcId: "vpc-1",
                    subnetIds: ["subnet-a", "subnet-b"],
                    egress: [{ port: 443, cidrIpv4: "0.0.0.0/0", description: "x" }],
                },
            },
            "`vpc.egress` must be empty: the database opens no connections (its proxy reaches only its cluster).",
        ],
        [
            "the former flat VPC args",
            { vpc: undefined, vpcId: "vpc-1" } as never,
            "`vpc` is required: { vpcId, subnetIds } (the private subnets of the cluster and the proxy).",
        ],
        [
            "an app user given as a name",
            { appUser: "catalogue_app" as never },
            "`appUser` must be { username: string, schema: string[] } (the app's database user and its tables' DDL).",
        ],
    ];
    it.each(bad)("should refuse %s when validating args", async (_case, args, message) => {
        expect(await errorOf(() => new AuroraWithProxy("db", { ...base, ...args }))).toBe(`AuroraWithProxy "db": ${message}`);
        await settle();
        expect(mocks.byType("aws:rds/cluster:Cluster")).toHaveLength(0);
    });

    it("should accept 0 ACU minimum (auto-pause) and set the pause delay", async () => {
        new AuroraWithProxy("db", { ...base, minCapacity: 0 });
        await settle();
        expect(mocks.one("aws:rds/cluster:Cluster").inputs.serverlessv2ScalingConfiguration).toEqual({
            minCapacity: 0,
            maxCapacity: 4,
            secondsUntilAutoPause: 3600,
        });
    });
});

describe("AuroraWithProxy engine and auto-pause", () => {
    it("should type `engine` as the AuroraEngine union, and still refuse another engine at run time", async () => {
        // @ts-expect-error "oracle" is not an AuroraEngine: a typo fails the typecheck, not the deployment.
        const args: AuroraWithProxyArgs = { ...base, engine: "oracle" };
        expect(await errorOf(() => new AuroraWithProxy("db", args))).toBe(
            'AuroraWithProxy "db": `engine` must be one of mysql, postgresql (got "oracle").',
        );
    });

    it.each([
        ["postgresql", "13.9", "13.15"],
        ["postgresql", "14.11", "14.12"],
        ["postgresql", "15.6", "15.7"],
        ["postgresql", "16.2", "16.3"],
        ["mysql", "8.0.mysql_aurora.3.07.1", "8.0.mysql_aurora.3.08.0"],
    ] as const)("should refuse minCapacity 0 with %s %s, which cannot auto-pause, and accept it from %s", async (engine, old, first) => {
        expect(await errorOf(() => new AuroraWithProxy("db", { ...base, engine, engineVersion: old, minCapacity: 0 }))).toBe(
            `AuroraWithProxy "db": \`minCapacity\` 0 (auto-pause) needs ${engine === "mysql" ? "Aurora MySQL 3.08.0" : "Aurora PostgreSQL 13.15, 14.12, 15.7, 16.3"} or later (got \`engineVersion\` "${old}"); set \`minCapacity\` to 0.5 or more, or choose a later version.`,
        );
        new AuroraWithProxy("db", { ...base, engine, engineVersion: first, minCapacity: 0 });
        await settle();
        expect(mocks.one("aws:rds/cluster:Cluster").inputs.serverlessv2ScalingConfiguration.minCapacity).toBe(0);
    });

    it("should accept minCapacity 0 with the default versions and any PostgreSQL 17", async () => {
        for (const [i, args] of [
            { engine: "mysql" },
            { engine: "postgresql" },
            { engine: "postgresql", engineVersion: "17.4" },
        ].entries()) {
            new AuroraWithProxy(`db${i}`, { ...base, ...(args as Partial<AuroraWithProxyArgs>), minCapacity: 0 });
        }
        await settle();
        expect(mocks.byType("aws:rds/cluster:Cluster")).toHaveLength(3);
    });
});

describe("AURORA_DEFAULTS", () => {
    it("should be what a cluster and its proxy get when nothing is set", async () => {
        const { AURORA_DEFAULTS } = await import("./aurora-with-proxy");
        new AuroraWithProxy("db", base);
        await settle();
        expect(mocks.one("aws:rds/cluster:Cluster").inputs).toMatchObject({
            masterUsername: AURORA_DEFAULTS.masterUsername,
            backupRetentionPeriod: AURORA_DEFAULTS.backupRetentionDays,
            serverlessv2ScalingConfiguration: { minCapacity: AURORA_DEFAULTS.minCapacity, maxCapacity: AURORA_DEFAULTS.maxCapacity },
        });
        expect(mocks.one("aws:rds/proxy:Proxy").inputs.idleClientTimeout).toBe(AURORA_DEFAULTS.idleClientTimeout);
        expect(mocks.one("aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup").inputs.connectionPoolConfig).toEqual({
            connectionBorrowTimeout: AURORA_DEFAULTS.connectionBorrowTimeout,
            maxConnectionsPercent: AURORA_DEFAULTS.maxConnectionsPercent,
            maxIdleConnectionsPercent: AURORA_DEFAULTS.maxIdleConnectionsPercent,
        });
        expect(mocks.byType("aws:rds/clusterInstance:ClusterInstance")).toHaveLength(1 + AURORA_DEFAULTS.readers);
    });

    it("should be what the reference docs say (each `@default` of AuroraWithProxyArgs that is a value)", async () => {
        const { AURORA_DEFAULTS } = await import("./aurora-with-proxy");
        const { interfaceDefaults } = await import("../scripts/lib/components-doc");
        const documented = interfaceDefaults(__dirname).AuroraWithProxyArgs.defaults;
        for (const [key, value] of Object.entries(AURORA_DEFAULTS)) {
            expect([key, documented[key]]).toEqual([key, JSON.stringify(value)]);
        }
    });
});

describe("finalSnapshotIdentifier", () => {
    const RDS_RULE = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,254}$/;

    it.each([
        ["catalogue-db", "prod", "catalogue-db-prod-final"],
        // Stack names may hold characters RDS refuses; the raw `${name}-${stack}-final` was rejected.
        ["catalogue-db", "prod_eu.v2", "catalogue-db-prod-eu-v2-final"],
        ["catalogue-db", "acme/shop/prod--", "catalogue-db-acme-shop-prod-final"],
        ["1db", "prod", "db-1db-prod-final"],
    ])("should turn %s in stack %s into %s, which RDS accepts", async (name, stack, expected) => {
        const { finalSnapshotIdentifier } = await import("./aurora-with-proxy");
        const id = finalSnapshotIdentifier(name, stack);
        expect(id).toBe(expected);
        expect(id).toMatch(RDS_RULE);
        expect(id.endsWith("-")).toBe(false);
    });

    it("should put 8 hex of the cluster's identity before -final, a different one for another identity", async () => {
        const { finalSnapshotIdentifier } = await import("./aurora-with-proxy");
        const a = finalSnapshotIdentifier("catalogue-db", "prod", "db-subnets-1a2b3c4\naurora-mysql\nlabdb\napp_admin");
        const b = finalSnapshotIdentifier("catalogue-db", "prod", "db-subnets-5d6e7f8\naurora-mysql\nlabdb\napp_admin");
        expect(a).toMatch(/^catalogue-db-prod-[0-9a-f]{8}-final$/);
        expect(b).toMatch(/^catalogue-db-prod-[0-9a-f]{8}-final$/);
        expect(a).not.toBe(b);
        const long = finalSnapshotIdentifier("catalogue-db", "x".repeat(300), "identity");
        expect(long.length).toBeLessThanOrEqual(255);
        expect(long).toMatch(RDS_RULE);
    });

    it("should stay within 255 characters and unique for long stack names", async () => {
        const { finalSnapshotIdentifier } = await import("./aurora-with-proxy");
        const a = finalSnapshotIdentifier("catalogue-db", `${"x".repeat(300)}-a`);
        const b = finalSnapshotIdentifier("catalogue-db", `${"x".repeat(300)}-b`);
        expect(a.length).toBeLessThanOrEqual(255);
        expect(a).not.toBe(b);
        expect(a).toMatch(RDS_RULE);
    });
});
