/**
 * Monthly cost estimate of a planned stack, computed from the resources the offline preview records
 * (their inputs and mocked state) and the dated price table in `prices.ts`. Pure: no Pulumi runtime, no I/O.
 *
 * It prices the floor a stack costs by just existing — control planes, minimum capacity, always-on
 * gateways — plus small, stated usage assumptions where a service only bills per use. Every row says in
 * words what it assumed, so a reviewer can disagree with a number rather than with a black box.
 */
import type { RecordedResource } from "../../components/testing/mocks";
import { FARGATE_OVERHEAD_MIB, FARGATE_TIERS, parseCpu, parseMemoryMiB, tierMemoriesGiB } from "../../components/fargate-pod-size";
import { PRICES, type PriceKey, type PriceTable } from "./prices";

export interface CostAssumptions {
    /** Hours in a month. @default the price table's (730) */
    readonly hoursPerMonth?: number;
    /** Hours a month each minimum App Runner instance actively serves requests. @default 176 (8 h × 22 days) */
    readonly appRunnerActiveHours?: number;
    /** DynamoDB on-demand writes per table per month. @default 1,000,000 */
    readonly dynamoDbWrites?: number;
    /** DynamoDB on-demand reads per table per month. @default 5,000,000 */
    readonly dynamoDbReads?: number;
    /** DynamoDB storage per table (GB). @default 1 */
    readonly dynamoDbStorageGb?: number;
    /** Image storage per ECR repository (GB). @default 1 */
    readonly ecrStorageGb?: number;
    /** Aurora storage per cluster (GB). @default 10 */
    readonly auroraStorageGb?: number;
    /** Aurora I/O per cluster (millions of requests a month). @default 10 */
    readonly auroraIoMillions?: number;
    /** Data processed by all NAT gateways of a VPC (GB a month). @default 10 */
    readonly natGatewayGb?: number;
    /** Average capacity units per load balancer (LCU / NLCU). @default 1 */
    readonly loadBalancerCapacityUnits?: number;
    /** Log ingestion per CloudWatch log group (GB a month). @default 1 */
    readonly logGroupIngestGb?: number;
    /** Price table to use. @default PRICES */
    readonly prices?: PriceTable;
}

export interface CostRow {
    /** What kind of charge ("EKS control plane", "NAT gateway"…). */
    readonly kind: string;
    /** Logical name of the resource it comes from. */
    readonly resource: string;
    /** Billed units a month. */
    readonly quantity: number;
    /** The unit `quantity` counts. */
    readonly unit: string;
    /** USD per unit. */
    readonly unitPrice: number;
    /** quantity × unitPrice, USD a month (unrounded). */
    readonly monthly: number;
    /** What was assumed, in words. */
    readonly assumption: string;
}

export interface CostEstimate {
    readonly rows: CostRow[];
    /** Sum of the rows, USD a month (unrounded). */
    readonly total: number;
    /** Monthly USD per kind, in first-seen order. */
    readonly byKind: { readonly kind: string; readonly monthly: number }[];
    readonly asOf: string;
    readonly region: string;
    readonly currency: string;
    /** Price lines used whose figure is not verified. */
    readonly unverifiedPrices: PriceKey[];
}

type Resolved = Required<Omit<CostAssumptions, "prices">> & { prices: PriceTable };

function resolve(a: CostAssumptions = {}): Resolved {
    const prices = a.prices ?? PRICES;
    return {
        prices,
        hoursPerMonth: a.hoursPerMonth ?? prices.hoursPerMonth,
        appRunnerActiveHours: a.appRunnerActiveHours ?? 176,
        dynamoDbWrites: a.dynamoDbWrites ?? 1_000_000,
        dynamoDbReads: a.dynamoDbReads ?? 5_000_000,
        dynamoDbStorageGb: a.dynamoDbStorageGb ?? 1,
        ecrStorageGb: a.ecrStorageGb ?? 1,
        auroraStorageGb: a.auroraStorageGb ?? 10,
        auroraIoMillions: a.auroraIoMillions ?? 10,
        natGatewayGb: a.natGatewayGb ?? 10,
        loadBalancerCapacityUnits: a.loadBalancerCapacityUnits ?? 1,
        logGroupIngestGb: a.logGroupIngestGb ?? 1,
    };
}

