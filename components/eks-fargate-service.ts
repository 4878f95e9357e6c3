/**
 * One HTTP service on an EKS-on-Fargate cluster: its own namespace under Pod Security
 * "restricted", a Fargate profile for that namespace on private subnets, an IRSA role holding only the
 * caller's statements, a ServiceAccount bound to it, a Deployment sized to a Fargate combination, a Service
 * published through the AWS Load Balancer Controller (NLB, IP targets), an autoscaling/v2 HPA (fixed scale-up/down
 * behaviour), a PodDisruptionBudget, and optionally a load generator as a bounded Job, to watch the HPA work.
 *
 * A local component: every child is visible to mock tests and to the offline preview. An adapter over the service
 * skeleton (service/skeleton.ts): `ServiceArgs` in (cpu in vCPU and memory in GiB become the container's
 * Kubernetes requests), the pods' network from `cluster` (`network` is refused).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { fargatePodSize, parseCpu, parseMemoryMiB, type FargatePodSize } from "./fargate-pod-size";
import { irsaTrustPolicy, type PolicyStatement } from "./iam";
import { intRange, throwIfAny } from "./limits";
import { booleanProblem, enumProblem, listProblem, objectProblem, pathProblem, stringProblem } from "./service/shapes";
import { requireDigest } from "./service/environment";
import { withDependsOn } from "./service/options";
import type { ServiceCoreArgs } from "./service/args";
import type { DatabaseLink } from "./database-link";
import { eksQuantities } from "./service/sizes";
import {
    collectorConfig,
    COLLECTOR_CONTAINER,
    COLLECTOR_IMAGE,
    COLLECTOR_SHARE,
    SIDECAR_OTLP_ENVIRONMENT,
    XRAY_PUT_SEGMENTS_STATEMENT,
} from "./service/trace-collector";
import {
    attachPolicyStatements,
    linkDatabases,
    monitorService,
    normalizeService,
    resolveServiceArgs,
    serviceEnvironment,
    type NormalizedService,
} from "./service/skeleton";
import { componentType, withFormerTypes } from "./component";
import { checkArguments } from "./arguments";
import { loadBalancerDimension, nlbAlarms, type NlbTargets } from "./observability";

const COMPONENT = "EksFargateService";

/**
 * What a service needs from its cluster: `EksFargateCluster`'s outputs of the same names (in TypeScript, pass
 * the cluster itself). Plain values, so any Pulumi language can pass them. Pass the cluster as the resource
 * option `dependsOn` too, so the Service waits for the Load Balancer Controller's webhook.
 */
export interface EksClusterInfo {
    /** EKS cluster name (Fargate profiles are created on it). */
    readonly clusterName: pulumi.Input<string>;
    /** ARN of the cluster's IAM OIDC provider (IRSA trust principal). */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** Issuer URL of that provider (`https://oidc.eks…`); its host/path prefixes the trust condition keys. */
    readonly oidcProviderUrl: pulumi.Input<string>;
    /** Kubeconfig JSON of the cluster; every Kubernetes child uses a provider built from it (never the ambient kubeconfig). */
    readonly kubeconfig: pulumi.Input<string>;
    /** Private subnets Fargate pods run in (no public IPs). */
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Role Fargate uses to pull images and write logs for the pods of a profile. */
    readonly podExecutionRoleArn: pulumi.Input<string>;
    /** The cluster's VPC (a service with `databases` creates its pods' own security group there). @default none (required with `databases`) */
    readonly vpcId?: pulumi.Input<string>;
    /**
     * The security group EKS created for the cluster, which every Fargate pod gets (`EksFargateCluster.podSecurityGroupId`);
     * a service with `databases` keeps it on its pods next to their own group. @default none (required with `databases`)
     */
    readonly podSecurityGroupId?: pulumi.Input<string>;
}

/** The HPA's scale-up/down behaviour, fixed so every service scales the same way. */
export const HPA_BEHAVIOR = {
    scaleUp: { stabilizationWindowSeconds: 30, policies: [{ type: "Pods", value: 2, periodSeconds: 30 }] },
    scaleDown: { stabilizationWindowSeconds: 120, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
} as const;

/** Labels that put a namespace under Pod Security "restricted" (enforced, and audited/warned the same). */
export const RESTRICTED_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
};

/** UID/GID the containers run as (the products-api Dockerfile's non-root `node` user is 1000). */
export const RUN_AS_USER = 1000;

