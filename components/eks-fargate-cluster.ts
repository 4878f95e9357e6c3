/**
 * An EKS cluster whose pods all run on Fargate: the `@pulumi/eks` Cluster (a remote
 * component — we test the args we pass it and what we add around it) with a kube-system Fargate profile
 * on private subnets, an IAM OIDC provider for IRSA, all five control-plane log types, envelope
 * encryption of Secrets with a KMS key we own, API authentication mode; then CoreDNS on Fargate,
 * metrics-server (for the HPA) and the AWS Load Balancer Controller, each configured for
 * Fargate's quirks (no DaemonSets, kubelet port 10250 taken, no instance metadata).
 *
 * Who reaches the API and who may use it: the private endpoint admits a runner security group the
 * component creates (and optional connected-network CIDRs) on 443; the deploy, preview and break-glass
 * roles get EKS access entries with AWS managed access policies (see eks-access.ts).
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    accessPolicyArn,
    callerAccessProblem,
    duplicateRoleProblem,
    EKS_ACCESS_POLICIES,
    privateCidrProblem,
    publicCidrProblem,
    roleArnProblem,
    withoutCreatorAdmin,
    withTags,
} from "./eks-access";
import { irsaTrustPolicy, policyDocument } from "./iam";
import { loadBalancerControllerStatements } from "./lb-controller-policy";

// The controller's IAM policy moved to ./lb-controller-policy.ts; the name stays importable from here.
export { loadBalancerControllerStatements } from "./lb-controller-policy";
import { throwIfAny } from "./limits";
import { booleanProblem, listProblem, objectProblem, stringProblem } from "./service/shapes";
import { egressRule, ingressRule } from "./service/network";
import { componentType, withFormerTypes } from "./component";
import { checkArguments } from "./arguments";
import { arn, awsManagedPolicyArn, callerOf } from "./arn";
import { kubernetesVersionProblem, kubernetesVersionWarning } from "./eks-versions";

const COMPONENT = "EksFargateCluster";

/** All control-plane log types EKS can ship to CloudWatch Logs. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** Helm charts, pinned: an unpinned chart changes the cluster on any `up`. */
export const METRICS_SERVER_CHART = {
    chart: "metrics-server",
    version: "3.12.2",
    repo: "https://kubernetes-sigs.github.io/metrics-server/",
} as const;
export const LB_CONTROLLER_CHART = {
    chart: "aws-load-balancer-controller",
    version: "1.13.0",
    repo: "https://aws.github.io/eks-charts",
} as const;

/** ServiceAccount the Load Balancer Controller runs as (its IRSA `sub`). */
export const LB_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";

/**
 * metrics-server's port. On Fargate the pod shares its micro-VM with the kubelet, which already listens
 * on 10250 (metrics-server's default), so the pod never becomes ready there.
 */
export const METRICS_SERVER_PORT = 10251;

