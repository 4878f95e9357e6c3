import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import * as path from "node:path";
import type { RecordedResource } from "../../components/testing/mocks";
import { escapeLabel, mermaidDiagram } from "./diagram";

const PROJECT = "urn:pulumi:test::serverless-containers::";
const STACK_URN = `${PROJECT}pulumi:pulumi:Stack::serverless-containers-test`;
const REPO_ROOT = path.resolve(__dirname, "../..");

/**
 * Mermaid's own parser (the `mermaid` package, which needs a DOM: jsdom provides one) run in a child Node
 * process, because mermaid is ESM-only and jest runs these tests as CommonJS. One child serves the whole file
 * (loading jsdom and mermaid is most of its cost): it reads one JSON-encoded diagram per line on stdin and
 * answers each with a line {ok, type} or {ok: false, error}.
 */
const PARSER = `
import { JSDOM } from "jsdom";
const { window } = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });
const { createInterface } = await import("node:readline");
for await (const line of createInterface({ input: process.stdin })) {
    try {
        const result = await mermaid.parse(JSON.parse(line));
        process.stdout.write(JSON.stringify({ ok: true, type: result.diagramType }) + "\\n");
    } catch (e) {
        process.stdout.write(JSON.stringify({ ok: false, error: String(e?.message ?? e) }) + "\\n");
    }
}
`;

type ParseResult = { ok: boolean; type?: string; error?: string };
let parser: { child: ChildProcessWithoutNullStreams; waiting: Array<(line: string | Error) => void>; stderr: string } | undefined;

function mermaidParse(diagram: string): Promise<ParseResult> {
    if (parser === undefined) {
        const child = spawn(process.execPath, ["--input-type=module", "-e", PARSER], { cwd: REPO_ROOT });
        const p = { child, waiting: [] as Array<(line: string | Error) => void>, stderr: "" };
        child.stderr.on("data", (c: Buffer) => (p.stderr += c.toString()));
        createInterface({ input: child.stdout }).on("line", (line) => p.waiting.shift()?.(line));
        child.once("exit", (code) => {
            for (const answer of p.waiting.splice(0)) answer(new Error(`mermaid parser process failed (${code}): ${p.stderr}`));
        });
        parser = p;
    }
    const p = parser;
    return new Promise((resolve, reject) => {
        p.waiting.push((line) => (line instanceof Error ? reject(line) : resolve(JSON.parse(line) as ParseResult)));
        p.child.stdin.write(`${JSON.stringify(diagram)}\n`);
    });
}

afterAll(async () => {
    if (parser === undefined || parser.child.exitCode !== null) return;
    const exited = new Promise((resolve) => parser!.child.once("exit", resolve));
    parser.child.stdin.end();
    await exited;
});

/** Build a resource tree the way the mocks record it: parent URNs, inputs echoed into state. */
class Fixture {
    readonly resources: RecordedResource[] = [
        {
            type: "pulumi:pulumi:Stack",
            name: "serverless-containers-test",
            urn: STACK_URN,
            dependsOn: [],
            inputs: {},
            secretInputs: [],
            state: {},
            custom: false,
        },
    ];

    add(
        type: string,
        name: string,
        parent: RecordedResource | undefined,
        inputs: RecordedResource["inputs"] = {},
        state: RecordedResource["inputs"] = {},
        custom = true,
        provider?: string,
    ): RecordedResource {
        const parentUrn = parent?.urn ?? STACK_URN;
        const parentType = parentUrn.split("::")[2].split("$").pop();
        const r: RecordedResource = {
            type,
            name,
            urn: `${PROJECT}${parentType}$${type}::${name}`,
            parent: parentUrn,
            dependsOn: [],
            inputs,
            secretInputs: [],
            state: { ...inputs, ...state },
            custom,
            provider,
        };
        this.resources.push(r);
        return r;
    }