/** Number formatting for assumption text ("1,000,000"). */
const n = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 4 });

/** The resource's inputs merged over its state, so a value is found whichever side the mock put it on. */
function props(r: RecordedResource): RecordedResource["inputs"] {
    return { ...(r.state ?? {}), ...(r.inputs ?? {}) };
}

/**
 * How many availability zones an awsx VPC spans: the zones it names (what stacks/network.ts passes), else
 * `numberOfAvailabilityZones`, else awsx's default of 3 — as awsx decides it (`availabilityZoneNames ??
 * getDefaultAzs(numberOfAvailabilityZones)`, default count 3; the two together are refused):
 * https://github.com/pulumi/pulumi-awsx/blob/master/awsx/ec2/vpc.ts (Vpc.initialize, getDefaultAzs).
 */
function vpcZoneCount(vpc: RecordedResource): number {
    const p = props(vpc);
    return Array.isArray(p.availabilityZoneNames) ? p.availabilityZoneNames.length : Number(p.numberOfAvailabilityZones ?? 3);
}

// ---- sizing helpers ---------------------------------------------------------------------------------

/** CoreDNS replicas the EKS add-on runs (the cluster's own pods on Fargate, no Deployment of ours). */
export const COREDNS_REPLICAS = 2;
/** Replicas of the cluster's system charts when their values do not set replicaCount (the charts' defaults). */
export const EKS_SYSTEM_CHART_REPLICAS: Readonly<Record<string, number>> = { "aws-load-balancer-controller": 2, "metrics-server": 1 };

/** The Fargate size a pod is billed at: smallest allowed vCPU/memory pair holding requests + 256 MiB. */
export function billedPodSize(cpu: string | undefined, memory: string | undefined): { vcpu: number; memoryGiB: number } {
    // No requests: Fargate schedules the smallest size, 0.25 vCPU / 0.5 GB.
    const cores = (cpu !== undefined ? parseCpu(String(cpu)) : undefined) ?? 0.25;
    const mib = (memory !== undefined ? parseMemoryMiB(String(memory)) : undefined) ?? 0;
    const neededGiB = (mib + FARGATE_OVERHEAD_MIB) / 1024;
    for (const tier of FARGATE_TIERS) {
        if (tier.vcpu < cores - 1e-9) continue;
        // Memory beyond a tier's maximum makes Fargate bill the next vCPU tier up.
        const memoryGiB = tierMemoriesGiB(tier).find((m) => m >= neededGiB - 1e-9);
        if (memoryGiB !== undefined) return { vcpu: tier.vcpu, memoryGiB };
    }
    const largest = FARGATE_TIERS[FARGATE_TIERS.length - 1];
    const memories = tierMemoriesGiB(largest);
    return { vcpu: largest.vcpu, memoryGiB: memories[memories.length - 1] };
}

/** The part of a Kubernetes container spec the estimate reads (quantities are strings or numbers). */
interface K8sContainer {
    readonly resources?: {
        readonly requests?: { readonly cpu?: string | number; readonly memory?: string | number };
        readonly limits?: { readonly cpu?: string | number; readonly memory?: string | number };
    };
}

/** Sum Kubernetes quantities of the same kind, returned in a canonical unit string. */
export function sumRequests(containers: readonly (K8sContainer | undefined)[]): { cpu?: string; memory?: string } {
    let cores = 0;
    let mib = 0;
    let anyCpu = false;
    let anyMem = false;
    for (const c of containers) {
        const req = c?.resources?.requests ?? c?.resources?.limits ?? {};
        const cc = req.cpu !== undefined ? parseCpu(String(req.cpu)) : undefined;
        const mm = req.memory !== undefined ? parseMemoryMiB(String(req.memory)) : undefined;
        if (cc !== undefined) {
            cores += cc;
            anyCpu = true;
        }
        if (mm !== undefined) {
            mib += mm;
            anyMem = true;
        }
    }
    return { cpu: anyCpu ? String(cores) : undefined, memory: anyMem ? `${mib}Mi` : undefined };
}

