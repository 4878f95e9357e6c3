/**
 * Mermaid architecture diagram of a planned stack, derived from the resource graph the offline preview
 * records — never hand-drawn, so it cannot drift from the code. Pure: no Pulumi runtime, no I/O.
 *
 * - Grouping: one subgraph per top-level component (a resource whose parent is the stack), with nested
 *   subgraphs for the components inside it. A top-level resource with nothing inside it (the VPC, say) is
 *   drawn as a plain node.
 * - Nodes: only architecturally meaningful types (`NODE_KINDS`); roles, policies, rules are not drawn.
 * - Edges: data flow visible in the inputs — App Runner → VPC connector, security-group rules (who may
 *   reach whom), RDS Proxy → cluster, ECR → service (image digest), environment variables that carry
 *   another resource's endpoint / table name / URL, Cloud Map registration, Kubernetes selectors and HPA
 *   targets, and the Internet → public entry points. One edge per ordered pair; labels are merged.
 */
import type { RecordedResource } from "../../components/testing/mocks";

interface NodeKind {
    readonly label: string;
    /** Mermaid shape: box, database cylinder, rounded, or stadium. */
    readonly shape: "box" | "db" | "round" | "stadium";
}

/** The resource types drawn as nodes, with the label and shape each gets. */
export const NODE_KINDS: Readonly<Record<string, NodeKind>> = {
    "awsx:ec2:Vpc": { label: "VPC", shape: "round" },
    "eks:index:Cluster": { label: "EKS cluster", shape: "round" },
    "aws:apprunner/service:Service": { label: "App Runner service", shape: "box" },
    "aws:apprunner/vpcConnector:VpcConnector": { label: "VPC connector", shape: "stadium" },
    "aws:ecs/expressGatewayService:ExpressGatewayService": { label: "ECS Express service", shape: "box" },
    "aws:ecs/service:Service": { label: "ECS service", shape: "box" },
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": { label: "Cloud Map namespace", shape: "stadium" },
    "aws:rds/proxy:Proxy": { label: "RDS Proxy", shape: "stadium" },
    "aws:rds/cluster:Cluster": { label: "Aurora cluster", shape: "db" },
    "aws:dynamodb/table:Table": { label: "DynamoDB table", shape: "db" },
    "aws:ecr/repository:Repository": { label: "ECR repository", shape: "db" },
    "kubernetes:apps/v1:Deployment": { label: "Deployment", shape: "box" },
    "kubernetes:core/v1:Service": { label: "Service", shape: "stadium" },
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": { label: "HPA", shape: "round" },
    "aws:lb/loadBalancer:LoadBalancer": { label: "Load balancer", shape: "stadium" },
};

/** Label of the synthetic node for a load balancer the AWS Load Balancer Controller creates for a Service. */
const K8S_LB_LABEL = "NLB (AWS Load Balancer Controller)";
const INTERNET_ID = "internet";

interface Node {
    readonly id: string;
    readonly label: string;
    readonly shape: NodeKind["shape"];
    /** URN of the resource the node stands for (synthetic nodes use the owning resource's URN + suffix). */
    readonly key: string;
    /** URN of the component the node is drawn inside (undefined = top level). */
    readonly container?: string;
}

interface Edge {
    readonly from: string;
    readonly to: string;
    readonly labels: string[];
    readonly dotted: boolean;
}

/** Mermaid-safe id: letters, digits and underscores, never a keyword, unique within the diagram. */
function makeIdFactory(): (prefix: string, name: string) => string {
    const used = new Set<string>([INTERNET_ID]);
    return (prefix, name) => {
        const base = `${prefix}_${name.replace(/[^A-Za-z0-9_]/g, "_").replace(/_+/g, "_")}`.replace(/_$/, "");
        let id = base;
        for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
        used.add(id);
        return id;
    };
}