/** The container security context Pod Security "restricted" asks for: one definition for every container here. */
export const RESTRICTED_CONTAINER_SECURITY_CONTEXT = {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

/** Whether the load balancer gets a public address. */
export const LoadBalancerScheme = {
    /** Public NLB in the cluster's public subnets. */
    InternetFacing: "internet-facing",
    /** NLB reachable inside the VPC only. */
    Internal: "internal",
} as const;
export type LoadBalancerScheme = (typeof LoadBalancerScheme)[keyof typeof LoadBalancerScheme];
const LOAD_BALANCER_SCHEMES: readonly string[] = Object.values(LoadBalancerScheme);

/** A bounded load generator (a busybox loop requesting the service). */
export interface LoadGeneratorArgs {
    /** HTTP path it requests (with the health check path) in a loop. @default "/" */
    readonly path?: string;
    /** Seconds the loop runs before it stops by itself (10-3600). @default 300 */
    readonly durationSeconds?: number;
    /** Upper bound on loop iterations (two requests each), so the loop is finite even if `date` misbehaves. @default 100000 */
    readonly maxIterations?: number;
    /**
     * Image with `/bin/sh`, `wget` and `date`. Tag-pinned rather than digest-pinned: it is a test tool
     * off the serving path, and ECR Public avoids Docker Hub's pull limits from NAT addresses.
     * @default "public.ecr.aws/docker/library/busybox:1.37"
     */
    readonly image?: string;
}

/**
 * `ServiceArgs` on EKS on Fargate: `cpu`/`memory` are the container's request = limit (Fargate adds 256 MiB and
 * rounds up to a size; output `podSize`), `scaling` drives the HPA (metric "cpu" only; default min 1, max 10,
 * cpu 50), `health.path` is the liveness probe and the load balancer's check (it must not depend on the database:
 * an outage would restart every replica) and `health.readinessPath` the readiness probe (it may). No `secrets`
 * (a Kubernetes Secret would put the value in state and etcd: read secrets from AWS with the pod's IRSA role) and
 * no `network` (the pods run in the cluster's subnets; `databases` need `cluster.vpcId` and `cluster.podSecurityGroupId`).
 */
export interface EksFargateServiceArgs extends ServiceCoreArgs {
    /**
     * Databases the pods connect to (name → a database's `link` output), as on the other services; needs
     * `cluster.vpcId` and `cluster.podSecurityGroupId`. @default {}
     */
    readonly databases?: Record<string, pulumi.Input<DatabaseLink>>;
    /** The cluster to run on: `EksFargateCluster`'s outputs (in TypeScript, the cluster itself). */
    readonly cluster: EksClusterInfo;
    /** Namespace created for the service; a DNS-1123 label, never `default` or `kube-*`. */
    readonly namespace: string;
    /** Name of the Deployment, Service, container and label `app.kubernetes.io/name`. @default the namespace */
    readonly appName?: string;
    /** ServiceAccount name (IRSA `sub` is `system:serviceaccount:<namespace>:<serviceAccountName>`). @default the app name */
    readonly serviceAccountName?: string;
    /** Port the load balancer listens on. @default 80 */
    readonly servicePort?: number;
    /** Create a PodDisruptionBudget (maxUnavailable 1). @default true */
    readonly podDisruptionBudget?: boolean;
    /** Load balancer scheme: "internet-facing" or "internal". @default "internet-facing" */
    readonly scheme?: LoadBalancerScheme;
    /** Run a bounded busybox load generator against the service (to watch the HPA scale out). @default undefined (off) */
    readonly loadGenerator?: LoadGeneratorArgs;
    /**
     * Send traces to AWS X-Ray: an OpenTelemetry collector container in each pod (its share, 0.05 vCPU and 128 MiB, comes
     * out of `cpu`/`memory`, so the pod's Fargate size is unchanged) receives the app's OTLP on localhost, and the IRSA
     * role may call `xray:PutTraceSegments`. @default false
     */
    readonly observability?: boolean;
    /** Deprecated: use `scaling.min`. @deprecated use `scaling.min` */
    readonly minSize?: number;
    /** Deprecated: use `scaling.max`. @deprecated use `scaling.max` */
    readonly maxSize?: number;
    /** Deprecated: use `scaling.target` { metric: "cpu", value }. @deprecated use `scaling.target` */
    readonly targetCpuUtilization?: number;
    /** Deprecated: use `health.path`. @deprecated use `health.path` */
    readonly healthCheckPath?: string;
    /** Deprecated: use `health.readinessPath`. @deprecated use `health.readinessPath` */
    readonly readinessCheckPath?: string;
}

interface Normalized {
    readonly service: NormalizedService;
    readonly namespace: string;
    readonly appName: string;
    readonly serviceAccountName: string;
    readonly port: number;
    readonly servicePort: number;
    /** The pod's total (what Fargate sizes), and the app container's part of it (less the collector's with `observability`). */
    readonly cpu: string;
    readonly memory: string;
    readonly appCpu: string;
    readonly appMemory: string;
    readonly observability: boolean;
    readonly size: FargatePodSize;
    readonly minSize: number;
    readonly maxSize: number;
    readonly targetCpuUtilization: number;
    readonly statements: readonly PolicyStatement[];
    readonly healthCheckPath: string;
    readonly readinessCheckPath: string;
    readonly podDisruptionBudget: boolean;
    readonly labels: Record<string, string>;
    readonly selector: Record<string, string>;
    readonly tags: Record<string, string>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A URL path safe to paste into the load generator's shell script (inside single quotes) and into annotations. */
const URL_PATH = /^\/[A-Za-z0-9/_.~%?=&-]*$/;
// Only a path pathProblem accepts (a string starting with "/"): anything else has its message already.
const urlPathProblem = (label: string, path: unknown) =>
    typeof path !== "string" || !path.startsWith("/") || URL_PATH.test(path)
        ? undefined
        : `\`${label}\` must be a URL path of letters, digits and / _ . ~ % ? = & - (got ${JSON.stringify(path)}).`;

function dnsLabel(label: string, value: string): string | undefined {
    if (value.length > 63 || !DNS_LABEL.test(value)) {
        return `\`${label}\` must be a DNS-1123 label: 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit (got "${value}").`;
    }
    return undefined;
}

/** The Kubernetes provider of each service (kept off the class so it is not part of the component's outputs). */
const providers = new WeakMap<EksFargateService, k8s.Provider>();

/** One HTTP service on an EksFargateCluster: its own restricted namespace and Fargate profile, an IRSA role, a Deployment, a load-balanced Service, autoscaling and a disruption budget. */
export class EksFargateService extends pulumi.ComponentResource {
    /** URL of the service's load balancer (`http://<NLB hostname>`, plus `:<servicePort>` when not 80). */
    public readonly url: pulumi.Output<string>;
    /** The service's namespace. */
    public readonly namespace: pulumi.Output<string>;
    /** ARN of the role the app runs as (the IRSA role the pods assume). */
    public readonly roleArn: pulumi.Output<string>;
    /** Name of the role the app runs as. */
    public readonly roleName: pulumi.Output<string>;
    /**
     * The pods' own security group, when `databases` is set (a SecurityGroupPolicy gives it to the pods next to the
     * cluster's group); databases admit it. @default none
     */
    public readonly securityGroupId?: pulumi.Output<string>;
    /** In-cluster URL of the service (`http://<app>.<namespace>.svc.cluster.local:<servicePort>`). */
    public readonly clusterUrl: pulumi.Output<string>;
    /** The Fargate size (vCPU, GiB) each pod is billed at. */
    public readonly podSize: pulumi.Output<FargatePodSize>;
    /** Name of the service's CloudWatch dashboard (absent with `monitoring.enabled` or `monitoring.dashboard` false). */
    public readonly dashboardName?: pulumi.Output<string>;
    /** ARN of the "unhealthy" composite alarm over the page alarms (absent when monitoring is off or no page alarm is left). */
    public readonly unhealthyAlarmArn?: pulumi.Output<string>;

    constructor(name: string, args: EksFargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("EksFargateService"), name, {}, withFormerTypes(opts, "serverless-containers:eks:EksFargateService"));
        checkArguments("EksFargateService", name, args, this, [
            ["aws:iam/role:Role", "-role"],
            ["aws:iam/rolePolicy:RolePolicy", "-policy"],
        ]);
        const resolved = resolveServiceArgs(COMPONENT, name, args);
        args = resolved.args;
        const n = validate(name, args, resolved.deprecations, this);
        resolved.deprecations.warn(this);
        const image = requireDigest(COMPONENT, name, args.image, this);
        // Every Kubernetes child uses this provider, so all of them wait for the component's own `dependsOn`
        // (the cluster: its add-ons, the Load Balancer Controller's webhook among them). Same inputs as the
        // cluster's provider, which its objects used before: on a provider change the engine asks the provider's
        // DiffConfig whether to replace (https://github.com/pulumi/pulumi/pull/18509), and the same kubeconfig
        // is no reason to. Unproven here without a deployed stack: preview an existing stack before `up`.
        providers.set(
            this,
            new k8s.Provider(
                `${name}-k8s`,
                { kubeconfig: args.cluster.kubeconfig, enableServerSideApply: true },
                { parent: this, dependsOn: withDependsOn(opts, []) },
            ),
        );

        const namespace = this.createNamespace(name, n);
        const fargateProfile = this.createFargateProfile(name, args, n, opts);
        const role = this.createRole(name, args, n);
        const serviceAccount = this.createServiceAccount(name, n, namespace, role);
        const podGroup = this.createPodSecurityGroup(name, args, n, namespace);
        if (podGroup) {
            linkDatabases(
                { component: COMPONENT, name, parent: this, tags: n.tags },
                { securityGroupId: podGroup.securityGroup.id, roleName: role.name },
                args.databases,
            );
            this.securityGroupId = podGroup.securityGroup.id;
        }
        const environment = serviceEnvironment({ component: COMPONENT, name, parent: this }, n.service);
        const deployment = this.createDeployment(
            name,
            { ...args, environment },
            n,
            image,
            serviceAccount,
            podGroup ? [fargateProfile, podGroup.policy] : [fargateProfile],
        );
        const service = this.createService(name, args, n, deployment);
        this.createAutoscaler(name, n, deployment);
        if (n.podDisruptionBudget) this.createDisruptionBudget(name, n, deployment);

        this.namespace = namespace.metadata.name;
        this.roleArn = role.arn;
        this.roleName = role.name;
        this.podSize = pulumi.output(n.size);
        const portSuffix = n.servicePort === 80 ? "" : `:${n.servicePort}`;
        this.url = service.status.loadBalancer.ingress.apply((ingress) => {
            const host = ingress?.[0]?.hostname ?? ingress?.[0]?.ip;
            return host ? `http://${host}${portSuffix}` : host; // unknown until the NLB exists
        });
        this.clusterUrl = pulumi.interpolate`http://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${n.servicePort}`;
        if (args.loadGenerator) this.createLoadGenerator(name, n, args.loadGenerator, service);
        const monitoring = n.service.monitoring?.enabled === false ? undefined : this.monitor(name, args, n, service);
        this.dashboardName = monitoring?.dashboard?.dashboardName;
        this.unhealthyAlarmArn = monitoring?.unhealthy?.arn;

        this.registerOutputs({
            url: this.url,
            namespace: this.namespace,
            roleArn: this.roleArn,
            roleName: this.roleName,
            clusterUrl: this.clusterUrl,
            podSize: this.podSize,
            securityGroupId: this.securityGroupId,
            ...(this.dashboardName ? { dashboardName: this.dashboardName } : {}),
            ...(this.unhealthyAlarmArn ? { unhealthyAlarmArn: this.unhealthyAlarmArn } : {}),
        });
    }

    /**
     * The NLB's CloudWatch dimensions. The AWS Load Balancer Controller creates the NLB and its target group from
     * the Service, so neither ARN is a Pulumi output; it tags both with `elbv2.k8s.aws/cluster: <cluster>` and
     * `service.k8s.aws/stack: <namespace>/<service>` (kubernetes-sigs/aws-load-balancer-controller
     * pkg/deploy/tracking, StackTags), and the Service has one port, so exactly one target group carries them:
     * `aws.lb.getTargetGroup` by those tags gives its ARN suffix (`TargetGroup`) and its load balancer's ARN, whose
     * part after `loadbalancer/` is the `LoadBalancer` dimension (`net/<name>/<id>`). Read once the Service has
     * its load balancer address (Pulumi waits for it); unknown in the preview of a new stack.
     */
    private nlbTargets(args: EksFargateServiceArgs, service: k8s.core.v1.Service): NlbTargets {
        const tags = pulumi
            .all([args.cluster.clusterName, service.metadata.namespace, service.metadata.name, service.status.loadBalancer.ingress])
            .apply(([cluster, namespace, serviceName]) => ({
                "elbv2.k8s.aws/cluster": cluster,
                "service.k8s.aws/stack": `${namespace}/${serviceName}`,
            }));
        const group = aws.lb.getTargetGroupOutput({ tags }, { parent: this });
        return { loadBalancer: group.loadBalancerArns.apply((arns) => loadBalancerDimension(arns[0])), targetGroup: group.arnSuffix };
    }

    /**
     * The NLB's alarms (TCP: no request metrics, so no SLO alarms) on the service's dashboard. No error-log metric:
     * the cluster ships no pod logs to CloudWatch (EksFargateCluster configures no Fargate log router), and pod
     * restarts are not observable either — Container Insights does not support Fargate pods on EKS without ADOT
     * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/deploy-container-insights-EKS.html).
     */
    private monitor(name: string, args: EksFargateServiceArgs, n: Normalized, service: k8s.core.v1.Service) {
        return monitorService({ component: COMPONENT, name, parent: this, tags: n.tags }, n.service, {
            alarms: nlbAlarms(this.nlbTargets(args, service), n.service),
            title: `${name} on EKS Fargate`,
        });
    }

    private k8sOpts(dependsOn: pulumi.Input<pulumi.Resource>[] = []): pulumi.CustomResourceOptions {
        return { parent: this, provider: providers.get(this), dependsOn };
    }

    private createNamespace(name: string, n: Normalized): k8s.core.v1.Namespace {
        return new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: n.namespace, labels: { ...RESTRICTED_NAMESPACE_LABELS, "app.kubernetes.io/part-of": n.appName } } },
            this.k8sOpts(),
        );
    }

    /**
     * EKS creates or deletes one Fargate profile at a time per cluster (a second concurrent call fails with
     * ResourceInUseException): a second service on a cluster names the first in the resource option
     * `dependsOn`, which this profile waits for.
     */
    private createFargateProfile(
        name: string,
        args: EksFargateServiceArgs,
        n: Normalized,
        opts: pulumi.ComponentResourceOptions | undefined,
    ): aws.eks.FargateProfile {
        return new aws.eks.FargateProfile(
            `${name}-profile`,
            {
                clusterName: args.cluster.clusterName,
                // Named here, not auto-named from the component: EKS refuses profile names starting with
                // "eks-" (https://github.com/pulumi/pulumi-eks/issues/426), and profile names only need to be
                // unique within the cluster, where each service has its own namespace.
                fargateProfileName: `fp-${n.namespace}`,
                podExecutionRoleArn: args.cluster.podExecutionRoleArn,
                // Fargate accepts private subnets only: pods never get public IPs; egress is through NAT.
                subnetIds: args.cluster.privateSubnetIds,
                selectors: [{ namespace: n.namespace }],
                tags: n.tags,
            },
            {
                parent: this,
                dependsOn: withDependsOn(opts, []),
                // Every argument forces a new profile (terraform-provider-aws internal/service/eks/fargate_profile.go)
                // and the name is unique within the cluster: a replacement keeping `fp-<namespace>` (new subnets or
                // pod execution role) must delete the old profile first, or its create fails. Its pods are deleted with
                // it and rescheduled once the new profile is active.
                deleteBeforeReplace: true,
            },
        );
    }

    /**
     * With `databases`, the pods get a security group of their own (what the databases admit) through a
     * SecurityGroupPolicy, which Fargate applies when it schedules a pod: the Deployment waits for it, or its
     * first pods start with the cluster's group only. The cluster's group stays on the pods — Fargate pods
     * need it to reach the control plane and CoreDNS
     * (https://repost.aws/knowledge-center/eks-configure-fargate-pod-security-group,
     * https://docs.aws.amazon.com/eks/latest/userguide/sg-pods-example-deployment.html).
     */
    private createPodSecurityGroup(
        name: string,
        args: EksFargateServiceArgs,
        n: Normalized,
        namespace: k8s.core.v1.Namespace,
    ): { securityGroup: aws.ec2.SecurityGroup; policy: k8s.apiextensions.CustomResource } | undefined {
        if (Object.keys(args.databases ?? {}).length === 0) return undefined;
        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-pod-sg`,
            // No inline rules: each destination (a database) is a rule of its own, added by the link.
            {
                vpcId: args.cluster.vpcId!,
                description: `Pods of ${n.namespace}/${n.appName}: egress only to linked databases`,
                tags: n.tags,
            },
            { parent: this },
        );
        const policy = new k8s.apiextensions.CustomResource(
            `${name}-pod-security-group-policy`,
            {
                apiVersion: "vpcresources.k8s.aws/v1beta1",
                kind: "SecurityGroupPolicy",
                metadata: { name: n.appName, namespace: namespace.metadata.name, labels: n.labels },
                spec: {
                    podSelector: { matchLabels: n.selector },
                    securityGroups: { groupIds: [securityGroup.id, args.cluster.podSecurityGroupId!] },
                },
            },
            this.k8sOpts(),
        );
        return { securityGroup, policy };
    }

    private createRole(name: string, args: EksFargateServiceArgs, n: Normalized): aws.iam.Role {
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `IRSA role for ${n.namespace}/${n.serviceAccountName}`,
                assumeRolePolicy: irsaTrustPolicy(
                    args.cluster.oidcProviderArn,
                    args.cluster.oidcProviderUrl,
                    n.namespace,
                    n.serviceAccountName,
                ),
                tags: n.tags,
            },
            { parent: this },
        );
        attachPolicyStatements({ component: COMPONENT, name, parent: this }, `${name}-policy`, role, n.statements);
        return role;
    }

    private createServiceAccount(
        name: string,
        n: Normalized,
        namespace: k8s.core.v1.Namespace,
        role: aws.iam.Role,
    ): k8s.core.v1.ServiceAccount {
        return new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            {
                metadata: {
                    name: n.serviceAccountName,
                    namespace: namespace.metadata.name,
                    labels: n.labels,
                    annotations: { "eks.amazonaws.com/role-arn": role.arn, "eks.amazonaws.com/sts-regional-endpoints": "true" },
                },
                // Pods opt in explicitly (below); anything else that borrows this account gets no API token.
                automountServiceAccountToken: false,
            },
            this.k8sOpts(),
        );
    }

    private createDeployment(
        name: string,
        args: EksFargateServiceArgs,
        n: Normalized,
        image: pulumi.Output<string>,
        serviceAccount: k8s.core.v1.ServiceAccount,
        scheduledAfter: pulumi.Resource[],
    ): k8s.apps.v1.Deployment {
        // As on App Runner, a variable the caller sets wins over the tracing ones.
        const env = { PORT: String(n.port), ...(n.observability ? SIDECAR_OTLP_ENVIRONMENT : {}), ...(args.environment ?? {}) };
        const probe = (path: string, initialDelaySeconds: number, periodSeconds: number) => ({
            httpGet: { path, port: "http" },
            initialDelaySeconds,
            periodSeconds,
            timeoutSeconds: 2,
            failureThreshold: 3,
        });
        return new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: { name: n.appName, namespace: serviceAccount.metadata.namespace, labels: n.labels },
                spec: {
                    replicas: n.minSize,
                    selector: { matchLabels: n.selector },
                    // Surge first: a Fargate pod takes 30-90 s to start, so never take one away before its successor is ready.
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
                    template: {
                        metadata: { labels: n.labels },
                        spec: {
                            serviceAccountName: serviceAccount.metadata.name,
                            // IRSA: the pod identity webhook projects its own `aws-iam-token` volume, but SDK credential
                            // failures are reported with the API token switched off, so mount it only when the pod uses AWS.
                            automountServiceAccountToken: n.statements.length > 0,
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: RUN_AS_USER,
                                runAsGroup: RUN_AS_USER,
                                fsGroup: RUN_AS_USER,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            // Fargate places pods in the profile's subnets; spreading by zone keeps a zone outage from
                            // taking every replica. ScheduleAnyway: a hard rule would strand pods during a zone outage.
                            topologySpreadConstraints: [
                                {
                                    maxSkew: 1,
                                    topologyKey: "topology.kubernetes.io/zone",
                                    whenUnsatisfiable: "ScheduleAnyway",
                                    labelSelector: { matchLabels: n.selector },
                                },
                            ],
                            terminationGracePeriodSeconds: 30,
                            containers: [
                                {
                                    name: n.appName,
                                    image,
                                    imagePullPolicy: "IfNotPresent",
                                    ports: [{ name: "http", containerPort: n.port, protocol: "TCP" }],
                                    env: Object.entries(env).map(([key, value]) => ({ name: key, value })),
                                    // Fargate sizes the pod from requests; limits = requests keeps it Guaranteed and predictable.
                                    resources: {
                                        requests: { cpu: n.appCpu, memory: n.appMemory },
                                        limits: { cpu: n.appCpu, memory: n.appMemory },
                                    },
                                    // Liveness never touches the database, readiness may: a database outage takes pods
                                    // out of the load balancer at most, never makes the kubelet restart every replica.
                                    readinessProbe: probe(n.readinessCheckPath, 5, 5),
                                    livenessProbe: probe(n.healthCheckPath, 20, 15),
                                    securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
                                    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                                },
                                ...(n.observability ? [this.collectorContainer()] : []),
                            ],
                            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
                        },
                    },
                },
            },
            {
                ...this.k8sOpts(scheduledAfter),
                // Pods created before their namespace's profile exists are never scheduled by Fargate (dependsOn
                // above); after creation the HPA owns the replica count, so a later `up` must not reset it.
                ignoreChanges: ["spec.replicas"],
            },
        );
    }

    /**
     * The OpenTelemetry collector (service/trace-collector.ts) as a regular container of the pod, not a native sidecar
     * (an init container with `restartPolicy: Always`, on by default from Kubernetes 1.29, so on every version EKS offers
     * here): Fargate sizes a pod from the largest init container's requests or the sum of the long-running containers'
     * (https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html), and that page says nothing of
     * native sidecars, so a collector among the init containers might not be counted. What the native form would give —
     * stopping after the app — a preStop sleep gives: the kubelet signals both containers at once, the app drains for up
     * to SHUTDOWN_GRACE_MS (10 s by default) and flushes its spans (≤ 1 s), and the collector gets SIGTERM 15 s in,
     * within the pod's 30 s grace (the sleep action, beta and on by default from 1.30:
     * https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/). A crash restarts the container
     * alone (the pod's restartPolicy), and its probe is a liveness one only, so the pod stays ready without it: traces
     * are lost, never requests. Same restricted security context as the app (its uid too; the image's own user is
     * not needed: the collector writes no file, aws-observability/aws-otel-collector#451, #484).
     */
    private collectorContainer(): k8s.types.input.core.v1.Container {
        const share = { cpu: `${COLLECTOR_SHARE.milliCpu}m`, memory: `${COLLECTOR_SHARE.memoryMiB}Mi` };
        return {
            name: COLLECTOR_CONTAINER,
            image: COLLECTOR_IMAGE,
            imagePullPolicy: "IfNotPresent",
            env: [{ name: "AOT_CONFIG_CONTENT", value: aws.getRegionOutput({}, { parent: this }).region.apply(collectorConfig) }],
            resources: { requests: share, limits: share },
            // The health check listens on loopback, which an httpGet probe (from the kubelet, to the pod IP) cannot reach.
            livenessProbe: {
                exec: { command: ["/healthcheck"] },
                initialDelaySeconds: 10,
                periodSeconds: 15,
                timeoutSeconds: 5,
                failureThreshold: 3,
            },
            lifecycle: { preStop: { sleep: { seconds: 15 } } },
            securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
        };
    }

    /**
     * An NLB with IP targets, chosen over an ALB Ingress: one object, L4 pass-through (the app serves plain
     * HTTP on one path set), and IP targets are the only kind Fargate supports (there is no node to target).
     * `loadBalancerClass` hands the Service to the controller even if its mutating webhook was not ready.
     */
    private createService(
        name: string,
        args: EksFargateServiceArgs,
        n: Normalized,
        deployment: k8s.apps.v1.Deployment,
    ): k8s.core.v1.Service {
        const extraTags = Object.entries(n.tags)
            .filter(([k, v]) => !/[,=]/.test(k) && !/[,=]/.test(v))
            .map(([k, v]) => `${k}=${v}`)
            .join(",");
        return new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: {
                    name: n.appName,
                    namespace: deployment.metadata.namespace,
                    labels: n.labels,
                    annotations: {
                        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                        "service.beta.kubernetes.io/aws-load-balancer-scheme": args.scheme ?? LoadBalancerScheme.InternetFacing,
                        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": "HTTP",
                        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": n.healthCheckPath,
                        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-port": "traffic-port",
                        ...(extraTags ? { "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": extraTags } : {}),
                    },
                },
                spec: {
                    type: "LoadBalancer",
                    loadBalancerClass: "service.k8s.aws/nlb",
                    selector: n.selector,
                    ports: [{ name: "http", port: n.servicePort, targetPort: "http", protocol: "TCP" }],
                },
            },
            this.k8sOpts(),
        );
    }

    private createAutoscaler(name: string, n: Normalized, deployment: k8s.apps.v1.Deployment): void {
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(
            `${name}-hpa`,
            {
                metadata: { name: n.appName, namespace: deployment.metadata.namespace, labels: n.labels },
                spec: {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
                    minReplicas: n.minSize,
                    maxReplicas: n.maxSize,
                    metrics: [
                        {
                            type: "Resource",
                            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: n.targetCpuUtilization } },
                        },
                    ],
                    behavior: {
                        scaleUp: { ...HPA_BEHAVIOR.scaleUp, policies: HPA_BEHAVIOR.scaleUp.policies.map((p) => ({ ...p })) },
                        scaleDown: { ...HPA_BEHAVIOR.scaleDown, policies: HPA_BEHAVIOR.scaleDown.policies.map((p) => ({ ...p })) },
                    },
                },
            },
            this.k8sOpts(),
        );
    }

    /** maxUnavailable 1: Fargate patches pods by eviction, and a budget allowing none would stall that forever. */
    private createDisruptionBudget(name: string, n: Normalized, deployment: k8s.apps.v1.Deployment): void {
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pdb`,
            {
                metadata: { name: n.appName, namespace: deployment.metadata.namespace, labels: n.labels },
                spec: { maxUnavailable: 1, selector: { matchLabels: n.selector } },
            },
            this.k8sOpts(),
        );
    }

    /** The busybox loop, bounded in time and iterations, as a Job under the same restricted profile. */
    private createLoadGenerator(name: string, n: Normalized, lg: LoadGeneratorArgs, service: k8s.core.v1.Service): void {
        const duration = lg.durationSeconds ?? 300;
        const iterations = lg.maxIterations ?? 100000;
        const script = pulumi.interpolate`end=$(( $(date +%s) + ${duration} )); i=0
while [ "$(date +%s)" -lt "$end" ] && [ "$i" -lt ${iterations} ]; do
  wget -q -O- '${this.clusterUrl}${lg.path ?? "/"}' > /dev/null 2>&1
  wget -q -O- '${this.clusterUrl}${n.healthCheckPath}' > /dev/null 2>&1
  i=$((i + 1))
done
echo "load generator finished after $i iterations"`;
        new k8s.batch.v1.Job(
            `${name}-load-generator`,
            {
                metadata: {
                    name: `${n.appName}-load-generator`,
                    namespace: service.metadata.namespace,
                    labels: { ...n.labels, "app.kubernetes.io/component": "load-generator" },
                    // The run is a demo of the HPA, not part of the deployment: do not hold `pulumi up` for it.
                    annotations: { "pulumi.com/skipAwait": "true" },
                },
                spec: {
                    backoffLimit: 0,
                    activeDeadlineSeconds: duration + 60,
                    ttlSecondsAfterFinished: 600,
                    template: {
                        metadata: { labels: { "app.kubernetes.io/name": `${n.appName}-load-generator` } },
                        spec: {
                            restartPolicy: "Never",
                            automountServiceAccountToken: false,
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: RUN_AS_USER,
                                runAsGroup: RUN_AS_USER,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            containers: [
                                {
                                    name: "load-generator",
                                    image: lg.image ?? "public.ecr.aws/docker/library/busybox:1.37",
                                    command: ["/bin/sh", "-c", script],
                                    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
                                    securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
                                },
                            ],
                        },
                    },
                },
            },
            this.k8sOpts([service]),
        );
    }
}