/** App Runner / ECS Express notation → vCPU: "0.25 vCPU", "1 vCPU", "1024" (units). */
function vcpuOf(value: unknown): number | undefined {
    if (typeof value !== "string" && typeof value !== "number") return undefined;
    const s = String(value).trim();
    const v = /^(\d+(?:\.\d+)?)\s*vCPU$/i.exec(s);
    if (v) return Number(v[1]);
    if (/^\d+$/.test(s)) return Number(s) / 1024;
    return undefined;
}

/** App Runner / ECS notation → GB: "0.5 GB", "2 GB", "2048" (MiB). */
function gbOf(value: unknown): number | undefined {
    if (typeof value !== "string" && typeof value !== "number") return undefined;
    const s = String(value).trim();
    const g = /^(\d+(?:\.\d+)?)\s*GB$/i.exec(s);
    if (g) return Number(g[1]);
    if (/^\d+$/.test(s)) return Number(s) / 1024;
    return undefined;
}

// ---- the estimator ------------------------------------------------------------------------------------

class Estimator {
    readonly rows: CostRow[] = [];
    readonly used = new Set<PriceKey>();

    constructor(
        private readonly resources: RecordedResource[],
        private readonly a: Resolved,
    ) {}

    price(key: PriceKey): number {
        this.used.add(key);
        return this.a.prices.lines[key].usd;
    }

    add(kind: string, resource: string, quantity: number, unit: string, unitPrice: number, assumption: string): void {
        this.rows.push({ kind, resource, quantity, unit, unitPrice, monthly: quantity * unitPrice, assumption });
    }

    byType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    get hours(): number {
        return this.a.hoursPerMonth;
    }

    run(): void {
        this.eks();
        this.eksPods();
        this.appRunner();
        this.ecsServices();
        this.ecsExpress();
        this.aurora();
        this.rdsProxies();
        this.natGateways();
        this.loadBalancers();
        this.publicIpv4();
        this.dynamoDb();
        this.kms();
        this.ecr();
        this.secrets();
        this.logGroups();
    }

    private eks(): void {
        for (const r of this.byType("eks:index:Cluster")) {
            this.add(
                "EKS control plane",
                r.name,
                this.hours,
                "cluster-hour",
                this.price("eksClusterHour"),
                `Always on, ${this.hours} h; Kubernetes version in standard support.`,
            );
        }
    }

    private fargatePodRow(kind: string, resource: string, pods: number, size: { vcpu: number; memoryGiB: number }, why: string): void {
        const perPodHour = size.vcpu * this.price("fargateVcpuHour") + size.memoryGiB * this.price("fargateGbHour");
        this.add(kind, resource, pods * this.hours, `pod-hour (${size.vcpu} vCPU, ${size.memoryGiB} GB)`, perPodHour, why);
    }

    private eksPods(): void {
        const hpas = this.byType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
        for (const d of this.byType("kubernetes:apps/v1:Deployment")) {
            const p = props(d);
            const containers: K8sContainer[] = p.spec?.template?.spec?.containers ?? [];
            const requests = sumRequests(containers);
            const size = billedPodSize(requests.cpu, requests.memory);
            const name = p.metadata?.name ?? d.name;
            const hpa = hpas
                .map(props)
                .find((h) => h.spec?.scaleTargetRef?.name === name && (h.spec?.scaleTargetRef?.kind ?? "Deployment") === "Deployment");
            const declared = Number(p.spec?.replicas ?? 1);
            const replicas = Math.max(declared, Number(hpa?.spec?.minReplicas ?? 0));
            this.fargatePodRow(
                "Fargate (EKS pods)",
                d.name,
                replicas,
                size,
                `${replicas} replica(s) always running${replicas > declared ? " (HPA minimum)" : ""}; requests ${requests.cpu ?? "none"} vCPU / ${requests.memory ?? "none"} + ${FARGATE_OVERHEAD_MIB} MiB Fargate overhead, rounded up to ${size.vcpu} vCPU / ${size.memoryGiB} GB.`,
            );
        }
        // System pods the cluster component runs on Fargate (no Deployment resource of ours describes them).
        for (const addon of this.byType("aws:eks/addon:Addon")) {
            if (props(addon).addonName !== "coredns") continue;
            this.fargatePodRow(
                "Fargate (EKS pods)",
                addon.name,
                COREDNS_REPLICAS,
                billedPodSize("100m", "70Mi"),
                "CoreDNS add-on on Fargate: 2 replicas, each billed at the smallest pod (0.25 vCPU / 0.5 GB).",
            );
        }
        for (const release of this.byType("kubernetes:helm.sh/v3:Release")) {
            const p = props(release);
            const chart = String(p.chart ?? "");
            if (!(chart in EKS_SYSTEM_CHART_REPLICAS)) continue;
            const replicas = Number(p.values?.replicaCount ?? EKS_SYSTEM_CHART_REPLICAS[chart]);
            this.fargatePodRow(
                "Fargate (EKS pods)",
                release.name,
                replicas,
                billedPodSize("100m", "200Mi"),
                `${chart} on Fargate: ${replicas} replica(s), assumed billed at the smallest pod (0.25 vCPU / 0.5 GB).`,
            );
        }
    }