    component(type: string, name: string, parent?: RecordedResource): RecordedResource {
        return this.add(type, name, parent, {}, {}, false);
    }
}

const SG = {
    connector: "sg-0connector0000000",
    proxy: "sg-0proxy000000000",
    cluster: "sg-0cluster00000000",
    visits: "sg-0visits000000000",
    private: "sg-0private00000000",
};
const PROXY_ENDPOINT = "catalogue-db-proxy-1.proxy-abc.us-east-1.rds.amazonaws.com";
const DIGEST = "123456789012.dkr.ecr.us-east-1.amazonaws.com/catalogue-api-repo@sha256:" + "a".repeat(64);
const PRIVATE_DIGEST = "123456789012.dkr.ecr.us-east-1.amazonaws.com/private-service-repo@sha256:" + "b".repeat(64);

/** catalogue-api on App Runner + VPC connector → RDS Proxy → Aurora, plus a private ECS service, a DynamoDB table and an EKS service. */
function referenceStack(): RecordedResource[] {
    const f = new Fixture();
    f.add("awsx:ec2:Vpc", "vpc", undefined, { natGateways: { strategy: "Single" } }, {}, false);

    const db = f.component("serverless-containers:database:AuroraWithProxy", "catalogue-db");
    f.add("aws:ec2/securityGroup:SecurityGroup", "catalogue-db-proxy-sg", db, {}, { id: SG.proxy });
    f.add("aws:ec2/securityGroup:SecurityGroup", "catalogue-db-cluster-sg", db, {}, { id: SG.cluster });
    f.add(
        "aws:rds/cluster:Cluster",
        "catalogue-db-cluster",
        db,
        { vpcSecurityGroupIds: [SG.cluster], serverlessv2ScalingConfiguration: { minCapacity: 0.5 } },
        {
            id: "cluster-id",
            clusterIdentifier: "catalogue-db-cluster-1",
            endpoint: "catalogue-db-cluster-1.cluster-abc.us-east-1.rds.amazonaws.com",
        },
    );
    f.add(
        "aws:rds/proxy:Proxy",
        "catalogue-db-proxy",
        db,
        { vpcSecurityGroupIds: [SG.proxy] },
        { name: "catalogue-db-proxy-1", endpoint: PROXY_ENDPOINT },
    );
    f.add("aws:rds/proxyTarget:ProxyTarget", "catalogue-db-proxy-target", db, {
        dbProxyName: "catalogue-db-proxy-1",
        dbClusterIdentifier: "catalogue-db-cluster-1",
    });
    // Both sides of each hop are written (egress on the client, ingress on the server): one edge each.
    f.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "catalogue-db-cluster-from-proxy", db, {
        securityGroupId: SG.cluster,
        referencedSecurityGroupId: SG.proxy,
        fromPort: 3306,
        toPort: 3306,
    });
    f.add("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "catalogue-db-proxy-to-cluster", db, {
        securityGroupId: SG.proxy,
        referencedSecurityGroupId: SG.cluster,
        fromPort: 3306,
        toPort: 3306,
    });
    f.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "catalogue-db-proxy-from-api", db, {
        securityGroupId: SG.proxy,
        referencedSecurityGroupId: SG.connector,
        fromPort: 3306,
        toPort: 3306,
    });

    const image = f.component("serverless-containers:image:ContainerImage", "catalogue-api");
    f.add(
        "aws:ecr/repository:Repository",
        "catalogue-api-repo",
        image,
        {},
        { repositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/catalogue-api-repo" },
    );
    f.add(
        "docker:index/image:Image",
        "catalogue-api-image",
        image,
        { imageName: "123456789012.dkr.ecr.us-east-1.amazonaws.com/catalogue-api-repo:c-1" },
        { repoDigest: DIGEST },
    );

    const web = f.component("serverless-containers:apprunner:VpcConnectedAppRunner", "catalogue-api");
    f.add("aws:ec2/securityGroup:SecurityGroup", "catalogue-api-connector-sg", web, {}, { id: SG.connector });
    f.add(
        "aws:apprunner/vpcConnector:VpcConnector",
        "catalogue-api-connector",
        web,
        { securityGroups: [SG.connector] },
        { arn: "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/catalogue-api/1" },
    );
    f.add("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "catalogue-api-egress-0", web, {
        securityGroupId: SG.connector,
        referencedSecurityGroupId: SG.proxy,
        fromPort: 3306,
        toPort: 3306,
    });
    const inner = f.component("serverless-containers:apprunner:AppRunnerService", "catalogue-api", web);
    f.add(
        "aws:apprunner/service:Service",
        "catalogue-api-service",
        inner,
        {
            networkConfiguration: {
                egressConfiguration: {
                    egressType: "VPC",
                    vpcConnectorArn: "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/catalogue-api/1",
                },
                ingressConfiguration: { isPubliclyAccessible: true },
            },
            sourceConfiguration: {
                imageRepository: {
                    imageIdentifier: DIGEST,
                    imageConfiguration: { runtimeEnvironmentVariables: { DB_HOST: PROXY_ENDPOINT, DB_PORT: "3306" } },
                },
            },
        },
        { serviceUrl: "abc.us-east-1.awsapprunner.com" },
    );

    const table = f.component("serverless-containers:database:DynamoDbTable", "products");
    f.add("aws:dynamodb/table:Table", "products-table", table, { billingMode: "PAY_PER_REQUEST" }, { name: "products-table-1234" });

    const privImage = f.component("serverless-containers:image:ContainerImage", "private-service");
    f.add(
        "aws:ecr/repository:Repository",
        "private-service-repo",
        privImage,
        {},
        { repositoryUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/private-service-repo" },
    );
    f.add("docker:index/image:Image", "private-service-image", privImage, {}, { repoDigest: PRIVATE_DIGEST });

    const priv = f.component("serverless-containers:ecs:PrivateFargateService", "visits-private");
    f.add("aws:ec2/securityGroup:SecurityGroup", "visits-private-sg", priv, {}, { id: SG.private });
    f.add(
        "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
        "visits-private-namespace",
        priv,
        { name: "visits.local" },
        { id: "ns-1" },
    );
    f.add(
        "aws:servicediscovery/service:Service",
        "visits-private-discovery",
        priv,
        { name: "private-service", namespaceId: "ns-1" },
        { arn: "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1" },
    );
    f.add(
        "aws:ecs/taskDefinition:TaskDefinition",
        "visits-private-task",
        priv,
        {
            family: "visits-private",
            cpu: "256",
            memory: "512",
            containerDefinitions: JSON.stringify([{ name: "app", image: PRIVATE_DIGEST, environment: [{ name: "PORT", value: "8080" }] }]),
        },
        { arn: "arn:aws:ecs:us-east-1:123456789012:task-definition/visits-private:1" },
    );
    f.add("aws:ecs/service:Service", "visits-private-service", priv, {
        taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/visits-private:1",
        networkConfiguration: { securityGroups: [SG.private], assignPublicIp: false },
        serviceRegistries: { registryArn: "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1" },
    });
    f.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "visits-private-from-0", priv, {
        securityGroupId: SG.private,
        referencedSecurityGroupId: SG.visits,
        fromPort: 8080,
        toPort: 8080,
    });

    const visits = f.component("serverless-containers:ecs:EcsExpressService", "visits-api");
    f.add("aws:ec2/securityGroup:SecurityGroup", "visits-api-sg", visits, {}, { id: SG.visits });
    f.add(
        "aws:ecs/expressGatewayService:ExpressGatewayService",
        "visits-api-service",
        visits,
        {
            primaryContainer: {
                image: DIGEST,
                environments: [
                    { name: "ECSPRIVATESERVICE", value: "http://private-service.visits.local:8080" },
                    { name: "TABLE_NAME", value: "products-table-1234" },
                    { name: "DB_HOST", value: PROXY_ENDPOINT },
                ],
            },
            networkConfigurations: [{ securityGroups: [SG.visits] }],
        },
        { ingressPaths: [{ accessType: "PUBLIC", endpoint: "visits-api.ecs.us-east-1.on.aws" }] },
    );

    const eksCluster = f.component("serverless-containers:eks:EksFargateCluster", "products-eks");
    const kubeconfig = '{"apiVersion":"v1","kind":"Config","clusters":[{"name":"products-eks-cluster"}]}';
    f.add("eks:index:Cluster", "products-eks-cluster", eksCluster, {}, { kubeconfigJson: kubeconfig }, false);
    const eksSvc = f.component("serverless-containers:eks:EksFargateService", "products-api");
    // The service builds its own provider from the cluster's kubeconfig (it takes the cluster's outputs as plain values).
    const k8sProvider = f.add("pulumi:providers:kubernetes", "products-api-k8s", eksSvc, { kubeconfig }, {}, true);
    f.add(
        "kubernetes:apps/v1:Deployment",
        "products-api-deployment",
        eksSvc,
        {
            metadata: { name: "products-api", namespace: "products" },
            spec: {
                template: {
                    metadata: { labels: { app: "products-api" } },
                    spec: { containers: [{ name: "app", image: DIGEST, env: [{ name: "TABLE_NAME", value: "products-table-1234" }] }] },
                },
            },
        },
        {},
        true,
        `${k8sProvider.urn}::products-api-k8s-id`,
    );
    f.add("kubernetes:core/v1:Service", "products-api-service", eksSvc, {
        metadata: {
            name: "products-api",
            namespace: "products",
            annotations: {
                "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            },
        },
        spec: { type: "LoadBalancer", selector: { app: "products-api" } },
    });
    f.add("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "products-api-hpa", eksSvc, {
        metadata: { name: "products-api", namespace: "products" },
        spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "products-api" }, minReplicas: 1, maxReplicas: 10 },
    });
    return f.resources;
}

