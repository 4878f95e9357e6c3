/**
 * The program as `pulumi preview` / `pulumi up` run it: index.ts started the way the nodejs language host's Run
 * starts it (node with Pulumi.yaml's `runtime.options.nodeargs`, PULUMI_NODEJS_TYPESCRIPT unset because
 * `typescript: false`, @pulumi/pulumi/cmd/run with the engine's arguments, the stack's config in
 * PULUMI_CONFIG: scripts/lib/language-host.ts says where each comes from), talking gRPC to an engine and
 * resource monitor on loopback (scripts/lib/engine-double.ts: the SDK's MockMonitor over the repository's
 * provider doubles, components/testing/mocks.ts). cmd/run awaits the `export =` async main and registers
 * what it returns as the Stack's outputs.
 *
 * Unit tests and the offline preview load index.ts in-process through Jest's or swc's loader with the SDK
 * pointed at the mocks directly; this is the one test of the CLI's loader and wire. What stays unproven
 * without the CLI: the language host's monitor proxy and sync-invoke pipes (no sync invoke here), the engine's
 * default providers and step generation, and the real providers (the doubles answer instead).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { setupMocks, type PulumiMocks } from "../components/testing/mocks";
import { startEngineDouble, type EngineDouble } from "./lib/engine-double";
import { programLaunch, runToExit, stopAll } from "./lib/language-host";
import { resolveStackConfig } from "./lib/stack-config";

const ROOT = path.resolve(__dirname, "..");
/** The whole program, SDK load included, in one child process: ~25 s quiet; generous for a loaded 2-core machine. */
const PROGRAM_TIMEOUT_MS = 600_000;

interface ProgramRun {
    readonly code: number | null;
    readonly stderr: string;
    readonly mocks: PulumiMocks;
    readonly engine: EngineDouble;
}

let scratch: string;
const engines: EngineDouble[] = [];

beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), "serverless-containers-program-"));
});

afterAll(async () => {
    stopAll();
    for (const e of engines) await e.close();
    rmSync(scratch, { recursive: true, force: true });
});

/** Run index.ts for `stack` as the language host would, to its end, against fresh mocks. */
async function runProgram(stack: string, dryRun: boolean): Promise<ProgramRun> {
    const resolved = resolveStackConfig(stack);
    const mocks = setupMocks({ stack, project: resolved.project, region: resolved.values["aws:region"], preview: dryRun });
    const engine = await startEngineDouble(pulumi.runtime.getMonitor());
    engines.push(engine);
    const { code, stderr } = await runToExit(
        programLaunch({
            projectDir: ROOT,
            stack,
            organization: "organization",
            config: resolved.values,
            secretKeys: resolved.secretKeys,
            monitorAddress: engine.address,
            engineAddress: engine.address,
            syncDir: mkdtempSync(path.join(scratch, "sync-")),
            dryRun,
            // The CLI's default --parallel (pkg/cmd/pulumi/operations/up.go defaultParallel: 4 × GOMAXPROCS).
            parallel: 4 * availableParallelism(),
        }),
    );
    return { code, stderr, mocks, engine };
}

describe.each([
    ["preview", true],
    ["update", false],
])("the program, run by the language host for the dev stack's %s", (_operation, dryRun) => {
    let run: ProgramRun;

    beforeAll(async () => {
        run = await runProgram("dev", dryRun);
    }, PROGRAM_TIMEOUT_MS);

    it("should exit 0 without logging an error to the engine", () => {
        const errors = run.engine.logs.filter((l) => l.severity === "error").map((l) => l.message);
        expect({ code: run.code, errors, stderr: run.code === 0 ? "" : run.stderr }).toEqual({ code: 0, errors: [], stderr: "" });
    });

    it("should register its Stack as the root of every resource, named after project and stack", () => {
        const stacks = run.mocks.byType("pulumi:pulumi:Stack");
        expect(stacks.map((s) => s.name)).toEqual(["serverless-containers-dev"]);
        const stackUrn = stacks[0].urn;
        expect(run.engine.rootUrn()).toBe(stackUrn);
        const others = run.mocks.resources.filter((r) => r.urn !== stackUrn);
        expect(others.length).toBeGreaterThan(50);
        // Every resource reaches the Stack through its parents.
        const byUrn = new Map(run.mocks.resources.map((r) => [r.urn, r]));
        const rootOf = (urn: string): string => {
            const parent = byUrn.get(urn)?.parent;
            return parent ? rootOf(parent) : urn;
        };
        expect(others.filter((r) => rootOf(r.urn) !== stackUrn).map((r) => r.urn)).toEqual([]);
    });

    it("should register the stack programs the dev stack's config enables", () => {
        const types = new Set(run.mocks.resources.map((r) => r.type));
        // Pulumi.dev.yaml: every stack program on, the three web services on ECS Express Mode.
        expect([...types]).toEqual(
            expect.arrayContaining([
                "awsx:ec2:Vpc",
                "eks:index:Cluster",
                "aws:ecs/expressGatewayService:ExpressGatewayService",
                "aws:rds/cluster:Cluster",
                "aws:dynamodb/table:Table",
            ]),
        );
        expect(types.has("aws:apprunner/service:Service")).toBe(false);
        expect(run.mocks.byType("aws:ecs/expressGatewayService:ExpressGatewayService")).toHaveLength(3);
    });

    it("should register what the async main returns as the Stack's outputs", () => {
        const outputs = run.engine.outputs.get(run.engine.rootUrn());
        expect(outputs).toBeDefined();
        // index.ts returns these keys; undefined ones (none in dev) are dropped on the wire.
        expect(Object.keys(outputs ?? {}).sort()).toEqual(
            [
                "availabilityZoneIds",
                "catalogueDatabaseProxyEndpoint",
                "catalogueUrl",
                "eksApiClientSecurityGroupId",
                "eksKubeconfig",
                "eksProductsUrl",
                "environment",
                "privateServiceUrl",
                "productsTableName",
                "productsUrl",
                "visitsUrl",
                "vpcId",
            ].sort(),
        );
        // stacks/config.ts has no defaults of its own (Pulumi.yaml's are the CLI's): a program that got this far
        // read every key from PULUMI_CONFIG in the language host's `<namespace>:config:<key>` form.
        expect(outputs?.environment).toBe("dev");
        // The zones come from the config (availabilityZones: 2) and an invoke: known in a preview too.
        expect(outputs?.availabilityZoneIds).toHaveLength(2);
        // A resource's output: known after an update (in a preview the engine may answer it unknown).
        if (!dryRun) expect(outputs?.vpcId).toMatch(/^vpc-/);
    });
});