/** Escape text for a quoted Mermaid label: quotes and angle brackets as Mermaid entity codes. */
export function escapeLabel(text: string): string {
    return text
        .replace(/#/g, "#35;")
        .replace(/"/g, "#quot;")
        .replace(/</g, "#lt;")
        .replace(/>/g, "#gt;")
        .replace(/[\r\n]+/g, " ");
}

function shapeOf(node: Node): string {
    const label = `"${node.label}"`;
    switch (node.shape) {
        case "db":
            return `${node.id}[(${label})]`;
        case "round":
            return `${node.id}(${label})`;
        case "stadium":
            return `${node.id}([${label}])`;
        default:
            return `${node.id}[${label}]`;
    }
}

function props(r: RecordedResource): RecordedResource["inputs"] {
    return { ...(r.state ?? {}), ...(r.inputs ?? {}) };
}

/** Every string anywhere inside a value (for finding which resource lists a security-group id). */
function strings(value: unknown, out: string[] = []): string[] {
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
    else if (value !== null && typeof value === "object") Object.values(value).forEach((v) => strings(v, out));
    return out;
}

/** Environment variables a resource passes to its containers, as name → value. */
function envOf(r: RecordedResource, resources: RecordedResource[]): [string, string][] {
    const p = props(r);
    const pairs: [string, string][] = [];
    const push = (name: unknown, value: unknown) => {
        if (typeof name === "string" && typeof value === "string") pairs.push([name, value]);
    };
    switch (r.type) {
        case "aws:apprunner/service:Service": {
            const vars = p.sourceConfiguration?.imageRepository?.imageConfiguration?.runtimeEnvironmentVariables ?? {};
            for (const [k, v] of Object.entries(vars)) push(k, v);
            break;
        }
        case "aws:ecs/expressGatewayService:ExpressGatewayService":
            for (const e of p.primaryContainer?.environments ?? []) push(e?.name, e?.value);
            break;
        case "aws:ecs/service:Service":
            for (const c of ecsContainers(r, resources)) for (const e of c?.environment ?? []) push(e?.name, e?.value);
            break;
        case "kubernetes:apps/v1:Deployment":
            for (const c of p.spec?.template?.spec?.containers ?? []) for (const e of c?.env ?? []) push(e?.name, e?.value);
            break;
    }
    return pairs;
}

/** The fields of an ECS container definition (JSON) the diagram reads. */
interface EcsContainer {
    readonly image?: unknown;
    readonly environment?: readonly ({ readonly name?: unknown; readonly value?: unknown } | undefined)[];
}

/** Container definitions of the task definition an ECS service runs (stored as a JSON string). */
function ecsContainers(service: RecordedResource, resources: RecordedResource[]): (EcsContainer | undefined)[] {
    const arn = props(service).taskDefinition;
    const td = resources.find(
        (t) => t.type === "aws:ecs/taskDefinition:TaskDefinition" && t.state?.arn !== undefined && t.state.arn === arn,
    );
    let defs: unknown = td ? props(td).containerDefinitions : [];
    if (typeof defs === "string") {
        try {
            defs = JSON.parse(defs);
        } catch {
            defs = [];
        }
    }
    return Array.isArray(defs) ? defs : [];
}

/** Container images a resource runs. */
function imagesOf(r: RecordedResource, resources: RecordedResource[]): string[] {
    const p = props(r);
    switch (r.type) {
        case "aws:ecs/service:Service":
            return ecsContainers(r, resources)
                .map((c) => c?.image)
                .filter((x): x is string => typeof x === "string");
        case "aws:apprunner/service:Service":
            return [p.sourceConfiguration?.imageRepository?.imageIdentifier].filter((x): x is string => typeof x === "string");
        case "aws:ecs/expressGatewayService:ExpressGatewayService":
            return [p.primaryContainer?.image].filter((x): x is string => typeof x === "string");
        case "kubernetes:apps/v1:Deployment":
            return (p.spec?.template?.spec?.containers ?? [])
                .map((c: { image?: unknown } | undefined) => c?.image)
                .filter((x: unknown): x is string => typeof x === "string");
        default:
            return [];
    }
}

class DiagramBuilder {
    private readonly byUrn = new Map<string, RecordedResource>();
    private readonly children = new Map<string | undefined, RecordedResource[]>();
    private readonly nodes = new Map<string, Node>();
    private readonly edges = new Map<string, Edge>();
    private readonly newId = makeIdFactory();
    private readonly resources: RecordedResource[];
    private internetUsed = false;

    constructor(all: RecordedResource[]) {
        this.resources = all.filter((r) => r.type !== "pulumi:pulumi:Stack");
        for (const r of this.resources) this.byUrn.set(r.urn, r);
        for (const r of this.resources) {
            const parent = r.parent && this.byUrn.has(r.parent) ? r.parent : undefined;
            this.children.set(parent, [...(this.children.get(parent) ?? []), r]);
        }
    }

    private typed(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    private nodeFor(r: RecordedResource | undefined): Node | undefined {
        return r ? this.nodes.get(r.urn) : undefined;
    }

    private edge(from: Node | string | undefined, to: Node | string | undefined, label?: string, dotted = false): void {
        const f = typeof from === "string" ? from : from?.id;
        const t = typeof to === "string" ? to : to?.id;
        if (!f || !t || f === t) return;
        if (f === INTERNET_ID) this.internetUsed = true;
        const key = `${f}->${t}`;
        const existing = this.edges.get(key);
        if (existing) {
            if (label && !existing.labels.includes(label)) existing.labels.push(label);
            return;
        }
        this.edges.set(key, { from: f, to: t, labels: label ? [label] : [], dotted });
    }

    /** Does this component (or anything under it) contain a node? */
    private hasNodes(urn: string): boolean {
        return (this.children.get(urn) ?? []).some((c) => NODE_KINDS[c.type] !== undefined || this.hasNodes(c.urn));
    }

    // ---- nodes ----------------------------------------------------------------------------------------

    private collectNodes(): void {
        for (const r of this.resources) {
            const kind = NODE_KINDS[r.type];
            if (!kind) continue;
            const p = props(r);
            const display = r.type.startsWith("kubernetes:") ? (p.metadata?.name ?? r.name) : r.name;
            this.nodes.set(r.urn, {
                id: this.newId("n", r.name),
                label: `${kind.label}<br/>${escapeLabel(display)}`,
                shape: kind.shape,
                key: r.urn,
                container: this.containerOf(r),
            });
        }
    }

    /** The component a resource is drawn inside: its nearest ancestor that is not itself a drawn node. */
    private containerOf(r: RecordedResource): string | undefined {
        let parent = r.parent && this.byUrn.has(r.parent) ? r.parent : undefined;
        while (parent) {
            const p = this.byUrn.get(parent)!;
            if (NODE_KINDS[p.type] === undefined) return parent;
            parent = p.parent && this.byUrn.has(p.parent) ? p.parent : undefined;
        }
        return undefined;
    }

    // ---- edges ----------------------------------------------------------------------------------------

    private appRunnerEgress(): void {
        const connectors = this.typed("aws:apprunner/vpcConnector:VpcConnector");
        for (const s of this.typed("aws:apprunner/service:Service")) {
            const arn = props(s).networkConfiguration?.egressConfiguration?.vpcConnectorArn;
            const connector = connectors.find((c) => c.state?.arn !== undefined && c.state.arn === arn);
            this.edge(this.nodeFor(s), this.nodeFor(connector), "VPC egress");
        }
    }

    /** Node owning a security group: the drawn resource that lists its id, else its component's first node. */
    private securityGroupOwner(sgId: string): Node | undefined {
        const users = this.resources.filter(
            (r) => NODE_KINDS[r.type] !== undefined && r.type !== "awsx:ec2:Vpc" && strings(r.inputs).includes(sgId),
        );
        if (users.length > 0) return this.nodeFor(users[0]);
        const sg = this.resources.find(
            (r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && (r.state?.id === sgId || r.inputs?.id === sgId),
        );
        if (!sg) return undefined;
        return [...this.nodes.values()].find((n) => n.container !== undefined && n.container === sg.parent);
    }

    private securityGroupRules(): void {
        const port = (p: { fromPort?: number; toPort?: number }) =>
            p.fromPort !== undefined
                ? `tcp/${p.fromPort === p.toPort || p.toPort === undefined ? p.fromPort : `${p.fromPort}-${p.toPort}`}`
                : "allowed";
        for (const rule of this.typed("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) {
            const p = props(rule);
            if (typeof p.referencedSecurityGroupId !== "string") continue;
            this.edge(this.securityGroupOwner(p.referencedSecurityGroupId), this.securityGroupOwner(p.securityGroupId), port(p));
        }
        for (const rule of this.typed("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")) {
            const p = props(rule);
            if (typeof p.referencedSecurityGroupId !== "string") continue;
            this.edge(this.securityGroupOwner(p.securityGroupId), this.securityGroupOwner(p.referencedSecurityGroupId), port(p));
        }
        for (const rule of this.typed("aws:ec2/securityGroupRule:SecurityGroupRule")) {
            const p = props(rule);
            if (typeof p.sourceSecurityGroupId !== "string") continue;
            const [from, to] =
                p.type === "egress" ? [p.securityGroupId, p.sourceSecurityGroupId] : [p.sourceSecurityGroupId, p.securityGroupId];
            this.edge(this.securityGroupOwner(from), this.securityGroupOwner(to), port(p));
        }
    }

    private proxyTargets(): void {
        const proxies = this.typed("aws:rds/proxy:Proxy");
        const clusters = this.typed("aws:rds/cluster:Cluster");
        for (const t of this.typed("aws:rds/proxyTarget:ProxyTarget")) {
            const p = props(t);
            const proxy = proxies.find((x) => [x.state?.name, x.inputs?.name].includes(p.dbProxyName));
            const cluster = clusters.find(
                (c) =>
                    p.dbClusterIdentifier !== undefined &&
                    [c.state?.clusterIdentifier, c.inputs?.clusterIdentifier, c.state?.id].includes(p.dbClusterIdentifier),
            );
            this.edge(this.nodeFor(proxy), this.nodeFor(cluster), "pooled connections");
        }
    }

    private images(): void {
        const repos = this.typed("aws:ecr/repository:Repository");
        const built = this.typed("docker:index/image:Image").map((img) => ({ img, digest: img.state?.repoDigest as string | undefined }));
        for (const consumer of this.resources) {
            for (const image of imagesOf(consumer, this.resources)) {
                const source = built.find((b) => b.digest !== undefined && b.digest === image);
                const repoUrl = image.replace(/[@:][^/]*$/, "");
                const repo = repos.find(
                    (r) =>
                        typeof r.state?.repositoryUrl === "string" &&
                        (repoUrl === r.state.repositoryUrl || source?.digest?.startsWith(`${r.state.repositoryUrl}@`)),
                );
                this.edge(this.nodeFor(repo), this.nodeFor(consumer), "image");
            }
        }
    }

    /** Strings that identify a resource when they show up in another resource's environment. */
    private identifiersOf(r: RecordedResource): { value: string; exact: boolean }[] {
        const s = r.state ?? {};
        const ids: { value: string; exact: boolean }[] = [];
        const add = (v: unknown, exact = false) => {
            if (typeof v === "string" && v.length >= 4) ids.push({ value: v, exact });
        };
        switch (r.type) {
            case "aws:rds/proxy:Proxy":
            case "aws:rds/cluster:Cluster":
                add(s.endpoint);
                add(s.readerEndpoint);
                break;
            case "aws:dynamodb/table:Table":
                add(s.name, true);
                add(s.arn);
                break;
            case "aws:apprunner/service:Service":
                add(s.serviceUrl);
                break;
            case "aws:ecs/expressGatewayService:ExpressGatewayService":
                for (const path of s.ingressPaths ?? []) add(path?.endpoint);
                break;
            case "aws:ecs/service:Service": {
                // Cloud Map: "<discovery service>.<namespace>" is the private DNS name of the service's tasks.
                for (const reg of [props(r).serviceRegistries].flat()) {
                    const discovery = this.resources.find(
                        (d) =>
                            d.type === "aws:servicediscovery/service:Service" &&
                            d.state?.arn !== undefined &&
                            d.state.arn === reg?.registryArn,
                    );
                    if (!discovery) continue;
                    const ns = this.resources.find(
                        (x) =>
                            x.type === "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace" &&
                            x.state?.id !== undefined &&
                            x.state.id === props(discovery).namespaceId,
                    );
                    const svcName = props(discovery).name;
                    add(ns ? `${svcName}.${props(ns).name}` : svcName);
                }
                break;
            }
            case "kubernetes:core/v1:Service": {
                const m = props(r).metadata ?? {};
                if (m.name && m.namespace) add(`${m.name}.${m.namespace}`);
                break;
            }
        }
        return ids;
    }

    private environmentEdges(): void {
        const targets = this.resources.filter((r) => NODE_KINDS[r.type] !== undefined).map((r) => ({ r, ids: this.identifiersOf(r) }));
        for (const consumer of this.resources) {
            const env = envOf(consumer, this.resources);
            if (env.length === 0) continue;
            for (const [name, value] of env) {
                for (const { r, ids } of targets) {
                    if (r === consumer) continue;
                    if (ids.some((id) => (id.exact ? value === id.value : value.includes(id.value))))
                        this.edge(this.nodeFor(consumer), this.nodeFor(r), name);
                }
            }
        }
    }

    private cloudMap(): void {
        for (const svc of this.typed("aws:ecs/service:Service")) {
            for (const reg of [props(svc).serviceRegistries].flat()) {
                const discovery = this.resources.find(
                    (d) =>
                        d.type === "aws:servicediscovery/service:Service" && d.state?.arn !== undefined && d.state.arn === reg?.registryArn,
                );
                if (!discovery) continue;
                const ns = this.resources.find(
                    (x) =>
                        x.type === "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace" &&
                        x.state?.id !== undefined &&
                        x.state.id === props(discovery).namespaceId,
                );
                this.edge(this.nodeFor(ns), this.nodeFor(svc), "DNS A records", true);
            }
        }
    }

    private kubernetes(): void {
        const deployments = this.typed("kubernetes:apps/v1:Deployment");
        const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
            selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
        const sameNamespace = (a: RecordedResource, b: RecordedResource) =>
            (props(a).metadata?.namespace ?? "default") === (props(b).metadata?.namespace ?? "default");
        for (const svc of this.typed("kubernetes:core/v1:Service")) {
            const p = props(svc);
            for (const d of deployments) {
                if (sameNamespace(svc, d) && matches(p.spec?.selector, props(d).spec?.template?.metadata?.labels))
                    this.edge(this.nodeFor(svc), this.nodeFor(d), "selector");
            }
            const annotations = p.metadata?.annotations ?? {};
            if (p.spec?.type === "LoadBalancer") {
                const lb: Node = {
                    id: this.newId("lb", svc.name),
                    label: K8S_LB_LABEL,
                    shape: "stadium",
                    key: `${svc.urn}#lb`,
                    container: this.nodes.get(svc.urn)?.container,
                };
                this.nodes.set(lb.key, lb);
                this.edge(lb, this.nodeFor(svc), "IP targets");
                if ((annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] ?? "internal") === "internet-facing")
                    this.edge(INTERNET_ID, lb, "HTTP");
            }
        }
        // A Deployment runs on the EKS cluster whose component owns the Kubernetes provider it was created with,
        // or whose kubeconfig that provider was built from (EksFargateService builds its own from the cluster's).
        for (const d of deployments) {
            const providerUrn = d.provider?.split("::").slice(0, -1).join("::");
            const provider = providerUrn ? this.byUrn.get(providerUrn) : undefined;
            const kubeconfig = provider ? props(provider).kubeconfig : undefined;
            const cluster =
                provider &&
                this.typed("eks:index:Cluster").find(
                    (c) =>
                        (c.parent !== undefined && c.parent === provider.parent) ||
                        (kubeconfig !== undefined && c.state.kubeconfigJson === kubeconfig),
                );
            this.edge(this.nodeFor(cluster), this.nodeFor(d), "schedules on Fargate", true);
        }
        for (const hpa of this.typed("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")) {
            const ref = props(hpa).spec?.scaleTargetRef;
            const d = deployments.find((x) => sameNamespace(x, hpa) && (props(x).metadata?.name ?? x.name) === ref?.name);
            this.edge(this.nodeFor(hpa), this.nodeFor(d), "scales", true);
        }
    }

    private internet(): void {
        for (const s of this.typed("aws:apprunner/service:Service")) {
            if (props(s).networkConfiguration?.ingressConfiguration?.isPubliclyAccessible !== false)
                this.edge(INTERNET_ID, this.nodeFor(s), "HTTPS");
        }
        for (const s of this.typed("aws:ecs/expressGatewayService:ExpressGatewayService")) {
            const paths: readonly ({ accessType?: string } | undefined)[] = s.state?.ingressPaths ?? [];
            if (paths.length === 0 || paths.some((x) => x?.accessType === "PUBLIC")) this.edge(INTERNET_ID, this.nodeFor(s), "HTTPS (ALB)");
        }
        for (const lb of this.typed("aws:lb/loadBalancer:LoadBalancer")) {
            if (props(lb).internal !== true) this.edge(INTERNET_ID, this.nodeFor(lb), "HTTP(S)");
        }
    }

    // ---- rendering ------------------------------------------------------------------------------------

    private renderContainer(urn: string | undefined, depth: number, out: string[]): void {
        const pad = "    ".repeat(depth + 1);
        for (const node of this.nodes.values()) {
            if (node.container === urn) out.push(`${pad}${shapeOf(node)}`);
        }
        for (const child of this.children.get(urn) ?? []) {
            if (NODE_KINDS[child.type] !== undefined || !this.hasNodes(child.urn)) continue;
            const type = child.type.split(":").pop() ?? child.type;
            out.push(`${pad}subgraph ${this.newId("g", `${child.name}_${type}`)}["${escapeLabel(`${child.name} (${type})`)}"]`);
            this.renderContainer(child.urn, depth + 1, out);
            out.push(`${pad}end`);
        }
    }

    build(): string {
        this.collectNodes();
        this.appRunnerEgress();
        this.securityGroupRules();
        this.proxyTargets();
        this.images();
        this.environmentEdges();
        this.cloudMap();
        this.kubernetes();
        this.internet();

        const out: string[] = ["flowchart LR"];
        if (this.internetUsed) out.push(`    ${INTERNET_ID}(("Internet"))`);
        this.renderContainer(undefined, 0, out);
        // Sorted: resources register in an order that varies between runs (outputs resolve asynchronously), and
        // the generated docs must not change when the plan does not.
        const edges = [...this.edges.values()].sort((a, b) => `${a.from} ${a.to}`.localeCompare(`${b.from} ${b.to}`));
        for (const e of edges) {
            const arrow = e.dotted ? "-.->" : "-->";
            const label = e.labels.length > 0 ? `|"${escapeLabel(e.labels.join(", "))}"|` : "";
            out.push(`    ${e.from} ${arrow}${label} ${e.to}`);
        }
        return `${out.join("\n")}\n`;
    }
}

/**
 * A Mermaid `flowchart LR` of the planned resources: components as subgraphs, meaningful resources as
 * nodes, data flow and network reachability as edges. Stable for a given resource list.
 */
export function mermaidDiagram(resources: RecordedResource[]): string {
    return new DiagramBuilder(resources).build();
}
