/**
 * `cpu` (vCPU) and `memory` (GiB) in each platform's own notation, and the platforms' old notations, still
 * accepted for one minor version (each noted for the deprecation warning). The strings and numbers produced are
 * exactly those the resources got before the one vocabulary, so upgrading changes no resource:
 *
 *   platform          cpu 0.25 / memory 0.5          old notation (deprecated)
 *   App Runner        "0.25 vCPU" / "0.5 GB"          the same strings
 *   ECS Express       "256" / "512" (units, MiB)      App Runner strings
 *   private Fargate   256 / 512 → "256" / "512"       CPU units (≥ 128) / MiB (≥ 256)
 *   EKS               "250m" / "512Mi"                Kubernetes quantities (whole vCPU/GiB as "1" / "1Gi")
 */
import { APP_RUNNER_CPU_MEMORY, fargateCpuMemory, shownValue } from "../limits";
import type { Deprecations } from "./aliases";

/** A size in the platform's notation, or the problems that stop it. */
export type PlatformSize<T> = { readonly cpu: T; readonly memory: T; readonly problems?: undefined } | { readonly problems: string[] };

/** ECS Express accepts CPU 256-4096 and memory 512-8192 MiB, within Fargate's pairs. */
export const EXPRESS_MAX_MEMORY_MIB = 8192;

/** Below these a private Fargate `cpu`/`memory` number is vCPU/GiB; from them on, the old CPU units/MiB (no valid vCPU/GiB value is that large). */
export const FARGATE_OLD_UNITS_FROM = { cpu: 128, memory: 256 } as const;

const APP_RUNNER_VCPU = /^(\d+(?:\.\d+)?) vCPU$/;
const APP_RUNNER_GB = /^(\d+(?:\.\d+)?) GB$/;

const positive = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v > 0;
const numberProblem = (label: string, unit: string, value: unknown) =>
    `\`${label}\` must be a positive number of ${unit} (got ${typeof value === "string" ? JSON.stringify(value) : shownValue(value)}).`;

/** App Runner notation of a vCPU / GiB amount. */
export const appRunnerNotation = (vcpu: number, gib: number) => ({ cpu: `${vcpu} vCPU`, memory: `${gib} GB` });

/** App Runner: "0.25 vCPU" / "0.5 GB", one of App Runner's pairs. Old strings pass through (noted). */
export function appRunnerSize(cpu: unknown, memory: unknown, d: Deprecations): PlatformSize<string> {
    const { c, m, problems } = vcpuAndGib(cpu, memory, d);
    if (problems.length > 0) return { problems };
    const { cpu: cpuText, memory: memoryText } = appRunnerNotation(c as number, m as number);
    const memories = APP_RUNNER_CPU_MEMORY[cpuText];
    if (!memories) {
        const allowed = Object.keys(APP_RUNNER_CPU_MEMORY).map((k) => k.replace(" vCPU", ""));
        return { problems: [`\`cpu\` must be one of ${allowed.join(", ")} vCPU on App Runner (got ${String(c)}).`] };
    }
    if (!memories.includes(memoryText)) {
        return {
            problems: [
                `\`memory\` ${String(m)} GiB is not allowed with \`cpu\` ${String(c)} on App Runner; allowed: ${memories.map((x) => x.replace(" GB", "")).join(", ")} GiB.`,
            ],
        };
    }
    return { cpu: cpuText, memory: memoryText };
}

/** ECS Express: CPU units and MiB as strings ("256" / "512"), a Fargate pair up to 8 GiB. Old App Runner strings are converted (noted). */
export function expressSize(cpu: unknown, memory: unknown, d: Deprecations): PlatformSize<string> {
    const { c, m, problems } = vcpuAndGib(cpu, memory, d);
    if (problems.length > 0) return { problems };
    const units = Math.round((c as number) * 1024);
    const mib = Math.round((m as number) * 1024);
    if (mib > EXPRESS_MAX_MEMORY_MIB) {
        return {
            problems: [
                `\`memory\` ${String(m)} GiB cannot run on ECS Express Mode, which allows at most ${EXPRESS_MAX_MEMORY_MIB / 1024} GiB; use 8 or less, or App Runner.`,
            ],
        };
    }
    const pair = fargateCpuMemory("cpu", units, "memory", mib);
    if (pair) return { problems: [`${pair} (\`cpu\` ${String(c)} vCPU = ${units} units, \`memory\` ${String(m)} GiB = ${mib} MiB.)`] };
    return { cpu: String(units), memory: String(mib) };
}

