import * as pulumi from "@pulumi/pulumi";
import type * as svcT from "./eks-fargate-service";
import { containersOf, k8sObjectsOf, podSpecOf, schemaErrors } from "../scripts/lib/k8s-schema";
import { errorOf, promiseOf, settle, setupMocks, type RecordedResource } from "./testing/mocks";
import { TEST_OIDC_ISSUER, testEksCluster } from "./testing/eks-cluster.test-util";

const mocks = setupMocks();
let svc: typeof svcT;

beforeAll(async () => {
    svc = await import("./eks-fargate-service");
});
beforeEach(() => mocks.reset());

const ISSUER = TEST_OIDC_ISSUER;
const OIDC_ARN = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/products-api@sha256:${"ab".repeat(32)}`;
const TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/products";
const PRIVATE_SUBNETS = ["subnet-priv0", "subnet-priv1"];

const KUBECONFIG = '{"apiVersion":"v1","kind":"Config"}';

const cluster = (): svcT.EksClusterInfo => testEksCluster(PRIVATE_SUBNETS);

type Args = Partial<svcT.EksFargateServiceArgs>;

function make(name = "products", overrides: Args = {}, opts?: pulumi.ComponentResourceOptions): svcT.EksFargateService {
    return new svc.EksFargateService(
        name,
        {
            cluster: cluster(),
            namespace: "products-api",
            image: IMAGE,
            policyStatements: [{ actions: ["dynamodb:GetItem", "dynamodb:PutItem"], resources: [TABLE_ARN] }],
            environment: { TABLE_NAME: "products" },
            tags: { project: "serverless-containers", environment: "test" },
            ...overrides,
        },
        opts,
    );
}

const one = (type: string, name?: string) => mocks.one(type, name);
const deployment = () => one("kubernetes:apps/v1:Deployment").inputs;
const podSpec = () => deployment().spec.template.spec;
const container = () => podSpec().containers[0];

describe("EksFargateService children", () => {
    it("should label the namespace for Pod Security restricted when created", async () => {
        make();
        await settle();
        const ns = one("kubernetes:core/v1:Namespace").inputs;
        expect(ns.metadata.name).toBe("products-api");
        expect(ns.metadata.labels).toMatchObject({
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
        });
    });

    it("should put the Fargate profile on the private subnets selecting only its namespace when created", async () => {
        make();
        await settle();
        const profile = one("aws:eks/fargateProfile:FargateProfile").inputs;
        expect(profile.subnetIds).toEqual(PRIVATE_SUBNETS);
        expect(profile.selectors).toEqual([{ namespace: "products-api" }]);
        expect(profile.clusterName).toBe("test-cluster");
        expect(profile.podExecutionRoleArn).toBe("arn:aws:iam::123456789012:role/pod-execution");
    });

    it("should name the Fargate profile itself, never with EKS's reserved eks- prefix, even for a component named eks-…", async () => {
        // Left to auto-naming, the provider names the profile after the logical name (eks-products-api-profile-…)
        // and CreateFargateProfile refuses it: "The fargate profile name starts with the reserved prefix: 'eks-'"
        // (https://github.com/pulumi/pulumi-eks/issues/426).
        make("eks-products-api");
        await settle();
        const profile = one("aws:eks/fargateProfile:FargateProfile").inputs;
        expect(profile.fargateProfileName).toBe("fp-products-api");
        expect(profile.fargateProfileName).not.toMatch(/^eks-/i);
    });

    it("should make the second service's Fargate profile wait for the first service when chained with dependsOn", async () => {
        const first = make("first", { namespace: "first" });
        make("second", { namespace: "second" }, { dependsOn: [first] });
        await settle();
        const profileType = "aws:eks/fargateProfile:FargateProfile";
        expect(mocks.dependsOn(one(profileType, "second-profile"), profileType, "first-profile")).toBe(true);
        expect(one(profileType, "first-profile").dependsOn).toEqual([]);
    });

    it("should create the Deployment only after its namespace's Fargate profile when created", async () => {
        make();
        await settle();
        expect(mocks.dependsOn(one("kubernetes:apps/v1:Deployment"), "aws:eks/fargateProfile:FargateProfile", "products-profile")).toBe(
            true,
        );
    });

    it("should trust only the service account through the cluster's OIDC provider when the IRSA role is created", async () => {
        make();
        await settle();
        const trust = JSON.parse(one("aws:iam/role:Role").inputs.assumeRolePolicy);
        expect(trust.Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Federated: OIDC_ARN },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${ISSUER}:sub`]: "system:serviceaccount:products-api:products-api",
                        [`${ISSUER}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ]);
    });

    it("should grant exactly the caller's statements on the table ARN when policyStatements are given", async () => {
        make();
        await settle();
        const policy = JSON.parse(one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
        expect(policy.Statement).toEqual([{ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem"], Resource: [TABLE_ARN] }]);
    });

    it("should create no role policy and mount no API token when policyStatements is empty", async () => {
        make("products", { policyStatements: [] });
        await settle();
        expect(mocks.byType("aws:iam/rolePolicy:RolePolicy")).toHaveLength(0);
        expect(podSpec().automountServiceAccountToken).toBe(false);
    });

    it("should annotate the ServiceAccount with the IRSA role ARN and use it in the pods when created", async () => {
        const service = make();
        await settle();
        const sa = one("kubernetes:core/v1:ServiceAccount").inputs;
        expect(sa.metadata.annotations["eks.amazonaws.com/role-arn"]).toBe(await promiseOf(service.roleArn));
        expect(sa.metadata.namespace).toBe("products-api");
        expect(podSpec().serviceAccountName).toBe("products-api");
        expect(podSpec().automountServiceAccountToken).toBe(true);
    });

    it("should request and limit the Fargate-sized CPU and memory when defaults are used", async () => {
        const service = make();
        await settle();
        expect(container().resources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "250m", memory: "512Mi" } });
        // 512Mi + 256Mi overhead rounds up to 0.25 vCPU / 1 GB.
        expect(await promiseOf(service.podSize)).toEqual({ vcpu: 0.25, memoryGiB: 1 });
    });

    it("should probe readiness and liveness on /health by the named port when health.path is not given", async () => {
        make();
        await settle();
        for (const probe of [container().readinessProbe, container().livenessProbe]) {
            expect(probe.httpGet).toEqual({ path: "/health", port: "http" });
        }
        expect(container().ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    });

    it("should probe readiness on health.readinessPath and keep liveness on health.path when both are given", async () => {
        make("products", { health: { path: "/health", readinessPath: "/ready" } });
        await settle();
        expect(container().readinessProbe.httpGet).toEqual({ path: "/ready", port: "http" });
        expect(container().livenessProbe.httpGet).toEqual({ path: "/health", port: "http" });
    });

    it("should meet Pod Security restricted with a writable /tmp when the pod spec is rendered", async () => {
        make();
        await settle();
        expect(podSpec().securityContext).toMatchObject({
            runAsNonRoot: true,
            runAsUser: 1000,
            seccompProfile: { type: "RuntimeDefault" },
        });
        expect(container().securityContext).toEqual({
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            runAsUser: 1000,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        });
        expect(container().volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
        expect(podSpec().volumes).toEqual([{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }]);
    });

    it("should run the digest-pinned image with PORT and the caller's env, spread across zones when created", async () => {
        make();
        await settle();
        expect(container().image).toBe(IMAGE);
        expect(container().env).toEqual([
            { name: "PORT", value: "8080" },
            { name: "TABLE_NAME", value: "products" },
        ]);
        expect(podSpec().topologySpreadConstraints).toEqual([
            expect.objectContaining({
                topologyKey: "topology.kubernetes.io/zone",
                maxSkew: 1,
                labelSelector: { matchLabels: deployment().spec.selector.matchLabels },
            }),
        ]);
    });

    it("should publish an internet-facing NLB with IP targets through the LB controller when created", async () => {
        const service = make();
        await settle();
        const s = one("kubernetes:core/v1:Service").inputs;
        expect(s.spec.type).toBe("LoadBalancer");
        expect(s.spec.loadBalancerClass).toBe("service.k8s.aws/nlb");
        expect(s.metadata.annotations).toMatchObject({
            "service.beta.kubernetes.io/aws-load-balancer-type": "external",
            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": "/health",
            "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": "project=serverless-containers,environment=test",
        });
        expect(s.spec.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
        expect(await promiseOf(service.url)).toMatch(/^http:\/\/k8s-.*\.elb\.us-east-1\.amazonaws\.com$/);
        const role = one("aws:iam/role:Role");
        expect([await promiseOf(service.roleArn), await promiseOf(service.roleName)]).toEqual([role.state.arn, role.state.name]);
    });

    it("should make its Kubernetes objects wait for what the dependsOn option names (the cluster's add-ons)", async () => {
        const aws = await import("@pulumi/aws");
        const addon = new aws.sns.Topic("lb-controller");
        new svc.EksFargateService("products", { cluster: cluster(), namespace: "products-api", image: IMAGE }, { dependsOn: [addon] });
        await settle();
        // Every Kubernetes child uses the service's provider, which waits for the option's resources.
        expect(mocks.dependsOn(one("pulumi:providers:kubernetes", "products-k8s"), "aws:sns/topic:Topic", "lb-controller")).toBe(true);
        expect(one("kubernetes:core/v1:Service").provider).toMatch(/pulumi:providers:kubernetes::products-k8s::/);
        expect(mocks.dependsOn(one("aws:eks/fargateProfile:FargateProfile"), "aws:sns/topic:Topic", "lb-controller")).toBe(true);
    });

    it("should scale on CPU with the fixed HPA behaviour when HPA defaults are used", async () => {
        make();
        await settle();
        const hpa = one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs;
        expect(hpa.spec).toEqual({
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "products-api" },
            minReplicas: 1,
            maxReplicas: 10,
            metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }],
            behavior: {
                scaleUp: { stabilizationWindowSeconds: 30, policies: [{ type: "Pods", value: 2, periodSeconds: 30 }] },
                scaleDown: { stabilizationWindowSeconds: 120, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
            },
        });
        expect(deployment().spec.replicas).toBe(1);
    });

    it("should pass the caller's HPA numbers, starting the Deployment at scaling.min, when given", async () => {
        make("products", { scaling: { min: 2, max: 6, target: { metric: "cpu", value: 70 } } });
        await settle();
        const hpa = one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs;
        expect([hpa.spec.minReplicas, hpa.spec.maxReplicas, hpa.spec.metrics[0].resource.target.averageUtilization]).toEqual([2, 6, 70]);
        expect(deployment().spec.replicas).toBe(2);
    });

    it("should allow one voluntary disruption when the PodDisruptionBudget is on", async () => {
        make();
        await settle();
        const pdb = one("kubernetes:policy/v1:PodDisruptionBudget").inputs;
        expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: deployment().spec.selector.matchLabels } });
    });

    it("should create no PodDisruptionBudget when podDisruptionBudget is false", async () => {
        make("products", { podDisruptionBudget: false });
        await settle();
        expect(mocks.byType("kubernetes:policy/v1:PodDisruptionBudget")).toHaveLength(0);
    });

    it("should give every child the component as parent and a provider for the cluster's kubeconfig when created", async () => {
        make();
        await settle();
        const component = one("serverless-containers:index:EksFargateService");
        const children = mocks.childrenOf(component);
        expect(children.map((c) => c.name).sort()).toEqual(
            [
                "products-deployment",
                "products-hpa",
                "products-k8s",
                "products-ns",
                "products-pdb",
                "products-policy",
                "products-profile",
                "products-role",
                "products-sa",
                "products-service",
                // monitoring (on by default): the NLB's alarms, the unhealthy composite, the dashboard
                "products-alarm-healthy-below-min",
                "products-alarm-tcp-resets",
                "products-alarm-unhealthy-hosts",
                "products-dashboard",
                "products-unhealthy",
            ].sort(),
        );
        expect(one("pulumi:providers:kubernetes", "products-k8s").inputs.kubeconfig).toBe(KUBECONFIG);
        for (const child of children.filter((c) => c.type.startsWith("kubernetes:"))) {
            expect(child.provider).toMatch(/pulumi:providers:kubernetes::products-k8s::/);
        }
    });

    it("should request / and the health path by default, with no app-specific route, when loadGenerator has no path", async () => {
        make("products", { loadGenerator: {} });
        await settle();
        const script: string = one("kubernetes:batch/v1:Job").inputs.spec.template.spec.containers[0].command[2];
        expect(script).toContain("'http://products-api.products-api.svc.cluster.local:80/'");
        expect(script).toContain("'http://products-api.products-api.svc.cluster.local:80/health'");
        expect(script).not.toContain(":80/products");
    });

    it("should run a bounded, restricted load generator against the in-cluster URL when loadGenerator is set", async () => {
        make("products", { loadGenerator: { path: "/products", durationSeconds: 120, maxIterations: 500 } });
        await settle();
        const job = one("kubernetes:batch/v1:Job").inputs;
        expect(job.metadata.namespace).toBe("products-api");
        expect(job.spec.activeDeadlineSeconds).toBe(180);
        expect(job.spec.backoffLimit).toBe(0);
        const script: string = job.spec.template.spec.containers[0].command[2];
        expect(script).toContain("http://products-api.products-api.svc.cluster.local:80/products");
        expect(script).toContain('[ "$i" -lt 500 ]');
        expect(script).not.toMatch(/while true/);
        expect(job.spec.template.spec.containers[0].securityContext).toMatchObject({
            allowPrivilegeEscalation: false,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
        });
        expect(mocks.dependsOn(one("kubernetes:batch/v1:Job"), "kubernetes:core/v1:Service", "products-service")).toBe(true);
    });
});

describe("EksFargateService Kubernetes objects", () => {
    async function objects(): Promise<RecordedResource[]> {
        make("products", { loadGenerator: {} });
        await settle();
        return mocks.resources;
    }

    it("should validate every object against the Kubernetes OpenAPI schema when rendered", async () => {
        const objs = k8sObjectsOf(await objects());
        expect(objs.map((o) => o.object.kind).sort()).toEqual(
            ["Deployment", "HorizontalPodAutoscaler", "Job", "Namespace", "PodDisruptionBudget", "Service", "ServiceAccount"].sort(),
        );
        expect(schemaErrors(objs)).toEqual([]);
    });

    it("should report a schema error when an object is invalid", () => {
        const errors = schemaErrors([
            { name: "broken", object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { replicas: "two" } } },
        ]);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toContain("broken (Deployment)");
    });

    it("should create no DaemonSet, no privileged container and nothing in namespace default when rendered", async () => {
        const objs = k8sObjectsOf(await objects());
        expect(objs.filter((o) => o.object.kind === "DaemonSet")).toEqual([]);
        for (const { object } of objs) {
            expect(object.metadata?.namespace).not.toBe("default");
            if (object.kind !== "Namespace") expect(object.metadata?.namespace).toBe("products-api");
            const spec = podSpecOf(object);
            if (spec) {
                expect(spec.hostNetwork ?? false).toBe(false);
                for (const c of containersOf(object)) {
                    expect(c.securityContext?.privileged ?? false).toBe(false);
                    expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
                    expect(c.resources?.requests?.cpu).toBeDefined();
                }
            }
        }
    });
});

describe("EksFargateService argument validation", () => {
    const prefix = 'EksFargateService "products": ';
    const cases: [string, Args, string][] = [
        [
            "the Fargate CPU/memory pair is not allowed",
            { cpu: 0.25, memory: 4 },
            '`memory` "4Gi" is not allowed with `cpu` "250m" on Fargate: 4Gi + 256Mi overhead needs more than 2 GB, the most a 0.25 vCPU pod has (allowed: 0.5 GB, 1 GB, 2 GB). Lower `memory` to at most 1792Mi or raise `cpu`.',
        ],
        [
            "cpu is above Fargate's largest pod",
            { cpu: 32, memory: 64 },
            '`cpu` must be at most 16 vCPU, Fargate\'s largest pod (got "32").',
        ],
        ["memory is not a positive number", { memory: -1 }, "`memory` must be a positive number of GiB (got -1)."],
        [
            "memory is a string but not a quantity (the deprecated notation)",
            { memory: "lots" as never },
            '`memory` must be a Kubernetes memory quantity such as 512Mi or 2Gi (got "lots").',
        ],
        [
            "scaling.min is greater than scaling.max",
            { scaling: { min: 5, max: 2 } },
            "`scaling.min` (5) must not be greater than `scaling.max` (2).",
        ],
        ["scaling.min is 0", { scaling: { min: 0 } }, "`scaling.min` must be an integer between 1 and 1000 (got 0)."],
        [
            "the namespace is not a DNS label",
            { namespace: "Products_API", appName: "products-api" },
            "`namespace` must be a DNS-1123 label: 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit (got \"Products_API\").",
        ],
        [
            "the namespace is default",
            { namespace: "default" },
            '`namespace` must be the service\'s own namespace, not "default" (Pod Security labels and a Fargate profile are applied to it).',
        ],
        [
            "the image uses :latest",
            { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/products-api:latest" },
            '`image` must be pinned by digest (repository@sha256:<64 hex>), not the mutable tag :latest (got "123456789012.dkr.ecr.us-east-1.amazonaws.com/products-api:latest"); pass ContainerImage.imageUri.',
        ],
        [
            "the image is untagged",
            { image: "nginx" },
            '`image` must be pinned by digest (repository@sha256:<64 hex>), not no tag or digest (got "nginx"); pass ContainerImage.imageUri.',
        ],
        [
            "the cpu target is 0",
            { scaling: { target: { metric: "cpu", value: 0 } } },
            "`scaling.target.value` must be an integer between 1 and 100 (got 0).",
        ],
        [
            "the cpu target is 150",
            { scaling: { target: { metric: "cpu", value: 150 } } },
            "`scaling.target.value` must be an integer between 1 and 100 (got 150).",
        ],
        ["port is 0", { port: 0 }, "`port` must be an integer between 1 and 65535 (got 0)."],
        [
            "an environment key is not a variable name",
            { environment: { "TABLE-NAME": "x" } },
            'Environment variable name "TABLE-NAME" is not valid: use letters, digits and _ and do not start with a digit.',
        ],
        [
            "health.path is relative",
            { health: { path: "health" } },
            '`health.path` must be a path starting with "/" (got the string "health").',
        ],
        [
            "health.readinessPath is relative",
            { health: { readinessPath: "ready" } },
            '`health.readinessPath` must be a path starting with "/" (got the string "ready").',
        ],
        [
            "the load generator path could break out of the script",
            { loadGenerator: { path: "/x' ; rm -rf /tmp ; '" } },
            "`loadGenerator.path` must be a URL path of letters, digits and / _ . ~ % ? = & - (got \"/x' ; rm -rf /tmp ; '\").",
        ],
        [
            "health.path could break out of the load generator's script",
            { health: { path: "/health'; wget evil; '" } },
            "`health.path` must be a URL path of letters, digits and / _ . ~ % ? = & - (got \"/health'; wget evil; '\").",
        ],
        [
            "the scheme is not one the controller knows",
            { scheme: "public" as never },
            '`scheme` must be one of internet-facing, internal (got "public").',
        ],
        [
            "the load generator would run unbounded for hours",
            { loadGenerator: { durationSeconds: 86400 } },
            "`loadGenerator.durationSeconds` must be an integer between 10 and 3600 (got 86400).",
        ],
    ];

    it.each(cases)("should throw naming the argument when %s", async (_label, overrides, message) => {
        expect(await errorOf(() => make("products", overrides))).toBe(prefix + message);
        await settle();
        // Validation happens before any child exists.
        expect(mocks.resources.filter((r) => r.parent?.endsWith("EksFargateService::products")).map((r) => r.name)).toEqual([]);
    });

    it("should throw naming the statement when a policy statement has a wildcard action", async () => {
        const message = await errorOf(() => make("products", { policyStatements: [{ actions: ["dynamodb:*"], resources: [TABLE_ARN] }] }));
        expect(message).toBe(
            'EksFargateService "products": `policyStatements[0].actions` must list specific actions, not a wildcard (got ["dynamodb:*"]).',
        );
    });

    it("should list every problem in one error when several arguments are wrong", async () => {
        const message = await errorOf(() => make("products", { port: 0, scaling: { target: { metric: "cpu", value: 0 } } }));
        expect(message).toBe(
            `${prefix}\`port\` must be an integer between 1 and 65535 (got 0). \`scaling.target.value\` must be an integer between 1 and 100 (got 0).`,
        );
    });

    // Shapes a JavaScript, YAML or other-language caller (or a cast) can pass: a message naming the argument,
    // never a TypeError from inside the component.
    const wrongShapes: [string, unknown, string][] = [
        ["no cluster", { cluster: undefined }, "`cluster` is required."],
        ["a cluster without its kubeconfig", { cluster: { ...cluster(), kubeconfig: undefined } }, "`cluster.kubeconfig` is required."],
        [
            "a string as the private subnets",
            { cluster: { ...cluster(), privateSubnetIds: "subnet-a" } },
            '`cluster.privateSubnetIds` must be a list (got the string "subnet-a").',
        ],
        ["a number as the health check path", { health: { path: 5 } }, '`health.path` must be a path starting with "/" (got number 5).'],
        ["a list as the environment", { environment: ["A=1"] }, '`environment` must be a map of names to values (got a list ["A=1"]).'],
        ["a list as the cpu", { cpu: [0.25] }, "`cpu` must be a positive number of vCPU (got a list [0.25])."],
    ];
    it.each(wrongShapes)("should name the argument, not raise a TypeError, when given %s", async (_case, wrong, message) => {
        expect(await errorOf(() => make("products", wrong as never))).toBe(prefix + message);
    });
});

