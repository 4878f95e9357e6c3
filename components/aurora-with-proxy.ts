/**
 * Aurora Serverless v2 (MySQL or PostgreSQL) behind an RDS Proxy.
 *
 * Security model: the master password is generated and rotated by RDS in Secrets Manager (never a
 * Pulumi input) and is used only by the deploy-time bootstrap (Data API) that creates the app's DML-only
 * user; clients and the proxy both authenticate with IAM as that app user (RDS Proxy end-to-end IAM), so
 * the proxy reads no secret; traffic is chained client SG → proxy SG → cluster SG on the engine port,
 * never from a CIDR; the proxy requires TLS; storage is encrypted.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stackScopedName } from "./names";
import { appUserProblems, DatabaseUser } from "./database-user";
import { policyDocument, serviceTrustPolicy, type PolicyStatement } from "./iam";
import { acu, intRange, minNotAboveMax, throwIfAny } from "./limits";
import { componentType, withFormerTypes } from "./component";
import { checkArguments } from "./arguments";
import { arn, callerOf } from "./arn";
import { egressRule, ingressRule, type ServiceVpc } from "./service/network";
import { linkClient, publishLink, type DatabaseLink } from "./database-link";
import { AURORA_DEFAULTS, AURORA_ENGINES, ENGINES, type AuroraEngine, type EngineSpec } from "./aurora-engines";
import { Deprecations } from "./service/aliases";
import { listProblem } from "./service/shapes";
import { monitor, monitoringProblems, type Monitoring } from "./observability";
import { auroraAlarms } from "./observability/data";

// The engine table moved to ./aurora-engines.ts; these names stay importable from here (stacks/config.ts reads ENGINES).
export { AURORA_DEFAULTS, AURORA_ENGINES, ENGINES, type AuroraEngine } from "./aurora-engines";

const RESERVED_USERNAMES = ["admin", "postgres", "root", "rdsadmin", "rdsproxyadmin", "mysql", "master"];

/** The application's database user and the tables the deploy-time bootstrap creates for it. */
export interface AppUser {
    /** User name (1-32 lower-case letters, digits or _, starting with a letter); the app connects as it (DB_USER). */
    readonly username: string;
    /**
     * Idempotent DDL (`CREATE TABLE/INDEX … IF NOT EXISTS`) run as the master user before the grant: the app's
     * tables. The user gets DML rights on them and owns nothing (see components/database-user.ts).
     */
    readonly schema: string[];
}

