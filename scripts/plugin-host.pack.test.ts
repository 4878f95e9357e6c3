/**
 * The source-based plugin started the way the nodejs language host starts a plugin — @pulumi/pulumi's
 * run-plugin with TypeScript through ts-node, program `provider.ts` (PulumiPlugin.yaml `main`), in
 * components/ — then asked for its schema over gRPC, as `pulumi package add` does. The answer must be the
 * committed components/schema.json. (What this cannot show without the CLI: that the CLI resolves
 * PulumiPlugin.yaml to this command line, and the SDKs it generates from the schema.)
 * https://www.pulumi.com/docs/iac/guides/building-extending/packages/source-based-plugin/
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";

const ROOT = path.resolve(__dirname, "..");
const COMPONENTS = path.join(ROOT, "components");

let host: ChildProcess | undefined;
let stderr = "";

/** Start the plugin and resolve with the port it prints (the provider protocol's handshake). */
function startHost(): Promise<number> {
    const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin/index.js");
    host = spawn(process.execPath, [runPlugin, "provider.ts"], { cwd: COMPONENTS, stdio: ["ignore", "pipe", "pipe"] });
    host.stderr!.on("data", (d) => (stderr += d));
    return new Promise((resolve, reject) => {
        let stdout = "";
        host!.stdout!.on("data", (d) => {
            stdout += d;
            const line = /^(\d+)\s*$/m.exec(stdout);
            if (line) resolve(Number(line[1]));
        });
        host!.on("exit", (code) => reject(new Error(`plugin host exited (${code}) before printing its port:\n${stdout}\n${stderr}`)));
    });
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

afterAll(() => {
    if (host && host.exitCode === null) host.kill();
});

describe("the plugin host (provider.ts)", () => {
    it("should start under the language host's plugin runner and serve the committed schema", async () => {
        const port = await startHost();
        const served = JSON.parse(await getSchema(port));
        expect(served).toEqual(JSON.parse(readFileSync(path.join(COMPONENTS, "schema.json"), "utf8")));
    });
});
