/**
 * One HTTP service on an EKS-on-Fargate cluster (patterns 24 + 25): its own namespace under Pod Security
 * "restricted", a Fargate profile for that namespace on private subnets, an IRSA role holding only the
 * caller's statements, a ServiceAccount bound to it, a Deployment sized to a Fargate combination, a Service
 * published through the AWS Load Balancer Controller (NLB, IP targets), an autoscaling/v2 HPA with pattern
 * 25's behaviour, a PodDisruptionBudget, and optionally pattern 25's load generator as a bounded Job.
 *
 * A local component: every child is visible to mock tests and to the offline preview.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { fargatePodSize, type FargatePodSize } from "./fargate-pod-size";
import { iamStatements, irsaTrustPolicy, policyDocument, policyStatementProblems, type PolicyStatement } from "./iam";
import { intRange, minNotAboveMax, throwIfAny } from "./limits";
import { componentType, withFormerTypes } from "./component";

const COMPONENT = "EksFargateService";

/** What a service needs from its cluster. `EksFargateCluster` satisfies it; tests may pass their own. */
export interface FargateClusterRef {
    /** EKS cluster name (Fargate profiles are created on it). */
    readonly clusterName: pulumi.Input<string>;
    /** ARN of the cluster's IAM OIDC provider (IRSA trust principal). */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** Issuer URL of that provider (`https://oidc.eks…`); its host/path prefixes the trust condition keys. */
    readonly oidcProviderUrl: pulumi.Input<string>;
    /** Kubernetes provider for the cluster; every Kubernetes child uses it (never the ambient kubeconfig). */
    readonly provider: k8s.Provider;
    /** Private subnets Fargate pods run in (no public IPs). */
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Role Fargate uses to pull images and write logs for the pods of a profile. */
    readonly podExecutionRoleArn: pulumi.Input<string>;
    /** Cluster add-ons the Service must wait for (the Load Balancer Controller's webhook must be serving). */
    readonly addons?: pulumi.Resource[];
}

/** Pattern 25's HPA behaviour, fixed so every service scales the same way. */
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

