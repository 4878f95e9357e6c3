/**
 * The engine side of a Pulumi deployment over real gRPC on loopback, for processes started as the language host
 * starts them (scripts/lib/language-host.ts): the Engine service (logs, root resource) and, when given one, a
 * ResourceMonitor. The monitor's answers come from the Pulumi SDK's own mock monitor (`MockMonitor`, what
 * `pulumi.runtime.setMocks` installs) driving the repository's provider doubles (components/testing/mocks.ts),
 * so a program run through here registers against exactly the mocks the unit tests and the offline preview use,
 * but across a process boundary, through the SDK's gRPC client and serialization.
 *
 * It negotiates features as the MockMonitor does: everything but `outputValues` (the real engine supports that too;
 * without it the SDK sends plain values plus dependencies, which is what the doubles read).
 *
 * Service definitions: @pulumi/pulumi/proto/{engine,resource}_grpc_pb (generated from pulumi/pulumi proto/pulumi/
 * engine.proto and resource.proto). Methods the mock monitor lacks answer UNIMPLEMENTED, except
 * SignalAndWaitForShutdown, which the SDK calls as it exits (the engine answers once the program's resource
 * operations are done; here there are none in flight).
 */
import * as grpc from "@grpc/grpc-js";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import * as resourcerpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourceproto from "@pulumi/pulumi/proto/resource_pb";
import { Message } from "google-protobuf";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

type Callback = (err: Error | null, response?: unknown) => void;
/** The SDK's MockMonitor (or anything with its request/callback methods). */
export type MonitorLike = object;

export interface EngineLog {
    readonly severity: "debug" | "info" | "warning" | "error";
    readonly message: string;
    readonly urn: string;
}

export interface EngineDouble {
    /** Serves Engine and, when a monitor was given, ResourceMonitor. */
    readonly address: string;
    readonly logs: EngineLog[];
    /** RegisterResourceOutputs per URN, as the JSON the SDK sent (unknowns and secrets in their wire form). */
    readonly outputs: Map<string, Record<string, unknown>>;
    /** What the program set with SetRootResource (its Stack's URN). */
    readonly rootUrn: () => string;
    close(): Promise<void>;
}

const SEVERITY: Record<number, EngineLog["severity"]> = {
    [engineproto.LogSeverity.DEBUG]: "debug",
    [engineproto.LogSeverity.INFO]: "info",
    [engineproto.LogSeverity.WARNING]: "warning",
    [engineproto.LogSeverity.ERROR]: "error",
};

/** The MockMonitor answers some calls with plain objects; the wire needs the method's response message. */
function asResponse(method: string, response: unknown): unknown {
    if (response instanceof Message) return response;
    if (method === "supportsFeature") {
        const hasSupport = (response as { getHassupport(): boolean }).getHassupport();
        return new resourceproto.SupportsFeatureResponse().setHassupport(hasSupport);
    }
    return new Empty();
}

function monitorService(monitor: MonitorLike, outputs: EngineDouble["outputs"]): grpc.UntypedServiceImplementation {
    const target = monitor as Record<string, (request: unknown, callback: Callback) => unknown>;
    const impl: grpc.UntypedServiceImplementation = {};
    for (const method of Object.keys(resourcerpc.ResourceMonitorService)) {
        impl[method] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
            if (method === "registerResourceOutputs") {
                const req = call.request as resourceproto.RegisterResourceOutputsRequest;
                outputs.set(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
            }
            if (method === "signalAndWaitForShutdown" && !target[method]) return callback(null, new Empty());
            if (typeof target[method] !== "function") {
                return callback({ code: grpc.status.UNIMPLEMENTED, details: `${method} is not implemented by the mock monitor` });
            }
            void target[method].call(monitor, call.request, (err, response) =>
                err ? callback(err) : callback(null, asResponse(method, response)),
            );
        };
    }
    return impl;
}

function engineService(logs: EngineLog[], root: { urn: string }): grpc.UntypedServiceImplementation {
    return {
        log: (call: grpc.ServerUnaryCall<engineproto.LogRequest, Empty>, callback: grpc.sendUnaryData<Empty>) => {
            const req = call.request;
            logs.push({ severity: SEVERITY[req.getSeverity()] ?? "info", message: req.getMessage(), urn: req.getUrn() });
            callback(null, new Empty());
        },
        getRootResource: (_call: unknown, callback: grpc.sendUnaryData<engineproto.GetRootResourceResponse>) =>
            callback(null, new engineproto.GetRootResourceResponse().setUrn(root.urn)),
        setRootResource: (
            call: grpc.ServerUnaryCall<engineproto.SetRootResourceRequest, unknown>,
            callback: grpc.sendUnaryData<unknown>,
        ) => {
            root.urn = call.request.getUrn();
            callback(null, new engineproto.SetRootResourceResponse());
        },
        startDebugging: (_call: unknown, callback: grpc.sendUnaryData<Empty>) =>
            callback({ code: grpc.status.UNIMPLEMENTED, details: "no debugger here" }),
        requirePulumiVersion: (_call: unknown, callback: grpc.sendUnaryData<engineproto.RequirePulumiVersionResponse>) =>
            callback(null, new engineproto.RequirePulumiVersionResponse()),
    };
}

/** Start the Engine service (and a ResourceMonitor answering from `monitor`, if given) on a loopback port. */
export async function startEngineDouble(monitor?: MonitorLike): Promise<EngineDouble> {
    const logs: EngineLog[] = [];
    const outputs: EngineDouble["outputs"] = new Map();
    const root = { urn: "" };
    const server = new grpc.Server();
    server.addService(enginerpc.EngineService, engineService(logs, root));
    if (monitor) server.addService(resourcerpc.ResourceMonitorService, monitorService(monitor, outputs));
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return {
        address: `127.0.0.1:${port}`,
        logs,
        outputs,
        rootUrn: () => root.urn,
        close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
    };
}
