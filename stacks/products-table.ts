/**
 * products-api's DynamoDB table, shared by the two stacks that run products-api (App Runner / ECS Express
 * in stacks/app-runner.ts, EKS Fargate in stacks/eks-fargate.ts). The generic DynamoTable knows nothing of
 * products-api: its key and the actions its role needs are stated here, next to the stacks that use them.
 */
import { DynamoTable } from "../components/index";
import type { StackConfig } from "./config";

/** The partition key products-api reads and writes items by (apps/products-api/src/data/products-repository.ts). */
export const PRODUCTS_TABLE_HASH_KEY = "productId";

/** The item-level actions products-api performs: GetItem, PutItem, DeleteItem, and Scan for the paginated list. */
export const PRODUCTS_TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan"];

/** products-api's table, protected from deletion in prod. */
export function productsTable(name: string, config: StackConfig, tags: Record<string, string>): DynamoTable {
    // A retiring stack lifts it so `pulumi destroy` can delete the table (docs/deploying.md, "Retiring an environment").
    return new DynamoTable(name, {
        hashKey: PRODUCTS_TABLE_HASH_KEY,
        deletionProtection: config.environment === "prod" && !config.retire,
        tags,
    });
}