export interface LoadGeneratorArgs {
    /** Seconds the loop runs before it stops by itself. @default 300 */
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

export interface EksFargateServiceArgs {
    /** The cluster to run on (an `EksFargateCluster`, or its parts). */
    readonly cluster: FargateClusterRef;
    /** Namespace created for the service; a DNS-1123 label, never `default` or `kube-*`. */
    readonly namespace: string;
    /** Name of the Deployment, Service, container and label `app.kubernetes.io/name`. @default the namespace */
    readonly appName?: string;
    /** ServiceAccount name (IRSA `sub` is `system:serviceaccount:<namespace>:<serviceAccountName>`). @default `${appName}` */
    readonly serviceAccountName?: string;
    /** Image pinned by digest (`repo@sha256:<64 hex>`), e.g. `ContainerImage.imageUri`. Tags such as `:latest` are rejected. */
    readonly image: pulumi.Input<string>;
    /** Container port the app listens on (also passed as `PORT` if `env` does not set it). @default 8080 */
    readonly port?: number;
    /** Port the load balancer listens on. @default 80 */
    readonly servicePort?: number;
    /** Plain environment variables (no secrets: use a Secret-backed source for those). @default {} */
    readonly env?: Record<string, pulumi.Input<string>>;
    /** Container CPU request = limit, a Kubernetes quantity; with `memory` it must fit a Fargate size. @default "250m" */
    readonly cpu?: string;
    /** Container memory request = limit; Fargate adds 256Mi and rounds up within the CPU's tier. @default "512Mi" */
    readonly memory?: string;
    /** Replicas at creation; afterwards the HPA owns the count (Pulumi ignores drift on it). @default 1 */
    readonly replicas?: number;
    /** HPA minimum replicas. @default 1 */
    readonly minReplicas?: number;
    /** HPA maximum replicas. @default 10 */
    readonly maxReplicas?: number;
    /** HPA target average CPU utilisation, percent of the request (1-100). @default 50 */
    readonly targetCpuUtilization?: number;
    /** The caller's IRSA statements (only these; no wildcard actions). @default [] */
    readonly policyStatements?: readonly PolicyStatement[];
    /**
     * Liveness path (kubelet restarts the container when it fails) and the NLB health check. It must not
     * depend on the database: an outage would otherwise restart every replica at once. @default "/health"
     */
    readonly healthPath?: string;
    /**
     * Readiness path: while it fails the pod leaves the Service's endpoints (and the NLB's targets) but is
     * not restarted, so it may check the database. @default `healthPath`
     */
    readonly readinessPath?: string;
    /** Create a PodDisruptionBudget (maxUnavailable 1). @default true */
    readonly podDisruptionBudget?: boolean;
    /**
     * The previous service's Fargate profile on the same cluster. EKS creates or deletes one profile at a
     * time per cluster (a second concurrent call fails with ResourceInUseException), so chain them.
     * @default undefined (first service on the cluster)
     */
    readonly previousFargateProfile?: pulumi.Resource;
    /** Load balancer scheme. @default "internet-facing" */
    readonly scheme?: "internet-facing" | "internal";
    /** Run pattern 25's bounded busybox load generator against the service. @default undefined (off) */
    readonly loadGenerator?: LoadGeneratorArgs;
    /** Tags for AWS resources (the role, the profile and — through the controller — the NLB). @default {} */
    readonly tags?: Record<string, string>;
}

interface Normalized {
    readonly namespace: string;
    readonly appName: string;
    readonly serviceAccountName: string;
    readonly port: number;
    readonly servicePort: number;
    readonly cpu: string;
    readonly memory: string;
    readonly size: FargatePodSize;
    readonly replicas: number;
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly targetCpuUtilization: number;
    readonly statements: readonly PolicyStatement[];
    readonly healthPath: string;
    readonly readinessPath: string;
    readonly podDisruptionBudget: boolean;
    readonly labels: Record<string, string>;
    readonly selector: Record<string, string>;
    readonly tags: Record<string, string>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DIGEST_PINNED = /^[^\s@]+@sha256:[a-f0-9]{64}$/;

/** Error text for an image that is not digest-pinned, or undefined when it is. */
export function imageProblem(image: string): string | undefined {
    if (DIGEST_PINNED.test(image)) return undefined;
    const lastSegment = image.split("/").pop() ?? image;
    const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":")) : undefined;
    const what = tag === ":latest" ? "the mutable tag :latest" : tag ? `the tag ${tag}` : "no tag or digest";
    return `\`image\` must be pinned by digest (repository@sha256:<64 hex>), not ${what} (got "${image}"); pass ContainerImage.imageUri.`;
}

function dnsLabel(label: string, value: string): string | undefined {
    if (value.length > 63 || !DNS_LABEL.test(value)) {
        return `\`${label}\` must be a DNS-1123 label: 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit (got "${value}").`;
    }
    return undefined;
}

/** One HTTP service on an EksFargateCluster: its own restricted namespace and Fargate profile, an IRSA role, a Deployment, a load-balanced Service, autoscaling and a disruption budget. */
export class EksFargateService extends pulumi.ComponentResource {
    /** Hostname of the NLB the Load Balancer Controller provisioned. */
    public readonly loadBalancerHostname: pulumi.Output<string>;
    /** The service's namespace. */
    public readonly namespace: pulumi.Output<string>;
    /** ARN of the IRSA role the pods assume. */
    public readonly roleArn: pulumi.Output<string>;
    /** This service's Fargate profile: pass it as the next service's `previousFargateProfile`. */
    public readonly fargateProfile: aws.eks.FargateProfile;
    /** In-cluster URL of the service (`http://<app>.<namespace>.svc.cluster.local:<servicePort>`). */
    public readonly clusterUrl: pulumi.Output<string>;
    /** The Fargate size (vCPU, GiB) each pod is billed at. */
    public readonly podSize: FargatePodSize;

    constructor(name: string, args: EksFargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("EksFargateService"), name, {}, withFormerTypes(opts, "serverless-containers:eks:EksFargateService"));
        const n = validate(name, args, this);
        const image = checkedImage(name, args.image);

