import * as pulumi from "@pulumi/pulumi";
import type * as k8sT from "@pulumi/kubernetes";
import type * as clusterT from "./eks-fargate-cluster";
import { errorOf, promiseOf, settle, setupMocks } from "./testing/mocks";

const mocks = setupMocks();
// Each case evaluates the component under mocks: well under a second alone, many seconds on a loaded 2-core machine.
jest.setTimeout(60_000);
let k8s: typeof k8sT;
let mod: typeof clusterT;

beforeAll(async () => {
    k8s = await import("@pulumi/kubernetes");
    mod = await import("./eks-fargate-cluster");
});
beforeEach(() => mocks.reset());

const PRIVATE = ["subnet-priv0", "subnet-priv1"];
const PUBLIC = ["subnet-pub0", "subnet-pub1"];
/**
 * @pulumi/eks names its aws.eks.Cluster child `<name>-eksCluster` and passes `name: args.name` (undefined here),
 * so Pulumi auto-names the real cluster `<name>-eksCluster-<7 hex>` (pulumi-eks nodejs/eks/cluster/cluster.ts).
 */
const CLUSTER_NAME = /^eks-cluster-eksCluster-[0-9a-f]{7}$/;
const clusterName = expect.stringMatching(CLUSTER_NAME) as string;
const TAGS = { project: "serverless-containers", environment: "test" };
/** A public egress range (not reserved, so EKS accepts it for the public endpoint). */
const OFFICE = "52.94.76.0/24";
const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
const VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";

function make(overrides: Partial<clusterT.EksFargateClusterArgs> = {}): clusterT.EksFargateCluster {
    return new mod.EksFargateCluster("eks", {
        vpc: { vpcId: "vpc-0123", subnetIds: PRIVATE, publicSubnetIds: PUBLIC },
        kubernetesVersion: "1.33",
        tags: TAGS,
        ...overrides,
    });
}

const eksArgs = () => mocks.one("eks:index:Cluster").inputs;
const release = (name: string) => mocks.one("kubernetes:helm.sh/v3:Release", name);