    private appRunner(): void {
        const scalings = this.byType("aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion");
        for (const s of this.byType("aws:apprunner/service:Service")) {
            const p = props(s);
            const vcpu = vcpuOf(p.instanceConfiguration?.cpu) ?? 1;
            const gb = gbOf(p.instanceConfiguration?.memory) ?? 2;
            const scaling = scalings.find((c) => c.state?.arn !== undefined && c.state.arn === p.autoScalingConfigurationArn);
            const minSize = Number(scaling ? (props(scaling).minSize ?? 1) : 1);
            const active = Math.min(this.a.appRunnerActiveHours, this.hours);
            const idle = this.hours - active;
            this.add(
                "App Runner (provisioned)",
                s.name,
                minSize * idle * gb,
                "GB-hour",
                this.price("appRunnerProvisionedGbHour"),
                `${minSize} minimum instance(s) × ${gb} GB kept warm while idle, ${n(idle)} h (the month less the active hours below).`,
            );
            const perInstanceHour = vcpu * this.price("appRunnerActiveVcpuHour") + gb * this.price("appRunnerActiveGbHour");
            this.add(
                "App Runner (active)",
                s.name,
                minSize * active,
                `instance-hour (${vcpu} vCPU, ${gb} GB)`,
                perInstanceHour,
                `Assumes the ${minSize} minimum instance(s) actively serve requests ${n(active)} h a month (8 h × 22 days) and never scale out.`,
            );
        }
    }

    private spotFactor(strategies: readonly { capacityProvider?: string; weight?: number }[] | undefined): {
        factor: number;
        text: string;
    } {
        const list = strategies ?? [];
        const total = list.reduce((s, x) => s + Number(x?.weight ?? 0), 0);
        const spot = list.filter((x) => x?.capacityProvider === "FARGATE_SPOT").reduce((s, x) => s + Number(x?.weight ?? 0), 0);
        if (total <= 0 || spot <= 0) return { factor: 1, text: "on-demand Fargate" };
        const share = spot / total;
        const discount = this.price("fargateSpotDiscount");
        return {
            factor: 1 - share * discount,
            text: `${Math.round(share * 100)}% FARGATE_SPOT at an assumed ${Math.round(discount * 100)}% discount`,
        };
    }

    private ecsServices(): void {
        const taskDefs = this.byType("aws:ecs/taskDefinition:TaskDefinition");
        for (const svc of this.byType("aws:ecs/service:Service")) {
            const p = props(svc);
            const td = taskDefs.find(
                (t) => t.state?.arn !== undefined && (t.state.arn === p.taskDefinition || props(t).family === p.taskDefinition),
            );
            if (!td) continue;
            const t = props(td);
            const vcpu = vcpuOf(t.cpu) ?? 0.25;
            const gb = gbOf(t.memory) ?? 0.5;
            const count = Number(p.desiredCount ?? 1);
            const spot = this.spotFactor(p.capacityProviderStrategies);
            const perTaskHour = (vcpu * this.price("fargateVcpuHour") + gb * this.price("fargateGbHour")) * spot.factor;
            this.add(
                "ECS Fargate",
                svc.name,
                count * this.hours,
                `task-hour (${vcpu} vCPU, ${gb} GB)`,
                perTaskHour,
                `${count} task(s) (desiredCount) always running, ${spot.text}.`,
            );
        }
    }