/** Wrong shapes of EKS's own arguments that would otherwise fail later with a TypeError (thrown before the value checks). */
function shapeProblems(args: EksFargateServiceArgs): (string | undefined)[] {
    const cluster = objectProblem("cluster", args.cluster, true);
    const c = (args.cluster ?? {}) as unknown as Record<string, unknown>;
    const loadGenerator = objectProblem("loadGenerator", args.loadGenerator);
    return [
        cluster,
        ...(cluster
            ? []
            : [
                  ...(["clusterName", "oidcProviderArn", "oidcProviderUrl", "kubeconfig", "podExecutionRoleArn"] as const).map((k) =>
                      stringProblem(`cluster.${k}`, c[k], true),
                  ),
                  listProblem("cluster.privateSubnetIds", c.privateSubnetIds, true),
              ]),
        stringProblem("namespace", args.namespace, true),
        stringProblem("appName", args.appName),
        stringProblem("serviceAccountName", args.serviceAccountName),
        enumProblem("scheme", args.scheme, LOAD_BALANCER_SCHEMES),
        booleanProblem("podDisruptionBudget", args.podDisruptionBudget),
        booleanProblem("observability", args.observability),
        loadGenerator,
        ...(loadGenerator || args.loadGenerator === undefined
            ? []
            : [pathProblem("loadGenerator.path", args.loadGenerator.path), stringProblem("loadGenerator.image", args.loadGenerator.image)]),
    ];
}