interface Parsed {
    nodes: Map<string, string>;
    edges: { from: string; to: string; label: string }[];
    subgraphs: string[];
}

/** Read back node declarations, subgraphs and edges from the generated text (our own output format). */
function parse(diagram: string): Parsed {
    const nodes = new Map<string, string>();
    const edges: Parsed["edges"] = [];
    const subgraphs: string[] = [];
    for (const raw of diagram.split("\n").slice(1)) {
        const line = raw.trim();
        if (line === "" || line === "end") continue;
        const sub = /^subgraph (\S+)\["(.*)"\]$/.exec(line);
        if (sub) {
            subgraphs.push(sub[1]);
            continue;
        }
        const edge = /^(\w+) -\.?->(?:\|"(.*)"\|)? (\w+)$/.exec(line);
        if (edge) {
            edges.push({ from: edge[1], to: edge[3], label: edge[2] ?? "" });
            continue;
        }
        const node = /^(\w+)[[(]{1,2}"(.*)"[\])]{1,2}$/.exec(line);
        if (!node) throw new Error(`unexpected line: ${line}`);
        if (nodes.has(node[1])) throw new Error(`node declared twice: ${node[1]}`);
        nodes.set(node[1], node[2]);
    }
    return { nodes, edges, subgraphs };
}