export interface AuroraWithProxyArgs {
    /** Database engine ("mysql" or "postgresql"; checked again at construction for callers without types). */
    readonly engine: AuroraEngine;
    /** Engine version. @default ENGINES[engine].defaultVersion (an LTS minor) */
    readonly engineVersion?: string;
    /** Database created at cluster creation (letters, digits, _; starts with a letter). */
    readonly databaseName: string;
    /**
     * The application's database user, created at deploy time with DML rights on `databaseName` only. The
     * proxy and clients can log in as this user only.
     */
    readonly appUser: AppUser;
    /** Master user name; not a reserved/guessable name such as admin or postgres. @default "app_admin" */
    readonly masterUsername?: string;
    /**
     * Where the cluster and the proxy run: the VPC and its private subnets (at least two, in different AZs), the
     * same shape the service components take. The database opens no connections, so `egress` must be empty.
     */
    readonly vpc: ServiceVpc;
    /** Minimum ACU: 0 (auto-pause) or 0.5-256 in 0.5 steps. @default 0.5 */
    readonly minCapacity?: number;
    /** Maximum ACU: 1-256 in 0.5 steps, ≥ minCapacity. @default 4 */
    readonly maxCapacity?: number;
    /** Reader instances (0-15), placed in AZs other than the writer's. @default 0 */
    readonly readers?: number;
    /**
     * The AZs of `vpc.subnetIds`, in order: the writer goes in the first, readers in the following ones.
     * @default the region's first AZs (pass the VPC's when it does not span them)
     */
    readonly availabilityZones?: pulumi.Input<string[]>;
    /** Automated backup retention in days (1-35). @default 7 */
    readonly backupRetentionDays?: number;
    /** Refuse deletion of the cluster (turn on for prod). @default false */
    readonly deletionProtection?: boolean;
    /**
     * Take a final snapshot when the cluster is deleted (destroyed or replaced), named `<name>-<stack>-<8 hex>-final`:
     * new for each cluster, since RDS refuses a name a snapshot already has. @default the value of deletionProtection
     */
    readonly finalSnapshot?: boolean;
    /**
     * Apply cluster modifications at once rather than in the maintenance window. @default the opposite of
     * deletionProtection (a protected cluster changes in its window)
     */
    readonly applyImmediately?: boolean;
    /**
     * Security groups allowed to reach the proxy (ingress only, as `<name>-proxy-from-client-<i>`). A service
     * links the database with its `databases` input instead (`{ main: db.link }`), which also opens its egress and
     * grants `rds-db:connect`. @default none
     */
    readonly allowFrom?: pulumi.Input<string>[];
    /** Deprecated: use `allowFrom`. @deprecated use `allowFrom` */
    readonly clientSecurityGroupIds?: pulumi.Input<string>[];
    /** Seconds a client connection may idle at the proxy (1-28800). @default 1800 */
    readonly idleClientTimeout?: number;
    /**
     * Seconds the proxy waits for a free connection before failing the request. Keep it below the
     * app's request timeout so the app can answer 503 instead of the client timing out. @default 5
     */
    readonly connectionBorrowTimeout?: number;
    /** The app's request timeout in seconds, checked against connectionBorrowTimeout. @default 30 */
    readonly appRequestTimeout?: number;
    /** Share of max_connections the proxy may use (1-100). @default 90 */
    readonly maxConnectionsPercent?: number;
    /** Share of max_connections the proxy keeps idle (at most maxConnectionsPercent). @default 50 */
    readonly maxIdleConnectionsPercent?: number;
    /**
     * Alarms on the instances (capacity near `maxCapacity`, CPU, freeable memory, load, deadlocks) and the proxy
     * (availability, borrow latency, connections near its pool, pinning, failed logins), thresholds derived from these
     * arguments and routed by severity (docs/monitoring.md lists them). Their graphs reach a linked service's dashboard
     * through `link`. `{ enabled: false }` creates none. @default every alarm, notifying no one
     */
    readonly monitoring?: Monitoring;
    /** Tags for every taggable child. */
    readonly tags?: Record<string, string>;
}

/**
 * What `connect` wires: a workload that runs as an IAM role with its own security group. Every service
 * component (and the createWebService handle) exposes both as outputs, so a service can be passed as is.
 */
export interface DatabaseClient {
    /** The client's security group: it gets egress to the proxy, and the proxy ingress from it. */
    readonly securityGroupId: pulumi.Input<string>;
    /** Name of the IAM role the client runs as: it gets `rds-db:connect` as the app user at the proxy. */
    readonly roleName: pulumi.Input<string>;
}

/** What the methods need after construction (kept off the instance: every instance property is a schema output). */
interface Wiring {
    readonly name: string;
    readonly port: number;
    readonly tags?: Record<string, string>;
}
const wiring = new WeakMap<AuroraWithProxy, Wiring>();

