/**
 * Aurora Serverless v2 (MySQL or PostgreSQL) behind an RDS Proxy.
 *
 * Security model: the master password is generated and rotated by RDS in Secrets Manager (never a
 * Pulumi input); the proxy reads that one secret; traffic is chained client SG → proxy SG → cluster
 * SG on the engine port, never from a CIDR; the proxy requires TLS; storage is encrypted.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, serviceTrustPolicy, type PolicyStatement } from "./iam";
import { acu, intRange, minNotAboveMax, throwIfAny } from "./limits";

export type AuroraEngine = "mysql" | "postgresql";

interface EngineSpec {
    readonly engine: string;
    /** Cluster parameter group family for an engine version. */
    readonly family: (version: string) => string | undefined;
    /** Parameters that make the exported logs carry something (exports alone ship empty logs). */
    readonly logParameters: { name: string; value: string }[];
    readonly defaultVersion: string;
    readonly port: number;
    readonly proxyFamily: string;
    readonly logExports: string[];
    readonly clientPasswordAuthType: string;
}

/**
 * Default versions are ones that support Serverless v2 scaling to 0 ACU (Aurora MySQL ≥ 3.08,
 * Aurora PostgreSQL ≥ 16.3) and RDS Proxy; override with `engineVersion`.
 */
export const ENGINES: Readonly<Record<AuroraEngine, EngineSpec>> = {
    mysql: {
        engine: "aurora-mysql",
        family: (v) => (/^8\.0\./.test(v) ? "aurora-mysql8.0" : undefined),
        logParameters: [
            { name: "server_audit_logging", value: "1" },
            // Connections and schema/permission changes; not every query (cost, and data in logs).
            { name: "server_audit_events", value: "CONNECT,QUERY_DDL,QUERY_DCL" },
            { name: "slow_query_log", value: "1" },
            { name: "long_query_time", value: "1" },
        ],
        defaultVersion: "8.0.mysql_aurora.3.08.2",
        port: 3306,
        proxyFamily: "MYSQL",
        // `general` would log every statement (cost + data exposure); audit/error/slowquery suffice.
        logExports: ["audit", "error", "slowquery"],
        clientPasswordAuthType: "MYSQL_CACHING_SHA2_PASSWORD",
    },
    postgresql: {
        engine: "aurora-postgresql",
        family: (v) => {
            const major = /^(1[3-7])(\.|$)/.exec(v)?.[1];
            return major ? `aurora-postgresql${major}` : undefined;
        },
        logParameters: [
            { name: "log_min_duration_statement", value: "1000" },
            { name: "log_connections", value: "1" },
        ],
        defaultVersion: "16.6",
        port: 5432,
        proxyFamily: "POSTGRESQL",
        logExports: ["postgresql"],
        clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
    },
};

const RESERVED_USERNAMES = ["admin", "postgres", "root", "rdsadmin", "rdsproxyadmin", "mysql", "master"];