describe("Fargate pod sizing", () => {
    let size: typeof import("./fargate-pod-size");
    beforeAll(async () => {
        size = await import("./fargate-pod-size");
    });

    const fits: [string, string, number, number][] = [
        // cpu, memory, billed vCPU, billed GiB — memory + 256Mi rounded up within the CPU's tier.
        ["250m", "256Mi", 0.25, 0.5],
        ["250m", "512Mi", 0.25, 1],
        ["0.25", "1792Mi", 0.25, 2],
        ["300m", "512Mi", 0.5, 1],
        ["500m", "3Gi", 0.5, 4],
        ["1", "2Gi", 1, 3],
        ["2", "1Gi", 2, 4],
        ["4", "29Gi", 4, 30],
        ["8", "17Gi", 8, 20],
        ["16", "100Gi", 16, 104],
        ["16", "119Gi", 16, 120],
    ];
    it.each(fits)("should bill cpu %s memory %s as %d vCPU / %d GB when the pair fits", (cpu, memory, vcpu, memoryGiB) => {
        expect(size.fargatePodSize("cpu", cpu, "memory", memory)).toEqual({ vcpu, memoryGiB });
    });

    it("should reject memory that overflows the tier when the 256Mi overhead is added", () => {
        expect(size.fargatePodSize("cpu", "250m", "memory", "1793Mi")).toBe(
            '`memory` "1793Mi" is not allowed with `cpu` "250m" on Fargate: 1793Mi + 256Mi overhead needs more than 2 GB, the most a 0.25 vCPU pod has (allowed: 0.5 GB, 1 GB, 2 GB). Lower `memory` to at most 1792Mi or raise `cpu`.',
        );
        expect(typeof size.fargatePodSize("cpu", "16", "memory", "120Gi")).toBe("string");
    });

    it("should list the allowed memories of each tier when asked", () => {
        expect(size.FARGATE_TIERS.map((t) => [t.vcpu, size.tierMemoriesGiB(t).length])).toEqual([
            [0.25, 3],
            [0.5, 4],
            [1, 7],
            [2, 13],
            [4, 23],
            [8, 12],
            [16, 12],
        ]);
    });

    it("should parse Kubernetes quantities when given millicores, decimals and binary or decimal units", () => {
        expect([size.parseCpu("250m"), size.parseCpu("0.5"), size.parseCpu("2"), size.parseCpu("0"), size.parseCpu("1 core")]).toEqual([
            0.25,
            0.5,
            2,
            undefined,
            undefined,
        ]);
        expect([
            size.parseMemoryMiB("512Mi"),
            size.parseMemoryMiB("2Gi"),
            size.parseMemoryMiB("1024Ki"),
            size.parseMemoryMiB("1G"),
            size.parseMemoryMiB("1GB"),
        ]).toEqual([512, 2048, 1, 1e9 / (1024 * 1024), undefined]);
    });
});