        const namespace = this.createNamespace(name, args, n);
        this.fargateProfile = this.createFargateProfile(name, args, n);
        const role = this.createRole(name, args, n);
        const serviceAccount = this.createServiceAccount(name, args, n, namespace, role);
        const deployment = this.createDeployment(name, args, n, image, serviceAccount);
        const service = this.createService(name, args, n, deployment);
        this.createAutoscaler(name, args, n, deployment);
        if (n.podDisruptionBudget) this.createDisruptionBudget(name, args, n, deployment);

        this.namespace = namespace.metadata.name;
        this.roleArn = role.arn;
        this.podSize = n.size;
        this.loadBalancerHostname = service.status.loadBalancer.ingress.apply((ingress) => ingress?.[0]?.hostname ?? ingress?.[0]?.ip ?? "");
        this.clusterUrl = pulumi.interpolate`http://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${n.servicePort}`;
        if (args.loadGenerator) this.createLoadGenerator(name, args, n, args.loadGenerator, service);

        this.registerOutputs({
            loadBalancerHostname: this.loadBalancerHostname,
            namespace: this.namespace,
            roleArn: this.roleArn,
            fargateProfile: this.fargateProfile,
            clusterUrl: this.clusterUrl,
        });
    }

    private k8sOpts(args: EksFargateServiceArgs, dependsOn: pulumi.Input<pulumi.Resource>[] = []): pulumi.CustomResourceOptions {
        return { parent: this, provider: args.cluster.provider, dependsOn };
    }

    private createNamespace(name: string, args: EksFargateServiceArgs, n: Normalized): k8s.core.v1.Namespace {
        return new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: n.namespace, labels: { ...RESTRICTED_NAMESPACE_LABELS, "app.kubernetes.io/part-of": n.appName } } },
            this.k8sOpts(args),
        );
    }

    private createFargateProfile(name: string, args: EksFargateServiceArgs, n: Normalized): aws.eks.FargateProfile {
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
            { parent: this, dependsOn: args.previousFargateProfile ? [args.previousFargateProfile] : [] },
        );
    }

    private createRole(name: string, args: EksFargateServiceArgs, n: Normalized): aws.iam.Role {
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `IRSA role for ${n.namespace}/${n.serviceAccountName}`,
                assumeRolePolicy: irsaTrustPolicy(args.cluster.oidcProviderArn, args.cluster.oidcProviderUrl, n.namespace, n.serviceAccountName),
                tags: n.tags,
            },
            { parent: this },
        );
        if (n.statements.length > 0) {
            new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy: policyDocument(iamStatements(n.statements)) }, { parent: this });
        }
        return role;
    }

    private createServiceAccount(
        name: string,
        args: EksFargateServiceArgs,
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
            this.k8sOpts(args),
        );
    }

    private createDeployment(
        name: string,
        args: EksFargateServiceArgs,
        n: Normalized,
        image: pulumi.Output<string>,
        serviceAccount: k8s.core.v1.ServiceAccount,
    ): k8s.apps.v1.Deployment {
        const env = { PORT: String(n.port), ...(args.env ?? {}) };
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
                    replicas: n.replicas,
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
                                        requests: { cpu: n.cpu, memory: n.memory },
                                        limits: { cpu: n.cpu, memory: n.memory },
                                    },
                                    // Liveness never touches the database, readiness may: a database outage takes pods
                                    // out of the load balancer at most, never makes the kubelet restart every replica.
                                    readinessProbe: probe(n.readinessPath, 5, 5),
                                    livenessProbe: probe(n.healthPath, 20, 15),
                                    securityContext: {
                                        allowPrivilegeEscalation: false,
                                        privileged: false,
                                        readOnlyRootFilesystem: true,
                                        runAsNonRoot: true,
                                        runAsUser: RUN_AS_USER,
                                        capabilities: { drop: ["ALL"] },
                                        seccompProfile: { type: "RuntimeDefault" },
                                    },
                                    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                                },
                            ],
                            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
                        },
                    },
                },
            },
            {
                ...this.k8sOpts(args, [this.fargateProfile]),
                // Pods created before their namespace's profile exists are never scheduled by Fargate (dependsOn
                // above); after creation the HPA owns the replica count, so a later `up` must not reset it.
                ignoreChanges: ["spec.replicas"],
            },
        );
    }

    /**
     * An NLB with IP targets, chosen over an ALB Ingress: one object, L4 pass-through (the app serves plain
     * HTTP on one path set), and IP targets are the only kind Fargate supports (there is no node to target).
     * `loadBalancerClass` hands the Service to the controller even if its mutating webhook was not ready.
     */
    private createService(name: string, args: EksFargateServiceArgs, n: Normalized, deployment: k8s.apps.v1.Deployment): k8s.core.v1.Service {
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
                        "service.beta.kubernetes.io/aws-load-balancer-scheme": args.scheme ?? "internet-facing",
                        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": "HTTP",
                        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": n.healthPath,
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
            this.k8sOpts(args, args.cluster.addons ?? []),
        );
    }

    private createAutoscaler(name: string, args: EksFargateServiceArgs, n: Normalized, deployment: k8s.apps.v1.Deployment): void {
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(
            `${name}-hpa`,
            {
                metadata: { name: n.appName, namespace: deployment.metadata.namespace, labels: n.labels },
                spec: {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
                    minReplicas: n.minReplicas,
                    maxReplicas: n.maxReplicas,
                    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: n.targetCpuUtilization } } }],
                    behavior: {
                        scaleUp: { ...HPA_BEHAVIOR.scaleUp, policies: HPA_BEHAVIOR.scaleUp.policies.map((p) => ({ ...p })) },
                        scaleDown: { ...HPA_BEHAVIOR.scaleDown, policies: HPA_BEHAVIOR.scaleDown.policies.map((p) => ({ ...p })) },
                    },
                },
            },
            this.k8sOpts(args),
        );
    }

    /** maxUnavailable 1: Fargate patches pods by eviction, and a budget allowing none would stall that forever. */
    private createDisruptionBudget(name: string, args: EksFargateServiceArgs, n: Normalized, deployment: k8s.apps.v1.Deployment): void {
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pdb`,
            {
                metadata: { name: n.appName, namespace: deployment.metadata.namespace, labels: n.labels },
                spec: { maxUnavailable: 1, selector: { matchLabels: n.selector } },
            },
            this.k8sOpts(args),
        );
    }

    /** Pattern 25's busybox loop, bounded in time and iterations, as a Job under the same restricted profile. */
    private createLoadGenerator(name: string, args: EksFargateServiceArgs, n: Normalized, lg: LoadGeneratorArgs, service: k8s.core.v1.Service): void {
        const duration = lg.durationSeconds ?? 300;
        const iterations = lg.maxIterations ?? 100000;
        const script = pulumi.interpolate`end=$(( $(date +%s) + ${duration} )); i=0
while [ "$(date +%s)" -lt "$end" ] && [ "$i" -lt ${iterations} ]; do
  wget -q -O- ${this.clusterUrl}/products > /dev/null 2>&1
  wget -q -O- ${this.clusterUrl}${n.healthPath} > /dev/null 2>&1
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
                            securityContext: { runAsNonRoot: true, runAsUser: RUN_AS_USER, runAsGroup: RUN_AS_USER, seccompProfile: { type: "RuntimeDefault" } },
                            containers: [
                                {
                                    name: "load-generator",
                                    image: lg.image ?? "public.ecr.aws/docker/library/busybox:1.37",
                                    command: ["/bin/sh", "-c", script],
                                    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
                                    securityContext: {
                                        allowPrivilegeEscalation: false,
                                        privileged: false,
                                        readOnlyRootFilesystem: true,
                                        runAsNonRoot: true,
                                        runAsUser: RUN_AS_USER,
                                        capabilities: { drop: ["ALL"] },
                                        seccompProfile: { type: "RuntimeDefault" },
                                    },
                                },
                            ],
                        },
                    },
                },
            },
            this.k8sOpts(args, [service]),
        );
    }
}

