import net from "node:net";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { isDatabaseUnavailable, toHttpError } from "@serverless-containers/service-kit";
import { freePort } from "../../../scripts/test-db";
import { createDocumentClient } from "../src/data/dynamo";

/** Real AWS SDK errors (not shaped by hand): a DynamoDB endpoint that accepts connections and never answers, and one that refuses them. */
describe("products-api: the DynamoDB client's own timeout and connection errors are 503", () => {
    let hung: net.Server;
    const held: net.Socket[] = [];

    beforeAll(async () => {
        hung = net.createServer((socket) => held.push(socket));
        await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    });
    afterAll(async () => {
        for (const socket of held) socket.destroy();
        await new Promise<void>((resolve) => hung.close(() => resolve()));
    });

    /** The products-api client (its retries included), with a short per-attempt timeout for the test. */
    async function sdkError(endpoint: string): Promise<unknown> {
        const { client, doc } = createDocumentClient({ region: "us-east-1", endpoint, requestTimeoutMs: 300 });
        try {
            await doc.send(new GetCommand({ TableName: "t", Key: { productId: "x" } }));
            return undefined;
        } catch (err) {
            return err;
        } finally {
            client.destroy();
        }
    }

    it("when DynamoDB accepts but never answers, then the client gives up with the SDK's TimeoutError, which is unavailable → 503 + Retry-After", async () => {
        const { port } = hung.address() as net.AddressInfo;
        const err = await sdkError(`http://127.0.0.1:${port}`);
        expect((err as Error).name).toBe("TimeoutError");
        expect(isDatabaseUnavailable(err)).toBe(true);
        expect(toHttpError(err).status).toBe(503);
    }, 20_000);

    it("when the DynamoDB endpoint refuses connections, then the SDK's error is unavailable → 503", async () => {
        const err = await sdkError(`http://127.0.0.1:${await freePort()}`);
        expect(err).toBeDefined();
        expect(isDatabaseUnavailable(err)).toBe(true);
        expect(toHttpError(err).status).toBe(503);
    });
});
