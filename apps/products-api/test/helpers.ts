import http from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";

// The AWS SDK warns on Node < 22 (the containers run Node 24; this machine runs 20).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export function appEnv(endpoint: string, tableName: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
        PORT: "0",
        TABLE_NAME: tableName,
        AWS_REGION: "us-east-1",
        RUNTIME: "eks-fargate",
        DYNAMODB_ENDPOINT: endpoint,
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        LOG_LEVEL: "silent",
        SHUTDOWN_GRACE_MS: "5000",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        ...extra,
    };
}

/**
 * An HTTP pass-through in front of dynalite that can hold requests (so they are in flight for as long as
 * a test needs) and release them later.
 */
export async function holdingProxy(target: string): Promise<{
    url: string;
    hold(): void;
    release(): void;
    held(): number;
    /** Every request that reached the proxy: when (epoch ms), its DynamoDB operation (X-Amz-Target) and body. */
    arrivals(): ReadonlyArray<{ at: number; target: string; body: string }>;
    close(): Promise<void>;
}> {
    const targetUrl = new URL(target);
    let holding = false;
    let waiting: Array<() => void> = [];
    const arrived: Array<{ at: number; target: string; body: string }> = [];
    const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void => {
        const upstream = http.request(
            { host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers },
            (up) => {
                res.writeHead(up.statusCode ?? 502, up.headers);
                up.pipe(res);
            },
        );
        upstream.on("error", () => res.destroy());
        upstream.end(body);
    };
    const server = http.createServer((req, res) => {
        const at = Date.now();
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            arrived.push({ at, target: String(req.headers["x-amz-target"] ?? ""), body: Buffer.concat(chunks).toString("utf8") });
            const go = (): void => forward(req, res, Buffer.concat(chunks));
            if (holding) waiting.push(go);
            else go();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        hold: () => {
            holding = true;
        },
        release: () => {
            holding = false;
            const pending = waiting;
            waiting = [];
            pending.forEach((go) => go());
        },
        held: () => waiting.length,
        arrivals: () => arrived,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** How many live products (tombstones of deleted ones excluded) named `name` the table holds, read from dynalite directly. */
export async function liveItemsNamed(endpoint: string, table: string, name: string): Promise<number> {
    const client = new DynamoDBClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    try {
        const out = await client.send(
            new ScanCommand({
                TableName: table,
                FilterExpression: "#n = :n AND attribute_not_exists(deletedAt)",
                ExpressionAttributeNames: { "#n": "name" },
                ExpressionAttributeValues: { ":n": { S: name } },
            }),
        );
        return out.Count ?? 0;
    } finally {
        client.destroy();
    }
}
