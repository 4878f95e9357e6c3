/**
 * One vocabulary for every service component (VpcConnectedAppRunner / AppRunnerService, EcsExpressService,
 * PrivateFargateService, EksFargateService and createWebService): the same argument means the same thing on
 * each platform, in the same unit, so a stack can move a service between platforms by changing the component
 * only. Each component's args are `ServiceArgs` plus its platform's own extras; what a platform cannot do is
 * refused by name (skeleton.ts), never silently ignored.
 *
 * The names these replaced stay accepted for one minor version (`Deprecated…Args` below, aliases.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../iam";
import type { DatabaseLink } from "../database-link";
import type { EgressRule, ServiceVpc } from "./network";
import type { ServiceMonitoring } from "../observability/args";

/** What a scaling target tracks: average CPU or memory utilisation, requests per target, or concurrent requests per instance. */
export const ScalingMetric = {
    /** Average CPU utilisation, percent (ECS Express, EKS). */
    Cpu: "cpu",
    /** Average memory utilisation, percent (ECS Express). */
    Memory: "memory",
    /** Requests per target per minute at the load balancer (ECS Express). */
    Requests: "requests",
    /** Concurrent requests per instance (App Runner). */
    Concurrency: "concurrency",
} as const;
export type ScalingMetric = (typeof ScalingMetric)[keyof typeof ScalingMetric];

/** The value the platform keeps a metric at by adding and removing instances. */
export interface ScalingTarget {
    /**
     * The metric: "cpu" or "memory" (average utilisation, percent), "requests" (requests per target per minute) or
     * "concurrency" (concurrent requests per instance). App Runner tracks "concurrency" only, ECS Express "cpu",
     * "memory" or "requests", EKS "cpu"; private Fargate does not scale.
     */
    readonly metric: ScalingMetric;
    /** The target: 1-100 for "cpu"/"memory" (percent), 1-200 for "concurrency", 1-1000000 for "requests". */
    readonly value: number;
}

/** How many instances (tasks, pods) run, and what the platform scales on between those bounds. */
export interface ServiceScaling {
    /** Fewest instances. @default 1 */
    readonly min?: number;
    /** Most instances (private Fargate: must equal `min`, it has no autoscaling). @default 5 (EKS: 10; private Fargate: `min`) */
    readonly max?: number;
    /** What to scale on. @default App Runner: concurrency 100; ECS Express: cpu 60; EKS: cpu 50 */
    readonly target?: ScalingTarget;
    /** Deprecated: ECS Express's old scaling metric (AVERAGE_CPU, AVERAGE_MEMORY or REQUEST_COUNT_PER_TARGET); use `target.metric` ("cpu", "memory", "requests"). */
    readonly metric?: string;
    /** Deprecated: ECS Express's old target value; use `target.value`. */
    readonly targetValue?: number;
}

/** How the platform decides an instance is healthy. */
export interface ServiceHealth {
    /** HTTP path the platform checks (EKS: the liveness probe and the load balancer's check); not on private Fargate. @default "/health" */
    readonly path?: string;
    /** EKS only: readiness path (a failing pod leaves the load balancer but is not restarted, so it may check the database). @default `path` */
    readonly readinessPath?: string;
    /**
     * Private Fargate only: container health check command in ECS form (e.g. `["CMD", "curl", "-f", "http://127.0.0.1:8080/health"]`),
     * run inside the image (`nodeHealthCheckCommand` builds one for Node images). @default none
     */
    readonly command?: string[];
}

