import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface DynamoOptions {
  readonly region: string;
  /** Local endpoint (dynalite / DynamoDB Local); static dummy credentials are used unless AWS_* are set. */
  readonly endpoint?: string;
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
    // throwOnRequestTimeout: in @smithy/node-http-handler 4.x requestTimeout alone only logs a warning and the
    // request waits forever on a hung endpoint (node_modules/@smithy/node-http-handler/dist-cjs/index.js,
    // setRequestTimeout; smithy-lang/smithy-typescript#1636 introduced the flag).
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
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
