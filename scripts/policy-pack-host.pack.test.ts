/**
 * The policy pack as `pulumi preview --policy-pack policy` starts it: policy/ launched by the nodejs language
 * host's policy runner (@pulumi/pulumi/cmd/run-policy-pack: TypeScript through the ts-node the SDK vendors,
 * type-checking on, its own compiler defaults, tsconfig.json looked up in the pack directory), with the
 * working directory, arguments and stack environment the language host gives it (scripts/lib/language-host.ts
 * says where each comes from). Then asked over gRPC, as the engine asks it, which policies it registered and
 * what it finds in a resource.
 *
 * The engine address the runner is given is an engine double's (scripts/lib/engine-double.ts): run-policy-pack
 * drops it (cmd/run-policy-pack/index.js: "Remove <engine-address>"), so nothing of the pack talks to it.
 * The prod pack is also asked AnalyzeStack, as the engine asks at the end of a preview, for the stack-level
 * control (service-alarms-routed). What stays unproven without the CLI: the policy proxy in front of the pack,
 * the engine's own calls (Configure with --policy-pack-config) and exactly which resources it lists in AnalyzeStack.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { evaluate } from "../policy/evaluate";
import { ecrRepository } from "../policy/fixtures";
import { buildPolicies } from "../policy/policies";
import { startEngineDouble, type EngineDouble } from "./lib/engine-double";
import { policyPackLaunch, startServing, stopAll, type PolicyPackRun } from "./lib/language-host";
import { resolveStackConfig } from "./lib/stack-config";

const ROOT = path.resolve(__dirname, "..");
const PACK = path.join(ROOT, "policy");
/** ts-node type-checks the pack before it serves: ~4 s quiet; generous for a loaded 2-core machine. */
const PACK_TIMEOUT_MS = 300_000;

const LEVEL: Record<number, string> = {
    [analyzerproto.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerproto.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzerproto.EnforcementLevel.DISABLED]: "disabled",
    [analyzerproto.EnforcementLevel.REMEDIATE]: "remediate",
};

let engine: EngineDouble;
let client: analyzerrpc.AnalyzerClient;
let scratch: string | undefined;

/** A stack's preview with the pack in `packDir`. */
function stackPreview(packDir: string, stack: "dev" | "prod"): PolicyPackRun {
    const resolved = resolveStackConfig(stack);
    return {
        packDir,
        engineAddress: engine.address,
        organization: "organization",
        project: resolved.project,
        stack,
        dryRun: true,
        config: resolved.values,
    };
}
const devPreview = (packDir: string) => stackPreview(packDir, "dev");