    private albRows(resource: string, why: string): void {
        this.add("Load balancer", resource, this.hours, "ALB-hour", this.price("albHour"), why);
        const lcu = this.a.loadBalancerCapacityUnits;
        this.add("Load balancer", resource, lcu * this.hours, "LCU-hour", this.price("albLcuHour"), `Assumes ${n(lcu)} LCU on average.`);
    }

    private nlbRows(resource: string, why: string): void {
        this.add("Load balancer", resource, this.hours, "NLB-hour", this.price("nlbHour"), why);
        const lcu = this.a.loadBalancerCapacityUnits;
        this.add("Load balancer", resource, lcu * this.hours, "NLCU-hour", this.price("nlbNlcuHour"), `Assumes ${n(lcu)} NLCU on average.`);
    }

    private ecsExpress(): void {
        for (const svc of this.byType("aws:ecs/expressGatewayService:ExpressGatewayService")) {
            const p = props(svc);
            const vcpu = vcpuOf(p.cpu) ?? 1;
            const gb = gbOf(p.memory) ?? 2;
            const min = Number(p.scalingTargets?.[0]?.minTaskCount ?? 1);
            const perTaskHour = vcpu * this.price("fargateVcpuHour") + gb * this.price("fargateGbHour");
            this.price("ecsExpressMode");
            this.add(
                "ECS Express Mode",
                svc.name,
                min * this.hours,
                `task-hour (${vcpu} vCPU, ${gb} GB)`,
                perTaskHour,
                `${min} task(s) (minimum task count) always on Fargate; Express Mode adds no charge of its own.`,
            );
            this.albRows(
                svc.name,
                "The Application Load Balancer Express Mode creates, counted once per service (an upper bound if services share one).",
            );
        }
    }

    private clusterInstances(cluster: RecordedResource): RecordedResource[] {
        const ids = new Set(
            [cluster.state?.id, cluster.state?.clusterIdentifier, cluster.inputs?.clusterIdentifier].filter((x) => x !== undefined),
        );
        return this.byType("aws:rds/clusterInstance:ClusterInstance").filter((i) => ids.has(props(i).clusterIdentifier));
    }

    /** Serverless v2 floor capacity of a cluster: min ACU × instances (writer + readers). */
    private auroraFloor(cluster: RecordedResource): { minAcu: number; instances: number } | undefined {
        const scaling = props(cluster).serverlessv2ScalingConfiguration;
        if (!scaling) return undefined;
        const instances = this.clusterInstances(cluster).filter(
            (i) => (props(i).instanceClass ?? "db.serverless") === "db.serverless",
        ).length;
        return { minAcu: Number(scaling.minCapacity ?? 0.5), instances: Math.max(1, instances) };
    }

    private aurora(): void {
        for (const c of this.byType("aws:rds/cluster:Cluster")) {
            const floor = this.auroraFloor(c);
            if (!floor) continue;
            const readers = floor.instances - 1;
            this.add(
                "Aurora Serverless v2",
                c.name,
                floor.minAcu * floor.instances * this.hours,
                "ACU-hour",
                this.price("auroraServerlessV2AcuHour"),
                `Assumes every instance idles at the minimum ${n(floor.minAcu)} ACU all month (the floor, not peak): writer + ${readers} reader(s)${floor.minAcu === 0 ? "; 0 ACU means auto-pause" : ""}.`,
            );
            const gb = this.a.auroraStorageGb;
            this.add(
                "Aurora storage & I/O",
                c.name,
                gb,
                "GB-month",
                this.price("auroraStorageGbMonth"),
                `Assumes ${n(gb)} GB stored (Aurora Standard).`,
            );
            const io = this.a.auroraIoMillions;
            this.add(
                "Aurora storage & I/O",
                c.name,
                io,
                "1M I/O requests",
                this.price("auroraIoMillion"),
                `Assumes ${n(io)} million I/O requests a month (Aurora Standard).`,
            );
        }
    }

