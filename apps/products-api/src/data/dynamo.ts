import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** Per-attempt request timeout of the client (the repository shortens it per call to what is left of the request). */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 5_000;

export interface DynamoOptions {
    readonly region: string;
    /** Local endpoint (dynalite / DynamoDB Local); static dummy credentials are used unless AWS_* are set. */
    readonly endpoint?: string;
    /** Per-attempt request timeout. @default DEFAULT_ATTEMPT_TIMEOUT_MS (5000) */
    readonly requestTimeoutMs?: number;
}

/**
 * Document client with short timeouts (a request that cannot be served fast becomes a 503 with Retry-After
 * rather than a hung request). In AWS the credentials come from IRSA (EKS) or the instance role (App Runner).
 */
export function createDocumentClient(options: DynamoOptions): { client: DynamoDBClient; doc: DynamoDBDocumentClient } {
    const local = options.endpoint !== undefined;
    const client = new DynamoDBClient({
        region: options.region,
        endpoint: options.endpoint,
        maxAttempts: 3,
        // @smithy/node-http-handler 4.x only LOGS a breached requestTimeout unless throwOnRequestTimeout is set
        // (@smithy/types HttpHandlerInitialization: "If exceeded, a warning will be emitted unless
        // throwOnRequestTimeout=true"): without it a hung DynamoDB connection would never fail.
        requestHandler: {
            connectionTimeout: 2_000,
            requestTimeout: options.requestTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS,
            throwOnRequestTimeout: true,
        },
        ...(local && !process.env.AWS_ACCESS_KEY_ID ? { credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
    });
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    return { client, doc };
}

/** Local development only: create the table the stack would create (productId string hash key). */
export async function ensureLocalTable(client: DynamoDBClient, tableName: string): Promise<void> {
    try {
        await client.send(new DescribeTableCommand({ TableName: tableName }));
    } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
        await client.send(
            new CreateTableCommand({
                TableName: tableName,
                AttributeDefinitions: [{ AttributeName: "productId", AttributeType: "S" }],
                KeySchema: [{ AttributeName: "productId", KeyType: "HASH" }],
                BillingMode: "PAY_PER_REQUEST",
            }),
        );
    }
}
