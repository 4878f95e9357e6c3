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

// ---- the pricing table ---------------------------------------------------------------------------------

/** What a charge's fields may read: the month, the usage assumptions, the price lines and the other resources. */
interface Context {
    readonly hours: number;
    readonly assume: Resolved;
    /** USD per unit of a price line (and records that the line was used). */
    readonly price: (key: PriceKey) => number;
    readonly byType: (type: string) => RecordedResource[];
}

/** A constant, or a function of the resource's facts and the context. */
type Value<F, T> = T | ((f: F, c: Context) => T);

/** One row a priced resource adds: a kind of charge, how many units, which unit, at what price, and why. */
interface Charge<F> {
    readonly kind: string;
    readonly quantity: Value<F, number>;
    readonly unit: Value<F, string>;
    /** A price line, or a unit price made of several (a Fargate task's vCPU and memory). */
    readonly price: Value<F, PriceKey | number>;
    readonly assumption: Value<F, string>;
}

/** How to price one resource type: the facts the charges read (`undefined`: this resource is not billed), then the rows. */
interface Pricing<F> {
    readonly type: string;
    readonly facts: (r: RecordedResource, c: Context) => F | undefined;
    readonly charges: readonly Charge<F>[];
}

/** Infers a table entry's facts type from its `facts` function. */
const priced = <F>(p: Pricing<F>) => p as unknown as Pricing<unknown>;
const always = () => ({});
const value = <F, T>(v: Value<F, T>, f: F, c: Context): T => (typeof v === "function" ? (v as (f: F, c: Context) => T)(f, c) : v);

/** The hourly price of one Fargate task or pod of this size. */
const fargateHour = (c: Context, size: { vcpu: number; gb: number }) =>
    size.vcpu * c.price("fargateVcpuHour") + size.gb * c.price("fargateGbHour");

/** Pods billed at one Fargate size: what the three kinds of EKS pod rows read. */
const pod = (pods: number, size: { vcpu: number; memoryGiB: number }, why: string) => ({ pods, vcpu: size.vcpu, gb: size.memoryGiB, why });
const podCharge: Charge<ReturnType<typeof pod>> = {
    kind: "Fargate (EKS pods)",
    quantity: (f, c) => f.pods * c.hours,
    unit: (f) => `pod-hour (${f.vcpu} vCPU, ${f.gb} GB)`,
    price: (f, c) => fargateHour(c, f),
    assumption: (f) => f.why,
};

/** A load balancer's hour and capacity-unit rows; ALB and NLB differ only in their price lines. */
interface BalancerFacts {
    readonly lb: "ALB" | "NLB";
    readonly why: string;
}
const BALANCER = {
    ALB: { hour: "albHour", units: "albLcuHour", unit: "LCU" },
    NLB: { hour: "nlbHour", units: "nlbNlcuHour", unit: "NLCU" },
} as const satisfies Record<BalancerFacts["lb"], { hour: PriceKey; units: PriceKey; unit: string }>;
const balancerCharges: Charge<BalancerFacts>[] = [
    {
        kind: "Load balancer",
        quantity: (_, c) => c.hours,
        unit: (f) => `${f.lb}-hour`,
        price: (f) => BALANCER[f.lb].hour,
        assumption: (f) => f.why,
    },
    {
        kind: "Load balancer",
        quantity: (_, c) => c.assume.loadBalancerCapacityUnits * c.hours,
        unit: (f) => `${BALANCER[f.lb].unit}-hour`,
        price: (f) => BALANCER[f.lb].units,
        assumption: (f, c) => `Assumes ${n(c.assume.loadBalancerCapacityUnits)} ${BALANCER[f.lb].unit} on average.`,
    },
];

