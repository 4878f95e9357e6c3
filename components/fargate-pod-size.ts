/**
 * EKS on Fargate pod sizing, kept apart from the component that uses it (as awsx keeps
 * `fargateMemoryAndCpu.ts` apart from its service): Kubernetes quantity parsing, Fargate's allowed
 * vCPU/memory combinations, and the rule that maps a pod's requests to the size Fargate bills.
 *
 * How Fargate sizes a pod (EKS user guide, "Fargate pod configuration"): it sums the long-running
 * containers' requests, adds 256 MiB to the memory for the Kubernetes components it runs in the pod's
 * micro-VM (kubelet, kube-proxy, containerd), then rounds *up* to the smallest combination below that
 * holds both. AWS's "GB" in that table is GiB (1 GB = 1024 MiB).
 *
 * Our rounding rule: the CPU request picks the vCPU tier (smallest tier ≥ the request); memory + 256 MiB
 * is rounded up to that tier's next allowed memory step (or its minimum). A pair whose memory would
 * exceed the tier's maximum is rejected instead of letting Fargate silently bill a larger vCPU tier —
 * that is the "pair not allowed" case. All pure, no Pulumi.
 */
import { FARGATE_CPU_MEMORY } from "./limits";

/** MiB Fargate adds to every pod's memory for kubelet, kube-proxy and containerd. */
export const FARGATE_OVERHEAD_MIB = 256;

export interface FargateTier {
    /** vCPU of the tier. */
    readonly vcpu: number;
    /** Allowed memory values (GiB), ascending. */
    readonly memoriesGiB: readonly number[];
}

/** Fargate's vCPU/memory combinations in pod terms, derived from the shared table in limits.ts. */
export const FARGATE_TIERS: readonly FargateTier[] = Object.entries(FARGATE_CPU_MEMORY)
    .map(([units, mibs]) => ({ vcpu: Number(units) / 1024, memoriesGiB: mibs.map((m) => m / 1024) }))
    .sort((a, b) => a.vcpu - b.vcpu);

/** Every allowed memory (GiB) of a tier, ascending. */
export function tierMemoriesGiB(tier: FargateTier): number[] {
    return [...tier.memoriesGiB];
}

/** Parse a Kubernetes CPU quantity ("250m", "0.5", "1", "2") to cores; undefined when malformed. */
export function parseCpu(quantity: string): number | undefined {
    const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity.trim());
    if (!m) return undefined;
    const n = Number(m[1]);
    const cores = m[2] === "m" ? n / 1000 : n;
    return cores > 0 ? cores : undefined;
}

const memoryFactorsMiB: Record<string, number> = {
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    Ti: 1024 * 1024,
    k: 1000 / (1024 * 1024),
    M: 1e6 / (1024 * 1024),
    G: 1e9 / (1024 * 1024),
    T: 1e12 / (1024 * 1024),
    "": 1 / (1024 * 1024),
};

/** Parse a Kubernetes memory quantity ("512Mi", "1Gi", "1G", "536870912") to MiB; undefined when malformed. */
export function parseMemoryMiB(quantity: string): number | undefined {
    const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|)$/.exec(quantity.trim());
    if (!m) return undefined;
    const mib = Number(m[1]) * memoryFactorsMiB[m[2]];
    return mib > 0 ? mib : undefined;
}

/** The Fargate size a pod is billed at. */
export interface FargatePodSize {
    /** vCPU of the pod. */
    readonly vcpu: number;
    /** Memory of the pod in GiB (AWS's "GB"). */
    readonly memoryGiB: number;
}

/** Human form of a GiB amount as AWS writes it ("0.5 GB", "2 GB"). */
const gb = (giB: number) => `${giB} GB`;

/**
 * The Fargate size a pod with these requests is billed at, or an error message naming the properties,
 * the values and the fix. `cpuLabel`/`memoryLabel` are the argument names to put in the message.
 */
export function fargatePodSize(cpuLabel: string, cpu: string, memoryLabel: string, memory: string): FargatePodSize | string {
    const cores = parseCpu(cpu);
    if (cores === undefined) {
        return `\`${cpuLabel}\` must be a Kubernetes CPU quantity such as 250m, 0.5 or 2 (got "${cpu}").`;
    }
    const mib = parseMemoryMiB(memory);
    if (mib === undefined) {
        return `\`${memoryLabel}\` must be a Kubernetes memory quantity such as 512Mi or 2Gi (got "${memory}").`;
    }
    const tier = FARGATE_TIERS.find((t) => t.vcpu >= cores - 1e-9);
    if (!tier) {
        return `\`${cpuLabel}\` must be at most 16 vCPU, Fargate's largest pod (got "${cpu}").`;
    }
    const neededGiB = (mib + FARGATE_OVERHEAD_MIB) / 1024;
    const memoryGiB = tierMemoriesGiB(tier).find((m) => m >= neededGiB - 1e-9);
    if (memoryGiB === undefined) {
        const maxGiB = tier.memoriesGiB[tier.memoriesGiB.length - 1];
        const maxRequestMiB = maxGiB * 1024 - FARGATE_OVERHEAD_MIB;
        return (
            `\`${memoryLabel}\` "${memory}" is not allowed with \`${cpuLabel}\` "${cpu}" on Fargate: ` +
            `${memory} + ${FARGATE_OVERHEAD_MIB}Mi overhead needs more than ${gb(maxGiB)}, the most a ${tier.vcpu} vCPU pod has ` +
            `(allowed: ${tierMemoriesGiB(tier).map(gb).join(", ")}). Lower \`${memoryLabel}\` to at most ${maxRequestMiB}Mi or raise \`${cpuLabel}\`.`
        );
    }
    return { vcpu: tier.vcpu, memoryGiB };
}
