/**
 * Running a dynamic provider of this package the way Pulumi's dynamic-provider host runs it
 * (@pulumi/pulumi/cmd/dynamic-provider/index.js: `require-from-string` of the `__provider` text, then
 * `configure({ config })` with the stack's whole config — the engine sends dynamic providers every key,
 * namespaces kept: pulumi/pulumi pkg/resource/deploy/target.go GetPackageConfig — then create/update/delete),
 * against loopback stand-ins for AWS services that answer in the services' wire formats. What a stand-in
 * records is what the SDK really sent: the SigV4 credential scope (access key, region, service), headers, body.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** The host's own loader and config class, resolved where the host resolves them. */
const hostRequire = createRequire(require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js"));
const requireFromString = hostRequire("require-from-string") as (code: string) => { handler: () => HostedProvider };
const { Config: HostConfig } = hostRequire("./config") as { Config: new (raw: Record<string, string>, project: string) => unknown };

export interface HostedProvider {
    configure?: (req: { config: unknown }) => Promise<void>;
    check?: (olds: object, news: object) => Promise<{ inputs?: object; failures?: { property: string; reason: string }[] }>;
    create: (inputs: object) => Promise<{ id: string; outs?: object }>;
    delete?: (id: string, olds: object) => Promise<void>;
}

/** Load the serialized provider `text` and configure it with the stack config `config`, as the host does. */
export async function hostedProvider(
    text: string,
    config: Record<string, string>,
    project = "serverless-containers",
): Promise<HostedProvider> {
    const provider = requireFromString(text).handler();
    if (provider.configure) await provider.configure({ config: new HostConfig(config, project) });
    return provider;
}

export interface Recorded {
    readonly path: string;
    readonly headers: IncomingMessage["headers"];
    readonly body: string;
    /** SigV4 credential scope of the request: access key id, region, service. */
    readonly signedBy: { accessKeyId: string; region: string; service: string };
}
export interface Answer {
    readonly status: number;
    readonly headers?: Record<string, string>;
    readonly body: string;
}
export type Script = (req: Recorded, nth: number) => Answer;

export interface StandIn {
    readonly url: string;
    readonly requests: Recorded[];
    close(): Promise<void>;
}
const servers: Server[] = [];

export async function standIn(script: Script): Promise<StandIn> {
    const requests: Recorded[] = [];
    const server = createServer((req, res) => {
        let body = "";
        req.on("data", (chunk) => (body += chunk));
        req.on("end", () => {
            const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization));
            const recorded: Recorded = {
                path: req.url ?? "",
                headers: req.headers,
                body,
                signedBy: { accessKeyId: scope?.[1] ?? "", region: scope?.[2] ?? "", service: scope?.[3] ?? "" },
            };
            requests.push(recorded);
            const answer = script(recorded, requests.length);
            res.writeHead(answer.status, { "x-amzn-requestid": `req-${requests.length}`, ...answer.headers });
            res.end(answer.body);
        });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}

/** Close every stand-in still listening (call in `afterAll`). */
export async function closeStandIns(): Promise<void> {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
}

/**
 * No ambient AWS identity while each test runs: AWS_* variables removed, HOME a fresh scratch directory (no
 * ~/.aws), instance metadata off. Only what the stack (or an explicit provider) says may be used. Returns the
 * scratch directory of the current test.
 */
export function isolateAwsEnvironment(prefix: string): () => string {
    let scratch = "";
    const savedEnv = { ...process.env };
    beforeEach(() => {
        scratch = mkdtempSync(path.join(tmpdir(), prefix));
        for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) delete process.env[key];
        process.env.HOME = scratch;
        process.env.AWS_EC2_METADATA_DISABLED = "true";
    });
    afterEach(() => {
        process.env = { ...savedEnv };
        rmSync(scratch, { recursive: true, force: true });
    });
    return () => scratch;
}