export interface AuroraWithProxyArgs {
    /** Database engine. */
    readonly engine: AuroraEngine;
    /** Engine version. @default ENGINES[engine].defaultVersion */
    readonly engineVersion?: string;
    /** Database created at cluster creation (letters, digits, _; starts with a letter). */
    readonly databaseName: string;
    /** Master user name; not a reserved/guessable name such as admin or postgres. @default "app_admin" */
    readonly masterUsername?: string;
    /** VPC of the cluster and proxy. */
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets (at least two, in different AZs) for the DB subnet group and the proxy. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Minimum ACU: 0 (auto-pause) or 0.5-256 in 0.5 steps. @default 0.5 */
    readonly minCapacity?: number;
    /** Maximum ACU: 1-256 in 0.5 steps, ≥ minCapacity. @default 4 */
    readonly maxCapacity?: number;
    /** Reader instances, placed in AZs other than the writer's. @default 0 */
    readonly readers?: number;
    /**
     * The AZs of `subnetIds`, in order: the writer goes in the first, readers in the following ones.
     * @default the region's first AZs (pass the VPC's when it does not span them)
     */
    readonly availabilityZones?: pulumi.Input<string[]>;
    /** Automated backup retention in days. @default 7 */
    readonly backupRetentionDays?: number;
    /** Refuse deletion of the cluster (turn on for prod). @default false */
    readonly deletionProtection?: boolean;
    /** Take a final snapshot when the cluster is destroyed. @default the value of deletionProtection */
    readonly finalSnapshot?: boolean;
    /** Security groups allowed to connect to the proxy (more via `allowClient`). @default none */
    readonly clientSecurityGroupIds?: pulumi.Input<string>[];
    /** Require IAM authentication at the proxy instead of passwords. @default false (secret auth) */
    readonly iamAuth?: boolean;
    /** Seconds a client connection may idle at the proxy. @default 1800 */
    readonly idleClientTimeout?: number;
    /**
     * Seconds the proxy waits for a free connection before failing the request. Keep it below the
     * app's request timeout so the app can answer 503 instead of the client timing out. @default 5
     */
    readonly connectionBorrowTimeout?: number;
    /** The app's request timeout in seconds, checked against connectionBorrowTimeout. @default 30 */
    readonly appRequestTimeout?: number;
    /** Share of max_connections the proxy may use. @default 90 */
    readonly maxConnectionsPercent?: number;
    /** Share of max_connections the proxy keeps idle. @default 50 */
    readonly maxIdleConnectionsPercent?: number;
    /** Tags for every taggable child. */
    readonly tags?: Record<string, string>;
}

export class AuroraWithProxy extends pulumi.ComponentResource {
    /** Proxy endpoint: what apps connect to. */
    public readonly host: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    public readonly databaseName: pulumi.Output<string>;
    /** ARN of the RDS-managed master user secret (`{"username","password"}`). */
    public readonly secretArn: pulumi.Output<string>;
    public readonly username: pulumi.Output<string>;
    public readonly proxyArn: pulumi.Output<string>;
    public readonly clusterArn: pulumi.Output<string>;
    public readonly proxySecurityGroupId: pulumi.Output<string>;
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    /** Whether clients must authenticate to the proxy with IAM tokens (see `connectStatement`). */
    public readonly iamAuth: boolean;
    private readonly componentName: string;
    private readonly enginePort: number;
    private readonly tags?: Record<string, string>;

    constructor(name: string, args: AuroraWithProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("serverless-containers:database:AuroraWithProxy", name, {}, opts);
        this.componentName = name;
        this.tags = args.tags;
        const spec = validate(name, args);
        this.enginePort = spec.port;
        const minCapacity = args.minCapacity ?? 0.5;
        const maxCapacity = args.maxCapacity ?? 4;
        const masterUsername = args.masterUsername ?? "app_admin";
        const subnetIds = pulumi.output(args.subnetIds).apply((ids) => {
            if (ids.length < 2) {
                throw new Error(`AuroraWithProxy "${name}": \`subnetIds\` must list at least two private subnets in different AZs (got ${ids.length}).`);
            }
            return ids;
        });

        const { clusterSg, proxySg } = this.createSecurityGroups(name, args, spec);
        const cluster = this.createCluster(name, args, spec, subnetIds, clusterSg, minCapacity, maxCapacity, masterUsername);
        const instances = this.createInstances(name, args, spec, cluster);
        const secretArn = cluster.masterUserSecrets.apply((secrets) => {
            const arn = secrets?.[0]?.secretArn;
            if (!arn) throw new Error(`AuroraWithProxy "${name}": the cluster reported no managed master user secret.`);
            return arn;
        });
        const proxy = this.createProxy(name, args, spec, subnetIds, proxySg, secretArn, cluster, instances);

        this.host = proxy.endpoint;
        this.port = pulumi.output(spec.port);
        this.databaseName = pulumi.output(args.databaseName);
        this.secretArn = secretArn;
        this.username = pulumi.output(masterUsername);
        this.proxyArn = proxy.arn;
        this.iamAuth = args.iamAuth ?? false;
        this.clusterArn = cluster.arn;
        this.proxySecurityGroupId = proxySg.id;
        this.clusterSecurityGroupId = clusterSg.id;
        (args.clientSecurityGroupIds ?? []).forEach((sg, i) => this.allowClient(`client-${i}`, sg));
        this.registerOutputs({
            host: this.host,
            port: this.port,
            databaseName: this.databaseName,
            secretArn: this.secretArn,
            username: this.username,
            proxyArn: this.proxyArn,
            clusterArn: this.clusterArn,
            proxySecurityGroupId: this.proxySecurityGroupId,
        });
    }

