/** Shapes of the JSON results in bench/.out/ (read by bench/report.ts). */
import type { MachineInfo } from "./env";

export type VariantName = "app" | "app-log-warn" | "ceiling" | "seed";

export interface ThroughputRow {
    readonly node: string; // "v20.20.2"
    readonly nodeMajor: string;
    readonly endpoint: string; // id
    readonly label: string;
    readonly variant: VariantName;
    readonly reqPerSec: number;
    readonly p50: number;
    readonly p99: number;
    readonly errors: number;
    readonly timeouts: number;
    readonly non2xx: number;
    readonly total: number;
    /** Peak RSS of the server process (VmHWM), MiB. */
    readonly serverPeakRssMiB?: number;
    /** req/s of every round (the row shows the median round; errors/non-2xx/requests are summed over rounds). */
    readonly rounds?: number[];
}

export interface ThroughputResult {
    readonly machine: MachineInfo;
    readonly command: string;
    readonly settings: { connections: number; durationS: number; warmupS: number; rounds?: number; rows: number; poolMax: number };
    readonly databases: { mariadb: string; postgres: string; dynalite: string };
    readonly runtimes: Array<{ major: string; version: string }>;
    readonly endpoints: Array<{ id: string; label: string }>;
    readonly rows: ThroughputRow[];
    readonly notes: string[];
}

export interface ToolingResult {
    readonly machine: MachineInfo;
    readonly command: string;
    readonly unit: {
        coldS: number;
        warmS: number;
        coldOk: boolean;
        warmOk: boolean;
        tests?: string;
        files?: number;
        workers?: number;
        slowest?: Array<{ file: string; seconds: number }>;
        /** User + system CPU seconds of the run and its processes, and the 1-minute load average when it began. */
        coldCpuS?: number;
        warmCpuS?: number;
        coldLoad?: number;
        warmLoad?: number;
        /** The same cold run with jest's stock environment, runtime and sequencer (what scripts/test-unit/ replaces). */
        stock?: { coldS: number; ok: boolean; cpuS?: number; load: number };
        /** Warm runs in a row beside CPU hogs (`yes > /dev/null`), each with its outcome. */
        hog?: { hogs: number; runs: Array<{ seconds: number; ok: boolean; tests?: string; cpuS?: number; load?: number }> };
    };
    readonly preview: Array<{ stack: string; runsS: number[]; medianS: number; ok: boolean }>;
    readonly notes: string[];
}

export interface StartupRow {
    readonly app: string;
    /**
     * "built (dist)": the image's files and command, tracing off (the image's default, OTEL_SDK_DISABLED=true);
     * "built (dist), tracing on": the same with OTEL_SDK_DISABLED=false exporting to an OTLP receiver on loopback;
     * "one-file bundle": everything bundled into one server.js as before issue #21 (nothing instrumentable).
     */
    readonly mode: "swc-register (src)" | "built (dist)" | "built (dist), tracing on" | "one-file bundle";
    readonly runsMs: number[];
    readonly medianMs: number;
    readonly ok: boolean;
    readonly error?: string;
}

export interface PayloadRow {
    readonly app: string;
    readonly distBytes: number;
    readonly depsBytes: number;
    readonly totalBytes: number;
    readonly packages: number;
    readonly largest: Array<{ name: string; bytes: number }>;
}

export interface StartupResult {
    readonly machine: MachineInfo;
    readonly command: string;
    readonly node: string;
    readonly build: { ok: boolean; error?: string };
    readonly startup: StartupRow[];
    readonly payload: PayloadRow[];
    readonly payloadMethod: string;
    readonly notes: string[];
}