/** The VPC a service runs in (or, on App Runner, sends its egress into). */
export interface NetworkVpc {
    /** The VPC. */
    readonly vpcId: pulumi.Input<string>;
    /** Subnets of the service: private ones (App Runner's connector, private Fargate); on ECS Express the load balancer's and the tasks' (public subnets give a public URL). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * ECS Express only: the load balancer's and the tasks' subnets when they differ from `subnetIds` (createWebService
     * passes private `subnetIds` for App Runner and public ones here for Express). @default `subnetIds`
     */
    readonly publicSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Where a service sits in a VPC: the VPC, who may reach it and what it may reach. The service gets a security group of its own (output `securityGroupId`). */
export interface ServiceNetwork {
    /** The VPC and subnets. */
    readonly vpc: NetworkVpc;
    /** Private Fargate only: security groups allowed to reach `port` (at least one; never a CIDR). More with `allowClient`. @default none */
    readonly allowFrom?: pulumi.Input<string>[];
    /** Destinations the service may open connections to (more with `allowEgress`; linked databases are added by `databases`). @default none */
    readonly egress?: EgressRule[];
}

/** The arguments every service component takes, EKS included (see the module comment). */
export interface ServiceCoreArgs {
    /** Digest-pinned image to deploy (`repo@sha256:…`), e.g. `ContainerImage.imageUri`. Tags such as `:latest` are refused. */
    readonly image: pulumi.Input<string>;
    /** Port the container listens on (the platform also sets `PORT` to it). @default 8080 */
    readonly port?: number;
    /** vCPU per instance: 0.25, 0.5, 1, 2, 4 … (each platform's allowed values; converted to its notation). @default 0.25 */
    readonly cpu?: number;
    /** Memory per instance in GiB: 0.5, 1, 2 … (must pair with `cpu` on the platform; EKS: the container's request). @default 0.5 */
    readonly memory?: number;
    /** Plain runtime environment variables (never secrets). @default {} */
    readonly environment?: Record<string, pulumi.Input<string>>;
    /** Instance counts and the scaling target. @default the platform's (see `ServiceScaling`) */
    readonly scaling?: ServiceScaling;
    /** Health checks. @default path "/health" */
    readonly health?: ServiceHealth;
    /** The caller's IAM statements for the role the app runs as (output `roleName`). Nothing else is granted. @default [] */
    readonly policyStatements?: PolicyStatement[];
    /** Tags applied to every taggable child. @default {} */
    readonly tags?: Record<string, string>;
    /**
     * Alarms (thresholds derived from `scaling` and `monitoring.slo`), their routing by severity, SLO burn-rate
     * alarms, the error-log metric and the service's dashboard: on by default; `{ enabled: false }` opts out.
     * The alarm ids per platform and how each threshold is derived: docs/monitoring.md. @default on, routed nowhere
     */
    readonly monitoring?: ServiceMonitoring;
}

/** `ServiceCoreArgs` plus runtime `secrets`: every platform but EKS (a Kubernetes Secret would put the value in state and etcd). */
export interface ServiceBaseArgs extends ServiceCoreArgs {
    /**
     * Runtime secrets: env var name → Secrets Manager secret ARN (or SSM parameter ARN). The platform injects the
     * value at start; it never appears in resource inputs or state. Not on EKS (read them with the pod's role). @default {}
     */
    readonly secrets?: Record<string, pulumi.Input<string>>;
}

/** Where the service sits and what it connects to: for every service that has a security group of its own (not AppRunnerService). */
export interface ServiceConnectivity {
    /** The VPC, clients and egress (required on VpcConnectedAppRunner, ECS Express and private Fargate; EKS takes its network from `cluster`). @default none */
    readonly network?: ServiceNetwork;
    /**
     * Databases the service connects to: a name of your choice → a database's `link` output (e.g.
     * `{ main: db.link }`). For each, the service's own security group may reach the database's proxy and is
     * admitted there, its role may `rds-db:connect` as the app user, and the environment gets DB_HOST, DB_PORT,
     * DB_NAME, DB_USER, DB_TLS, DB_IAM_AUTH and AWS_REGION: under those names for the key `main`, prefixed with
     * the key in upper case for any other (`orders` → `ORDERS_DB_HOST`), so adding a database never renames
     * another's variables. Needs a service with a security group of its own. @default {}
     */
    readonly databases?: Record<string, pulumi.Input<DatabaseLink>>;
}

/** The arguments every service component takes, in one vocabulary (see the module comment). */
export interface ServiceArgs extends ServiceBaseArgs, ServiceConnectivity {}

/** The names the web services (App Runner, ECS Express, createWebService) took before `ServiceArgs`. */
export interface DeprecatedWebServiceArgs {
    /** Deprecated: use `secrets`. @deprecated use `secrets` */
    readonly environmentSecrets?: Record<string, pulumi.Input<string>>;
    /** Deprecated: use `health.path`. @deprecated use `health.path` */
    readonly healthCheckPath?: string;
    /** Deprecated: use `scaling.min`. @deprecated use `scaling.min` */
    readonly minSize?: number;
    /** Deprecated: use `scaling.max`. @deprecated use `scaling.max` */
    readonly maxSize?: number;
    /** Deprecated: use `scaling.target` `{ metric: "concurrency", value }` (App Runner only). @deprecated use `scaling.target` */
    readonly maxConcurrency?: number;
}

/** The VPC argument the services in a VPC took before `network`. */
export interface DeprecatedVpcArgs {
    /** Deprecated: use `network.vpc` (and `network.egress` for `vpc.egress`). @deprecated use `network` */
    readonly vpc?: ServiceVpc;
}

/** Deprecated: the web services' arguments before `ServiceArgs` (old names included). @deprecated use `ServiceArgs` */
export interface WebServiceArgs extends ServiceArgs, DeprecatedWebServiceArgs {}
