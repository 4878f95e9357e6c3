import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PRODUCTS_TABLE_ACTIONS } from "./products-table";
import { containersOf, k8sObjectsOf, podSpecOf, schemaErrors } from "../scripts/lib/k8s-schema";
import { promiseOf, type RecordedResource, settle, setupMocks } from "../components/testing";
import type * as StackModule from "./eks-fargate";
import type { StackConfig } from "./config";
import { NO_ACCESS_ENTRY_WARNING, stackConfig, testNetwork, untaggedResources, withWarnings } from "./testing";

const mocks = setupMocks({ stack: "dev" });
let stack: typeof StackModule;

/** Importing the program and evaluating a whole stack under mocks takes seconds on a loaded 2-core machine. */
const STACK_TIMEOUT = 60_000;

beforeAll(async () => {
    stack = await import("./eks-fargate");
}, STACK_TIMEOUT);

const configFor = (overrides: Record<string, string> = {}) => stackConfig(overrides);

const network = testNetwork;

interface Run {
    readonly config: StackConfig;
    readonly resources: RecordedResource[];
    readonly url: string;
    readonly kubeconfig: string;
    readonly kubeconfigIsSecret: boolean;
    readonly tableName: string;
}

/** Run the stack program under fresh mocks with dev config (plus overrides) and keep what was registered. */
async function run(overrides: Record<string, string> = {}): Promise<Run> {
    mocks.reset();
    const config = configFor(overrides);
    const out = stack.eksFargateStack(config, network());
    await settle();
    const [url, kubeconfig, tableName] = [await promiseOf(out.url), await promiseOf(out.kubeconfig), await promiseOf(out.tableName)];
    const kubeconfigIsSecret = await pulumi.isSecret(out.kubeconfig);
    await settle();
    return { config, resources: [...mocks.resources], url, kubeconfig, kubeconfigIsSecret, tableName };
}

