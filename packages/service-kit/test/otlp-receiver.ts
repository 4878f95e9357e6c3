/**
 * OTLP trace receivers for tests: a loopback HTTP server that accepts POST <path> in http/protobuf
 * (protobufjs, from the OTLP schema below) and http/json (JSON.parse), answers 200 with an empty
 * ExportTraceServiceResponse, and keeps every span with its resource, flattened; and the same over gRPC
 * (@grpc/grpc-js serving TraceService/Export, what App Runner's managed collector listens to on localhost:4317).
 */
import http from "node:http";
import * as grpc from "@grpc/grpc-js";
import type { AddressInfo } from "node:net";
import protobuf from "protobufjs";

// The messages of opentelemetry-proto's collector/trace/v1/trace_service.proto, trace/v1/trace.proto,
// resource/v1/resource.proto and common/v1/common.proto that an exporter sends, with their field numbers.
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10; Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message ExportTraceServiceResponse {}
`;
const OTLP_ROOT = protobuf.parse(OTLP_TRACE_PROTO, { keepCase: false }).root;
const ExportTraceServiceRequest = OTLP_ROOT.lookupType("otlp.ExportTraceServiceRequest");
const ExportTraceServiceResponse = OTLP_ROOT.lookupType("otlp.ExportTraceServiceResponse");

function decodeProtobuf(body: Buffer): ReceivedSpan[] {
    return flatten(ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(body), { longs: String, bytes: Buffer }));
}

/** SpanKind numbers of the OTLP schema. */
export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const;

export interface ReceivedSpan {
    readonly traceId: string;
    readonly spanId: string;
    /** "" for a root span. */
    readonly parentSpanId: string;
    readonly name: string;
    readonly kind: number;
    readonly attributes: Readonly<Record<string, unknown>>;
    readonly resource: Readonly<Record<string, unknown>>;
    readonly scope: string;
}

export interface ReceivedExport {
    readonly path: string;
    readonly contentType: string;
    readonly spans: number;
}

export interface OtlpReceiver {
    /** http://127.0.0.1:<port> — what OTEL_EXPORTER_OTLP_ENDPOINT is set to. */
    readonly url: string;
    readonly spans: ReceivedSpan[];
    /** Every request received, in order (any path: a wrong path is recorded and answered 404). */
    readonly requests: ReceivedExport[];
    close(): Promise<void>;
}

// Loose shapes of a decoded request: protobufjs objects (camelCase, bytes as Buffer, int64 as Long/number/string)
// and OTLP/JSON (camelCase, ids as hex strings, enums as numbers, int64 as strings) share them.
interface AnyValueIn {
    stringValue?: string;
    boolValue?: boolean;
    /** int64: a string (protobufjs with longs: String, and OTLP/JSON) or a number (OTLP/JSON may use one). */
    intValue?: string | number;
    doubleValue?: number;
    arrayValue?: { values?: AnyValueIn[] };
    kvlistValue?: { values?: KeyValueIn[] };
    bytesValue?: unknown;
}
interface KeyValueIn {
    key: string;
    value?: AnyValueIn;
}
/** bytes (protobufjs, as a Buffer) or a hex string (OTLP/JSON). */
type Id = Uint8Array | string | null;
interface SpanIn {
    traceId: Id;
    spanId: Id;
    parentSpanId?: Id;
    name: string;
    kind?: number;
    attributes?: KeyValueIn[];
}
interface RequestIn {
    resourceSpans?: Array<{
        resource?: { attributes?: KeyValueIn[] };
        scopeSpans?: Array<{ scope?: { name?: string }; spans?: SpanIn[] }>;
    }>;
}

function value(v: AnyValueIn | undefined): unknown {
    if (v === undefined) return undefined;
    if (v.stringValue !== undefined) return v.stringValue;
    if (v.boolValue !== undefined) return v.boolValue;
    if (v.intValue !== undefined) return Number(v.intValue);
    if (v.doubleValue !== undefined) return v.doubleValue;
    if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(value);
    if (v.kvlistValue !== undefined) return attributes(v.kvlistValue.values);
    return v.bytesValue;
}

function attributes(list: KeyValueIn[] | undefined): Record<string, unknown> {
    return Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]));
}

/** protobuf ids are bytes, OTLP/JSON ids are hex strings already. */
function hex(id: Id | undefined): string {
    if (id === undefined || id === null) return "";
    return typeof id === "string" ? id : Buffer.from(id).toString("hex");
}

function flatten(request: RequestIn): ReceivedSpan[] {
    const out: ReceivedSpan[] = [];
    for (const rs of request.resourceSpans ?? []) {
        const resource = attributes(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
            for (const span of ss.spans ?? []) {
                out.push({
                    traceId: hex(span.traceId),
                    spanId: hex(span.spanId),
                    parentSpanId: hex(span.parentSpanId),
                    name: span.name,
                    kind: span.kind ?? 0,
                    attributes: attributes(span.attributes),
                    resource,
                    scope: ss.scope?.name ?? "",
                });
            }
        }
    }
    return out;
}

export async function startOtlpReceiver(options: { readonly path?: string } = {}): Promise<OtlpReceiver> {
    const path = options.path ?? "/v1/traces";
    const spans: ReceivedSpan[] = [];
    const requests: ReceivedExport[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const contentType = req.headers["content-type"] ?? "";
            const body = Buffer.concat(chunks);
            if (req.method !== "POST" || req.url !== path) {
                requests.push({ path: req.url ?? "", contentType, spans: 0 });
                res.writeHead(404).end();
                return;
            }
            let received: ReceivedSpan[];
            if (contentType.startsWith("application/x-protobuf")) {
                received = decodeProtobuf(body);
                spans.push(...received);
                requests.push({ path, contentType, spans: received.length });
                res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
                return;
            }
            received = flatten(JSON.parse(body.toString("utf8")) as RequestIn);
            spans.push(...received);
            requests.push({ path, contentType, spans: received.length });
            res.writeHead(200, { "content-type": "application/json" }).end("{}");
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        spans,
        requests,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** The gRPC method an OTLP/gRPC trace exporter calls (opentelemetry-proto collector/trace/v1/trace_service.proto). */
const TRACE_EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

/**
 * The receiver over OTLP/gRPC (plaintext, loopback): `url` is http://127.0.0.1:<port>, what OTEL_EXPORTER_OTLP_ENDPOINT
 * is set to with OTEL_EXPORTER_OTLP_PROTOCOL=grpc; each call is recorded with path = the gRPC method.
 */
export async function startOtlpGrpcReceiver(): Promise<OtlpReceiver> {
    const spans: ReceivedSpan[] = [];
    const requests: ReceivedExport[] = [];
    const server = new grpc.Server();
    server.addService(
        {
            Export: {
                path: TRACE_EXPORT_PATH,
                requestStream: false,
                responseStream: false,
                requestSerialize: (b: Buffer) => b,
                requestDeserialize: (b: Buffer) => b,
                responseSerialize: () => Buffer.from(ExportTraceServiceResponse.encode({}).finish()),
                responseDeserialize: (b: Buffer) => b,
            },
        },
        {
            Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
                const received = decodeProtobuf(call.request);
                spans.push(...received);
                requests.push({ path: TRACE_EXPORT_PATH, contentType: "application/grpc", spans: received.length });
                callback(null, Buffer.alloc(0));
            },
        },
    );
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    return {
        url: `http://127.0.0.1:${port}`,
        spans,
        requests,
        close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
    };
}