/** Check every argument before any child exists; one error lists every problem. */
function validate(name: string, args: EksFargateServiceArgs, resource: pulumi.Resource): Normalized {
    const namespace = args.namespace;
    const appName = args.appName ?? namespace;
    const serviceAccountName = args.serviceAccountName ?? appName;
    const port = args.port ?? 8080;
    const servicePort = args.servicePort ?? 80;
    const cpu = args.cpu ?? "250m";
    const memory = args.memory ?? "512Mi";
    const replicas = args.replicas ?? 1;
    const minReplicas = args.minReplicas ?? 1;
    const maxReplicas = args.maxReplicas ?? 10;
    const targetCpuUtilization = args.targetCpuUtilization ?? 50;
    const statements = args.policyStatements ?? [];
    const healthPath = args.healthPath ?? "/health";
    const readinessPath = args.readinessPath ?? healthPath;
    const podDisruptionBudget = args.podDisruptionBudget ?? true;
    const size = fargatePodSize("cpu", cpu, "memory", memory);

    const reservedNamespace =
        DNS_LABEL.test(namespace) && (namespace === "default" || namespace.startsWith("kube-"))
            ? `\`namespace\` must be the service's own namespace, not "${namespace}" (Pod Security labels and a Fargate profile are applied to it).`
            : undefined;
    const replicasProblem =
        replicas === 0 && podDisruptionBudget
            ? "`replicas` must be at least 1 while `podDisruptionBudget` is on (got 0): a budget over zero pods blocks nothing and hides a stopped service; set replicas ≥ 1 or podDisruptionBudget: false."
            : intRange("replicas", replicas, 1, 1000);
    const envProblems = Object.keys(args.env ?? {})
        .filter((k) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        .map((k) => `\`env\` key "${k}" must be a valid variable name (letters, digits, _; not starting with a digit).`);

    throwIfAny(COMPONENT, name, [
        dnsLabel("namespace", namespace),
        reservedNamespace,
        dnsLabel("appName", appName),
        serviceAccountName.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(serviceAccountName)
            ? `\`serviceAccountName\` must be a DNS-1123 subdomain (got "${serviceAccountName}").`
            : undefined,
        intRange("port", port, 1, 65535),
        intRange("servicePort", servicePort, 1, 65535),
        typeof size === "string" ? size : undefined,
        replicasProblem,
        intRange("minReplicas", minReplicas, 1, 1000),
        intRange("maxReplicas", maxReplicas, 1, 1000),
        minNotAboveMax("minReplicas", minReplicas, "maxReplicas", maxReplicas),
        replicas > maxReplicas ? `\`replicas\` (${replicas}) must not be greater than \`maxReplicas\` (${maxReplicas}); the HPA would scale it straight back down.` : undefined,
        intRange("targetCpuUtilization", targetCpuUtilization, 1, 100),
        healthPath.startsWith("/") ? undefined : `\`healthPath\` must start with "/" (got "${healthPath}").`,
        args.readinessPath === undefined || args.readinessPath.startsWith("/") ? undefined : `\`readinessPath\` must start with "/" (got "${readinessPath}").`,
        args.loadGenerator && appName.length > 48
            ? `\`appName\` must be at most 48 characters when \`loadGenerator\` is set, so the Job "<appName>-load-generator" is a valid name (got ${appName.length}).`
            : undefined,
        args.loadGenerator ? intRange("loadGenerator.durationSeconds", args.loadGenerator.durationSeconds ?? 300, 10, 3600) : undefined,
        typeof args.image === "string" ? imageProblem(args.image) : undefined,
        ...envProblems,
        ...policyStatementProblems("policyStatements", args.policyStatements),
    ], resource);

    const selector = { "app.kubernetes.io/name": appName, "app.kubernetes.io/instance": name };
    return {
        namespace,
        appName,
        serviceAccountName,
        port,
        servicePort,
        cpu,
        memory,
        size: size as FargatePodSize,
        replicas,
        minReplicas,
        maxReplicas,
        targetCpuUtilization,
        statements,
        healthPath,
        readinessPath,
        podDisruptionBudget,
        selector,
        labels: { ...selector, "app.kubernetes.io/managed-by": "pulumi" },
        tags: { ...(args.tags ?? {}) },
    };
}

/** The image as an output that fails the deployment, naming the component, when it is not digest-pinned. */
function checkedImage(name: string, image: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(image).apply((value) => {
        const problem = imageProblem(value);
        if (problem) throw new Error(`${COMPONENT} "${name}": ${problem}`);
        return value;
    });
}
