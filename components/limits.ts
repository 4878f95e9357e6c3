/**
 * Allowed-value tables and range rules shared by the components (which validate their args) and by
 * stacks/config.ts (which validates stack config). One place, so a component and a config key can never
 * disagree about what AWS accepts. Each rule returns an error message naming `label`, or undefined.
 */
import * as pulumi from "@pulumi/pulumi";

/** App Runner's CPU/memory combinations (AWS App Runner developer guide, "Instance configuration"). */
export const APP_RUNNER_CPU_MEMORY: Readonly<Record<string, readonly string[]>> = {
    "0.25 vCPU": ["0.5 GB", "1 GB"],
    "0.5 vCPU": ["1 GB"],
    "1 vCPU": ["2 GB", "3 GB", "4 GB"],
    "2 vCPU": ["4 GB", "6 GB"],
    "4 vCPU": ["8 GB", "10 GB", "12 GB"],
};

export function appRunnerCpuMemory(cpuLabel: string, cpu: string, memoryLabel: string, memory: string): string | undefined {
    const memories = APP_RUNNER_CPU_MEMORY[cpu];
    if (!memories) {
        return `\`${cpuLabel}\` must be one of ${Object.keys(APP_RUNNER_CPU_MEMORY).join(", ")} (got "${cpu}").`;
    }
    if (!memories.includes(memory)) {
        return `\`${memoryLabel}\` "${memory}" is not allowed with ${cpuLabel} "${cpu}"; allowed: ${memories.join(", ")}.`;
    }
    return undefined;
}

export function intRange(label: string, value: number, min: number, max: number): string | undefined {
    if (!Number.isInteger(value) || value < min || value > max) {
        return `\`${label}\` must be an integer between ${min} and ${max} (got ${shownValue(value)}).`;
    }
    return undefined;
}

export function minNotAboveMax(minLabel: string, min: number, maxLabel: string, max: number): string | undefined {
    return min > max ? `\`${minLabel}\` (${shownValue(min)}) must not be greater than \`${maxLabel}\` (${shownValue(max)}).` : undefined;
}

/**
 * Fargate's CPU units → allowed memory (MiB): the one table for ECS tasks, ECS Express services and EKS
 * pods (AWS ECS developer guide, "Task CPU and memory"; EKS "Fargate pod configuration").
 */
export const FARGATE_CPU_MEMORY: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: steps(1024, 4096, 1024),
    1024: steps(2048, 8192, 1024),
    2048: steps(4096, 16384, 1024),
    4096: steps(8192, 30720, 1024),
    8192: steps(16384, 61440, 4096),
    16384: steps(32768, 122880, 8192),
};

/** Fargate CPU/memory rule: a message naming both properties, or undefined. */
export function fargateCpuMemory(cpuLabel: string, cpu: number, memoryLabel: string, memory: number): string | undefined {
    // A string such as "256" would find the row too (object keys are strings) and reach ECS as a string.
    const memories = typeof cpu === "number" ? FARGATE_CPU_MEMORY[cpu] : undefined;
    if (!memories)
        return `\`${cpuLabel}\` must be one of ${Object.keys(FARGATE_CPU_MEMORY).join(", ")} CPU units (got ${shownValue(cpu)}).`;
    if (!memories.includes(memory)) {
        return `\`${memoryLabel}\` ${memory} MiB is not allowed with ${cpuLabel} ${cpu}; allowed: ${memories[0]}-${memories[memories.length - 1]} MiB in ${memories.length > 1 ? memories[1] - memories[0] : 0} MiB steps.`;
    }
    return undefined;
}

function steps(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
}

/** App Runner auto scaling limits: instances 1-25, concurrency 1-200. */
export const APP_RUNNER_MAX_INSTANCES = 25;
/** App Runner service names: 4-40 characters (https://docs.aws.amazon.com/apprunner/latest/api/API_CreateService.html). */
export const APP_RUNNER_SERVICE_NAME_MAX = 40;
export const APP_RUNNER_MAX_CONCURRENCY = 200;

/**
 * Aurora Serverless v2 capacity: the minimum may be 0 (auto-pause, engine versions that support it)
 * or 0.5-256; the maximum 1-256; both in 0.5 ACU steps.
 */
export function acu(label: string, value: number, allowZero: boolean): string | undefined {
    const lowest = allowZero ? 0 : 1;
    const ok =
        Number.isFinite(value) &&
        (value === 0 ? allowZero : value >= (allowZero ? 0.5 : lowest) && value <= 256) &&
        Number.isInteger(value * 2);
    if (!ok) {
        const range = allowZero ? "0, or 0.5-256" : "1-256";
        return `\`${label}\` must be ${range} ACU in 0.5 steps (got ${shownValue(value)}).`;
    }
    return undefined;
}

/**
 * Throw one error listing every problem found (so a user fixes them in one pass). With `resource` it is a
 * `pulumi.ResourceError`, which the Pulumi CLI attributes to that component in its diagnostics.
 */
export function throwIfAny(component: string, name: string, problems: readonly (string | undefined)[], resource?: pulumi.Resource): void {
    const found = problems.filter((p): p is string => p !== undefined);
    if (found.length === 0) return;
    const message = `${component} "${name}": ${found.join(" ")}`;
    throw resource ? new pulumi.ResourceError(message, resource) : new Error(message);
}

/** An output or a promise: a value the program cannot read while it builds the resource graph. */
export const isOutputOrPromise = (v: unknown): boolean => pulumi.Output.isInstance(v) || v instanceof Promise;

/** A value as an error message shows it: what kind it is and its JSON (an output is only "an output"). */
export function describeValue(value: unknown): string {
    if (value === undefined) return "nothing";
    if (pulumi.Output.isInstance(value)) return "an output";
    if (value instanceof Promise) return "a promise";
    if (Array.isArray(value)) return `a list ${JSON.stringify(value)}`;
    if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
    if (typeof value === "object" && value !== null) return `an object ${safeJson(value)}`;
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return `${typeof value} ${String(value)}`;
    return value === null ? "null" : `a ${typeof value}`;
}

/**
 * A value in a range or table message: a number as itself ("got 30"), anything else described, so the string "2"
 * is not shown as if it were the number 2.
 */
export function shownValue(value: unknown): string {
    return typeof value === "number" ? String(value) : describeValue(value);
}

function safeJson(value: unknown): string {
    try {
        return JSON.stringify(value) ?? "that cannot be shown as JSON";
    } catch {
        return "that cannot be shown as JSON";
    }
}
