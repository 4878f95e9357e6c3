/**
 * `observability: true` on private Fargate and EKS Fargate: an OpenTelemetry collector sidecar that receives OTLP
 * from the app on localhost and exports to AWS X-Ray, the app's `OTEL_*` variables that point it there, and the one
 * IAM action the export needs. Shared by both adapters (the platform-specific container shapes stay in each), so the
 * image and its configuration are defined once; the app's variables and the IAM statement live with App Runner's
 * in observability/tracing.ts.
 *
 * The collector is the AWS Distro for OpenTelemetry (ADOT) collector with its `awsxray` exporter, which calls X-Ray's
 * `PutTraceSegments` (no CloudWatch Transaction Search needed in the account), rather than the CloudWatch agent: the
 * ADOT image is the sidecar AWS documents for ECS Fargate (https://aws-otel.github.io/docs/setup/ecs/task-definition-for-ecs-fargate,
 * https://aws-otel.github.io/docs/setup/ecs/cfn-for-ecs-fargate), reads its whole configuration from one variable
 * (`AOT_CONFIG_CONTENT`, aws-observability/aws-otel-collector pkg/config/config_factory.go) on ECS and Kubernetes
 * alike, and needs no account-level setting; the CloudWatch agent's OTLP path sends spans to the X-Ray OTLP endpoint,
 * which needs Transaction Search enabled (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-OTLPCloudWatchAgent.html).
 *
 * Not the image's baked-in `/etc/ecs/ecs-default-config.yaml`: that one also listens on 0.0.0.0 for gRPC OTLP, X-Ray UDP
 * and StatsD and runs an `awsemf` metrics pipeline (CloudWatch Logs permissions the task would then need); ours listens
 * on loopback for the one protocol the app speaks and exports traces only.
 */
export { SIDECAR_OTLP_ENVIRONMENT, XRAY_PUT_SEGMENTS_STATEMENT } from "../observability/tracing";

/**
 * The ADOT collector image, pinned to a released version (v0.49.0, 2026-07-10: OpenTelemetry Collector and Contrib
 * v0.156.0; https://github.com/aws-observability/aws-otel-collector/releases/tag/v0.49.0; the releases' notes give
 * this ECR Public repository, e.g. .../releases/tag/v0.39.0). ECR Public rather than Docker Hub: no pull limits from
 * NAT addresses.
 */
export const COLLECTOR_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0";

/** The container's name in the task definition and in the pod. */
export const COLLECTOR_CONTAINER = "otel-collector";

/**
 * The image's own non-root user (`aoc`, uid/gid 4317: cmd/awscollector/Dockerfile `USER aoc`, the default since
 * v0.35.0). The ECS task runs the collector as it; the EKS pod runs every container as RUN_AS_USER instead (the
 * collector reads nothing owned by `aoc`, and one uid in the pod keeps the projected IRSA token readable by both).
 */
export const COLLECTOR_USER = "4317:4317";

/** The OTLP/HTTP port the collector listens on (loopback only) and the app exports to. */
export const OTLP_HTTP_PORT = 4318;

/** The health_check extension's port (loopback only); the image's `/healthcheck` binary requests it (cmd/healthcheck/main.go). */
export const HEALTH_CHECK_PORT = 13133;

/**
 * What the collector takes from the task or pod: 50 millicores and a 128 MiB hard limit, carved out of the `cpu` and
 * `memory` the caller gave (so the task size / the pod's Fargate size, and the bill, stay what they were). The memory
 * limiter (below) refuses data at 100 MiB, before the limit kills the container.
 */
export const COLLECTOR_SHARE = { milliCpu: 50, memoryMiB: 128 } as const;

/**
 * The collector's configuration (YAML; JSON is YAML), passed in `AOT_CONFIG_CONTENT`. Receivers and the health check
 * listen on 127.0.0.1 only: the app shares the task's / pod's network namespace, nothing outside needs them, and the
 * security group is then not what keeps them private. The exporter accepts W3C (random) trace ids: its
 * `exporter.awsxray.skiptimestampvalidation` gate is beta, on by default since v0.84.0 (awsxrayexporter/factory.go).
 * The collector's own metrics are off (`level: none`), so it opens no Prometheus port either.
 */
export function collectorConfig(region: string): string {
    return JSON.stringify({
        extensions: { health_check: { endpoint: `127.0.0.1:${HEALTH_CHECK_PORT}` } },
        receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${OTLP_HTTP_PORT}` } } } },
        processors: {
            memory_limiter: { check_interval: "1s", limit_mib: 100, spike_limit_mib: 20 },
            batch: { timeout: "1s", send_batch_size: 50 },
        },
        exporters: { awsxray: { region } },
        service: {
            extensions: ["health_check"],
            telemetry: { metrics: { level: "none" } },
            pipelines: { traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["awsxray"] } },
        },
    });
}