    /**
     * The statement a client role needs to connect through the proxy with an IAM auth token as
     * `username` (default: the master user): `rds-db:connect` on exactly that proxy user.
     */
    connectStatement(username?: pulumi.Input<string>): PolicyStatement {
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        // The proxy ARN ends in its resource id: arn:aws:rds:<region>:<account>:db-proxy:prx-0123…
        const proxyId = this.proxyArn.apply((arn) => arn.split(":").pop() as string);
        return {
            Sid: "ConnectThroughRdsProxy",
            Effect: "Allow",
            Action: ["rds-db:connect"],
            Resource: pulumi.interpolate`arn:aws:rds-db:${region}:${account}:dbuser:${proxyId}/${username ?? this.username}`,
        };
    }

    /** Let a client security group reach the proxy on the engine port (the only way in). */
    allowClient(ruleName: string, securityGroupId: pulumi.Input<string>): aws.vpc.SecurityGroupIngressRule {
        return new aws.vpc.SecurityGroupIngressRule(
            `${this.componentName}-proxy-from-${ruleName}`,
            {
                securityGroupId: this.proxySecurityGroupId,
                referencedSecurityGroupId: securityGroupId,
                ipProtocol: "tcp",
                fromPort: this.enginePort,
                toPort: this.enginePort,
                description: `${ruleName} to RDS Proxy`,
                tags: this.tags,
            },
            { parent: this },
        );
    }

    private createSecurityGroups(name: string, args: AuroraWithProxyArgs, spec: EngineSpec) {
        const proxySg = new aws.ec2.SecurityGroup(
            `${name}-proxy-sg`,
            { vpcId: args.vpcId, description: `RDS Proxy of ${name}: clients in by security group only`, tags: args.tags },
            { parent: this },
        );
        const clusterSg = new aws.ec2.SecurityGroup(
            `${name}-cluster-sg`,
            { vpcId: args.vpcId, description: `Aurora cluster of ${name}: only its RDS Proxy may connect`, tags: args.tags },
            { parent: this },
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-cluster-from-proxy`,
            { securityGroupId: clusterSg.id, referencedSecurityGroupId: proxySg.id, ipProtocol: "tcp", fromPort: spec.port, toPort: spec.port, description: "RDS Proxy to Aurora", tags: args.tags },
            { parent: this },
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-proxy-to-cluster`,
            { securityGroupId: proxySg.id, referencedSecurityGroupId: clusterSg.id, ipProtocol: "tcp", fromPort: spec.port, toPort: spec.port, description: "RDS Proxy to Aurora", tags: args.tags },
            { parent: this },
        );
        return { clusterSg, proxySg };
    }

