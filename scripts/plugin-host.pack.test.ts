/**
 * The source-based plugin as the Pulumi CLI runs it for `pulumi package add`: a clean copy of components/
 * (no dist/, what a git checkout has) with dependencies installed, started by the nodejs language host's
 * plugin runner (@pulumi/pulumi/cmd/run-plugin, TypeScript through ts-node, working directory the
 * consumer's), then asked for its schema over gRPC. The answer must be the committed components/schema.json.
 *
 * Two launches, because the CLI's plugin loader passes the plugin *directory* to the language host
 * (pulumi/pulumi sdk/go/common/resource/plugin/plugin.go: NewProgramInfo(pluginDir, pluginDir, ".")) while
 * PulumiPlugin.yaml may name an entry (https://www.pulumi.com/docs/reference/pulumiplugin-yaml/): the
 * directory (run-plugin requires it, finds the components index.ts exports and hosts them under the
 * package.json name) and provider.ts (which hosts them explicitly). The launch (run path, arguments with the
 * engine's address, environment, working directory) is scripts/lib/language-host.ts's, shared with the
 * program and policy-pack tests; the engine is a double on loopback. What stays unproven without the CLI:
 * the CLI's own steps around this (clone, npm install, SDK generation).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { startEngineDouble, type EngineDouble } from "./lib/engine-double";
import { pluginLaunch, startServing, stopAll } from "./lib/language-host";

const ROOT = path.resolve(__dirname, "..");
const COMPONENTS = path.join(ROOT, "components");
/** Each launch type-checks the components with ts-node (run-plugin always checks): ~30 s quiet, ~55 s seen
 * at load 14 on 2 cores; a hang still fails. */
const HOST_TIMEOUT_MS = 300_000;
let scratch: string;
let pluginDir: string;
let consumerDir: string;
let engine: EngineDouble;

/** A checkout's view of components/: sources and manifests, no build output, no tests. */
const inCheckout = (f: string) => !/^(dist|node_modules|testing)$|\.test\.ts$|\.test-util\.ts$|\.tgz$/.test(f);

beforeAll(async () => {
    engine = await startEngineDouble();
    scratch = mkdtempSync(path.join(tmpdir(), "serverless-containers-plugin-"));
    pluginDir = path.join(scratch, "components");
    consumerDir = path.join(scratch, "consumer");
    mkdirSync(pluginDir);
    mkdirSync(consumerDir);
    // Directories too (components/service/), with the same filter on everything inside them.
    for (const f of readdirSync(COMPONENTS).filter(inCheckout)) {
        cpSync(path.join(COMPONENTS, f), path.join(pluginDir, f), { recursive: true, filter: (src) => inCheckout(path.basename(src)) });
    }
    // What `npm install` in the plugin directory provides (the peers and dependencies of package.json).
    symlinkSync(path.join(ROOT, "node_modules"), path.join(pluginDir, "node_modules"), "dir");
});

afterAll(async () => {
    stopAll();
    await engine?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Start the plugin with `program` (the plugin directory or a file in it) and resolve with the port it serves on. */
async function startHost(program: string): Promise<number> {
    return (await startServing(pluginLaunch({ program, cwd: consumerDir, engineAddress: engine.address }))).port;
}

function getSchema(port: number): Promise<string> {
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const request = new provproto.GetSchemaRequest();
    request.setVersion(0);
    return new Promise((resolve, reject) =>
        client.getSchema(request, (err, response) => {
            client.close();
            if (err) reject(new Error(`GetSchema failed: ${err.details}`));
            else resolve(response.getSchema());
        }),
    );
}

describe("the plugin package, started as the language host starts it", () => {
    const committed = () => JSON.parse(readFileSync(path.join(COMPONENTS, "schema.json"), "utf8"));

    it(
        "should serve the committed schema when given the plugin directory (what the CLI passes)",
        async () => {
            const served = JSON.parse(await getSchema(await startHost(pluginDir)));
            expect(served).toEqual(committed());
        },
        HOST_TIMEOUT_MS,
    );

    it(
        "should serve the committed schema from provider.ts (PulumiPlugin.yaml main)",
        async () => {
            const served = JSON.parse(await getSchema(await startHost(path.join(pluginDir, "provider.ts"))));
            expect(served).toEqual(committed());
        },
        HOST_TIMEOUT_MS,
    );
});