/** Aurora Serverless v2 (MySQL or PostgreSQL) behind an RDS Proxy with IAM authentication end to end, a DML-only application user, TLS and encrypted storage. `connect` wires a client (security groups, `rds-db:connect`) and returns its `DB_*` environment. */
export class AuroraWithProxy extends pulumi.ComponentResource {
    /** Proxy endpoint: what apps connect to (DB_HOST). */
    public readonly host: pulumi.Output<string>;
    /** The engine's port (3306 for mysql, 5432 for postgresql): DB_PORT. */
    public readonly port: pulumi.Output<number>;
    /** The database the app user may use (DB_NAME). */
    public readonly databaseName: pulumi.Output<string>;
    /** ARN of the RDS-managed master user secret (`{"username","password"}`); only the bootstrap uses it. */
    public readonly secretArn: pulumi.Output<string>;
    /** The app user (DB_USER): resolves once the deploy-time bootstrap has created it. */
    public readonly username: pulumi.Output<string>;
    /** The master user: never handed to apps. */
    public readonly masterUsername: pulumi.Output<string>;
    /** ARN of the RDS Proxy. */
    public readonly proxyArn: pulumi.Output<string>;
    /** ARN of the Aurora cluster. */
    public readonly clusterArn: pulumi.Output<string>;
    /** The proxy's security group (ingress from clients on `port` only). */
    public readonly proxySecurityGroupId: pulumi.Output<string>;
    /** The cluster's security group (ingress from the proxy only). */
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    /**
     * The environment a client needs to connect through the proxy as the app user: DB_HOST, DB_PORT, DB_NAME,
     * DB_USER, DB_TLS=true, DB_IAM_AUTH=true and AWS_REGION (the region IAM auth tokens are signed for). The
     * same values `connect` returns; available before the client exists, since a service needs its
     * environment before its security group does.
     */
    public readonly environment: Record<string, pulumi.Output<string>>;
    /**
     * What a service needs to become this database's client, in any language: pass it in the service's
     * `databases` input (`databases: { main: db.link }`). The service then opens the proxy to its own security
     * group, grants its role `rds-db:connect` as the app user and receives the `DB_*` environment.
     */
    public readonly link: pulumi.Output<DatabaseLink>;
    /**
     * The database's and its proxy's dashboard sections, drawn from the same definitions as its alarms (a JSON array
     * of CloudWatch dashboard widgets; "[]" when `monitoring.enabled` is false). `link` carries them to linked services.
     */
    public readonly dashboardWidgets: pulumi.Output<string>;