/** A Kubernetes Service the AWS Load Balancer Controller turns into an NLB, and whether it faces the internet. */
function kubernetesNlb(svc: RecordedResource): { internetFacing: boolean } | undefined {
    const p = props(svc);
    const annotations = p.metadata?.annotations ?? {};
    if (p.spec?.type !== "LoadBalancer" || annotations["service.beta.kubernetes.io/aws-load-balancer-type"] === undefined) return undefined;
    return { internetFacing: annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internet-facing" };
}

/** Availability zones of the plan's VPC (for load balancers that put one node, and one public IPv4, in each). */
function planAzs(c: Context): { azs: number } | undefined {
    const vpc = c.byType("awsx:ec2:Vpc")[0];
    return vpc ? { azs: vpcZoneCount(vpc) } : undefined;
}
/** An internet-facing load balancer's public IPv4 addresses: one in each of the VPC's zones. */
const publicIpPerAz = (assumption: (azs: number) => string): Charge<{ azs: number }> => ({
    kind: "Public IPv4",
    quantity: (f, c) => f.azs * c.hours,
    unit: "IP-hour",
    price: "publicIpv4Hour",
    assumption: (f) => assumption(f.azs),
});

/** Serverless v2 floor capacity of a cluster: min ACU × instances (writer + readers). */
function auroraFloor(cluster: RecordedResource, c: Context): { minAcu: number; instances: number } | undefined {
    const scaling = props(cluster).serverlessv2ScalingConfiguration;
    if (!scaling) return undefined;
    const ids = new Set(
        [cluster.state?.id, cluster.state?.clusterIdentifier, cluster.inputs?.clusterIdentifier].filter((x) => x !== undefined),
    );
    const instances = c
        .byType("aws:rds/clusterInstance:ClusterInstance")
        .filter((i) => ids.has(props(i).clusterIdentifier) && (props(i).instanceClass ?? "db.serverless") === "db.serverless").length;
    return { minAcu: Number(scaling.minCapacity ?? 0.5), instances: Math.max(1, instances) };
}

/** The share of an ECS service's capacity provider strategy on FARGATE_SPOT, as a price factor. */
function spotFactor(strategies: readonly { capacityProvider?: string; weight?: number }[] | undefined, c: Context) {
    const list = strategies ?? [];
    const total = list.reduce((s, x) => s + Number(x?.weight ?? 0), 0);
    const spot = list.filter((x) => x?.capacityProvider === "FARGATE_SPOT").reduce((s, x) => s + Number(x?.weight ?? 0), 0);
    if (total <= 0 || spot <= 0) return { factor: 1, text: "on-demand Fargate" };
    const share = spot / total;
    const discount = c.price("fargateSpotDiscount");
    return {
        factor: 1 - share * discount,
        text: `${Math.round(share * 100)}% FARGATE_SPOT at an assumed ${Math.round(discount * 100)}% discount`,
    };
}

/** A charge of one unit a month per resource (a key, a secret). */
const monthly = (kind: string, unit: string, price: PriceKey, assumption: string): Charge<unknown> => ({
    kind,
    quantity: 1,
    unit,
    price,
    assumption,
});
/** A charge of every hour of the month per resource (a control plane, an address). */
const hourly = <F>(kind: string, unit: string, price: PriceKey, assumption: Value<F, string>): Charge<F> => ({
    kind,
    quantity: (_, c) => c.hours,
    unit,
    price,
    assumption,
});
/** A charge of an assumed usage figure per resource (GB stored, requests made), stated in the assumption. */
const usage = (kind: string, unit: string, price: PriceKey, amount: UsageKey, assumption: (x: string) => string): Charge<unknown> => ({
    kind,
    quantity: (_, c) => c.assume[amount],
    unit,
    price,
    assumption: (_, c) => assumption(n(c.assume[amount])),
});
type UsageKey = "auroraStorageGb" | "auroraIoMillions" | "natGatewayGb" | "dynamoDbStorageGb" | "ecrStorageGb" | "logGroupIngestGb";

/**
 * Resource type → how to price it, in the order the rows are listed. A type may appear more than once (a
 * VPC's NAT gateways and its endpoints; an Aurora cluster's capacity and its managed secret).
 */
const PRICING: readonly Pricing<unknown>[] = [
    priced({
        type: "eks:index:Cluster",
        facts: always,
        charges: [
            hourly(
                "EKS control plane",
                "cluster-hour",
                "eksClusterHour",
                (_, c) => `Always on, ${c.hours} h; Kubernetes version in standard support.`,
            ),
        ],
    }),
    priced({
        type: "kubernetes:apps/v1:Deployment",
        facts: (d, c) => {
            const p = props(d);
            const containers: K8sContainer[] = p.spec?.template?.spec?.containers ?? [];
            const requests = sumRequests(containers);
            const size = billedPodSize(requests.cpu, requests.memory);
            const name = p.metadata?.name ?? d.name;
            const hpa = c
                .byType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")
                .map(props)
                .find((h) => h.spec?.scaleTargetRef?.name === name && (h.spec?.scaleTargetRef?.kind ?? "Deployment") === "Deployment");
            const declared = Number(p.spec?.replicas ?? 1);
            const replicas = Math.max(declared, Number(hpa?.spec?.minReplicas ?? 0));
            return pod(
                replicas,
                size,
                `${replicas} replica(s) always running${replicas > declared ? " (HPA minimum)" : ""}; requests ${requests.cpu ?? "none"} vCPU / ${requests.memory ?? "none"} + ${FARGATE_OVERHEAD_MIB} MiB Fargate overhead, rounded up to ${size.vcpu} vCPU / ${size.memoryGiB} GB.`,
            );
        },
        charges: [podCharge],
    }),
    // System pods the cluster component runs on Fargate (no Deployment resource of ours describes them).
    priced({
        type: "aws:eks/addon:Addon",
        facts: (addon) =>
            props(addon).addonName === "coredns"
                ? pod(
                      COREDNS_REPLICAS,
                      billedPodSize("100m", "70Mi"),
                      "CoreDNS add-on on Fargate: 2 replicas, each billed at the smallest pod (0.25 vCPU / 0.5 GB).",
                  )
                : undefined,
        charges: [podCharge],
    }),
    priced({
        type: "kubernetes:helm.sh/v3:Release",
        facts: (release) => {
            const p = props(release);
            const chart = String(p.chart ?? "");
            if (!(chart in EKS_SYSTEM_CHART_REPLICAS)) return undefined;
            const replicas = Number(p.values?.replicaCount ?? EKS_SYSTEM_CHART_REPLICAS[chart]);
            return pod(
                replicas,
                billedPodSize("100m", "200Mi"),
                `${chart} on Fargate: ${replicas} replica(s), assumed billed at the smallest pod (0.25 vCPU / 0.5 GB).`,
            );
        },
        charges: [podCharge],
    }),
    priced({
        type: "aws:apprunner/service:Service",
        facts: (s, c) => {
            const p = props(s);
            const scaling = c
                .byType("aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion")
                .find((x) => x.state?.arn !== undefined && x.state.arn === p.autoScalingConfigurationArn);
            const active = Math.min(c.assume.appRunnerActiveHours, c.hours);
            return {
                vcpu: vcpuOf(p.instanceConfiguration?.cpu) ?? 1,
                gb: gbOf(p.instanceConfiguration?.memory) ?? 2,
                minSize: Number(scaling ? (props(scaling).minSize ?? 1) : 1),
                active,
                idle: c.hours - active,
            };
        },
        charges: [
            {
                kind: "App Runner (provisioned)",
                quantity: (f) => f.minSize * f.idle * f.gb,
                unit: "GB-hour",
                price: "appRunnerProvisionedGbHour",
                assumption: (f) =>
                    `${f.minSize} minimum instance(s) × ${f.gb} GB kept warm while idle, ${n(f.idle)} h (the month less the active hours below).`,
            },
            {
                kind: "App Runner (active)",
                quantity: (f) => f.minSize * f.active,
                unit: (f) => `instance-hour (${f.vcpu} vCPU, ${f.gb} GB)`,
                price: (f, c) => f.vcpu * c.price("appRunnerActiveVcpuHour") + f.gb * c.price("appRunnerActiveGbHour"),
                assumption: (f) =>
                    `Assumes the ${f.minSize} minimum instance(s) actively serve requests ${n(f.active)} h a month (8 h × 22 days) and never scale out.`,
            },
        ],
    }),
    priced({
        type: "aws:ecs/service:Service",
        facts: (svc, c) => {
            const p = props(svc);
            const td = c
                .byType("aws:ecs/taskDefinition:TaskDefinition")
                .find((t) => t.state?.arn !== undefined && (t.state.arn === p.taskDefinition || props(t).family === p.taskDefinition));
            if (!td) return undefined;
            const t = props(td);
            return {
                vcpu: vcpuOf(t.cpu) ?? 0.25,
                gb: gbOf(t.memory) ?? 0.5,
                count: Number(p.desiredCount ?? 1),
                spot: spotFactor(p.capacityProviderStrategies, c),
            };
        },
        charges: [
            {
                kind: "ECS Fargate",
                quantity: (f, c) => f.count * c.hours,
                unit: (f) => `task-hour (${f.vcpu} vCPU, ${f.gb} GB)`,
                price: (f, c) => fargateHour(c, f) * f.spot.factor,
                assumption: (f) => `${f.count} task(s) (desiredCount) always running, ${f.spot.text}.`,
            },
        ],
    }),
    priced({
        type: "aws:ecs/expressGatewayService:ExpressGatewayService",
        facts: (svc) => {
            const p = props(svc);
            return {
                vcpu: vcpuOf(p.cpu) ?? 1,
                gb: gbOf(p.memory) ?? 2,
                min: Number(p.scalingTargets?.[0]?.minTaskCount ?? 1),
                lb: "ALB" as const,
                why: "The Application Load Balancer Express Mode creates, counted once per service (an upper bound if services share one).",
            };
        },
        charges: [
            {
                kind: "ECS Express Mode",
                quantity: (f, c) => f.min * c.hours,
                unit: (f) => `task-hour (${f.vcpu} vCPU, ${f.gb} GB)`,
                // Express Mode itself adds nothing (its price line is 0); the tasks are Fargate's.
                price: (f, c) => fargateHour(c, f) + c.price("ecsExpressMode"),
                assumption: (f) => `${f.min} task(s) (minimum task count) always on Fargate; Express Mode adds no charge of its own.`,
            },
            ...balancerCharges,
        ],
    }),
    priced({
        type: "aws:rds/cluster:Cluster",
        facts: auroraFloor,
        charges: [
            {
                kind: "Aurora Serverless v2",
                quantity: (f, c) => f.minAcu * f.instances * c.hours,
                unit: "ACU-hour",
                price: "auroraServerlessV2AcuHour",
                assumption: (f) =>
                    `Assumes every instance idles at the minimum ${n(f.minAcu)} ACU all month (the floor, not peak): writer + ${f.instances - 1} reader(s)${f.minAcu === 0 ? "; 0 ACU means auto-pause" : ""}.`,
            },
            usage(
                "Aurora storage & I/O",
                "GB-month",
                "auroraStorageGbMonth",
                "auroraStorageGb",
                (x) => `Assumes ${x} GB stored (Aurora Standard).`,
            ),
            usage(
                "Aurora storage & I/O",
                "1M I/O requests",
                "auroraIoMillion",
                "auroraIoMillions",
                (x) => `Assumes ${x} million I/O requests a month (Aurora Standard).`,
            ),
        ],
    }),
    priced({
        type: "aws:rds/proxy:Proxy",
        facts: (proxy, c) => {
            const names = new Set([proxy.state?.name, proxy.inputs?.name].filter((x) => x !== undefined));
            const target = c
                .byType("aws:rds/proxyTarget:ProxyTarget")
                .map(props)
                .find((t) => names.has(t.dbProxyName));
            const cluster =
                target &&
                c
                    .byType("aws:rds/cluster:Cluster")
                    .find((x) =>
                        [x.state?.clusterIdentifier, x.inputs?.clusterIdentifier, x.state?.id].includes(target.dbClusterIdentifier),
                    );
            const floor = cluster ? auroraFloor(cluster, c) : undefined;
            const capacity = floor ? floor.minAcu * floor.instances : 0;
            const minimum = c.assume.prices.rdsProxyMinimumAcus;
            return { known: floor !== undefined, capacity, minimum, billed: Math.max(minimum, capacity) };
        },
        charges: [
            {
                kind: "RDS Proxy",
                quantity: (f, c) => f.billed * c.hours,
                unit: "ACU-hour",
                price: "rdsProxyAcuHour",
                assumption: (f) =>
                    f.known
                        ? `Billed on the target's Aurora Serverless v2 capacity (${n(f.capacity)} ACU at its minimum) with AWS's ${f.minimum}-ACU minimum, so ${n(f.billed)} ACU all month.`
                        : `Target capacity unknown; billed at AWS's ${f.minimum}-ACU minimum for Aurora Serverless v2 all month.`,
            },
        ],
    }),
    priced({
        type: "awsx:ec2:Vpc",
        facts: (vpc, c) => {
            const azs = vpcZoneCount(vpc);
            // awsx's default strategy: one NAT gateway per AZ.
            const strategy = String(props(vpc).natGateways?.strategy ?? "OnePerAz");
            // The VPC's own NAT gateways when its children are in the plan (modelled by the offline preview),
            // else the count its arguments imply.
            const own = c
                .byType("aws:ec2/natGateway:NatGateway")
                .filter((g) => g.urn.includes(`awsx:ec2:Vpc$`) && g.name.startsWith(`${vpc.name}-`));
            const count = own.length > 0 ? own.length : strategy === "None" ? 0 : strategy === "Single" ? 1 : azs;
            return count === 0 ? undefined : { azs, strategy, count };
        },
        charges: [
            {
                kind: "NAT gateway",
                quantity: (f, c) => f.count * c.hours,
                unit: "gateway-hour",
                price: "natGatewayHour",
                assumption: (f) =>
                    `natGateways.strategy ${f.strategy}: ${f.count} gateway(s)${f.strategy === "OnePerAz" ? ` (one in each of ${f.azs} AZs)` : ""}, always on.`,
            },
            usage(
                "NAT gateway",
                "GB processed",
                "natGatewayGb",
                "natGatewayGb",
                (x) => `Assumes ${x} GB a month through the gateways (image pulls, AWS APIs); internet egress not included.`,
            ),
        ],
    }),
    // Interface endpoints (the Express tasks' path to ECR and CloudWatch Logs): billed per endpoint per AZ; gateway endpoints are free.
    priced({
        type: "awsx:ec2:Vpc",
        facts: (vpc) => {
            const p = props(vpc);
            const specs: { serviceName?: string; vpcEndpointType?: string }[] = Array.isArray(p.vpcEndpointSpecs) ? p.vpcEndpointSpecs : [];
            const interfaces = specs.filter((s) => String(s.vpcEndpointType ?? "Gateway").toLowerCase() === "interface");
            if (interfaces.length === 0) return undefined;
            const services = interfaces.map((s) => String(s.serviceName).split(".").slice(3).join(".")).join(", ");
            return { azs: vpcZoneCount(vpc), endpoints: interfaces.length, services };
        },
        charges: [
            {
                kind: "VPC endpoints",
                quantity: (f, c) => f.endpoints * f.azs * c.hours,
                unit: "endpoint-AZ-hour",
                price: "vpcInterfaceEndpointAzHour",
                assumption: (f) =>
                    `${f.endpoints} interface endpoint(s) (${f.services}) in each of ${f.azs} AZs, always on; data processed ($0.01/GB) not included; S3/DynamoDB gateway endpoints are free.`,
            },
        ],
    }),
    priced({
        type: "kubernetes:core/v1:Service",
        facts: (svc) =>
            kubernetesNlb(svc) && {
                lb: "NLB" as const,
                why: "Kubernetes Service of type LoadBalancer: the AWS Load Balancer Controller creates one NLB, always on.",
            },
        charges: balancerCharges,
    }),
    priced({
        type: "aws:lb/loadBalancer:LoadBalancer",
        facts: (lb): BalancerFacts =>
            (props(lb).loadBalancerType ?? "application") === "network"
                ? { lb: "NLB", why: "Network Load Balancer, always on." }
                : { lb: "ALB", why: "Application Load Balancer, always on." },
        charges: balancerCharges,
    }),
    // Public IPv4 addresses: every Elastic IP in the plan (the NAT gateways' — present when the VPC's children
    // are modelled) and one per AZ for each internet-facing load balancer.
    priced({
        type: "aws:ec2/eip:Eip",
        facts: always,
        charges: [hourly("Public IPv4", "IP-hour", "publicIpv4Hour", "Elastic IP (a NAT gateway's), charged in use or idle, always on.")],
    }),
    priced({
        type: "kubernetes:core/v1:Service",
        facts: (svc, c) => (kubernetesNlb(svc)?.internetFacing ? planAzs(c) : undefined),
        charges: [publicIpPerAz((azs) => `Internet-facing NLB: one public IPv4 address in each of the ${azs} AZs' public subnets.`)],
    }),
    priced({
        type: "aws:ecs/expressGatewayService:ExpressGatewayService",
        facts: (_, c) => planAzs(c),
        charges: [
            publicIpPerAz(
                (azs) => `Internet-facing ALB Express Mode creates: at least one public IPv4 address per AZ (${azs}); ALBs may use more.`,
            ),
        ],
    }),
    priced({
        type: "aws:dynamodb/table:Table",
        facts: (t) => {
            const mode = props(t).billingMode ?? "PROVISIONED";
            return { mode: mode === "PAY_PER_REQUEST" ? "on-demand" : `billing mode ${mode}, priced as on-demand here` };
        },
        charges: [
            {
                kind: "DynamoDB",
                quantity: (_, c) => c.assume.dynamoDbWrites / 1e6,
                unit: "1M write request units",
                price: "dynamoDbWriteMillion",
                assumption: (f, c) => `Assumes ${n(c.assume.dynamoDbWrites)} writes (≤ 1 KB) a month, ${f.mode}.`,
            },
            {
                kind: "DynamoDB",
                quantity: (_, c) => c.assume.dynamoDbReads / 1e6,
                unit: "1M read request units",
                price: "dynamoDbReadMillion",
                assumption: (f, c) => `Assumes ${n(c.assume.dynamoDbReads)} strongly consistent reads (≤ 4 KB) a month, ${f.mode}.`,
            },
            usage(
                "DynamoDB",
                "GB-month",
                "dynamoDbStorageGbMonth",
                "dynamoDbStorageGb",
                (x) => `Assumes ${x} GB stored; the 25 GB free tier is not deducted.`,
            ),
        ],
    }),
    priced({
        type: "aws:kms/key:Key",
        facts: always,
        charges: [monthly("KMS", "key-month", "kmsKeyMonth", "One customer managed key; requests within the free 20,000 a month.")],
    }),
    priced({
        type: "aws:ecr/repository:Repository",
        facts: always,
        charges: [
            usage(
                "ECR",
                "GB-month",
                "ecrStorageGbMonth",
                "ecrStorageGb",
                (x) => `Assumes ${x} GB of images kept (the lifecycle policy bounds it); same-region pulls are free.`,
            ),
        ],
    }),
    priced({
        type: "aws:secretsmanager/secret:Secret",
        facts: always,
        charges: [monthly("Secrets Manager", "secret-month", "secretsManagerSecretMonth", "One secret; API calls not counted.")],
    }),
    priced({
        type: "aws:rds/cluster:Cluster",
        facts: (cluster) => (props(cluster).manageMasterUserPassword === true ? {} : undefined),
        charges: [
            monthly(
                "Secrets Manager",
                "secret-month",
                "secretsManagerSecretMonth",
                "The RDS-managed master user secret, billed as one Secrets Manager secret.",
            ),
        ],
    }),
    priced({
        type: "aws:cloudwatch/metricAlarm:MetricAlarm",
        // A metric alarm bills per metric it reads: one, or each metric (not expression) of its metric queries.
        facts: (alarm) => {
            const queries = props(alarm).metricQueries as { metric?: unknown }[] | undefined;
            return { metrics: queries ? queries.filter((q) => q.metric !== undefined).length : 1 };
        },
        charges: [
            {
                kind: "CloudWatch alarms",
                quantity: (f) => f.metrics,
                unit: "alarm metric-month",
                price: "cloudWatchAlarmMetricMonth",
                assumption: (f) =>
                    f.metrics === 1 ? "One standard-resolution alarm on one metric." : `A metric math alarm over ${f.metrics} metrics.`,
            },
        ],
    }),
    priced({
        type: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
        facts: always,
        charges: [
            monthly(
                "CloudWatch alarms",
                "alarm-month",
                "cloudWatchCompositeAlarmMonth",
                "One composite alarm (its member alarms are priced on their own rows).",
            ),
        ],
    }),
    priced({
        type: "aws:cloudwatch/dashboard:Dashboard",
        facts: always,
        charges: [
            monthly(
                "CloudWatch dashboards",
                "dashboard-month",
                "cloudWatchDashboardMonth",
                "One custom dashboard; the account's 3 free dashboards are not deducted.",
            ),
        ],
    }),
    priced({
        type: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
        facts: always,
        charges: [
            monthly(
                "CloudWatch metrics",
                "metric-month",
                "cloudWatchCustomMetricMonth",
                "The one custom metric the filter publishes (no dimensions).",
            ),
        ],
    }),
    priced({
        type: "aws:cloudwatch/logGroup:LogGroup",
        facts: always,
        charges: [
            usage(
                "CloudWatch Logs",
                "GB ingested",
                "cloudWatchLogsIngestGb",
                "logGroupIngestGb",
                (x) => `Assumes ${x} GB of logs a month; storage not counted.`,
            ),
        ],
    }),
];

/**
 * Estimate what the planned resources cost a month in us-east-1 at list prices. An empty list costs 0.
 * Every row states its assumption; `assumptions` overrides the usage figures.
 */
export function estimateMonthlyCost(resources: RecordedResource[], assumptions?: CostAssumptions): CostEstimate {
    const assume = resolve(assumptions);
    const used = new Set<PriceKey>();
    const c: Context = {
        hours: assume.hoursPerMonth,
        assume,
        price: (key) => {
            used.add(key);
            return assume.prices.lines[key].usd;
        },
        byType: (type) => resources.filter((r) => r.type === type),
    };
    const rows: CostRow[] = [];
    for (const pricing of PRICING) {
        for (const r of c.byType(pricing.type)) {
            const f = pricing.facts(r, c);
            if (f === undefined) continue;
            for (const charge of pricing.charges) {
                const quantity = value(charge.quantity, f, c);
                const price = value(charge.price, f, c);
                const unitPrice = typeof price === "number" ? price : c.price(price);
                rows.push({
                    kind: charge.kind,
                    resource: r.name,
                    quantity,
                    unit: value(charge.unit, f, c),
                    unitPrice,
                    monthly: quantity * unitPrice,
                    assumption: value(charge.assumption, f, c),
                });
            }
        }
    }
    const byKindMap = new Map<string, number>();
    for (const row of rows) byKindMap.set(row.kind, (byKindMap.get(row.kind) ?? 0) + row.monthly);
    const unverifiedPrices = [...used].filter((k) => !assume.prices.lines[k].verified).sort();
    return {
        rows,
        total: rows.reduce((s, r) => s + r.monthly, 0),
        byKind: [...byKindMap].map(([kind, monthly]) => ({ kind, monthly })),
        asOf: assume.prices.asOf,
        region: assume.prices.region,
        currency: assume.prices.currency,
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
