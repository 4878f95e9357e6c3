/**
 * How many Fargate vCPUs a plan runs: at its floor (every service at its minimum) and at its ceiling (every
 * service at its maximum, ECS services mid-deployment). ECS tasks and EKS pods on Fargate count against one
 * account quota per region, "Fargate On-Demand vCPU resource count" (service code `fargate`, quota code
 * L-3032A538), and "new AWS accounts might have initial lower quotas that can increase over time"
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html) — every environment has
 * its own account, so a first prod deploy can scale into that quota and stop placing tasks ("You've reached
 * the limit on the number of vCPUs you can run concurrently"). The offline preview prints both figures so the
 * quota can be checked, and raised, before the first `up`.
 *
 * Read from the plan's resources as registered (inputs only), like the cost estimate; App Runner is not Fargate.
 */
import type { RecordedResource } from "../../components/testing/mocks";
import { billedPodSize, COREDNS_REPLICAS, EKS_SYSTEM_CHART_REPLICAS, sumRequests } from "./cost";

export interface FootprintRow {
    readonly resource: string;
    readonly floor: number;
    readonly ceiling: number;
    readonly why: string;
}

export interface FargateFootprint {
    readonly floor: number;
    readonly ceiling: number;
    readonly rows: readonly FootprintRow[];
}

/** ECS's default deploymentMaximumPercent: a rolling deployment may run twice the desired count. */
const ECS_DEPLOYMENT_MAXIMUM_PERCENT = 200;
/** The smallest Fargate pod (0.25 vCPU), what the cluster's system pods are billed and counted at. */
const SMALLEST_POD_VCPU = 0.25;

const vcpuOfUnits = (units: unknown): number => Number(units ?? 1024) / 1024;
const round = (x: number) => Math.round(x * 100) / 100;

export function fargateFootprint(resources: readonly RecordedResource[]): FargateFootprint {
    const rows: FootprintRow[] = [];
    const of = (type: string) => resources.filter((r) => r.type === type);

    for (const s of of("aws:ecs/expressGatewayService:ExpressGatewayService")) {
        const vcpu = vcpuOfUnits(s.inputs.cpu);
        const target = s.inputs.scalingTargets?.[0] ?? {};
        const min = Number(target.minTaskCount ?? 1);
        const max = Number(target.maxTaskCount ?? min);
        rows.push({ resource: s.name, floor: min * vcpu, ceiling: max * vcpu, why: `${min}–${max} task(s) × ${vcpu} vCPU` });
    }
    for (const s of of("aws:ecs/service:Service")) {
        const family = String(s.inputs.taskDefinition ?? "");
        const taskDefinition = of("aws:ecs/taskDefinition:TaskDefinition").find(
            (t) => family.includes(`/${t.inputs.family}:`) || t.inputs.family === family || t.state.arn === family,
        );
        const vcpu = vcpuOfUnits(taskDefinition?.inputs.cpu ?? 256);
        const desired = Number(s.inputs.desiredCount ?? 1);
        const maxPercent = Number(s.inputs.deploymentMaximumPercent ?? ECS_DEPLOYMENT_MAXIMUM_PERCENT);
        const during = Math.floor((desired * maxPercent) / 100);
        rows.push({
            resource: s.name,
            floor: desired * vcpu,
            ceiling: during * vcpu,
            why: `${desired} task(s) × ${vcpu} vCPU; up to ${during} during a deployment (${maxPercent}%)`,
        });
    }
    const hpas = of("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    for (const d of of("kubernetes:apps/v1:Deployment")) {
        const spec = d.inputs.spec ?? {};
        const requests = sumRequests(spec.template?.spec?.containers ?? []);
        const vcpu = billedPodSize(requests.cpu, requests.memory).vcpu;
        const name = d.inputs.metadata?.name ?? d.name;
        const hpa = hpas.find((h) => h.inputs.spec?.scaleTargetRef?.name === name);
        const replicas = Number(spec.replicas ?? 1);
        const min = Math.max(replicas, Number(hpa?.inputs.spec?.minReplicas ?? 0));
        const max = Math.max(min, Number(hpa?.inputs.spec?.maxReplicas ?? min));
        rows.push({ resource: d.name, floor: min * vcpu, ceiling: max * vcpu, why: `${min}–${max} pod(s) × ${vcpu} vCPU` });
    }
    // The EKS cluster's own pods on Fargate (no Deployment of ours describes them), at the smallest pod each.
    for (const addon of of("aws:eks/addon:Addon").filter((a) => a.inputs.addonName === "coredns")) {
        const vcpu = COREDNS_REPLICAS * SMALLEST_POD_VCPU;
        rows.push({ resource: addon.name, floor: vcpu, ceiling: vcpu, why: `CoreDNS: ${COREDNS_REPLICAS} pods × 0.25 vCPU` });
    }
    for (const release of of("kubernetes:helm.sh/v3:Release")) {
        const chart = String(release.inputs.chart ?? "");
        if (!(chart in EKS_SYSTEM_CHART_REPLICAS)) continue;
        const n = Number(release.inputs.values?.replicaCount ?? EKS_SYSTEM_CHART_REPLICAS[chart]);
        const vcpu = n * SMALLEST_POD_VCPU;
        rows.push({ resource: release.name, floor: vcpu, ceiling: vcpu, why: `${chart}: ${n} pod(s) × 0.25 vCPU` });
    }
    return {
        floor: round(rows.reduce((s, r) => s + r.floor, 0)),
        ceiling: round(rows.reduce((s, r) => s + r.ceiling, 0)),
        rows,
    };
}