beforeAll(async () => {
    engine = await startEngineDouble();
    const { port } = await startServing(policyPackLaunch(devPreview(PACK)));
    client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, PACK_TIMEOUT_MS);

afterAll(async () => {
    client?.close();
    stopAll();
    await engine?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A gRPC callback settling a promise; the error's `details` is the server's message. */
function settle<T>(resolve: (v: T) => void, reject: (e: Error) => void) {
    return (err: grpc.ServiceError | null, response: T) => (err ? reject(new Error(err.details)) : resolve(response));
}

const getAnalyzerInfo = () => new Promise<analyzerproto.AnalyzerInfo>((ok, fail) => client.getAnalyzerInfo(new Empty(), settle(ok, fail)));
const analyze = (req: analyzerproto.AnalyzeRequest) =>
    new Promise<analyzerproto.AnalyzeResponse>((ok, fail) => client.analyze(req, settle(ok, fail)));

describe("the policy pack, started as `pulumi preview --policy-pack policy` starts it", () => {
    it("should register one policy per control enabled in dev, at dev's enforcement", async () => {
        const info = await getAnalyzerInfo();
        const served = info.getPoliciesList().map((p) => ({ name: p.getName(), enforcementLevel: LEVEL[p.getEnforcementlevel()] }));
        const expected = buildPolicies("dev").map((p) => ({ name: p.name, enforcementLevel: p.enforcementLevel }));
        expect(info.getName()).toBe("serverless-containers");
        expect(served.length).toBeGreaterThan(0);
        expect(served).toEqual(expected);
    });

    it("should report what the offline evaluation reports for a resource that breaks controls", async () => {
        const props = ecrRepository({ imageTagMutability: "MUTABLE", tags: { project: "serverless-containers", environment: "dev" } });
        const request = new analyzerproto.AnalyzeRequest()
            .setType("aws:ecr/repository:Repository")
            .setName("images")
            .setUrn("urn:pulumi:dev::serverless-containers::aws:ecr/repository:Repository::images")
            .setProperties(Struct.fromJavaScript(props as Record<string, never>))
            // The engine always sends the resource's options (@pulumi/policy refuses a request without them).
            .setOptions(new analyzerproto.AnalyzerResourceOptions());
        const response = await analyze(request);
        const reported = response.getDiagnosticsList().map((d) => ({
            policy: d.getPolicyname(),
            level: LEVEL[d.getEnforcementlevel()],
            message: d.getMessage(),
        }));
        const descriptions = new Map(buildPolicies("dev").map((p) => [p.name, p.description]));
        const findings = evaluate([{ type: "aws:ecr/repository:Repository", name: "images", props }], "dev");
        expect(findings.map((f) => f.controlId)).toContain("ecr-immutable-tags");
        expect(reported).toEqual(
            findings.map((f) => ({ policy: f.controlId, level: f.enforcement, message: `${descriptions.get(f.controlId)}\n${f.message}` })),
        );
    });
});

describe("the prod pack's stack policies, asked AnalyzeStack as the engine asks at the end of a preview", () => {
    let prodClient: analyzerrpc.AnalyzerClient;
    beforeAll(async () => {
        const { port } = await startServing(policyPackLaunch(stackPreview(PACK, "prod")));
        prodClient = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    }, PACK_TIMEOUT_MS);
    afterAll(() => prodClient?.close());

    const STACK_URN = "urn:pulumi:prod::serverless-containers::pulumi:pulumi:Stack::serverless-containers-prod";
    const COMPONENT_URN = "urn:pulumi:prod::serverless-containers::serverless-containers:index:EcsExpressService::visits";
    const child = (type: string, name: string) =>
        `urn:pulumi:prod::serverless-containers::serverless-containers:index:EcsExpressService$${type}::${name}`;
    const provider = () =>
        new analyzerproto.AnalyzerProviderResource()
            .setType("pulumi:providers:aws")
            .setName("default")
            .setUrn("urn:pulumi:prod::serverless-containers::pulumi:providers:aws::default")
            .setProperties(Struct.fromJavaScript({}));
    const resource = (type: string, urn: string, parent: string | undefined, props: Record<string, unknown>, custom: boolean) => {
        const r = new analyzerproto.AnalyzerResource()
            .setType(type)
            .setUrn(urn)
            .setName(urn.slice(urn.lastIndexOf("::") + 2))
            .setProperties(Struct.fromJavaScript(props as Record<string, never>))
            .setOptions(new analyzerproto.AnalyzerResourceOptions());
        if (parent) r.setParent(parent);
        if (custom) r.setProvider(provider());
        return r;
    };
    const analyzeStack = (alarmActions: string[]) => {
        const request = new analyzerproto.AnalyzeStackRequest().setResourcesList([
            resource("pulumi:pulumi:Stack", STACK_URN, undefined, {}, false),
            resource("serverless-containers:index:EcsExpressService", COMPONENT_URN, STACK_URN, {}, false),
            resource(
                "aws:ecs/expressGatewayService:ExpressGatewayService",
                child("aws:ecs/expressGatewayService:ExpressGatewayService", "visits-service"),
                COMPONENT_URN,
                {},
                true,
            ),
            resource(
                "aws:cloudwatch/compositeAlarm:CompositeAlarm",
                child("aws:cloudwatch/compositeAlarm:CompositeAlarm", "visits-unhealthy"),
                COMPONENT_URN,
                { alarmActions },
                true,
            ),
        ]);
        return new Promise<analyzerproto.AnalyzeResponse>((ok, fail) => prodClient.analyzeStack(request, settle(ok, fail))).then(
            (response) =>
                response.getDiagnosticsList().map((d) => ({
                    policy: d.getPolicyname(),
                    level: LEVEL[d.getEnforcementlevel()],
                    urn: d.getUrn(),
                    message: d.getMessage(),
                })),
        );
    };

    it(
        "should block a service whose alarms notify no one, against the service's URN, and pass it once one alarm is routed",
        async () => {
            expect(await analyzeStack([])).toEqual([
                {
                    policy: "service-alarms-routed",
                    level: "mandatory",
                    urn: child("aws:ecs/expressGatewayService:ExpressGatewayService", "visits-service"),
                    message: expect.stringContaining("visits-service has 1 alarm(s) under visits but none notifies anyone"),
                },
            ]);
            expect(await analyzeStack(["arn:aws:sns:us-east-1:123456789012:page"])).toEqual([]);
        },
        PACK_TIMEOUT_MS,
    );
});

describe("policy/tsconfig.json under the policy runner", () => {
    /** Valid without strictNullChecks, TS2322 with them: tells which settings the runner compiled with. */
    const STRICT_PROBE = "\nexport const strictProbe: string = undefined as string | undefined;\n";

    /** A copy of policy/ (and the tsconfig.json it extends) with the probe in its entry point. */
    function probedCopy(withTsconfig: boolean): string {
        scratch ??= mkdtempSync(path.join(tmpdir(), "serverless-containers-policy-"));
        const root = mkdtempSync(path.join(scratch, "root-"));
        cpSync(path.join(ROOT, "tsconfig.json"), path.join(root, "tsconfig.json"));
        symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
        const pack = path.join(root, "policy");
        cpSync(PACK, pack, { recursive: true, filter: (f) => withTsconfig || path.basename(f) !== "tsconfig.json" });
        appendFileSync(path.join(pack, "index.ts"), STRICT_PROBE);
        return pack;
    }

    it(
        "should make the runner type-check the pack strictly",
        async () => {
            const failure = startServing(policyPackLaunch(devPreview(probedCopy(true)))).then(
                () => "served",
                (e: Error) => e.message,
            );
            expect(await failure).toMatch(
                /index\.ts\(\d+,\d+\): error TS2322: Type 'string \| undefined' is not assignable to type 'string'/,
            );
        },
        PACK_TIMEOUT_MS,
    );

    it(
        "should be what makes it strict (without it the same probe loads)",
        async () => {
            const { port } = await startServing(policyPackLaunch(devPreview(probedCopy(false))));
            expect(port).toBeGreaterThan(0);
        },
        PACK_TIMEOUT_MS,
    );
});