    private rdsProxies(): void {
        const targets = this.byType("aws:rds/proxyTarget:ProxyTarget").map(props);
        const clusters = this.byType("aws:rds/cluster:Cluster");
        const minimum = this.a.prices.rdsProxyMinimumAcus;
        for (const proxy of this.byType("aws:rds/proxy:Proxy")) {
            const names = new Set([proxy.state?.name, proxy.inputs?.name].filter((x) => x !== undefined));
            const target = targets.find((t) => names.has(t.dbProxyName));
            const cluster =
                target &&
                clusters.find((c) =>
                    [c.state?.clusterIdentifier, c.inputs?.clusterIdentifier, c.state?.id].includes(target.dbClusterIdentifier),
                );
            const floor = cluster ? this.auroraFloor(cluster) : undefined;
            const capacity = floor ? floor.minAcu * floor.instances : 0;
            const billed = Math.max(minimum, capacity);
            this.add(
                "RDS Proxy",
                proxy.name,
                billed * this.hours,
                "ACU-hour",
                this.price("rdsProxyAcuHour"),
                floor
                    ? `Billed on the target's Aurora Serverless v2 capacity (${n(capacity)} ACU at its minimum) with AWS's ${minimum}-ACU minimum, so ${n(billed)} ACU all month.`
                    : `Target capacity unknown; billed at AWS's ${minimum}-ACU minimum for Aurora Serverless v2 all month.`,
            );
        }
    }

    private natGateways(): void {
        const modelled = this.byType("aws:ec2/natGateway:NatGateway");
        for (const vpc of this.byType("awsx:ec2:Vpc")) {
            const p = props(vpc);
            const azs = vpcZoneCount(vpc);
            // awsx's default strategy: one NAT gateway per AZ.
            const strategy = String(p.natGateways?.strategy ?? "OnePerAz");
            // The VPC's own NAT gateways when its children are in the plan (modelled by the offline preview),
            // else the count its arguments imply.
            const own = modelled.filter((g) => g.urn.includes(`awsx:ec2:Vpc$`) && g.name.startsWith(`${vpc.name}-`));
            const count = own.length > 0 ? own.length : strategy === "None" ? 0 : strategy === "Single" ? 1 : azs;
            if (count === 0) continue;
            this.add(
                "NAT gateway",
                vpc.name,
                count * this.hours,
                "gateway-hour",
                this.price("natGatewayHour"),
                `natGateways.strategy ${strategy}: ${count} gateway(s)${strategy === "OnePerAz" ? ` (one in each of ${azs} AZs)` : ""}, always on.`,
            );
            const gb = this.a.natGatewayGb;
            this.add(
                "NAT gateway",
                vpc.name,
                gb,
                "GB processed",
                this.price("natGatewayGb"),
                `Assumes ${n(gb)} GB a month through the gateways (image pulls, AWS APIs); internet egress not included.`,
            );
        }
        this.vpcEndpoints();
    }

    /** Interface endpoints (the Express tasks' path to ECR and CloudWatch Logs): billed per endpoint per AZ; gateway endpoints are free. */
    private vpcEndpoints(): void {
        for (const vpc of this.byType("awsx:ec2:Vpc")) {
            const p = props(vpc);
            const azs = vpcZoneCount(vpc);
            const specs: { serviceName?: string; vpcEndpointType?: string }[] = Array.isArray(p.vpcEndpointSpecs) ? p.vpcEndpointSpecs : [];
            const interfaces = specs.filter((s) => String(s.vpcEndpointType ?? "Gateway").toLowerCase() === "interface");
            if (interfaces.length === 0) continue;
            const services = interfaces.map((s) => String(s.serviceName).split(".").slice(3).join(".")).join(", ");
            this.add(
                "VPC endpoints",
                vpc.name,
                interfaces.length * azs * this.hours,
                "endpoint-AZ-hour",
                this.price("vpcInterfaceEndpointAzHour"),
                `${interfaces.length} interface endpoint(s) (${services}) in each of ${azs} AZs, always on; data processed ($0.01/GB) not included; S3/DynamoDB gateway endpoints are free.`,
            );
        }
    }