    constructor(name: string, args: AuroraWithProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("AuroraWithProxy"), name, {}, withFormerTypes(opts, "serverless-containers:database:AuroraWithProxy"));
        checkArguments("AuroraWithProxy", name, args, this, [
            ["aws:iam/role:Role", "-proxy-role"],
            ["aws:iam/rolePolicy:RolePolicy", "-proxy-connect"],
            ["aws:rds/cluster:Cluster", "-cluster"],
            ["aws:rds/clusterInstance:ClusterInstance", args?.readers ? `-reader-${args.readers}` : "-writer"],
            ["aws:rds/proxy:Proxy", "-proxy"],
        ]);
        // The old name of `allowFrom`, accepted until the next minor version (one warning; both names: an error).
        const deprecations = new Deprecations("AuroraWithProxy", name);
        const allowFrom = deprecations.rename("clientSecurityGroupIds", args?.clientSecurityGroupIds, "allowFrom", args?.allowFrom);
        const spec = validate(name, args, this, [
            ...deprecations.problems(),
            listProblem("allowFrom", allowFrom),
            ...monitoringProblems(args?.monitoring, false),
        ]);
        deprecations.warn(this);
        wiring.set(this, { name, port: spec.port, tags: args.tags });
        const { minCapacity, maxCapacity, masterUsername } = withDefaults(args);
        const subnetIds = pulumi.output(args.vpc.subnetIds).apply((ids) => {
            if (ids.length < 2) {
                throw new Error(
                    `AuroraWithProxy "${name}": \`vpc.subnetIds\` must list at least two private subnets in different AZs (got ${ids.length}).`,
                );
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
        const { proxy, targetGroup } = this.createProxy(name, args, spec, subnetIds, proxySg, cluster, instances);
        // The app user is created after the writer is available (the Data API needs a running instance).
        const appUser = new DatabaseUser(
            `${name}-app-user`,
            {
                spec: { engine: args.engine, database: args.databaseName, ...args.appUser },
                clusterArn: cluster.arn,
                masterSecretArn: secretArn,
            },
            { parent: this, dependsOn: instances },
        );

        this.host = proxy.endpoint;
        this.port = pulumi.output(spec.port);
        this.databaseName = pulumi.output(args.databaseName);
        this.secretArn = secretArn;
        this.username = appUser.username;
        this.masterUsername = pulumi.output(masterUsername);
        this.proxyArn = proxy.arn;
        this.clusterArn = cluster.arn;
        this.proxySecurityGroupId = proxySg.id;
        this.clusterSecurityGroupId = clusterSg.id;
        this.environment = {
            DB_HOST: this.host,
            DB_PORT: this.port.apply(String),
            DB_NAME: this.databaseName,
            DB_USER: this.username,
            // RDS Proxy refuses IAM authentication without TLS, and this proxy requires TLS (createProxy).
            DB_TLS: pulumi.output("true"),
            DB_IAM_AUTH: pulumi.output("true"),
            AWS_REGION: callerOf(this).region,
        };
        this.dashboardWidgets = this.createMonitoring(name, args, instances, proxy, targetGroup);
        this.link = publishLink({
            name,
            securityGroupId: this.proxySecurityGroupId,
            port: this.port,
            connectResourceArn: this.connectStatement().resources[0],
            environment: this.environment,
            dashboardWidgets: this.dashboardWidgets,
        });
        (allowFrom ?? []).forEach((sg, i) => this.allowClient(`client-${i}`, sg));
        this.registerOutputs({
            host: this.host,
            port: this.port,
            databaseName: this.databaseName,
            secretArn: this.secretArn,
            username: this.username,
            masterUsername: this.masterUsername,
            proxyArn: this.proxyArn,
            clusterArn: this.clusterArn,
            proxySecurityGroupId: this.proxySecurityGroupId,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            environment: this.environment,
            link: this.link,
            dashboardWidgets: this.dashboardWidgets,
        });
    }

    /**
     * Wire one client to the database, in the spirit of SST's links: the proxy admits the client's security
     * group and the client's group may reach the proxy, both on the engine's port; the client's role may
     * `rds-db:connect` as the app user at this proxy (nothing else). Returns the client's `DB_*` environment
     * (the same values as `environment`). `name` names the three resources (unique per database).
     */
    connect(name: string, client: DatabaseClient): Record<string, pulumi.Output<string>> {
        const { name: componentName, tags } = this.wiringOf();
        throwIfAny(
            "AuroraWithProxy",
            componentName,
            [
                /^[A-Za-z0-9-]{1,64}$/.test(name)
                    ? undefined
                    : `\`connect\` name must be 1-64 letters, digits or - (got ${JSON.stringify(name)}).`,
                client?.securityGroupId === undefined
                    ? `\`connect("${name}")\` needs the client's \`securityGroupId\` (a service in a VPC has one).`
                    : undefined,
                client?.roleName === undefined
                    ? `\`connect("${name}")\` needs the client's \`roleName\` (the IAM role it runs as).`
                    : undefined,
            ],
            this,
        );
        linkClient(
            {
                ingress: `${componentName}-proxy-from-${name}`,
                egress: `${componentName}-${name}-to-proxy`,
                policy: `${componentName}-${name}-connect`,
            },
            name,
            client,
            this.link,
            this,
            tags,
        );
        return { ...this.environment };
    }

    /**
     * The statement a client role needs to connect through the proxy with an IAM auth token as
     * `username` (default: the app user): `rds-db:connect` on exactly that proxy user. `connect` grants it.
     */
    connectStatement(username?: pulumi.Input<string>): PolicyStatement {
        // The proxy ARN ends in its resource id: arn:<partition>:rds:<region>:<account>:db-proxy:prx-0123…, and IAM auth
        // at a proxy names dbuser:<proxy resource id>/<user>
        // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-iam-setup.html).
        const proxyId = this.proxyArn.apply((arn) => arn.split(":").pop() as string);
        return {
            sid: "ConnectThroughRdsProxy",
            actions: ["rds-db:connect"],
            resources: [arn(this, { service: "rds-db", resource: pulumi.interpolate`dbuser:${proxyId}/${username ?? this.username}` })],
        };
    }

    /** Let a client security group reach the proxy on the engine port (the only way in). `connect` calls it. */
    allowClient(ruleName: string, securityGroupId: pulumi.Input<string>): aws.vpc.SecurityGroupIngressRule {
        const { name: componentName, port, tags } = this.wiringOf();
        return ingressRule(
            `${componentName}-proxy-from-${ruleName}`,
            this.proxySecurityGroupId,
            { port, sourceSecurityGroupId: securityGroupId, description: `${ruleName} to RDS Proxy` },
            tags,
            this,
        );
    }

    private wiringOf(): Wiring {
        return wiring.get(this) as Wiring;
    }

    private createSecurityGroups(name: string, args: AuroraWithProxyArgs, spec: EngineSpec) {
        const proxySg = new aws.ec2.SecurityGroup(
            `${name}-proxy-sg`,
            { vpcId: args.vpc.vpcId, description: `RDS Proxy of ${name}: clients in by security group only`, tags: args.tags },
            { parent: this },
        );
        const clusterSg = new aws.ec2.SecurityGroup(
            `${name}-cluster-sg`,
            { vpcId: args.vpc.vpcId, description: `Aurora cluster of ${name}: only its RDS Proxy may connect`, tags: args.tags },
            { parent: this },
        );
        ingressRule(
            `${name}-cluster-from-proxy`,
            clusterSg.id,
            { port: spec.port, sourceSecurityGroupId: proxySg.id, description: "RDS Proxy to Aurora" },
            args.tags,
            this,
        );
        // The proxy's only egress: the engine port to the cluster. AWS's network prerequisites ask for nothing
        // else: the proxy's group is used "for egress from the proxy to the database"
        // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-setup.html, "Creating a proxy";
        // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-network-prereqs.html). With end-to-end IAM the proxy reads no
        // Secrets Manager secret and decrypts nothing with KMS (no secret exists for it to read), so it needs no
        // 443 egress to Secrets Manager/KMS; its role's credentials come from the RDS service, not through
        // these ENIs. Third-party posts that ask for 443 to Secrets Manager concern secret-based (SECRETS) auth.
        egressRule(
            `${name}-proxy-to-cluster`,
            proxySg.id,
            { port: spec.port, securityGroupId: clusterSg.id, description: "RDS Proxy to Aurora" },
            args.tags,
            this,
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
        const subnetGroup = new aws.rds.SubnetGroup(
            `${name}-subnets`,
            { subnetIds, description: `Private subnets of ${name}`, tags: args.tags },
            { parent: this },
        );
        const deletionProtection = args.deletionProtection ?? AURORA_DEFAULTS.deletionProtection;
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
                // Needed by the proxy's end-to-end IAM auth to the database.
                iamDatabaseAuthenticationEnabled: true,
                // RDS Data API: the deploy-time bootstrap of the app user runs its SQL through it.
                enableHttpEndpoint: true,
                backupRetentionPeriod: args.backupRetentionDays ?? AURORA_DEFAULTS.backupRetentionDays,
                preferredBackupWindow: "03:00-04:00",
                // Set, not left to RDS's random pick: the two windows must not overlap, and a later change to
                // the backup window is refused when they do (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html,
                // PreferredBackupWindow: "Must not conflict with the preferred maintenance window").
                preferredMaintenanceWindow: "sun:05:00-sun:05:30",
                copyTagsToSnapshot: true,
                enabledCloudwatchLogsExports: spec.logExports,
                deletionProtection,
                skipFinalSnapshot: !finalSnapshot,
                // Unique per stack (two stacks in one account must not race for one name) and per cluster: RDS refuses
                // a final snapshot identifier a snapshot already has (DBClusterSnapshotAlreadyExistsFault), and the
                // snapshot outlives the cluster. The identity is the cluster's replacement-forcing inputs (a replacement
                // gets a new one) and its subnet group's name (engine-named afresh for each new stack).
                finalSnapshotIdentifier: finalSnapshot
                    ? pulumi
                          .all([subnetGroup.name, spec.engine, args.databaseName, masterUsername])
                          .apply((identity) => finalSnapshotIdentifier(name, pulumi.getStack(), identity.join("\n")))
                    : undefined,
                applyImmediately: args.applyImmediately ?? !deletionProtection,
                tags: args.tags,
            },
            // RDS applies minor versions itself (autoMinorVersionUpgrade on the instances); without ignoring
            // engineVersion the next `up` would try to downgrade to the pinned version and fail.
            { parent: this, protect: deletionProtection, ignoreChanges: ["availabilityZones", "engineVersion"] },
        );
    }

    /** Writer in the first AZ, readers spread over the others (a reader next to the writer adds no AZ resilience). */
    private createInstances(
        name: string,
        args: AuroraWithProxyArgs,
        spec: EngineSpec,
        cluster: aws.rds.Cluster,
    ): aws.rds.ClusterInstance[] {
        const azs = args.availabilityZones
            ? pulumi.output(args.availabilityZones)
            : aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this }).names;
        const count = 1 + (args.readers ?? AURORA_DEFAULTS.readers);
        return Array.from({ length: count }, (_, i) => {
            return new aws.rds.ClusterInstance(
                `${name}-${instanceRole(i)}`,
                {
                    clusterIdentifier: cluster.id,
                    instanceClass: "db.serverless",
                    engine: spec.engine as aws.rds.EngineType,
                    engineVersion: cluster.engineVersion,
                    availabilityZone: azs.apply((names) => names[i % Math.min(names.length, 3)]),
                    publiclyAccessible: false,
                    promotionTier: i === 0 ? 0 : 1,
                    performanceInsightsEnabled: true,
                    // On, although AWS suggests off to stay on an LTS minor: the policy pack requires it from staging
                    // (Security Hub RDS.13), and security patches matter more here than staying on the LTS minor.
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
        cluster: aws.rds.Cluster,
        instances: aws.rds.ClusterInstance[],
    ): { proxy: aws.rds.Proxy; targetGroup: aws.rds.ProxyDefaultTargetGroup } {
        const role = new aws.iam.Role(
            `${name}-proxy-role`,
            {
                assumeRolePolicy: serviceTrustPolicy("rds.amazonaws.com"),
                description: `RDS Proxy of ${name} connects as the app user`,
                tags: args.tags,
            },
            { parent: this },
        );
        // End-to-end IAM: the proxy authenticates to the database with IAM as the client's user, which needs
        // rds-db:connect on dbuser:<cluster resource id>/<user> — here the app user only, so the proxy cannot
        // log in as the master user. https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-iam-setup.html
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-proxy-connect`,
            {
                role: role.name,
                policy: policyDocument([
                    {
                        Sid: "ConnectToDatabaseAsAppUser",
                        Effect: "Allow",
                        Action: ["rds-db:connect"],
                        Resource: arn(this, {
                            service: "rds-db",
                            resource: pulumi.interpolate`dbuser:${cluster.clusterResourceId}/${args.appUser.username}`,
                        }),
                    },
                ]),
            },
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
                idleClientTimeout: args.idleClientTimeout ?? AURORA_DEFAULTS.idleClientTimeout,
                debugLogging: false,
                // IAM from client to proxy and from proxy to database; no Secrets Manager secret (the `auths`
                // block is only required for NONE). https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-connecting.html
                defaultAuthScheme: "IAM_AUTH",
                tags: args.tags,
            },
            { parent: this, dependsOn: [rolePolicy] },
        );
        const pool = withDefaults(args);
        const targetGroup = new aws.rds.ProxyDefaultTargetGroup(
            `${name}-proxy-pool`,
            {
                dbProxyName: proxy.name,
                connectionPoolConfig: {
                    connectionBorrowTimeout: pool.connectionBorrowTimeout,
                    maxConnectionsPercent: pool.maxConnectionsPercent,
                    maxIdleConnectionsPercent: pool.maxIdleConnectionsPercent,
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
        return { proxy, targetGroup };
    }

    /** The alarms of observability/data.ts over these instances and this proxy; returns their dashboard widgets. */
    private createMonitoring(
        name: string,
        args: AuroraWithProxyArgs,
        instances: aws.rds.ClusterInstance[],
        proxy: aws.rds.Proxy,
        targetGroup: aws.rds.ProxyDefaultTargetGroup,
    ): pulumi.Output<string> {
        const values = withDefaults(args);
        const realised = monitor({ name, parent: this, tags: args.tags }, args.monitoring, {
            component: "AuroraWithProxy",
            alarms: auroraAlarms({
                engine: args.engine,
                minCapacity: values.minCapacity,
                maxCapacity: values.maxCapacity,
                maxConnectionsPercent: values.maxConnectionsPercent,
                connectionBorrowTimeout: values.connectionBorrowTimeout,
                instances: instances.map((instance, i) => ({ role: instanceRole(i), identifier: instance.identifier })),
                proxyName: proxy.name,
                targetGroupName: targetGroup.name,
            }),
        });
        return realised?.widgets ?? pulumi.output("[]");
    }
}

/** An instance's role, in its resource name and its alarms' ids: the writer first, then reader-1, reader-2 … */
function instanceRole(index: number): string {
    return index === 0 ? "writer" : `reader-${index}`;
}

/** The args with every default of AURORA_DEFAULTS filled in (`??`: an explicit 0 or false stays). */
function withDefaults(args: AuroraWithProxyArgs) {
    const d = AURORA_DEFAULTS;
    return {
        masterUsername: args.masterUsername ?? d.masterUsername,
        minCapacity: args.minCapacity ?? d.minCapacity,
        maxCapacity: args.maxCapacity ?? d.maxCapacity,
        readers: args.readers ?? d.readers,
        backupRetentionDays: args.backupRetentionDays ?? d.backupRetentionDays,
        deletionProtection: args.deletionProtection ?? d.deletionProtection,
        idleClientTimeout: args.idleClientTimeout ?? d.idleClientTimeout,
        connectionBorrowTimeout: args.connectionBorrowTimeout ?? d.connectionBorrowTimeout,
        appRequestTimeout: args.appRequestTimeout ?? d.appRequestTimeout,
        maxConnectionsPercent: args.maxConnectionsPercent ?? d.maxConnectionsPercent,
        maxIdleConnectionsPercent: args.maxIdleConnectionsPercent ?? d.maxIdleConnectionsPercent,
    };
}

function validate(name: string, args: AuroraWithProxyArgs, resource: pulumi.Resource, extraProblems: (string | undefined)[]): EngineSpec {
    const spec = (AURORA_ENGINES as readonly string[]).includes(args.engine) ? ENGINES[args.engine] : undefined;
    const values = withDefaults(args);
    const {
        minCapacity,
        maxCapacity,
        masterUsername: username,
        connectionBorrowTimeout: borrow,
        appRequestTimeout: requestTimeout,
    } = values;
    const engineVersion = args.engineVersion ?? spec?.defaultVersion;
    throwIfAny(
        "AuroraWithProxy",
        name,
        [
            spec ? undefined : `\`engine\` must be one of ${AURORA_ENGINES.join(", ")} (got ${JSON.stringify(args.engine)}).`,
            ...vpcProblems(args.vpc),
            acu("minCapacity", minCapacity, true),
            minCapacity === 0 &&
            spec &&
            engineVersion !== undefined &&
            spec.family(engineVersion) !== undefined &&
            !spec.autoPause(engineVersion)
                ? `\`minCapacity\` 0 (auto-pause) needs ${spec.autoPauseRule} or later (got \`engineVersion\` "${engineVersion}"); set \`minCapacity\` to 0.5 or more, or choose a later version.`
                : undefined,
            acu("maxCapacity", maxCapacity, false),
            minNotAboveMax("minCapacity", minCapacity, "maxCapacity", maxCapacity),
            intRange("readers", values.readers, 0, 15),
            spec && args.engineVersion !== undefined && spec.family(args.engineVersion) === undefined
                ? `\`engineVersion\` "${args.engineVersion}" is not ${spec.versionRule}.`
                : undefined,
            intRange("backupRetentionDays", values.backupRetentionDays, 1, 35),
            intRange("idleClientTimeout", values.idleClientTimeout, 1, 28800),
            intRange("connectionBorrowTimeout", borrow, 1, 3600),
            borrow >= requestTimeout
                ? `\`connectionBorrowTimeout\` (${borrow}s) must be below \`appRequestTimeout\` (${requestTimeout}s) so the app can answer 503 before its client gives up.`
                : undefined,
            intRange("maxConnectionsPercent", values.maxConnectionsPercent, 1, 100),
            minNotAboveMax(
                "maxIdleConnectionsPercent",
                values.maxIdleConnectionsPercent,
                "maxConnectionsPercent",
                values.maxConnectionsPercent,
            ),
            typeof args.databaseName === "string" && /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(args.databaseName)
                ? undefined
                : `\`databaseName\` must start with a letter and contain only letters, digits and _ (max 63) (got "${args.databaseName}").`,
            /^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(username)
                ? undefined
                : `\`masterUsername\` must start with a letter and be 1-16 letters, digits or _ (got "${username}").`,
            RESERVED_USERNAMES.includes(username.toLowerCase())
                ? `\`masterUsername\` must not be a reserved or commonly guessed name (${RESERVED_USERNAMES.join(", ")}) (got "${username}").`
                : undefined,
            ...appUserShapeProblems(args.appUser, username),
            ...extraProblems,
        ],
        resource,
    );
    return spec as EngineSpec;
}

/** `vpc` must be { vpcId, subnetIds } (the subnet count is checked once the ids resolve); no egress. */
function vpcProblems(vpc: ServiceVpc | undefined): (string | undefined)[] {
    if (typeof vpc !== "object" || vpc === null)
        return ["`vpc` is required: { vpcId, subnetIds } (the private subnets of the cluster and the proxy)."];
    return [
        vpc.vpcId === undefined ? "`vpc.vpcId` is required." : undefined,
        vpc.subnetIds === undefined ? "`vpc.subnetIds` is required (at least two private subnets in different AZs)." : undefined,
        (vpc.egress ?? []).length > 0
            ? "`vpc.egress` must be empty: the database opens no connections (its proxy reaches only its cluster)."
            : undefined,
    ];
}

/** `appUser` must be { username, schema: [...] } with a valid name that is not the master user's. */
function appUserShapeProblems(appUser: AppUser | undefined, masterUsername: string): string[] {
    if (typeof appUser !== "object" || appUser === null || typeof appUser.username !== "string" || !Array.isArray(appUser.schema)) {
        return ["`appUser` must be { username: string, schema: string[] } (the app's database user and its tables' DDL)."];
    }
    return [
        ...appUserProblems(appUser),
        ...(appUser.username.toLowerCase() === masterUsername.toLowerCase()
            ? [`\`appUser.username\` must differ from the master user "${masterUsername}".`]
            : []),
    ];
}

/**
 * The final snapshot's identifier: unique per stack and, given the cluster's `identity`, per cluster — `-<8 hex of
 * the identity>` before `-final`. RDS allows "1 to 255 letters, numbers, or hyphens. First character must be a
 * letter. Can't end with a hyphen or contain two consecutive hyphens"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html), while stack names may hold
 * `_`, `.` and `/`.
 */
export function finalSnapshotIdentifier(name: string, stack: string, identity?: string): string {
    const suffix = identity === undefined ? "-final" : `-${createHash("sha256").update(identity).digest("hex").slice(0, 8)}-final`;
    const base = stackScopedName(/^[A-Za-z]/.test(name) ? name : `db-${name}`, stack, 255 - suffix.length);
    return `${base}${suffix}`;
}