/** Where the cluster runs: the `ServiceVpc` shape of the services, plus public subnets for internet-facing load balancers. */
export interface ClusterVpc {
    /** VPC the cluster runs in (the Load Balancer Controller is told it: Fargate has no instance metadata). */
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets: control-plane ENIs and every Fargate pod (Fargate accepts private subnets only). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Public subnets, for internet-facing load balancers. @default none (internal load balancers only) */
    readonly publicSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface EksFargateClusterArgs {
    /** The VPC: private subnets for the control plane and the pods, public ones for internet-facing load balancers. */
    readonly vpc: ClusterVpc;
    /** Kubernetes minor version, e.g. "1.35": one EKS offers today, in standard or (paid) extended support (the table in eks-versions.ts). */
    readonly kubernetesVersion: string;
    /** Expose the API endpoint publicly (the private endpoint is always on). Keep false in prod. @default false */
    readonly endpointPublicAccess?: boolean;
    /**
     * CIDRs allowed to reach a public endpoint: public addresses only (EKS refuses reserved ranges).
     * @default ["0.0.0.0/0"] when public, unused otherwise
     */
    readonly publicAccessCidrs?: string[];
    /**
     * Networks connected to the VPC (a peered or transit-gateway VPC with CI runners, a VPN) admitted to
     * the private endpoint on 443. Runners inside the VPC use `apiClientSecurityGroupId` instead. @default none
     */
    readonly apiAccessCidrs?: string[];
    /**
     * IAM role that runs `pulumi up`: an access entry with AmazonEKSClusterAdminPolicy, and the cluster
     * creator's implicit admin entry switched off. Unset: the creator stays the only admin. @default none
     */
    readonly deployRoleArn?: string;
    /** IAM role `pulumi preview` runs as: an access entry with AmazonEKSViewPolicy (read-only). @default none */
    readonly previewRoleArn?: string;
    /** IAM role for emergencies (humans, MFA-guarded): an access entry with AmazonEKSClusterAdminPolicy. @default none */
    readonly breakGlassRoleArn?: string;
    /** Days KMS waits before deleting the secrets key after the cluster is destroyed (7-30). @default 30 */
    readonly kmsDeletionWindowDays?: number;
    /** Tags for every AWS resource (the controller also puts them on the load balancers it creates). @default {} */
    readonly tags?: Record<string, string>;
}

/** The Kubernetes provider of each cluster (kept off the class fields: see `provider`). */
const providers = new WeakMap<EksFargateCluster, k8s.Provider>();

/** An EKS cluster whose pods all run on Fargate, with IRSA, control-plane logs, KMS envelope encryption, CoreDNS, metrics-server and the AWS Load Balancer Controller, and API access limited to named roles and networks. */
export class EksFargateCluster extends pulumi.ComponentResource {
    /** Kubeconfig JSON (secret: it names the cluster endpoint and how to get credentials). */
    public readonly kubeconfig: pulumi.Output<string>;
    /**
     * Kubernetes provider for this cluster, for TypeScript programs deploying more into it. A getter rather than
     * an output: Pulumi's schema analyzer would publish a provider field as `…/schema.json#/resources/kubernetes`,
     * while a resource reference names a full resource token such as `aws:lambda/function:Function`
     * (https://www.pulumi.com/docs/iac/guides/building-extending/packages/schema/); other languages build a
     * provider from `kubeconfig`.
     */
    public get provider(): k8s.Provider {
        return providers.get(this)!;
    }
    /** ARN of the cluster's IAM OIDC provider (the IRSA trust principal). */
    public readonly oidcProviderArn: pulumi.Output<string>;
    /** Issuer URL of the OIDC provider (`https://oidc.eks…`). */
    public readonly oidcProviderUrl: pulumi.Output<string>;
    /** EKS cluster name. */
    public readonly clusterName: pulumi.Output<string>;
    /**
     * The control-plane security group that the pulumi-eks component creates for the cluster. Not the group Fargate pods get:
     * that is `podSecurityGroupId`.
     */
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    /**
     * The security group EKS itself created for the cluster (`vpcConfig.clusterSecurityGroupId`), which every
     * Fargate pod gets by default
     * (https://repost.aws/knowledge-center/eks-configure-fargate-pod-security-group). A service with `databases`
     * keeps it on its pods next to their own group.
     */
    public readonly podSecurityGroupId: pulumi.Output<string>;
    /** The cluster's VPC. */
    public readonly vpcId: pulumi.Output<string>;
    /** Security group whose members may reach the private API endpoint on 443: attach it to in-VPC CI runners. */
    public readonly apiClientSecurityGroupId: pulumi.Output<string>;
    /** Role Fargate uses for pods of every profile on this cluster (services reuse it). */
    public readonly podExecutionRoleArn: pulumi.Output<string>;
    /** The private subnets pods run in (services' Fargate profiles use them too). */
    public readonly privateSubnetIds: pulumi.Output<string[]>;

    constructor(name: string, args: EksFargateClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("EksFargateCluster"), name, {}, withFormerTypes(opts, "serverless-containers:eks:EksFargateCluster"));
        checkArguments("EksFargateCluster", name, args, this, [
            ["aws:iam/role:Role", "-pod-execution-role"],
            ["aws:iam/role:Role", "-lb-controller-role"],
            ["aws:iam/rolePolicy:RolePolicy", "-lb-controller-policy"],
        ]);
        validate(name, args, this);
        const tags = { ...(args.tags ?? {}) };