    /** Availability zones of the plan's VPC (for load balancers that put one node, and one public IPv4, in each). */
    private vpcAzs(): number | undefined {
        const vpc = this.byType("awsx:ec2:Vpc")[0];
        return vpc ? vpcZoneCount(vpc) : undefined;
    }

    /**
     * Public IPv4 addresses: every Elastic IP in the plan (the NAT gateways' — present when the VPC's children
     * are modelled) and one per AZ for each internet-facing load balancer.
     */
    private publicIpv4(): void {
        for (const eip of this.byType("aws:ec2/eip:Eip")) {
            this.add(
                "Public IPv4",
                eip.name,
                this.hours,
                "IP-hour",
                this.price("publicIpv4Hour"),
                "Elastic IP (a NAT gateway's), charged in use or idle, always on.",
            );
        }
        const azs = this.vpcAzs();
        if (azs === undefined) return;
        for (const svc of this.byType("kubernetes:core/v1:Service")) {
            const p = props(svc);
            const annotations = p.metadata?.annotations ?? {};
            if (p.spec?.type !== "LoadBalancer" || annotations["service.beta.kubernetes.io/aws-load-balancer-type"] === undefined) continue;
            if (annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] !== "internet-facing") continue;
            this.add(
                "Public IPv4",
                svc.name,
                azs * this.hours,
                "IP-hour",
                this.price("publicIpv4Hour"),
                `Internet-facing NLB: one public IPv4 address in each of the ${azs} AZs' public subnets.`,
            );
        }
        for (const svc of this.byType("aws:ecs/expressGatewayService:ExpressGatewayService")) {
            this.add(
                "Public IPv4",
                svc.name,
                azs * this.hours,
                "IP-hour",
                this.price("publicIpv4Hour"),
                `Internet-facing ALB Express Mode creates: at least one public IPv4 address per AZ (${azs}); ALBs may use more.`,
            );
        }
    }

    private loadBalancers(): void {
        for (const svc of this.byType("kubernetes:core/v1:Service")) {
            const p = props(svc);
            const annotations = p.metadata?.annotations ?? {};
            if (p.spec?.type !== "LoadBalancer" || annotations["service.beta.kubernetes.io/aws-load-balancer-type"] === undefined) continue;
            this.nlbRows(svc.name, "Kubernetes Service of type LoadBalancer: the AWS Load Balancer Controller creates one NLB, always on.");
        }
        for (const lb of this.byType("aws:lb/loadBalancer:LoadBalancer")) {
            const type = props(lb).loadBalancerType ?? "application";
            if (type === "network") this.nlbRows(lb.name, "Network Load Balancer, always on.");
            else this.albRows(lb.name, "Application Load Balancer, always on.");
        }
    }

    private dynamoDb(): void {
        for (const t of this.byType("aws:dynamodb/table:Table")) {
            const mode = props(t).billingMode ?? "PROVISIONED";
            const modeNote = mode === "PAY_PER_REQUEST" ? "on-demand" : `billing mode ${mode}, priced as on-demand here`;
            const w = this.a.dynamoDbWrites;
            const r = this.a.dynamoDbReads;
            const gb = this.a.dynamoDbStorageGb;
            this.add(
                "DynamoDB",
                t.name,
                w / 1e6,
                "1M write request units",
                this.price("dynamoDbWriteMillion"),
                `Assumes ${n(w)} writes (≤ 1 KB) a month, ${modeNote}.`,
            );
            this.add(
                "DynamoDB",
                t.name,
                r / 1e6,
                "1M read request units",
                this.price("dynamoDbReadMillion"),
                `Assumes ${n(r)} strongly consistent reads (≤ 4 KB) a month, ${modeNote}.`,
            );
            this.add(
                "DynamoDB",
                t.name,
                gb,
                "GB-month",
                this.price("dynamoDbStorageGbMonth"),
                `Assumes ${n(gb)} GB stored; the 25 GB free tier is not deducted.`,
            );
        }
    }

    private kms(): void {
        for (const k of this.byType("aws:kms/key:Key")) {
            this.add(
                "KMS",
                k.name,
                1,
                "key-month",
                this.price("kmsKeyMonth"),
                "One customer managed key; requests within the free 20,000 a month.",
            );
        }
    }

    private ecr(): void {
        for (const repo of this.byType("aws:ecr/repository:Repository")) {
            const gb = this.a.ecrStorageGb;
            this.add(
                "ECR",
                repo.name,
                gb,
                "GB-month",
                this.price("ecrStorageGbMonth"),
                `Assumes ${n(gb)} GB of images kept (the lifecycle policy bounds it); same-region pulls are free.`,
            );
        }
    }

    private secrets(): void {
        for (const s of this.byType("aws:secretsmanager/secret:Secret")) {
            this.add(
                "Secrets Manager",
                s.name,
                1,
                "secret-month",
                this.price("secretsManagerSecretMonth"),
                "One secret; API calls not counted.",
            );
        }
        for (const c of this.byType("aws:rds/cluster:Cluster")) {
            if (props(c).manageMasterUserPassword !== true) continue;
            this.add(
                "Secrets Manager",
                c.name,
                1,
                "secret-month",
                this.price("secretsManagerSecretMonth"),
                "The RDS-managed master user secret, billed as one Secrets Manager secret.",
            );
        }
    }

    private logGroups(): void {
        for (const g of this.byType("aws:cloudwatch/logGroup:LogGroup")) {
            const gb = this.a.logGroupIngestGb;
            this.add(
                "CloudWatch Logs",
                g.name,
                gb,
                "GB ingested",
                this.price("cloudWatchLogsIngestGb"),
                `Assumes ${n(gb)} GB of logs a month; storage not counted.`,
            );
        }
    }
}

