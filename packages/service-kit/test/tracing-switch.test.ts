import { getBooleanFromEnv } from "@opentelemetry/core";
import { flushTracing, tracesExporterNames, tracingWanted } from "../src/tracing-switch";

/** Runs `read` with process.env[name] = value (the SDK's readers only read process.env). */
function withEnv<T>(name: string, value: string | undefined, read: () => T): T {
    const before = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
    try {
        return read();
    } finally {
        if (before === undefined) delete process.env[name];
        else process.env[name] = before;
    }
}

describe("the tracing switch reads OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER as the SDK does", () => {
    it.each([undefined, "", "true", "TRUE", " True ", "false", "1", "yes", "disabled"])("OTEL_SDK_DISABLED=%j", (value) => {
        const sdkDisabled = withEnv("OTEL_SDK_DISABLED", value, () => getBooleanFromEnv("OTEL_SDK_DISABLED"));
        expect(tracingWanted({ OTEL_SDK_DISABLED: value })).toBe(!sdkDisabled);
    });

    // sdk-node 0.223 getSpanProcessorsFromEnv: list deduplicated, "null" dropped; "none" first → no exporter;
    // empty → otlp; "none" among others → otlp.
    it.each<[string | undefined, string[]]>([
        [undefined, ["otlp"]],
        ["", ["otlp"]],
        ["otlp", ["otlp"]],
        [" otlp , console ,otlp", ["otlp", "console"]],
        ["none", []],
        [" none ", []],
        ["none,otlp", []],
        ["otlp,none", ["otlp"]],
        ["null", ["otlp"]],
        ["null,none", []],
    ])("OTEL_TRACES_EXPORTER=%j → %j", (value, expected) => {
        expect(tracesExporterNames({ OTEL_TRACES_EXPORTER: value })).toEqual(expected);
        expect(tracingWanted({ OTEL_TRACES_EXPORTER: value })).toBe(expected.length > 0);
    });

    it("flushTracing resolves at once when no SDK was started", async () => {
        await expect(flushTracing(10)).resolves.toBeUndefined();
    });
});