        const key = this.createSecretsKey(name, args, tags);
        const podExecution = this.createPodExecutionRole(name, tags);
        const cluster = this.createCluster(name, args, tags, key, podExecution);
        this.clusterName = cluster.core.apply((core) => core.cluster.name);
        this.oidcProviderArn = cluster.oidcProviderArn;
        this.oidcProviderUrl = cluster.oidcProviderUrl;
        this.apiClientSecurityGroupId = this.createApiAccess(name, args, tags, cluster);
        const deployAccess = this.createAccessEntries(name, args, tags);
        this.warnIfCallerLacksAccess(args);
        // Everything the provider deploys waits until the deploy role may use the cluster (entries are
        // eventually consistent: "may take several seconds", creating-access-entries.html; the CoreDNS
        // add-on the releases also wait for takes minutes, which covers it).
        providers.set(
            this,
            new k8s.Provider(
                `${name}-k8s`,
                { kubeconfig: cluster.kubeconfigJson, enableServerSideApply: true },
                { parent: this, dependsOn: deployAccess ? [deployAccess] : [] },
            ),
        );
        const coredns = this.createCoreDns(name, tags, cluster);
        // A service waits for these (CoreDNS, metrics-server, the LB controller's webhook) through the resource
        // option `dependsOn: [cluster]`, which covers every child of this component.
        this.createMetricsServer(name, coredns);
        this.createLoadBalancerController(name, args, tags, coredns);

        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.clusterSecurityGroupId = cluster.clusterSecurityGroupId;
        // core.cluster is a resource reference to the aws.eks.Cluster (its vpcConfig an output); output() reads both forms.
        this.podSecurityGroupId = cluster.core.apply((core) =>
            pulumi.output(core.cluster.vpcConfig).apply((vpcConfig) => vpcConfig.clusterSecurityGroupId),
        );
        this.vpcId = pulumi.output(args.vpc.vpcId);
        this.podExecutionRoleArn = podExecution.role.arn;
        this.privateSubnetIds = pulumi.output(args.vpc.subnetIds);
        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProviderArn,
            oidcProviderUrl: this.oidcProviderUrl,
            clusterName: this.clusterName,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            podSecurityGroupId: this.podSecurityGroupId,
            vpcId: this.vpcId,
            apiClientSecurityGroupId: this.apiClientSecurityGroupId,
            podExecutionRoleArn: this.podExecutionRoleArn,
            privateSubnetIds: this.privateSubnetIds,
        });
    }

    /**
     * Network path to the private endpoint. "You must ensure that your Amazon EKS control plane security
     * group contains rules to allow ingress traffic on port 443 from your connected network" (EKS user
     * guide, https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html#private-access). The
     * rules go on the group `@pulumi/eks` creates and EKS attaches to the control-plane network interfaces
     * ("Amazon EKS also associates the security groups that you specify to the network interfaces that it
     * creates for your cluster", sec-group-reqs.html) — not on the EKS-made group the Fargate pods share.
     */
    private createApiAccess(
        name: string,
        args: EksFargateClusterArgs,
        tags: Record<string, string>,
        cluster: eks.Cluster,
    ): pulumi.Output<string> {
        const clients = new aws.ec2.SecurityGroup(
            `${name}-api-clients-sg`,
            { vpcId: args.vpc.vpcId, description: `Kubernetes API clients of ${name} (CI runners in the VPC): 443 to the API only`, tags },
            { parent: this },
        );
        ingressRule(
            `${name}-api-from-clients`,
            cluster.clusterSecurityGroupId,
            { port: 443, sourceSecurityGroupId: clients.id, description: "Kubernetes API clients" },
            tags,
            this,
        );
        egressRule(
            `${name}-api-clients-to-api`,
            clients.id,
            { port: 443, securityGroupId: cluster.clusterSecurityGroupId, description: "Kubernetes API" },
            tags,
            this,
        );
        for (const cidr of args.apiAccessCidrs ?? []) {
            ingressRule(
                `${name}-api-from-${cidr.replace(/[./]/g, "-")}`,
                cluster.clusterSecurityGroupId,
                { port: 443, cidrIpv4: cidr, description: "Kubernetes API from a connected network" },
                tags,
                this,
            );
        }
        return clients.id;
    }

    /** Say before the Kubernetes calls fail when the credentials in use have no access entry (see callerAccessProblem). */
    private warnIfCallerLacksAccess(args: EksFargateClusterArgs): void {
        if (!args.deployRoleArn) return;
        aws.getCallerIdentityOutput({}, { parent: this }).arn.apply((callerArn) => {
            const problem = callerAccessProblem(callerArn, args, pulumi.runtime.isDryRun());
            if (problem) void pulumi.log.warn(`${COMPONENT}: ${problem}`, this);
        });
    }

    /**
     * EKS access entries (API authentication mode) with AWS managed access policies, cluster-wide. Returns
     * the deploy role's policy association, which the Kubernetes provider waits for.
     */
    private createAccessEntries(
        name: string,
        args: EksFargateClusterArgs,
        tags: Record<string, string>,
    ): aws.eks.AccessPolicyAssociation | undefined {
        const partition = callerOf(this).partition;
        const grant = (who: string, principalArn: string | undefined, policy: "clusterAdmin" | "view") => {
            if (!principalArn) return undefined;
            const entry = new aws.eks.AccessEntry(
                `${name}-${who}-access`,
                { clusterName: this.clusterName, principalArn, type: "STANDARD", tags },
                { parent: this },
            );
            return new aws.eks.AccessPolicyAssociation(
                `${name}-${who}-${policy === "view" ? "view" : "admin"}`,
                {
                    clusterName: this.clusterName,
                    principalArn: entry.principalArn,
                    policyArn: accessPolicyArn(partition, EKS_ACCESS_POLICIES[policy]),
                    accessScope: { type: "cluster" },
                },
                { parent: this, dependsOn: [entry] },
            );
        };
        const deploy = grant("deploy", args.deployRoleArn, "clusterAdmin");
        grant("preview", args.previewRoleArn, "view");
        grant("break-glass", args.breakGlassRoleArn, "clusterAdmin");
        return deploy;
    }

    /** Envelope encryption of Kubernetes Secrets: a customer key we own, rotated yearly by KMS. */
    private createSecretsKey(name: string, args: EksFargateClusterArgs, tags: Record<string, string>): aws.kms.Key {
        const key = new aws.kms.Key(
            `${name}-secrets-key`,
            {
                description: `EKS Secrets envelope encryption for ${name}`,
                enableKeyRotation: true,
                deletionWindowInDays: args.kmsDeletionWindowDays ?? 30,
                tags,
            },
            { parent: this },
        );
        // Alias names are unique per account and region: a prefix lets the provider add a unique suffix, so two
        // stacks (or two clusters) in one account never collide.
        new aws.kms.Alias(
            `${name}-secrets-key-alias`,
            { namePrefix: `alias/${name}-eks-secrets-`, targetKeyId: key.keyId },
            { parent: this },
        );
        return key;
    }

    /**
     * Our own pod execution role rather than the one `eks.Cluster` would make inside the remote component:
     * services' Fargate profiles need its ARN, and a remote component's children are invisible to us.
     * In API authentication mode EKS adds the FARGATE_LINUX access entry for it when a profile is created.
     */
    private createPodExecutionRole(
        name: string,
        tags: Record<string, string>,
    ): { role: aws.iam.Role; policy: aws.iam.RolePolicyAttachment } {
        const role = new aws.iam.Role(
            `${name}-pod-execution-role`,
            {
                description: `Fargate pod execution role for ${name}`,
                assumeRolePolicy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "eks-fargate-pods.amazonaws.com" },
                            Action: "sts:AssumeRole",
                            // Confused-deputy guard. Profiles of this account and region only: the cluster's name
                            // is not known until the cluster (which needs this role) exists.
                            Condition: {
                                ArnLike: {
                                    "aws:SourceArn": arn(this, { service: "eks", resource: "fargateprofile/*" }),
                                },
                            },
                        },
                    ],
                }),
                tags,
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicyAttachment(
            `${name}-pod-execution-policy`,
            { role: role.name, policyArn: awsManagedPolicyArn(this, "AmazonEKSFargatePodExecutionRolePolicy") },
            { parent: this },
        );
        return { role, policy };
    }

    private createCluster(
        name: string,
        args: EksFargateClusterArgs,
        tags: Record<string, string>,
        key: aws.kms.Key,
        podExecution: { role: aws.iam.Role; policy: aws.iam.RolePolicyAttachment },
    ): eks.Cluster {
        const endpointPublicAccess = args.endpointPublicAccess ?? false;
        return new eks.Cluster(
            `${name}-cluster`,
            {
                vpcId: args.vpc.vpcId,
                privateSubnetIds: args.vpc.subnetIds,
                publicSubnetIds: args.vpc.publicSubnetIds,
                version: args.kubernetesVersion,
                authenticationMode: eks.AuthenticationMode.Api,
                endpointPrivateAccess: true,
                endpointPublicAccess,
                publicAccessCidrs: endpointPublicAccess ? (args.publicAccessCidrs ?? ["0.0.0.0/0"]) : undefined,
                enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
                encryptionConfigKeyArn: key.arn,
                createOidcProvider: true,
                skipDefaultNodeGroup: true,
                // kube-system on Fargate so CoreDNS, metrics-server and the LB controller have somewhere to run.
                fargate: {
                    podExecutionRoleArn: podExecution.role.arn,
                    subnetIds: args.vpc.subnetIds,
                    selectors: [{ namespace: "kube-system" }],
                },
                // CoreDNS is our own aws.eks.Addon (below), so there is one owner and tests can see it.
                corednsAddonOptions: { enabled: false },
                // Fargate runs kube-proxy inside every pod's micro-VM; the add-on's DaemonSet would never schedule.
                kubeProxyAddonOptions: { enabled: false },
                tags,
            },
            // The kube-system profile's first pods pull images with this role: its policy must be attached.
            {
                parent: this,
                dependsOn: [podExecution.role, podExecution.policy],
                // Tags for the children the component leaves untagged; with an explicit deploy-role entry, no
                // implicit one for the creator (see withoutCreatorAdmin).
                transforms: [withTags(tags), ...(args.deployRoleArn ? [withoutCreatorAdmin] : [])],
            },
        );
    }

    /**
     * CoreDNS as an EKS add-on with `computeType: Fargate` (drops the `compute-type: ec2` annotation that
     * would leave it Pending), created after the cluster — and so after its kube-system profile. Chosen over
     * `corednsAddonOptions` because that add-on lives inside the remote component, where neither the
     * ordering nor the configuration is visible to review or tests.
     */
    private createCoreDns(name: string, tags: Record<string, string>, cluster: eks.Cluster): aws.eks.Addon {
        return new aws.eks.Addon(
            `${name}-coredns`,
            {
                clusterName: this.clusterName,
                addonName: "coredns",
                configurationValues: JSON.stringify({ computeType: "Fargate" }),
                // EKS bootstraps a self-managed CoreDNS; take it over instead of failing on the conflict.
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags,
            },
            { parent: this, dependsOn: [cluster] },
        );
    }

    /** metrics-server for the HPA, on port 10251 and skipping kubelet TLS verification (see below). */
    private createMetricsServer(name: string, coredns: aws.eks.Addon): k8s.helm.v3.Release {
        return new k8s.helm.v3.Release(
            `${name}-metrics-server`,
            {
                chart: METRICS_SERVER_CHART.chart,
                version: METRICS_SERVER_CHART.version,
                repositoryOpts: { repo: METRICS_SERVER_CHART.repo },
                namespace: "kube-system",
                values: {
                    containerPort: METRICS_SERVER_PORT,
                    // Fargate's kubelet serves a certificate metrics-server cannot verify against the cluster CA;
                    // the scrape stays inside the VPC. Remove once the kubelet certificate is CA-signed.
                    args: ["--kubelet-insecure-tls"],
                    resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { cpu: "100m", memory: "200Mi" } },
                },
                atomic: true,
                cleanupOnFail: true,
            },
            { parent: this, provider: this.provider, dependsOn: [coredns] },
        );
    }

    /** AWS Load Balancer Controller with an IRSA role, told its region and VPC (no instance metadata on Fargate). */
    private createLoadBalancerController(
        name: string,
        args: EksFargateClusterArgs,
        tags: Record<string, string>,
        coredns: aws.eks.Addon,
    ): k8s.helm.v3.Release {
        const { partition, region } = callerOf(this);
        const role = new aws.iam.Role(
            `${name}-lb-controller-role`,
            {
                description: `AWS Load Balancer Controller (IRSA) for ${name}`,
                assumeRolePolicy: irsaTrustPolicy(this.oidcProviderArn, this.oidcProviderUrl, "kube-system", LB_CONTROLLER_SERVICE_ACCOUNT),
                tags,
            },
            { parent: this },
        );
        // Inline (10,240-character limit) rather than managed (6,144): the controller's policy is large.
        const policy = new aws.iam.RolePolicy(
            `${name}-lb-controller-policy`,
            { role: role.name, policy: policyDocument(loadBalancerControllerStatements(partition, region, args.vpc.vpcId)) },
            { parent: this },
        );
        return new k8s.helm.v3.Release(
            `${name}-lb-controller`,
            {
                chart: LB_CONTROLLER_CHART.chart,
                version: LB_CONTROLLER_CHART.version,
                repositoryOpts: { repo: LB_CONTROLLER_CHART.repo },
                namespace: "kube-system",
                values: {
                    clusterName: this.clusterName,
                    region,
                    vpcId: args.vpc.vpcId,
                    serviceAccount: {
                        create: true,
                        name: LB_CONTROLLER_SERVICE_ACCOUNT,
                        annotations: { "eks.amazonaws.com/role-arn": role.arn },
                    },
                    // ALB-only integrations whose permissions we leave out of the policy (see below).
                    enableShield: false,
                    enableWaf: false,
                    enableWafv2: false,
                    defaultTags: tags,
                    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
                },
                atomic: true,
                cleanupOnFail: true,
            },
            { parent: this, provider: this.provider, dependsOn: [coredns, policy] },
        );
    }
}