/** Check every argument before any child exists; one error lists every problem. */
function validate(
    name: string,
    args: EksFargateServiceArgs,
    deprecations: ReturnType<typeof resolveServiceArgs>["deprecations"],
    resource: pulumi.Resource,
): Normalized {
    throwIfAny(COMPONENT, name, shapeProblems(args), resource);
    const quantities = eksQuantities(args?.cpu ?? 0.25, args?.memory ?? 0.5, deprecations);
    const namespace = args?.namespace;
    const appName = args?.appName ?? namespace;
    const serviceAccountName = args?.serviceAccountName ?? appName;
    const servicePort = args?.servicePort ?? 80;
    const podDisruptionBudget = args?.podDisruptionBudget ?? true;
    const observability = args?.observability === true;
    // A cast, not narrowing on `problems`: the plugin's ts-node compile (scripts/plugin-host.pack.test.ts) does not narrow it.
    const sized = quantities.problems ? undefined : (quantities as { cpu: string; memory: string });
    const size = sized && fargatePodSize("cpu", sized.cpu, "memory", sized.memory);

    const reservedNamespace =
        DNS_LABEL.test(namespace) && (namespace === "default" || namespace.startsWith("kube-"))
            ? `\`namespace\` must be the service's own namespace, not "${namespace}" (Pod Security labels and a Fargate profile are applied to it).`
            : undefined;

    const service = normalizeService("eks", COMPONENT, name, args, deprecations, resource, [
        dnsLabel("namespace", namespace),
        reservedNamespace,
        dnsLabel("appName", appName),
        serviceAccountName.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(serviceAccountName)
            ? `\`serviceAccountName\` must be a DNS-1123 subdomain (got "${serviceAccountName}").`
            : undefined,
        intRange("servicePort", servicePort, 1, 65535),
        ...(quantities.problems ?? []),
        typeof size === "string" ? size : undefined,
        args.loadGenerator && appName.length > 48
            ? `\`appName\` must be at most 48 characters when \`loadGenerator\` is set, so the Job "<appName>-load-generator" is a valid name (got ${appName.length}).`
            : undefined,
        args.loadGenerator ? intRange("loadGenerator.durationSeconds", args.loadGenerator.durationSeconds ?? 300, 10, 3600) : undefined,
        args.loadGenerator ? intRange("loadGenerator.maxIterations", args.loadGenerator.maxIterations ?? 100000, 1, 10_000_000) : undefined,
        urlPathProblem("health.path", args.health?.path),
        urlPathProblem("health.readinessPath", args.health?.readinessPath),
        urlPathProblem("loadGenerator.path", args.loadGenerator?.path),
        Object.keys(args.databases ?? {}).length > 0 && (args.cluster.vpcId === undefined || args.cluster.podSecurityGroupId === undefined)
            ? "`databases` needs `cluster.vpcId` and `cluster.podSecurityGroupId` (EksFargateCluster's outputs of those names) to give the pods a security group of their own."
            : undefined,
        ...(observability && sized ? collectorShareProblems(sized) : []),
    ]);

    const selector = { "app.kubernetes.io/name": appName, "app.kubernetes.io/instance": name };
    const { cpu, memory } = quantities as { cpu: string; memory: string };
    const app = observability ? appShare(cpu, memory) : { cpu, memory };
    return {
        service,
        namespace,
        appName,
        serviceAccountName,
        port: service.port,
        servicePort,
        cpu,
        memory,
        appCpu: app.cpu,
        appMemory: app.memory,
        observability,
        size: size as FargatePodSize,
        minSize: service.scaling.min,
        maxSize: service.scaling.max,
        targetCpuUtilization: service.scaling.target!.value,
        // With tracing, the collector exports as the pod's IRSA role: the caller's statements plus X-Ray's one action.
        statements: observability ? [...service.policyStatements, XRAY_PUT_SEGMENTS_STATEMENT] : service.policyStatements,
        healthCheckPath: service.health.path,
        readinessCheckPath: service.health.readinessPath,
        podDisruptionBudget,
        selector,
        labels: { ...selector, "app.kubernetes.io/managed-by": "pulumi" },
        tags: { ...(args.tags ?? {}) },
    };
}