/** Node id whose label ends with the given resource name. */
function idOf(p: Parsed, name: string): string {
    const found = [...p.nodes].filter(([, label]) => label.endsWith(`<br/>${name}`));
    if (found.length !== 1) throw new Error(`expected one node for ${name}, found ${found.length}`);
    return found[0][0];
}

function hasEdge(p: Parsed, from: string, to: string, label?: RegExp): boolean {
    return p.edges.some((e) => e.from === from && e.to === to && (label === undefined || label.test(e.label)));
}

describe("mermaidDiagram", () => {
    const diagram = mermaidDiagram(referenceStack());
    const p = parse(diagram);

    it("should start a left-to-right flowchart and group each top-level component in a subgraph", () => {
        expect(diagram.startsWith("flowchart LR\n")).toBe(true);
        expect(p.subgraphs).toEqual(
            expect.arrayContaining([
                "g_catalogue_db_AuroraWithProxy",
                "g_catalogue_api_VpcConnectedAppRunner",
                "g_catalogue_api_AppRunnerService",
                "g_visits_private_PrivateFargateService",
            ]),
        );
        // The App Runner service sits in the AppRunnerService subgraph nested in VpcConnectedAppRunner.
        const lines = diagram.split("\n");
        const outer = lines.findIndex((l) => l.includes("subgraph g_catalogue_api_VpcConnectedAppRunner"));
        const innerStart = lines.findIndex((l) => l.includes("subgraph g_catalogue_api_AppRunnerService"));
        const service = lines.findIndex((l) => l.includes("catalogue-api-service"));
        expect(outer).toBeLessThan(innerStart);
        expect(innerStart).toBeLessThan(service);
    });

    it("should draw the App Runner → VPC connector → RDS Proxy → Aurora chain when catalogue-api's program is planned on App Runner", () => {
        const service = idOf(p, "catalogue-api-service");
        const connector = idOf(p, "catalogue-api-connector");
        const proxy = idOf(p, "catalogue-db-proxy");
        const cluster = idOf(p, "catalogue-db-cluster");
        expect(hasEdge(p, service, connector, /VPC egress/)).toBe(true);
        expect(hasEdge(p, connector, proxy, /tcp\/3306/)).toBe(true);
        expect(hasEdge(p, proxy, cluster, /pooled connections/)).toBe(true);
        expect(hasEdge(p, "internet", service, /HTTPS/)).toBe(true);
        expect(hasEdge(p, service, proxy, /DB_HOST/)).toBe(true);
    });

    it("should derive reachability from security-group rules, mapping group ids back to their owners", () => {
        // Only rule: visits-private's ingress from visits-api's group.
        expect(hasEdge(p, idOf(p, "visits-api-service"), idOf(p, "visits-private-service"), /tcp\/8080/)).toBe(true);
        // No security-group rule allows the private service to reach anything.
        expect(p.edges.filter((e) => e.from === idOf(p, "visits-private-service"))).toEqual([]);
    });

    it("should link images, environment references, Cloud Map and Kubernetes objects when the inputs show the data flow", () => {
        const repo = idOf(p, "catalogue-api-repo");
        expect(hasEdge(p, repo, idOf(p, "catalogue-api-service"), /image/)).toBe(true);
        const table = idOf(p, "products-table");
        expect(hasEdge(p, idOf(p, "visits-api-service"), table, /TABLE_NAME/)).toBe(true);
        expect(hasEdge(p, idOf(p, "visits-api-service"), idOf(p, "visits-private-service"), /ECSPRIVATESERVICE/)).toBe(true);
        expect(hasEdge(p, idOf(p, "visits-private-namespace"), idOf(p, "visits-private-service"), /DNS/)).toBe(true);
        expect(hasEdge(p, "internet", idOf(p, "visits-api-service"), /HTTPS/)).toBe(true);

        const deployment = [...p.nodes].find(([, l]) => l === "Deployment<br/>products-api")![0];
        const k8sService = [...p.nodes].find(([, l]) => l === "Service<br/>products-api")![0];
        const hpa = [...p.nodes].find(([, l]) => l === "HPA<br/>products-api")![0];
        const nlb = [...p.nodes].find(([, l]) => l.startsWith("NLB"))![0];
        expect(hasEdge(p, "internet", nlb)).toBe(true);
        expect(hasEdge(p, nlb, k8sService)).toBe(true);
        expect(hasEdge(p, k8sService, deployment, /selector/)).toBe(true);
        expect(hasEdge(p, hpa, deployment, /scales/)).toBe(true);
        expect(hasEdge(p, deployment, table, /TABLE_NAME/)).toBe(true);
        expect(hasEdge(p, repo, deployment, /image/)).toBe(true);
        expect(hasEdge(p, idOf(p, "products-eks-cluster"), deployment, /Fargate/)).toBe(true);
        expect(hasEdge(p, idOf(p, "private-service-repo"), idOf(p, "visits-private-service"), /image/)).toBe(true);
    });

    it("should emit each ordered pair once, merging labels, when several inputs show the same flow", () => {
        const pairs = p.edges.map((e) => `${e.from}->${e.to}`);
        expect(new Set(pairs).size).toBe(pairs.length);
        // The proxy → cluster hop appears as an egress rule, an ingress rule and the proxy target.
        const hop = p.edges.filter((e) => e.from === idOf(p, "catalogue-db-proxy") && e.to === idOf(p, "catalogue-db-cluster"));
        expect(hop).toHaveLength(1);
        expect(hop[0].label).toBe("tcp/3306, pooled connections");
    });

    it("should use unique Mermaid-safe ids and declare every node an edge uses", () => {
        const ids = [...p.nodes.keys(), ...p.subgraphs];
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
        for (const id of ids) expect(["end", "graph", "flowchart", "subgraph"]).not.toContain(id.toLowerCase());
        for (const e of p.edges) {
            expect(p.nodes.has(e.from)).toBe(true);
            expect(p.nodes.has(e.to)).toBe(true);
        }
        // Roles, policies, rules and the stack itself are not drawn.
        expect(diagram).not.toMatch(/SecurityGroupIngressRule<br|Role<br|pulumi:pulumi:Stack/);
    });

    it("should escape quotes in labels and give colliding names distinct ids", async () => {
        expect(escapeLabel('say "hi" <b>')).toBe("say #quot;hi#quot; #lt;b#gt;");
        const f = new Fixture();
        const c = f.component("serverless-containers:database:DynamoDbTable", 'odd "name"');
        f.add("aws:dynamodb/table:Table", "a.b", c, {}, { name: "t1" });
        f.add("aws:dynamodb/table:Table", "a-b", c, {}, { name: "t2" });
        const text = mermaidDiagram(f.resources);
        const parsed = parse(text);
        expect([...parsed.nodes.keys()].sort()).toEqual(["n_a_b", "n_a_b_2"]);
        expect(text).toContain("odd #quot;name#quot;");
        expect(await mermaidParse(text)).toEqual({ ok: true, type: "flowchart-v2" });
    });

    it("should produce a diagram that Mermaid's own parser accepts", async () => {
        expect(await mermaidParse(diagram)).toEqual({ ok: true, type: "flowchart-v2" });
    });

    it("should have a parser check that can fail: Mermaid rejects a broken diagram", async () => {
        // An unescaped quote inside a node label, the mistake `escapeLabel` exists to prevent.
        const broken = diagram.replace('(["RDS Proxy<br/>', '(["RDS "Proxy<br/>');
        expect(broken).not.toBe(diagram);
        const result = await mermaidParse(broken);
        expect(result.ok).toBe(false);
        expect(result.error).toMatch(/Parse error/);
    });

    it("should accept the hand-drawn picture at the top of the README", async () => {
        const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        const picture = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
        expect(picture).toContain("flowchart LR");
        expect(await mermaidParse(picture!)).toEqual({ ok: true, type: "flowchart-v2" });
    });

    it("should draw nothing but the header when there are no resources", async () => {
        expect(mermaidDiagram([])).toBe("flowchart LR\n");
        expect(await mermaidParse("flowchart LR\n")).toEqual({ ok: true, type: "flowchart-v2" });
    });
});