describe("EksFargateCluster", () => {
    it("should run kube-system on Fargate in the private subnets with no node group when created", async () => {
        make();
        await settle();
        const args = eksArgs();
        expect(args.fargate).toEqual({
            podExecutionRoleArn: mocks.one("aws:iam/role:Role", "eks-pod-execution-role").state.arn,
            subnetIds: PRIVATE,
            selectors: [{ namespace: "kube-system" }],
        });
        expect(args.skipDefaultNodeGroup).toBe(true);
        expect(args.privateSubnetIds).toEqual(PRIVATE);
        expect(args.publicSubnetIds).toEqual(PUBLIC);
        expect(args.vpcId).toBe("vpc-0123");
    });

    it("should enable IRSA, all five log types, API auth and the requested version when created", async () => {
        make();
        await settle();
        const args = eksArgs();
        expect(args.createOidcProvider).toBe(true);
        expect(args.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
        expect(args.authenticationMode).toBe("API");
        expect(args.version).toBe("1.33");
        expect(args.tags).toEqual(TAGS);
    });

    it("should encrypt Secrets with a rotating KMS key it owns when created", async () => {
        make();
        await settle();
        const key = mocks.one("aws:kms/key:Key");
        expect(key.inputs.enableKeyRotation).toBe(true);
        expect(key.inputs.tags).toEqual(TAGS);
        expect(eksArgs().encryptionConfigKeyArn).toBe(key.state.arn);
    });

    it("should keep the API endpoint private when endpointPublicAccess is not set", async () => {
        make();
        await settle();
        expect(eksArgs()).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
        expect(eksArgs().publicAccessCidrs).toBeUndefined();
    });

    it("should open the public endpoint to the given CIDRs when endpointPublicAccess is true", async () => {
        make({ endpointPublicAccess: true, publicAccessCidrs: [OFFICE] });
        await settle();
        expect(eksArgs()).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: [OFFICE] });
    });

    it("should let Fargate profiles of this account and region assume the pod execution role when created", async () => {
        make();
        await settle();
        const trust = JSON.parse(mocks.one("aws:iam/role:Role", "eks-pod-execution-role").inputs.assumeRolePolicy);
        expect(trust.Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Service: "eks-fargate-pods.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { ArnLike: { "aws:SourceArn": "arn:aws:eks:us-east-1:123456789012:fargateprofile/*" } },
            },
        ]);
        expect(mocks.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn).toBe(
            "arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy",
        );
    });

    it("should run CoreDNS as a Fargate add-on created after the cluster when created", async () => {
        make();
        await settle();
        const coredns = mocks.one("aws:eks/addon:Addon");
        expect(coredns.inputs.addonName).toBe("coredns");
        expect(JSON.parse(coredns.inputs.configurationValues)).toEqual({ computeType: "Fargate" });
        expect(coredns.inputs.clusterName).toMatch(CLUSTER_NAME);
        expect(mocks.dependsOn(coredns, "eks:index:Cluster", "eks-cluster")).toBe(true);
        // One owner for CoreDNS: the remote component's own add-on is switched off.
        expect(eksArgs().corednsAddonOptions).toMatchObject({ enabled: false });
    });

    it("should install metrics-server on port 10251 skipping kubelet TLS after CoreDNS when created", async () => {
        make();
        await settle();
        const ms = release("eks-metrics-server");
        expect(ms.inputs).toMatchObject({
            chart: "metrics-server",
            namespace: "kube-system",
            repositoryOpts: { repo: "https://kubernetes-sigs.github.io/metrics-server/" },
        });
        expect(ms.inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
        expect(ms.inputs.values.containerPort).toBe(10251);
        expect(ms.inputs.values.args).toEqual(["--kubelet-insecure-tls"]);
        expect(mocks.dependsOn(ms, "aws:eks/addon:Addon", "eks-coredns")).toBe(true);
        expect(ms.provider).toMatch(/pulumi:providers:kubernetes::eks-k8s::/);
    });

    it("should configure the Load Balancer Controller with cluster, region and VPC when created", async () => {
        make();
        await settle();
        const lb = release("eks-lb-controller");
        expect(lb.inputs).toMatchObject({
            chart: "aws-load-balancer-controller",
            namespace: "kube-system",
            repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
        });
        expect(lb.inputs.values).toMatchObject({
            clusterName,
            region: "us-east-1",
            vpcId: "vpc-0123",
            defaultTags: TAGS,
        });
        expect(lb.inputs.values.serviceAccount).toEqual({
            create: true,
            name: "aws-load-balancer-controller",
            annotations: { "eks.amazonaws.com/role-arn": mocks.one("aws:iam/role:Role", "eks-lb-controller-role").state.arn },
        });
        expect(mocks.dependsOn(lb, "aws:eks/addon:Addon", "eks-coredns")).toBe(true);
        expect(mocks.dependsOn(lb, "aws:iam/rolePolicy:RolePolicy", "eks-lb-controller-policy")).toBe(true);
    });

    it("should trust only the controller's service account for the controller's role when created", async () => {
        const cluster = make();
        await settle();
        const issuer = (await promiseOf(cluster.oidcProviderUrl)).replace("https://", "");
        const trust = JSON.parse(mocks.one("aws:iam/role:Role", "eks-lb-controller-role").inputs.assumeRolePolicy);
        expect(trust.Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Federated: await promiseOf(cluster.oidcProviderArn) },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:sub`]: "system:serviceaccount:kube-system:aws-load-balancer-controller",
                        [`${issuer}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ]);
    });

    it("should give the controller no wildcard actions and '*' resources only where AWS requires it when created", async () => {
        make();
        await settle();
        const policy = JSON.parse(mocks.one("aws:iam/rolePolicy:RolePolicy", "eks-lb-controller-policy").inputs.policy);
        const statements: { Sid: string; Action: string[]; Resource: string | string[]; Condition?: unknown }[] = policy.Statement;
        for (const s of statements) {
            for (const a of s.Action) expect(a).not.toMatch(/(^\*$|:\*$)/);
            if (s.Resource === "*") {
                // Describe/Get calls, creations (no ARN exists yet), or actions conditioned on the controller's tag.
                const allowed =
                    s.Action.every((a) => /:(Describe|Get|Create)/.test(a) || /:(Authorize|Revoke)SecurityGroupIngress$/.test(a)) ||
                    s.Condition !== undefined;
                expect({ sid: s.Sid, allowed }).toEqual({ sid: s.Sid, allowed: true });
            }
        }
        const register = statements.find((s) => s.Action.includes("elasticloadbalancing:RegisterTargets"));
        expect(register?.Resource).toBe("arn:aws:elasticloadbalancing:us-east-1:*:targetgroup/*/*");
    });

    it("should let the controller tag the listeners it creates and touch security groups of its own VPC only", async () => {
        make();
        await settle();
        const statements: {
            Sid: string;
            Action: string[];
            Resource: string | string[];
            Condition?: Record<string, Record<string, unknown>>;
        }[] = JSON.parse(mocks.one("aws:iam/rolePolicy:RolePolicy", "eks-lb-controller-policy").inputs.policy).Statement;
        const listeners = statements.find((s) => s.Sid === "TagOwnListeners");
        expect(listeners?.Action).toEqual(["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"]);
        expect(listeners?.Resource).toContain("arn:aws:elasticloadbalancing:us-east-1:*:listener/net/*/*/*");
        const rules = statements.find((s) => s.Sid === "ManageSecurityGroupRules");
        expect(rules?.Condition).toEqual({ ArnEquals: { "ec2:Vpc": "arn:aws:ec2:us-east-1:*:vpc/vpc-0123" } });
        expect(statements.find((s) => s.Sid === "CreateSecurityGroup")?.Resource).toEqual([
            "arn:aws:ec2:us-east-1:*:security-group/*",
            "arn:aws:ec2:us-east-1:*:vpc/vpc-0123",
        ]);
    });

    it("should expose a secret kubeconfig, a provider built from it and the cluster's identifiers when created", async () => {
        const cluster = make();
        await settle();
        expect(await pulumi.isSecret(cluster.kubeconfig)).toBe(true);
        expect(JSON.parse(await promiseOf(cluster.kubeconfig)).kind).toBe("Config");
        expect(cluster.provider).toBeInstanceOf(k8s.Provider);
        const provider = mocks.one("pulumi:providers:kubernetes", "eks-k8s");
        expect(JSON.parse(provider.inputs.kubeconfig).kind).toBe("Config");
        expect(await promiseOf(cluster.clusterName)).toMatch(CLUSTER_NAME);
        expect(await promiseOf(cluster.oidcProviderArn)).toMatch(
            /^arn:aws:iam::123456789012:oidc-provider\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\//,
        );
        expect(await promiseOf(cluster.clusterSecurityGroupId)).toMatch(/^sg-/);
        expect(await promiseOf(cluster.privateSubnetIds)).toEqual(PRIVATE);
    });

    it("should be passable as a service's cluster, with the service waiting for its add-ons through dependsOn", async () => {
        const { EksFargateService } = await import("./eks-fargate-service");
        const cluster = make();
        new EksFargateService("api", { cluster, namespace: "api", image: `repo/api@sha256:${"a".repeat(64)}` }, { dependsOn: [cluster] });
        await settle();
        const provider = mocks.one("pulumi:providers:kubernetes", "api-k8s");
        for (const addon of ["eks-metrics-server", "eks-lb-controller"]) {
            expect([addon, mocks.dependsOn(provider, "kubernetes:helm.sh/v3:Release", addon)]).toEqual([addon, true]);
        }
        expect(mocks.dependsOn(provider, "aws:eks/addon:Addon", "eks-coredns")).toBe(true);
    });

    const wrongShapes: [string, unknown, string][] = [
        ["flat VPC args instead of `vpc`", { vpc: undefined, vpcId: "vpc-1" }, "`vpc` is required."],
        [
            "a string as the private subnets",
            { vpc: { vpcId: "vpc-1", subnetIds: "subnet-a" } },
            '`vpc.subnetIds` must be a list (got the string "subnet-a").',
        ],
        [
            "a string as the public access CIDRs",
            { endpointPublicAccess: true, publicAccessCidrs: OFFICE },
            `\`publicAccessCidrs\` must be a list (got the string "${OFFICE}").`,
        ],
        [
            "a string as the endpoint switch",
            { endpointPublicAccess: "false" },
            '`endpointPublicAccess` must be true or false (got the string "false").',
        ],
    ];
    it.each(wrongShapes)("should name the argument, not raise a TypeError, when given %s", async (_case, wrong, message) => {
        expect(await errorOf(() => make(wrong as never))).toBe(`EksFargateCluster "eks": ${message}`);
    });

    it("should create no DaemonSet add-on when created", async () => {
        make();
        await settle();
        // Fargate cannot run DaemonSets: kube-proxy runs inside each pod's micro-VM instead.
        expect(eksArgs().kubeProxyAddonOptions).toMatchObject({ enabled: false });
        expect(mocks.byType("kubernetes:apps/v1:DaemonSet")).toHaveLength(0);
    });

    it("should parent every child to the component and tag every taggable AWS child when created", async () => {
        make();
        await settle();
        const component = mocks.one("serverless-containers:index:EksFargateCluster");
        const children = mocks.childrenOf(component);
        expect(children.map((c) => c.name).sort()).toEqual(
            [
                "eks-api-clients-sg",
                "eks-api-clients-to-api",
                "eks-api-from-clients",
                "eks-cluster",
                "eks-coredns",
                "eks-k8s",
                "eks-lb-controller",
                "eks-lb-controller-policy",
                "eks-lb-controller-role",
                "eks-metrics-server",
                "eks-pod-execution-policy",
                "eks-pod-execution-role",
                "eks-secrets-key",
                "eks-secrets-key-alias",
            ].sort(),
        );
        const untaggable = new Set([
            "aws:iam/rolePolicy:RolePolicy",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "aws:kms/alias:Alias",
            "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        ]);
        for (const child of children.filter((c) => c.type.startsWith("aws:") && !untaggable.has(c.type))) {
            expect({ name: child.name, tags: child.inputs.tags }).toEqual({ name: child.name, tags: TAGS });
        }
    });

    describe("API endpoint reachability", () => {
        // The private endpoint is reachable only through the control plane's security group: "You must
        // ensure that your Amazon EKS control plane security group contains rules to allow ingress traffic
        // on port 443 from your connected network / bastion host" (EKS user guide, "Control network access
        // to cluster API server endpoint": https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html).
        it("should admit a runner security group of its own to the API on 443, and let that group reach only the API, when created", async () => {
            const cluster = make();
            await settle();
            const clusterSg = mocks.one("eks:index:Cluster").state.clusterSecurityGroupId;
            const clients = mocks.one("aws:ec2/securityGroup:SecurityGroup", "eks-api-clients-sg");
            expect(clients.inputs).toMatchObject({ vpcId: "vpc-0123", tags: TAGS });
            expect(clients.inputs.ingress ?? []).toEqual([]);
            const ingress = mocks.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "eks-api-from-clients").inputs;
            expect(ingress).toMatchObject({
                securityGroupId: clusterSg,
                referencedSecurityGroupId: clients.state.id,
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
            });
            const egress = mocks.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "eks-api-clients-to-api").inputs;
            expect(egress).toMatchObject({
                securityGroupId: clients.state.id,
                referencedSecurityGroupId: clusterSg,
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
            });
            expect(await promiseOf(cluster.apiClientSecurityGroupId)).toBe(clients.state.id);
        });

        it("should admit each connected-network CIDR to the private endpoint on 443 when apiAccessCidrs is set", async () => {
            make({ apiAccessCidrs: ["10.100.0.0/16", "192.168.10.0/24"] });
            await settle();
            const clusterSg = mocks.one("eks:index:Cluster").state.clusterSecurityGroupId;
            const rules = mocks
                .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                .filter((r) => r.inputs.cidrIpv4 !== undefined);
            expect(rules.map((r) => [r.name, r.inputs.securityGroupId, r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort])).toEqual([
                ["eks-api-from-10-100-0-0-16", clusterSg, "10.100.0.0/16", 443, 443],
                ["eks-api-from-192-168-10-0-24", clusterSg, "192.168.10.0/24", 443, 443],
            ]);
        });

        it("should admit no CIDR to the private endpoint when apiAccessCidrs is not set", async () => {
            make();
            await settle();
            expect(mocks.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => r.name)).toEqual([
                "eks-api-from-clients",
            ]);
        });
    });

    describe("access entries", () => {
        const roles = { deployRoleArn: role("deploy"), previewRoleArn: role("preview"), breakGlassRoleArn: role("ops/break-glass") };
        /** What a program naming a deploy role warns under the mocks, which run as arn:aws:iam::123456789012:user/offline. */
        const NO_ENTRY =
            "EksFargateCluster: this program runs as arn:aws:iam::123456789012:user/offline, which has no access entry on this cluster, so its Kubernetes API calls will be refused (401); run `pulumi up` as the deploy or break-glass role.";
        // Every test here captures the component's warnings and states the ones it expects.
        let warn: jest.SpyInstance;
        const warnings = () => warn.mock.calls.map((c: unknown[]) => c[0]);
        beforeEach(() => {
            warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
        });
        afterEach(() => warn.mockRestore());

        it("should give the deploy and break-glass roles cluster admin and the preview role view, each through its own access entry, when the roles are named", async () => {
            make(roles);
            await settle();
            expect(warnings()).toEqual([NO_ENTRY]);
            const entries = mocks
                .byType("aws:eks/accessEntry:AccessEntry")
                .map((e) => [e.name, e.inputs.principalArn, e.inputs.type, e.inputs.clusterName]);
            expect(entries).toEqual([
                ["eks-deploy-access", role("deploy"), "STANDARD", clusterName],
                ["eks-preview-access", role("preview"), "STANDARD", clusterName],
                ["eks-break-glass-access", role("ops/break-glass"), "STANDARD", clusterName],
            ]);
            const associations = mocks
                .byType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
                .map((a) => [a.name, a.inputs.principalArn, a.inputs.policyArn, a.inputs.accessScope, a.inputs.clusterName]);
            expect(associations).toEqual([
                ["eks-deploy-admin", role("deploy"), ADMIN, { type: "cluster" }, clusterName],
                ["eks-preview-view", role("preview"), VIEW, { type: "cluster" }, clusterName],
                ["eks-break-glass-admin", role("ops/break-glass"), ADMIN, { type: "cluster" }, clusterName],
            ]);
            for (const a of mocks.byType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) {
                expect(mocks.dependsOn(a, "aws:eks/accessEntry:AccessEntry", a.name.replace(/-(admin|view)$/, "-access"))).toBe(true);
            }
        });

        it("should talk to the cluster only after the deploy role's admin policy is associated when a deploy role is named", async () => {
            make(roles);
            await settle();
            expect(warnings()).toEqual([NO_ENTRY]);
            const provider = mocks.one("pulumi:providers:kubernetes", "eks-k8s");
            expect(mocks.dependsOn(provider, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "eks-deploy-admin")).toBe(true);
        });

        it("should switch off the cluster creator's implicit admin entry when a deploy role is named", async () => {
            make(roles);
            await settle();
            expect(warnings()).toEqual([NO_ENTRY]);
            // [0] tags the untagged children; [1] is this one.
            const transforms = (mocks.one("eks:index:Cluster").transforms ?? []).slice(1);
            expect(transforms).toHaveLength(1);
            // What @pulumi/eks 4.3.0 passes its aws.eks.Cluster child in API mode (nodejs/eks/cluster/cluster.ts).
            const child = {
                type: "aws:eks/cluster:Cluster",
                name: "eks-cluster-eksCluster",
                custom: true,
                props: { version: "1.33", accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true } },
                opts: { ignoreChanges: ["accessConfig.bootstrapClusterCreatorAdminPermissions", "bootstrapSelfManagedAddons"] },
            };
            const result = await transforms[0](child);
            expect(result?.props).toEqual({
                version: "1.33",
                accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
            });
            // ForceNew in EKS: an existing cluster must keep its value instead of being replaced.
            expect(result?.opts.ignoreChanges).toContain("accessConfig.bootstrapClusterCreatorAdminPermissions");
            expect(await transforms[0]({ ...child, type: "aws:ec2/securityGroup:SecurityGroup" })).toBeUndefined();
        });

        it("should warn before the Kubernetes calls fail when the credentials in use have no access entry", async () => {
            make(roles); // the mocks run as arn:aws:iam::123456789012:user/offline
            await settle();
            expect(warnings()).toEqual([NO_ENTRY]);
        });

        it("should keep the creator as the only admin, with no access entries, when no deploy role is named", async () => {
            make();
            await settle();
            expect(warnings()).toEqual([]);
            expect(mocks.one("eks:index:Cluster").transforms).toHaveLength(1); // the tagging one only
            expect(mocks.byType("aws:eks/accessEntry:AccessEntry")).toEqual([]);
        });

        it("should give the Fargate profile and OIDC provider the component creates untagged the stack's tags", async () => {
            make();
            await settle();
            expect(warnings()).toEqual([]);
            const [tagChildren] = mocks.one("eks:index:Cluster").transforms ?? [];
            // @pulumi/eks 4.3.0 creates both without tags (pulumi/pulumi-eks#852); the policy pack requires them.
            for (const type of ["aws:eks/fargateProfile:FargateProfile", "aws:iam/openIdConnectProvider:OpenIdConnectProvider"]) {
                const result = await tagChildren({
                    type,
                    name: "child",
                    custom: true,
                    props: { clientIdLists: ["sts.amazonaws.com"] },
                    opts: {},
                });
                expect(result?.props).toEqual({
                    clientIdLists: ["sts.amazonaws.com"],
                    tags: expect.objectContaining({ project: expect.any(String), environment: expect.any(String) }),
                });
            }
            // A child with tags of its own keeps them; other types are left alone.
            const own = await tagChildren({
                type: "aws:eks/fargateProfile:FargateProfile",
                name: "c",
                custom: true,
                props: { tags: { project: "mine" } },
                opts: {},
            });
            expect(own?.props.tags.project).toBe("mine");
            expect(await tagChildren({ type: "aws:eks/cluster:Cluster", name: "c", custom: true, props: {}, opts: {} })).toBeUndefined();
        });

        it("should grant the preview and break-glass roles without a deploy role, leaving the creator admin, when only they are named", async () => {
            make({ previewRoleArn: role("preview"), breakGlassRoleArn: role("break-glass") });
            await settle();
            expect(warnings()).toEqual([]);
            expect(mocks.one("eks:index:Cluster").transforms).toHaveLength(1); // the tagging one only: the creator stays admin
            expect(mocks.byType("aws:eks/accessEntry:AccessEntry").map((e) => e.name)).toEqual([
                "eks-preview-access",
                "eks-break-glass-access",
            ]);
        });
    });

    describe("kubernetesVersion", () => {
        it("should refuse a version EKS no longer offers (1.29: extended support ended 2026-03-23), naming the accepted ones", async () => {
            const message = await errorOf(() => make({ kubernetesVersion: "1.29" }));
            expect(message).toMatch(
                /^EksFargateCluster "eks": `kubernetesVersion` "1\.29" is not offered by EKS on \d{4}-\d{2}-\d{2}: use one in standard support \(1\.\d\d/,
            );
            expect(mocks.byType("eks:index:Cluster")).toHaveLength(0);
        });

        it("should accept standard and extended support on 2026-12-07 and say which is which", async () => {
            const { kubernetesVersionProblem, supportedKubernetesVersions } = await import("./eks-versions");
            const day = new Date("2026-12-07T00:00:00Z");
            expect(supportedKubernetesVersions(day)).toEqual({ standard: ["1.35"], extended: ["1.34", "1.33", "1.32"] });
            expect(kubernetesVersionProblem("kubernetesVersion", "1.31", day)).toBe(
                '`kubernetesVersion` "1.31" is not offered by EKS on 2026-12-07: use one in standard support (1.35) or, at extra cost per cluster hour, extended support (1.34, 1.33, 1.32).',
            );
            for (const v of ["1.35", "1.34", "1.32"]) expect(kubernetesVersionProblem("kubernetesVersion", v, day)).toBeUndefined();
            // The last day of extended support is still a supported day; the next is not.
            expect(kubernetesVersionProblem("kubernetesVersion", "1.32", new Date("2027-03-23T12:00:00Z"))).toBeUndefined();
            expect(kubernetesVersionProblem("kubernetesVersion", "1.32", new Date("2027-03-24T00:00:00Z"))).toMatch(
                /is not offered by EKS on 2027-03-24/,
            );
        });
    });

    describe("kubernetesVersion over time", () => {
        afterEach(() => jest.useRealTimers());

        it("should judge a version on the day its table was checked, so a stack keeps previewing after the version's support ends", async () => {
            // 1.33's extended support ends 2027-07-29: on 2027-08-01 the component still builds (and warns).
            jest.useFakeTimers({
                now: new Date("2027-08-01T00:00:00Z"),
                doNotFake: ["nextTick", "setImmediate", "setTimeout", "setInterval", "queueMicrotask"],
            });
            const warn = jest.spyOn(pulumi.log, "warn").mockResolvedValue();
            make({ kubernetesVersion: "1.33" });
            await settle();
            expect(mocks.byType("eks:index:Cluster")).toHaveLength(1);
            expect(warn).toHaveBeenCalledWith(expect.stringContaining("EKS ended its extended support on 2027-07-29"), expect.anything());
            warn.mockRestore();
        });

        it("should accept a version newer than its table with a warning instead of refusing it", async () => {
            const warn = jest.spyOn(pulumi.log, "warn").mockResolvedValue();
            make({ kubernetesVersion: "1.36" });
            await settle();
            expect(mocks.byType("eks:index:Cluster")).toHaveLength(1);
            expect(warn).toHaveBeenCalledWith(
                expect.stringContaining('"1.36" is newer than this package\'s table of EKS versions'),
                expect.anything(),
            );
            warn.mockRestore();
        });
    });

    describe("argument validation", () => {
        const cases: [string, Partial<clusterT.EksFargateClusterArgs>, string][] = [
            [
                "kubernetesVersion is not a minor version",
                { kubernetesVersion: "133" },
                '`kubernetesVersion` must be a Kubernetes minor version such as "1.35" (got "133").',
            ],
            [
                "publicAccessCidrs is set on a private endpoint",
                { publicAccessCidrs: [OFFICE] },
                "`publicAccessCidrs` only applies with `endpointPublicAccess: true`; set it or drop the CIDRs.",
            ],
            [
                "a public access CIDR is malformed",
                { endpointPublicAccess: true, publicAccessCidrs: ["office"] },
                '`publicAccessCidrs` entry "office" must be an IPv4 CIDR: four octets 0-255, a prefix 0-32 and no host bits (e.g. 52.94.76.0/24).',
            ],
            [
                "a public access CIDR has host bits",
                { endpointPublicAccess: true, publicAccessCidrs: ["52.94.76.7/24"] },
                '`publicAccessCidrs` entry "52.94.76.7/24" must be an IPv4 CIDR: four octets 0-255, a prefix 0-32 and no host bits (e.g. 52.94.76.0/24).',
            ],
            [
                "a public access CIDR is a documentation range",
                { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
                '`publicAccessCidrs` entry "203.0.113.0/24" includes 203.0.113.0/24 (documentation, RFC 5737), and EKS accepts no reserved addresses for the public endpoint; list the public egress addresses of your runners and offices.',
            ],
            [
                "a public access CIDR is private",
                { endpointPublicAccess: true, publicAccessCidrs: ["10.0.0.0/8"] },
                '`publicAccessCidrs` entry "10.0.0.0/8" includes 10.0.0.0/8 (private, RFC 1918), and EKS accepts no reserved addresses for the public endpoint; list the public egress addresses of your runners and offices.',
            ],
            [
                "an API access CIDR is the whole internet",
                { apiAccessCidrs: ["0.0.0.0/0"] },
                '`apiAccessCidrs` entry "0.0.0.0/0" would admit every address to the private endpoint; list the connected networks (peered VPC, VPN) instead.',
            ],
            [
                "an API access CIDR is malformed",
                { apiAccessCidrs: ["10.1.0.0/33"] },
                '`apiAccessCidrs` entry "10.1.0.0/33" must be an IPv4 CIDR: four octets 0-255, a prefix 0-32 and no host bits (e.g. 52.94.76.0/24).',
            ],
            [
                "a role ARN is an assumed-role session",
                { deployRoleArn: "arn:aws:sts::123456789012:assumed-role/deploy/ci-run" },
                '`deployRoleArn` must be an IAM role ARN such as arn:aws:iam::111122223333:role/path/name (got "arn:aws:sts::123456789012:assumed-role/deploy/ci-run"); that is an STS session ARN: use arn:aws:iam::123456789012:role/<path/>deploy.',
            ],
            [
                "a role ARN is a bare name",
                { previewRoleArn: "preview" },
                '`previewRoleArn` must be an IAM role ARN such as arn:aws:iam::111122223333:role/path/name (got "preview").',
            ],
            [
                "a role ARN is a service-linked role",
                { breakGlassRoleArn: "arn:aws:iam::123456789012:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS" },
                "`breakGlassRoleArn` names a service-linked role, which EKS access entries do not support.",
            ],
            [
                "two keys name the same role",
                { deployRoleArn: "arn:aws:iam::123456789012:role/admin", breakGlassRoleArn: "arn:aws:iam::123456789012:role/admin" },
                "`deployRoleArn` and `breakGlassRoleArn` name the same role; EKS allows one access entry per IAM principal, so give each purpose its own role.",
            ],
            [
                "kmsDeletionWindowDays is out of range",
                { kmsDeletionWindowDays: 3 },
                "`kmsDeletionWindowDays` must be an integer between 7 and 30 (got 3).",
            ],
        ];
        it.each(cases)("should throw naming the argument when %s", async (_label, overrides, message) => {
            expect(await errorOf(() => make(overrides))).toBe(`EksFargateCluster "eks": ${message}`);
            await settle();
            expect(mocks.byType("eks:index:Cluster")).toHaveLength(0);
        });
    });
});