const one = (r: Run, type: string, name?: string) => {
    const found = r.resources.filter((x) => x.type === type && (name === undefined || x.name === name));
    if (found.length !== 1)
        throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}: ${found.map((f) => f.name).join(", ")}`);
    return found[0];
};

describe("eksFargateStack with dev config", () => {
    let r: Run;
    beforeAll(async () => {
        r = await run();
    }, STACK_TIMEOUT);

    it("should return the NLB's URL, a secret kubeconfig and the table name when deployed", () => {
        expect(r.url).toMatch(/^http:\/\/.+\.elb\.us-east-1\.amazonaws\.com$/);
        expect(r.kubeconfigIsSecret).toBe(true);
        expect(JSON.parse(r.kubeconfig).kind).toBe("Config");
        expect(r.tableName).toBe(one(r, "aws:dynamodb/table:Table").state.name);
    });

    it("should run the digest-pinned products-api image with the app's env when deployed", () => {
        const container = one(r, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0];
        expect(container.image).toBe(one(r, "docker:index/image:Image").state.repoDigest);
        expect(container.image).toMatch(/^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/.+@sha256:[a-f0-9]{64}$/);
        expect(container.env).toEqual([
            { name: "PORT", value: "8080" },
            { name: "TABLE_NAME", value: r.tableName },
            { name: "AWS_REGION", value: "us-east-1" },
            { name: "RUNTIME", value: "eks-fargate" },
        ]);
    });

    it("should build the image from the repo root with the shared Dockerfile and APP=products-api when deployed", () => {
        const build = one(r, "docker:index/image:Image").inputs.build;
        // relative to the program's working directory (the project root): no checkout path in the inputs
        expect(build.context).toBe(path.relative(process.cwd(), path.resolve(__dirname, "..")) || ".");
        expect(build.dockerfile).toMatch(/^(\.\.\/)*Dockerfile$/);
        expect(build.args).toEqual({ APP: "products-api" });
        expect(build.platform).toBe("linux/amd64");
    });

    it("should let the pods use only the table's ARN with products-api's actions when deployed", () => {
        const policy = JSON.parse(one(r, "aws:iam/rolePolicy:RolePolicy", "eks-products-api-policy").inputs.policy);
        const tableArn = one(r, "aws:dynamodb/table:Table").state.arn;
        expect(policy.Statement).toEqual([
            { Sid: "DynamoTableEksProducts", Effect: "Allow", Action: PRODUCTS_TABLE_ACTIONS, Resource: [tableArn] },
        ]);
    });

    it("should trust the products-api service account through the cluster's OIDC provider when deployed", () => {
        const trust = JSON.parse(one(r, "aws:iam/role:Role", "eks-products-api-role").inputs.assumeRolePolicy).Statement[0];
        const condition = trust.Condition.StringEquals;
        const issuer = Object.keys(condition)[0].replace(/:(sub|aud)$/, "");
        expect(trust.Principal.Federated).toBe(one(r, "eks:index:Cluster").state.oidcProviderArn);
        expect(condition).toEqual({
            [`${issuer}:sub`]: "system:serviceaccount:products-api:products-api",
            [`${issuer}:aud`]: "sts.amazonaws.com",
        });
    });

    it("should put the service's and kube-system's Fargate profiles on the private subnets when deployed", () => {
        const profile = one(r, "aws:eks/fargateProfile:FargateProfile");
        expect(profile.inputs.subnetIds).toEqual(["subnet-priv0", "subnet-priv1"]);
        expect(profile.inputs.selectors).toEqual([{ namespace: "products-api" }]);
        expect(one(r, "eks:index:Cluster").inputs.fargate.subnetIds).toEqual(["subnet-priv0", "subnet-priv1"]);
    });

    it("should size, scale and publish the service from config when deployed", () => {
        const c = r.config;
        const container = one(r, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0];
        expect(container.resources.requests).toEqual({ cpu: c.eksPodCpu, memory: c.eksPodMemory });
        const hpa = one(r, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec;
        expect([hpa.minReplicas, hpa.maxReplicas, hpa.metrics[0].resource.target.averageUtilization]).toEqual([
            c.eksMinReplicas,
            c.eksMaxReplicas,
            c.eksTargetCpuUtilization,
        ]);
        expect(
            one(r, "kubernetes:core/v1:Service").inputs.metadata.annotations[
                "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"
            ],
        ).toBe("ip");
        expect(one(r, "eks:index:Cluster").inputs).toMatchObject({
            version: c.eksKubernetesVersion,
            endpointPublicAccess: c.eksEndpointPublicAccess,
        });
    });

    it("should tag every taggable AWS resource with the stack's tags when deployed", () => {
        expect(r.resources.filter((x) => x.type.startsWith("aws:")).length).toBeGreaterThanOrEqual(8);
        expect(untaggedResources(r.resources, r.config.tags)).toEqual([]);
        expect(one(r, "eks:index:Cluster").inputs.tags).toEqual(r.config.tags);
    });

    it("should create no load generator when eksLoadGenerator is false", () => {
        expect(r.resources.filter((x) => x.type === "kubernetes:batch/v1:Job")).toEqual([]);
    });
});

describe("eksFargateStack API access", () => {
    const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
    it(
        "should grant the configured deploy, preview and break-glass roles and admit the connected networks when the keys are set",
        async () => {
            mocks.reset();
            const config = configFor({
                eksDeployRoleArn: role("gha/deploy"),
                eksPreviewRoleArn: role("gha/preview"),
                eksBreakGlassRoleArn: role("break-glass"),
                eksPrivateAccessCidrs: '["10.100.0.0/16"]',
            });
            const { result: out, warnings } = await withWarnings(async () => {
                const made = stack.eksFargateStack(config, network());
                await settle();
                return made;
            });
            expect(warnings).toEqual([NO_ACCESS_ENTRY_WARNING]);
            const entries = mocks.resources.filter((x) => x.type === "aws:eks/accessEntry:AccessEntry").map((e) => e.inputs.principalArn);
            expect(entries).toEqual([role("gha/deploy"), role("gha/preview"), role("break-glass")]);
            const policies = mocks.resources
                .filter((x) => x.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
                .map((a) => [a.inputs.principalArn, a.inputs.policyArn.split("/").pop()]);
            expect(policies).toEqual([
                [role("gha/deploy"), "AmazonEKSClusterAdminPolicy"],
                [role("gha/preview"), "AmazonEKSViewPolicy"],
                [role("break-glass"), "AmazonEKSClusterAdminPolicy"],
            ]);
            expect(mocks.resources.filter((x) => x.inputs.cidrIpv4 === "10.100.0.0/16").map((x) => [x.type, x.inputs.fromPort])).toEqual([
                ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", 443],
            ]);
            const clients = mocks.resources.find(
                (x) => x.type === "aws:ec2/securityGroup:SecurityGroup" && x.name === "eks-fargate-api-clients-sg",
            );
            expect(await promiseOf(out.apiClientSecurityGroupId)).toBe(clients?.state.id);
        },
        STACK_TIMEOUT,
    );

    it(
        "should deploy prod with a private endpoint that only the runner group reaches when the committed prod file is used",
        async () => {
            mocks.reset();
            const config = stackConfig({}, "prod");
            const { warnings } = await withWarnings(async () => {
                stack.eksFargateStack(config, network());
                await settle();
            });
            // prod names the roles (offline stand-ins); the mocks run as none of them.
            expect(warnings).toEqual([NO_ACCESS_ENTRY_WARNING]);
            const cluster = mocks.resources.find((x) => x.type === "eks:index:Cluster")!;
            expect(cluster.inputs).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
            expect(cluster.inputs.publicAccessCidrs).toBeUndefined();
            const ingress = mocks.resources.filter(
                (x) =>
                    x.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" &&
                    x.inputs.securityGroupId === cluster.state.clusterSecurityGroupId,
            );
            expect(ingress.map((r) => [r.name, r.inputs.fromPort, r.inputs.cidrIpv4])).toEqual([
                ["eks-fargate-api-from-clients", 443, undefined],
            ]);
        },
        STACK_TIMEOUT,
    );
});

describe("eksFargateStack Kubernetes objects", () => {
    let r: Run;
    beforeAll(async () => {
        r = await run({ eksLoadGenerator: "true" });
    }, STACK_TIMEOUT);

    it("should validate every Kubernetes object against the OpenAPI schema when the load generator is on", () => {
        const objects = k8sObjectsOf(r.resources);
        expect(objects.map((o) => o.object.kind).sort()).toEqual(
            ["Deployment", "HorizontalPodAutoscaler", "Job", "Namespace", "PodDisruptionBudget", "Service", "ServiceAccount"].sort(),
        );
        expect(schemaErrors(objects)).toEqual([]);
    });

    it("should run a bounded load generator against the service's in-cluster DNS name when eksLoadGenerator is true", () => {
        const job = one(r, "kubernetes:batch/v1:Job").inputs;
        expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
        expect(job.spec.template.spec.containers[0].command[2]).toContain("http://products-api.products-api.svc.cluster.local:80/products");
    });

    it("should create no DaemonSet, no privileged pod and nothing in namespace default when deployed", () => {
        const objects = k8sObjectsOf(r.resources);
        expect(objects.filter((o) => o.object.kind === "DaemonSet")).toEqual([]);
        for (const { name, object } of objects) {
            expect({ name, namespace: object.metadata?.namespace }).not.toEqual({ name, namespace: "default" });
            const spec = podSpecOf(object);
            if (!spec) continue;
            expect(spec.hostNetwork ?? false).toBe(false);
            expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
            for (const c of containersOf(object)) {
                expect(c.securityContext).toMatchObject({
                    privileged: false,
                    allowPrivilegeEscalation: false,
                    runAsNonRoot: true,
                    capabilities: { drop: ["ALL"] },
                });
            }
        }
        // Helm releases go to kube-system, never default.
        for (const rel of r.resources.filter((x) => x.type === "kubernetes:helm.sh/v3:Release"))
            expect(rel.inputs.namespace).toBe("kube-system");
    });

    it("should give every container CPU and memory requests when deployed", () => {
        const containers = k8sObjectsOf(r.resources).flatMap((o) => containersOf(o.object));
        expect(containers).toHaveLength(2);
        for (const c of containers) {
            expect(c.resources.requests.cpu).toMatch(/^\d+m?$/);
            expect(c.resources.requests.memory).toMatch(/^\d+(Mi|Gi)$/);
        }
    });

    it("should probe liveness on /health (no database) and readiness on /ready (checks DynamoDB) when deployed", () => {
        const container = one(r, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0];
        // A DynamoDB or network outage must take pods out of the load balancer, never restart them all.
        expect(container.readinessProbe.httpGet.path).toBe("/ready");
        expect(container.livenessProbe.httpGet.path).toBe("/health");
    });
});
