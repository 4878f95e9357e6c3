import { randomUUID } from "node:crypto";
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { HttpError, isDatabaseUnavailable } from "@serverless-containers/service-kit";

export interface NewProduct {
  readonly name: string;
  readonly price: number;
  readonly category: string;
  readonly description: string;
}

export interface Product extends NewProduct {
  readonly productId: string;
  readonly createdAt: string;
}

export interface ProductPage {
  readonly products: Product[];
  readonly nextCursor?: string;
}

// Throttling, service-side failures and network trouble: the caller should retry later (503), not see a 500.
const RETRYABLE_NAMES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "TimeoutError",
  "RequestTimeout",
  "ResourceNotFoundException", // table not created yet / being replaced
]);

function mapError(err: unknown): never {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if ((e.name && RETRYABLE_NAMES.has(e.name)) || isDatabaseUnavailable(err) || (status !== undefined && status >= 500)) {
    throw HttpError.unavailable("The product table is unavailable; retry later");
  }
  throw err;
}

/** Opaque pagination cursor: base64url of DynamoDB's LastEvaluatedKey, validated on the way back in. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): { productId: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (
      parsed !== null &&
      typeof parsed === "object" &&
      Object.keys(parsed).length === 1 &&
      typeof (parsed as { productId?: unknown }).productId === "string" &&
      (parsed as { productId: string }).productId.length > 0 &&
      (parsed as { productId: string }).productId.length <= 64
    ) {
      return { productId: (parsed as { productId: string }).productId };
    }
  } catch {
    // fall through
  }
  throw HttpError.badRequest("Invalid request query", [{ field: "cursor", location: "query", message: "is not a cursor returned by this API" }]);
}

export class ProductsRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(input: NewProduct): Promise<Product> {
    const product: Product = { productId: randomUUID(), ...input, createdAt: new Date().toISOString() };
    await this.doc
      .send(new PutCommand({ TableName: this.tableName, Item: product, ConditionExpression: "attribute_not_exists(productId)" }))
      .catch(mapError);
    return product;
  }

  async get(productId: string): Promise<Product | undefined> {
    const result = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { productId } })).catch(mapError);
    return result.Item as Product | undefined;
  }

  /** Deletes and reports whether the product existed. */
  async delete(productId: string): Promise<boolean> {
    const result = await this.doc
      .send(new DeleteCommand({ TableName: this.tableName, Key: { productId }, ReturnValues: "ALL_OLD" }))
      .catch(mapError);
    return result.Attributes !== undefined;
  }

  /** One page of a Scan (unordered, as DynamoDB scans are). */
  async list(limit: number, cursor?: string): Promise<ProductPage> {
    const startKey = cursor === undefined ? undefined : decodeCursor(cursor);
    const result = await this.doc
      .send(new ScanCommand({ TableName: this.tableName, Limit: limit, ExclusiveStartKey: startKey }))
      .catch(mapError);
    return {
      products: (result.Items ?? []) as Product[],
      nextCursor: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : undefined,
    };
  }
}