/** Private Fargate: CPU units and MiB as numbers (256 / 512). A number from 128 (cpu) or 256 (memory) on is the old unit (noted). */
export function privateFargateSize(cpu: unknown, memory: unknown, d: Deprecations): PlatformSize<number> {
    const problems: string[] = [];
    if (!positive(cpu)) problems.push(numberProblem("cpu", "vCPU", cpu));
    if (!positive(memory)) problems.push(numberProblem("memory", "GiB", memory));
    if (problems.length > 0) return { problems };
    const units = oldUnits(d, "cpu", cpu as number, FARGATE_OLD_UNITS_FROM.cpu, "CPU units", "vCPU", 1024);
    const mib = oldUnits(d, "memory", memory as number, FARGATE_OLD_UNITS_FROM.memory, "MiB", "GiB", 1024);
    const pair = fargateCpuMemory("cpu", units, "memory", mib);
    if (!pair) return { cpu: units, memory: mib };
    // How the units were reached, for what was given in vCPU/GiB (a value given in the old units is shown as it was).
    const how = [
        (cpu as number) < FARGATE_OLD_UNITS_FROM.cpu ? `\`cpu\` ${String(cpu)} vCPU = ${units} units` : undefined,
        (memory as number) < FARGATE_OLD_UNITS_FROM.memory ? `\`memory\` ${String(memory)} GiB = ${mib} MiB` : undefined,
    ].filter((h) => h !== undefined);
    return { problems: [how.length > 0 ? `${pair} (${how.join(", ")}.)` : pair] };
}

/** EKS: Kubernetes quantities ("250m" / "512Mi"; whole vCPU as "1", "2"). Old quantity strings pass through (noted). */
export function eksQuantities(cpu: unknown, memory: unknown, d: Deprecations): PlatformSize<string> {
    const problems: string[] = [];
    let c: string | undefined;
    let m: string | undefined;
    if (typeof cpu === "string") {
        d.note(`\`cpu\` as a Kubernetes quantity ("${cpu}") → vCPU as a number (e.g. 0.25)`);
        c = cpu;
    } else if (positive(cpu)) c = Number.isInteger(cpu) ? String(cpu) : `${Math.round(cpu * 1000)}m`;
    else problems.push(numberProblem("cpu", "vCPU", cpu));
    if (typeof memory === "string") {
        d.note(`\`memory\` as a Kubernetes quantity ("${memory}") → GiB as a number (e.g. 0.5)`);
        m = memory;
    } else if (positive(memory)) m = Number.isInteger(memory) ? `${memory}Gi` : `${Math.round(memory * 1024)}Mi`;
    else problems.push(numberProblem("memory", "GiB", memory));
    return problems.length > 0 ? { problems } : { cpu: c!, memory: m! };
}

/** vCPU and GiB numbers from the new notation or App Runner's old strings (noted), with the problems of anything else. */
function vcpuAndGib(cpu: unknown, memory: unknown, d: Deprecations): { c: unknown; m: unknown; problems: string[] } {
    const c = typeof cpu === "string" ? oldForm(d, "cpu", cpu, APP_RUNNER_VCPU, "vCPU") : cpu;
    const m = typeof memory === "string" ? oldForm(d, "memory", memory, APP_RUNNER_GB, "GiB") : memory;
    const problems: string[] = [];
    if (!positive(c)) problems.push(numberProblem("cpu", "vCPU", cpu));
    if (!positive(m)) problems.push(numberProblem("memory", "GiB", memory));
    return { c, m, problems };
}

/** A number read from an old notation string (noted), or the string itself when it does not parse (the checks then name it). */
function oldForm(d: Deprecations, label: string, value: string, pattern: RegExp, unit: string): number | string {
    const match = pattern.exec(value);
    if (!match) return value;
    const n = Number(match[1]);
    d.note(`\`${label}\` "${value}" → ${n} (${unit} as a number)`);
    return n;
}

/** Private Fargate's old units: a number at or above `from` is read as them (noted), one below as the new unit. */
function oldUnits(d: Deprecations, label: string, value: number, from: number, oldUnit: string, newUnit: string, factor: number): number {
    if (value < from) return Math.round(value * factor);
    d.note(
        `\`${label}\` ${value} read as ${oldUnit} → ${value / factor} (${newUnit}; a number of ${from} or more is taken as ${oldUnit}, since no valid ${newUnit} value is that large)`,
    );
    return value;
}

/** The problem with a vCPU/GiB pair on ECS Express, or undefined (for stack config, which checks before any component exists). */
export function expressSizeProblem(vcpu: number, gib: number): string | undefined {
    const size = expressSize(vcpu, gib, { note: () => undefined } as unknown as Deprecations);
    return size.problems?.join(" ");
}
