/**
 * OpenTelemetry tracing for the services, loaded BEFORE the app (`node --require ./tracing.js server.js` in the image,
 * `-r .../tracing.ts` in `npm run dev`), so the instrumentations hook http, express, pg, mysql2, the AWS SDK v3,
 * fetch (undici) and pino as the app requires them. Importing the app never starts tracing (the in-process tests
 * don't), only this preload does. docs/tracing.md has the per-platform wiring.
 *
 * Configuration is the standard OTEL_* variables
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/), each read by the SDK package
 * that owns it: OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT / _HEADERS / _TIMEOUT / _COMPRESSION by the OTLP exporter (the
 * generic endpoint gets /v1/traces appended, the traces one is used as is), OTEL_TRACES_SAMPLER[_ARG] by the tracer
 * provider, OTEL_BSP_* by the batch processor, OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES by the resource's env
 * detector, OTEL_PROPAGATORS by @opentelemetry/auto-configuration-propagators (the spec's tracecontext, baggage, b3,
 * b3multi, jaeger, plus `xray`: App Runner's front end sends X-Amzn-Trace-Id). What this file does itself is what
 * @opentelemetry/sdk-node's getSpanProcessorsFromEnv does (sdk-node 0.223: build/src/utils.js) — pick the exporters
 * named by OTEL_TRACES_EXPORTER (otlp, console; none) and the OTLP protocol from
 * OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf — requiring only the
 * exporter used: sdk-node itself loads every exporter of every signal (gRPC, Prometheus, Zipkin…), ~465 ms of
 * start-up on the reference machine against ~90 ms for the tracer provider and one exporter (docs/tracing.md).
 *
 * The services export traces only: their logs go to stdout (pino, with trace_id/span_id/trace_flags added by the
 * pino instrumentation) and the platforms keep the metrics, so no OTel metric reader or log exporter is set up and
 * OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER have nothing to act on.
 *
 * Off costs nothing: with OTEL_SDK_DISABLED=true ("disable the SDK for all signals") or OTEL_TRACES_EXPORTER=none
 * (no trace exporter — and traces are the only signal exported) this file returns before requiring any
 * @opentelemetry package. Then no span is recorded and no trace context is forwarded to downstream calls.
 */
import { registerShutdownHook, tracesExporterNames, tracingWanted } from "./tracing-switch";

if (tracingWanted(process.env)) startTracing();

/* eslint-disable @typescript-eslint/no-require-imports -- each package is loaded only when tracing is on (see above) */
function traceExporters(env: Readonly<Record<string, string | undefined>>): import("@opentelemetry/sdk-trace-base").SpanProcessor[] {
    const { BatchSpanProcessor, SimpleSpanProcessor, ConsoleSpanExporter } =
        require("@opentelemetry/sdk-trace-base") as typeof import("@opentelemetry/sdk-trace-base");
    const otlp = (): import("@opentelemetry/sdk-trace-base").SpanExporter => {
        const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || "http/protobuf").trim();
        if (protocol === "grpc") {
            const { OTLPTraceExporter } =
                require("@opentelemetry/exporter-trace-otlp-grpc") as typeof import("@opentelemetry/exporter-trace-otlp-grpc");
            return new OTLPTraceExporter();
        }
        if (protocol === "http/json") {
            const { OTLPTraceExporter } =
                require("@opentelemetry/exporter-trace-otlp-http") as typeof import("@opentelemetry/exporter-trace-otlp-http");
            return new OTLPTraceExporter();
        }
        if (protocol !== "http/protobuf") process.stderr.write(`Unsupported OTLP traces protocol: ${protocol}. Using http/protobuf.\n`);
        const { OTLPTraceExporter } =
            require("@opentelemetry/exporter-trace-otlp-proto") as typeof import("@opentelemetry/exporter-trace-otlp-proto");
        return new OTLPTraceExporter();
    };
    const names = tracesExporterNames(env);
    const processors: import("@opentelemetry/sdk-trace-base").SpanProcessor[] = [];
    for (const name of names) {
        if (name === "otlp") processors.push(new BatchSpanProcessor(otlp()));
        else if (name === "console") processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
        else process.stderr.write(`Unrecognized OTEL_TRACES_EXPORTER value: ${name}.\n`);
    }
    return processors;
}

function startTracing(): void {
    const { NodeTracerProvider } = require("@opentelemetry/sdk-trace-node") as typeof import("@opentelemetry/sdk-trace-node");
    const { defaultResource, detectResources, envDetector, hostDetector, processDetector } =
        require("@opentelemetry/resources") as typeof import("@opentelemetry/resources");
    const { getPropagator } =
        require("@opentelemetry/auto-configuration-propagators") as typeof import("@opentelemetry/auto-configuration-propagators");
    const { registerInstrumentations } = require("@opentelemetry/instrumentation") as typeof import("@opentelemetry/instrumentation");
    const { HttpInstrumentation } = require("@opentelemetry/instrumentation-http") as typeof import("@opentelemetry/instrumentation-http");
    const { ExpressInstrumentation } =
        require("@opentelemetry/instrumentation-express") as typeof import("@opentelemetry/instrumentation-express");
    const { PgInstrumentation } = require("@opentelemetry/instrumentation-pg") as typeof import("@opentelemetry/instrumentation-pg");
    const { MySQL2Instrumentation } =
        require("@opentelemetry/instrumentation-mysql2") as typeof import("@opentelemetry/instrumentation-mysql2");
    const { AwsInstrumentation } =
        require("@opentelemetry/instrumentation-aws-sdk") as typeof import("@opentelemetry/instrumentation-aws-sdk");
    const { UndiciInstrumentation } =
        require("@opentelemetry/instrumentation-undici") as typeof import("@opentelemetry/instrumentation-undici");
    const { PinoInstrumentation } = require("@opentelemetry/instrumentation-pino") as typeof import("@opentelemetry/instrumentation-pino");

    const provider = new NodeTracerProvider({
        // service.name: OTEL_SERVICE_NAME, else OTEL_RESOURCE_ATTRIBUTES, else unknown_service:node (the spec's order).
        resource: defaultResource().merge(detectResources({ detectors: [processDetector, hostDetector, envDetector] })),
        spanProcessors: traceExporters(process.env),
    });
    // Registers the AsyncLocalStorage context manager and the propagators of OTEL_PROPAGATORS (default tracecontext,baggage).
    provider.register({ propagator: getPropagator() });
    registerInstrumentations({
        instrumentations: [
            new HttpInstrumentation({
                // The platforms' health checks (every few seconds per task) would be most of the traces.
                ignoreIncomingRequestHook: (req) => req.method === "GET" && /^\/(health|ready)(\?|$)/.test(req.url ?? ""),
            }),
            new ExpressInstrumentation(),
            new PgInstrumentation(),
            new MySQL2Instrumentation(),
            // The SDK's own HTTP calls stay inside the AWS span instead of adding an HTTP client span under it.
            new AwsInstrumentation({ suppressInternalInstrumentation: true }),
            // fetch() (visits-api → private-service, private-service → task metadata): Node's undici.
            new UndiciInstrumentation(),
            // trace_id, span_id, trace_flags on every log line written inside a span; the logs stay on stdout.
            new PinoInstrumentation({ disableLogSending: true }),
        ],
    });
    // runService exports the batch of finished spans before the process exits (SIGTERM: a task being replaced).
    registerShutdownHook(() => provider.shutdown());
}
/* eslint-enable @typescript-eslint/no-require-imports */