function validate(name: string, args: EksFargateClusterArgs, resource: pulumi.Resource): void {
    throwIfAny(COMPONENT, name, shapeProblems(args), resource);
    const publicCidrsWithoutPublicEndpoint =
        args.publicAccessCidrs !== undefined && !(args.endpointPublicAccess ?? false)
            ? "`publicAccessCidrs` only applies with `endpointPublicAccess: true`; set it or drop the CIDRs."
            : undefined;
    const window = args.kmsDeletionWindowDays ?? 30;
    const roles = [
        ["deployRoleArn", args.deployRoleArn],
        ["previewRoleArn", args.previewRoleArn],
        ["breakGlassRoleArn", args.breakGlassRoleArn],
    ] as const;
    throwIfAny(
        COMPONENT,
        name,
        [
            /^1\.\d{2}$/.test(args.kubernetesVersion)
                ? kubernetesVersionProblem("kubernetesVersion", args.kubernetesVersion)
                : `\`kubernetesVersion\` must be a Kubernetes minor version such as "1.35" (got "${args.kubernetesVersion}").`,
            publicCidrsWithoutPublicEndpoint,
            ...(args.publicAccessCidrs ?? []).map((c) => publicCidrProblem("publicAccessCidrs", c)),
            ...(args.apiAccessCidrs ?? []).map((c) => privateCidrProblem("apiAccessCidrs", c)),
            ...roles.map(([label, arn]) => (arn === undefined ? undefined : roleArnProblem(label, arn))),
            duplicateRoleProblem(roles),
            Number.isInteger(window) && window >= 7 && window <= 30
                ? undefined
                : `\`kmsDeletionWindowDays\` must be an integer between 7 and 30 (got ${window}).`,
        ],
        resource,
    );
    const warning = kubernetesVersionWarning("kubernetesVersion", args.kubernetesVersion);
    // log.warn's promise only says the message reached the engine: nothing waits for it.
    if (warning) void pulumi.log.warn(`${COMPONENT} "${name}": ${warning}`, resource);
}

/** Wrong shapes that would otherwise fail later with a TypeError (thrown before the value checks). */
function shapeProblems(args: EksFargateClusterArgs): (string | undefined)[] {
    const vpc = objectProblem("vpc", args.vpc, true);
    return [
        vpc,
        ...(vpc
            ? []
            : [
                  stringProblem("vpc.vpcId", args.vpc.vpcId, true),
                  listProblem("vpc.subnetIds", args.vpc.subnetIds, true),
                  listProblem("vpc.publicSubnetIds", args.vpc.publicSubnetIds),
              ]),
        stringProblem("kubernetesVersion", args.kubernetesVersion, true),
        booleanProblem("endpointPublicAccess", args.endpointPublicAccess),
        listProblem("publicAccessCidrs", args.publicAccessCidrs),
        listProblem("apiAccessCidrs", args.apiAccessCidrs),
        stringProblem("deployRoleArn", args.deployRoleArn),
        stringProblem("previewRoleArn", args.previewRoleArn),
        stringProblem("breakGlassRoleArn", args.breakGlassRoleArn),
    ];
}