    private createCluster(
        name: string,
        args: AuroraWithProxyArgs,
        spec: EngineSpec,
        subnetIds: pulumi.Output<string[]>,
        clusterSg: aws.ec2.SecurityGroup,
        minCapacity: number,
        maxCapacity: number,
        masterUsername: string,
    ): aws.rds.Cluster {
        const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, { subnetIds, description: `Private subnets of ${name}`, tags: args.tags }, { parent: this });
        const deletionProtection = args.deletionProtection ?? false;
        const finalSnapshot = args.finalSnapshot ?? deletionProtection;
        const engineVersion = args.engineVersion ?? spec.defaultVersion;
        const parameters = new aws.rds.ClusterParameterGroup(
            `${name}-params`,
            {
                family: spec.family(engineVersion) as string,
                description: `Log settings of ${name} (what the CloudWatch log exports carry)`,
                parameters: spec.logParameters.map((p) => ({ ...p, applyMethod: "immediate" })),
                tags: args.tags,
            },
            { parent: this },
        );
        return new aws.rds.Cluster(
            `${name}-cluster`,
            {
                engine: spec.engine,
                engineMode: "provisioned",
                engineVersion,
                dbClusterParameterGroupName: parameters.name,
                databaseName: args.databaseName,
                masterUsername,
                // RDS generates, stores and rotates the password in Secrets Manager.
                manageMasterUserPassword: true,
                serverlessv2ScalingConfiguration: {
                    minCapacity,
                    maxCapacity,
                    ...(minCapacity === 0 ? { secondsUntilAutoPause: 3600 } : {}),
                },
                dbSubnetGroupName: subnetGroup.name,
                vpcSecurityGroupIds: [clusterSg.id],
                port: spec.port,
                storageEncrypted: true,
                iamDatabaseAuthenticationEnabled: true,
                backupRetentionPeriod: args.backupRetentionDays ?? 7,
                preferredBackupWindow: "03:00-04:00",
                copyTagsToSnapshot: true,
                enabledCloudwatchLogsExports: spec.logExports,
                deletionProtection,
                skipFinalSnapshot: !finalSnapshot,
                // Unique per stack: two protected stacks in one account must not race for one name.
                finalSnapshotIdentifier: finalSnapshot ? `${name}-${pulumi.getStack()}-final`.slice(0, 255) : undefined,
                applyImmediately: !deletionProtection,
                tags: args.tags,
            },
            // RDS applies minor versions itself (autoMinorVersionUpgrade on the instances); without ignoring
            // engineVersion the next `up` would try to downgrade to the pinned version and fail.
            { parent: this, protect: deletionProtection, ignoreChanges: ["availabilityZones", "engineVersion"] },
        );
    }

    /** Writer in the first AZ, readers spread over the others (a reader next to the writer adds no AZ resilience). */
    private createInstances(name: string, args: AuroraWithProxyArgs, spec: EngineSpec, cluster: aws.rds.Cluster): aws.rds.ClusterInstance[] {
        const azs = args.availabilityZones
            ? pulumi.output(args.availabilityZones)
            : aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this }).names;
        const count = 1 + (args.readers ?? 0);
        return Array.from({ length: count }, (_, i) => {
            const role = i === 0 ? "writer" : `reader-${i}`;
            return new aws.rds.ClusterInstance(
                `${name}-${role}`,
                {
                    clusterIdentifier: cluster.id,
                    instanceClass: "db.serverless",
                    engine: spec.engine as aws.rds.EngineType,
                    engineVersion: cluster.engineVersion,
                    availabilityZone: azs.apply((names) => names[i % Math.min(names.length, 3)]),
                    publiclyAccessible: false,
                    promotionTier: i === 0 ? 0 : 1,
                    performanceInsightsEnabled: true,
                    autoMinorVersionUpgrade: true,
                    copyTagsToSnapshot: true,
                    tags: args.tags,
                },
                { parent: this, ignoreChanges: ["engineVersion"] },
            );
        });
    }

    private createProxy(
        name: string,
        args: AuroraWithProxyArgs,
        spec: EngineSpec,
        subnetIds: pulumi.Output<string[]>,
        proxySg: aws.ec2.SecurityGroup,
        secretArn: pulumi.Output<string>,
        cluster: aws.rds.Cluster,
        instances: aws.rds.ClusterInstance[],
    ): aws.rds.Proxy {
        const role = new aws.iam.Role(
            `${name}-proxy-role`,
            { assumeRolePolicy: serviceTrustPolicy("rds.amazonaws.com"), description: `RDS Proxy of ${name} reads its one secret`, tags: args.tags },
            { parent: this },
        );
        // The managed secret is encrypted with the AWS-managed aws/secretsmanager key, whose key policy
        // already allows use through Secrets Manager, so no kms:Decrypt grant is needed here.
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-proxy-secret`,
            { role: role.name, policy: policyDocument([{ Sid: "ReadMasterSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretArn }]) },
            { parent: this },
        );
        const proxy = new aws.rds.Proxy(
            `${name}-proxy`,
            {
                engineFamily: spec.proxyFamily,
                roleArn: role.arn,
                vpcSubnetIds: subnetIds,
                vpcSecurityGroupIds: [proxySg.id],
                requireTls: true,
                idleClientTimeout: args.idleClientTimeout ?? 1800,
                debugLogging: false,
                auths: [
                    {
                        authScheme: "SECRETS",
                        secretArn,
                        iamAuth: args.iamAuth ? "REQUIRED" : "DISABLED",
                        clientPasswordAuthType: spec.clientPasswordAuthType,
                        description: "RDS-managed master user secret",
                    },
                ],
                tags: args.tags,
            },
            { parent: this, dependsOn: [rolePolicy] },
        );
        const targetGroup = new aws.rds.ProxyDefaultTargetGroup(
            `${name}-proxy-pool`,
            {
                dbProxyName: proxy.name,
                connectionPoolConfig: {
                    connectionBorrowTimeout: args.connectionBorrowTimeout ?? 5,
                    maxConnectionsPercent: args.maxConnectionsPercent ?? 90,
                    maxIdleConnectionsPercent: args.maxIdleConnectionsPercent ?? 50,
                },
            },
            { parent: this },
        );
        // Registering the cluster before any instance is available fails with "DB cluster not in a
        // valid state"; depending on the instances (not just the cluster) waits for the writer.
        new aws.rds.ProxyTarget(
            `${name}-proxy-target`,
            { dbProxyName: proxy.name, targetGroupName: targetGroup.name, dbClusterIdentifier: cluster.clusterIdentifier },
            { parent: this, dependsOn: instances },
        );
        return proxy;
    }
}

function validate(name: string, args: AuroraWithProxyArgs): EngineSpec {
    const spec = (ENGINES as Record<string, EngineSpec | undefined>)[args.engine];
    const minCapacity = args.minCapacity ?? 0.5;
    const maxCapacity = args.maxCapacity ?? 4;
    const username = args.masterUsername ?? "app_admin";
    const borrow = args.connectionBorrowTimeout ?? 5;
    const requestTimeout = args.appRequestTimeout ?? 30;
    throwIfAny("AuroraWithProxy", name, [
        spec ? undefined : `\`engine\` must be one of ${Object.keys(ENGINES).join(", ")} (got "${args.engine}").`,
        acu("minCapacity", minCapacity, true),
        acu("maxCapacity", maxCapacity, false),
        minNotAboveMax("minCapacity", minCapacity, "maxCapacity", maxCapacity),
        intRange("readers", args.readers ?? 0, 0, 15),
        spec && args.engineVersion !== undefined && spec.family(args.engineVersion) === undefined
            ? `\`engineVersion\` "${args.engineVersion}" is not a supported ${args.engine} version (MySQL 8.0-compatible 3.x, or PostgreSQL 13-17).`
            : undefined,
        intRange("backupRetentionDays", args.backupRetentionDays ?? 7, 1, 35),
        intRange("idleClientTimeout", args.idleClientTimeout ?? 1800, 1, 28800),
        intRange("connectionBorrowTimeout", borrow, 1, 3600),
        borrow >= requestTimeout
            ? `\`connectionBorrowTimeout\` (${borrow}s) must be below \`appRequestTimeout\` (${requestTimeout}s) so the app can answer 503 before its client gives up.`
            : undefined,
        intRange("maxConnectionsPercent", args.maxConnectionsPercent ?? 90, 1, 100),
        minNotAboveMax("maxIdleConnectionsPercent", args.maxIdleConnectionsPercent ?? 50, "maxConnectionsPercent", args.maxConnectionsPercent ?? 90),
        /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(args.databaseName)
            ? undefined
            : `\`databaseName\` must start with a letter and contain only letters, digits and _ (max 63) (got "${args.databaseName}").`,
        /^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(username)
            ? undefined
            : `\`masterUsername\` must start with a letter and be 1-16 letters, digits or _ (got "${username}").`,
        RESERVED_USERNAMES.includes(username.toLowerCase())
            ? `\`masterUsername\` must not be a reserved or commonly guessed name (${RESERVED_USERNAMES.join(", ")}) (got "${username}").`
            : undefined,
    ]);
    return spec as EngineSpec;
}