/**
 * Estimate what the planned resources cost a month in us-east-1 at list prices. An empty list costs 0.
 * Every row states its assumption; `assumptions` overrides the usage figures.
 */
export function estimateMonthlyCost(resources: RecordedResource[], assumptions?: CostAssumptions): CostEstimate {
    const resolved = resolve(assumptions);
    const estimator = new Estimator(resources, resolved);
    estimator.run();
    const rows = estimator.rows;
    const byKindMap = new Map<string, number>();
    for (const row of rows) byKindMap.set(row.kind, (byKindMap.get(row.kind) ?? 0) + row.monthly);
    const unverifiedPrices = [...estimator.used].filter((k) => !resolved.prices.lines[k].verified).sort();
    return {
        rows,
        total: rows.reduce((s, r) => s + r.monthly, 0),
        byKind: [...byKindMap].map(([kind, monthly]) => ({ kind, monthly })),
        asOf: resolved.prices.asOf,
        region: resolved.prices.region,
        currency: resolved.prices.currency,
        unverifiedPrices,
    };
}

const usd = (x: number) => `$${x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const unitUsd = (x: number) => `$${x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`;
/** Markdown table cells may not contain a pipe or a newline. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** The estimate as a markdown table (rows, then a total), followed by the per-kind summary and the price caveats. */
export function formatCostTable(estimate: CostEstimate): string {
    const lines: string[] = [];
    lines.push("| Kind | Resource | Quantity | Unit | Unit price | Monthly | Assumption |");
    lines.push("|---|---|---:|---|---:|---:|---|");
    for (const r of estimate.rows) {
        lines.push(
            `| ${cell(r.kind)} | ${cell(r.resource)} | ${n(r.quantity)} | ${cell(r.unit)} | ${unitUsd(r.unitPrice)} | ${usd(r.monthly)} | ${cell(r.assumption)} |`,
        );
    }
    lines.push(`| **Total** | | | | | **${usd(estimate.total)}** | |`);
    lines.push("");
    lines.push("| Kind | Monthly |");
    lines.push("|---|---:|");
    for (const k of estimate.byKind) lines.push(`| ${cell(k.kind)} | ${usd(k.monthly)} |`);
    lines.push("");
    const caveat = estimate.unverifiedPrices.length > 0 ? ` Unverified price lines used: ${estimate.unverifiedPrices.join(", ")}.` : "";
    lines.push(
        `_${estimate.currency} a month at ${estimate.region} on-demand list prices as of ${estimate.asOf} (scripts/lib/prices.ts); floor capacity plus the stated usage, excluding data transfer and tax.${caveat}_`,
    );
    return lines.join("\n");
}
