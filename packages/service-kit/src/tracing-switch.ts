/**
 * Whether the tracing preload (tracing.ts) starts the OpenTelemetry SDK, decided WITHOUT loading it, and the hook
 * through which runService flushes finished spans before the process exits. No @opentelemetry import here.
 *
 * The two variables are read as the SDK reads them (@opentelemetry/core getBooleanFromEnv / getStringListFromEnv,
 * @opentelemetry/sdk-node 0.223 getSpanProcessorsFromEnv), per the specification
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/):
 *  - OTEL_SDK_DISABLED: a boolean; only "true" (any case, spaces trimmed) is true, anything else false.
 *  - OTEL_TRACES_EXPORTER: a comma-separated list, default "otlp"; "none" first means no trace exporter ("none"
 *    together with other values is treated by the SDK as the default, otlp).
 */
import { settledWithin } from "./deadline";

type Env = Readonly<Record<string, string | undefined>>;

function stringList(value: string | undefined): string[] {
    if (value === undefined || value.trim() === "") return [];
    return value
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== "");
}

/**
 * The trace exporters OTEL_TRACES_EXPORTER names, as sdk-node's getSpanProcessorsFromEnv reads it: deduplicated,
 * "null" dropped, [] when "none" comes first, ["otlp"] when unset or when "none" comes with others.
 */
export function tracesExporterNames(env: Env): string[] {
    const names = [...new Set(stringList(env.OTEL_TRACES_EXPORTER))].filter((name) => name !== "null");
    if (names[0] === "none") return [];
    if (names.length === 0 || names.includes("none")) return ["otlp"];
    return names;
}

/** True when the SDK is enabled and some trace exporter is configured (the services export traces only). */
export function tracingWanted(env: Env): boolean {
    if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
    return tracesExporterNames(env).length > 0;
}

const SHUTDOWN_HOOK = Symbol.for("serverless-containers.tracing.shutdown");
type Holder = { [SHUTDOWN_HOOK]?: () => Promise<void> };

/** Called by the preload once the SDK has started (a global: the preload and the app bundle are separate files). */
export function registerShutdownHook(shutdown: () => Promise<void>): void {
    (globalThis as Holder)[SHUTDOWN_HOOK] = shutdown;
}

/**
 * Exports the spans still buffered and stops the SDK, within `timeoutMs`; resolves at once when tracing is off.
 * Never rejects: an unreachable collector must not turn a clean stop into a failure.
 */
export async function flushTracing(timeoutMs: number): Promise<void> {
    const shutdown = (globalThis as Holder)[SHUTDOWN_HOOK];
    if (shutdown === undefined) return;
    await settledWithin(shutdown(), timeoutMs).catch(() => undefined);
}
