/**
 * Turning the apps' OpenTelemetry SDK on (docs/tracing.md). The images ship with OTEL_SDK_DISABLED=true, so a
 * service traces only where its component points the SDK at a collector:
 *
 * - App Runner (`observability: true`): App Runner runs the collector for the service and forwards to X-Ray; the
 *   app exports OTLP/gRPC to localhost:4317 with the X-Ray propagator, as AWS's guide sets it
 *   (https://docs.aws.amazon.com/apprunner/latest/dg/monitor-xray.html, "Runtime setup"). We keep W3C
 *   `tracecontext` first so visits-api → private-service stays one trace across platforms.
 * - Private Fargate and EKS Fargate (`observability: true`): an ADOT collector sidecar in the task or pod
 *   (service/trace-collector.ts); the app exports OTLP/HTTP (protobuf) to it on localhost:4318.
 * - The metrics signal stays off: the apps emit no OpenTelemetry metrics (CloudWatch reads the platform's).
 *
 * A variable the caller sets in `environment` wins over these.
 */
import type { PolicyStatement } from "../iam";

/** The SDK's variables for an OTLP collector at `endpoint` (OpenTelemetry's SDK environment variables specification). */
export function otlpEnvironment(endpoint: string, protocol: "grpc" | "http/protobuf"): Record<string, string> {
    return {
        OTEL_SDK_DISABLED: "false",
        OTEL_TRACES_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_PROPAGATORS: "tracecontext,baggage,xray",
        OTEL_METRICS_EXPORTER: "none",
    };
}

/** App Runner's collector: OTLP/gRPC on the instance's localhost. */
export const APP_RUNNER_OTLP_ENVIRONMENT = otlpEnvironment("http://localhost:4317", "grpc");

/**
 * What writing traces to X-Ray takes: the actions of AWS's AWSXRayDaemonWriteAccess managed policy
 * (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSXRayDaemonWriteAccess.html) without the
 * sampling statistics read nothing here uses. None of them has resource-level permissions, hence "*" (the policy
 * pack knows these as resource-"*"-only actions, policy/util.ts).
 */
export const XRAY_WRITE_STATEMENT: PolicyStatement = {
    sid: "WriteTraces",
    actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
    resources: ["*"],
};

/** The collector sidecar on private Fargate and EKS Fargate (service/trace-collector.ts): OTLP/HTTP on localhost. */
export const SIDECAR_OTLP_ENVIRONMENT = otlpEnvironment("http://localhost:4318", "http/protobuf");

/**
 * What the sidecar's `awsxray` exporter calls, and no more: `PutTraceSegments` (awsxrayexporter/awsxray.go in
 * open-telemetry/opentelemetry-collector-contrib; `PutTelemetryRecords` only with its `telemetry` option, off in
 * service/trace-collector.ts, and it reads no sampling rules). No resource-level permissions
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html), hence "*".
 */
export const XRAY_PUT_SEGMENTS_STATEMENT: PolicyStatement = {
    sid: "PutTraceSegments",
    actions: ["xray:PutTraceSegments"],
    resources: ["*"],
};