/** The app container's requests once the collector's share is taken out of the pod's `cpu`/`memory` (already checked to leave some). */
function appShare(cpu: string, memory: string): { cpu: string; memory: string } {
    const milli = Math.round(parseCpu(cpu)! * 1000) - COLLECTOR_SHARE.milliCpu;
    const mib = Math.round(parseMemoryMiB(memory)!) - COLLECTOR_SHARE.memoryMiB;
    return { cpu: `${milli}m`, memory: `${mib}Mi` };
}

/** `cpu`/`memory` too small to leave the app anything after the collector's share. */
function collectorShareProblems(sized: { cpu: string; memory: string }): string[] {
    const cores = parseCpu(sized.cpu);
    const mib = parseMemoryMiB(sized.memory);
    return [
        cores !== undefined && cores * 1000 <= COLLECTOR_SHARE.milliCpu * 2
            ? `\`cpu\` must be more than ${(COLLECTOR_SHARE.milliCpu * 2) / 1000} vCPU with \`observability\`: the collector takes ${COLLECTOR_SHARE.milliCpu / 1000} vCPU of it (got "${sized.cpu}").`
            : undefined,
        mib !== undefined && mib <= COLLECTOR_SHARE.memoryMiB * 2
            ? `\`memory\` must be more than ${(COLLECTOR_SHARE.memoryMiB * 2) / 1024} GiB with \`observability\`: the collector takes ${COLLECTOR_SHARE.memoryMiB} MiB of it (got "${sized.memory}").`
            : undefined,
    ].filter((p): p is string => p !== undefined);
}
