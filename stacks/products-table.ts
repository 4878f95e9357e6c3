/**
 * products-api's DynamoDB table, shared by the two stacks that run products-api (App Runner / ECS Express
 * in stacks/app-runner.ts, EKS Fargate in stacks/eks-fargate.ts). The generic DynamoTable knows nothing of
 * products-api: its key and the actions its role needs are stated here, next to the stacks that use them.
 */
import { DynamoTable } from "../components/index";
import { stackMonitoring } from "./alarm-routing";
import type { StackConfig } from "./config";

/** The partition key products-api reads and writes items by (apps/products-api/src/data/products-repository.ts). */
export const PRODUCTS_TABLE_HASH_KEY = "productId";

/** The item-level operations products-api performs: GetItem, PutItem, DeleteItem, and Scan for the paginated list. */
export const PRODUCTS_TABLE_OPERATIONS = ["GetItem", "PutItem", "DeleteItem", "Scan"];

/** The IAM actions of those operations. */
export const PRODUCTS_TABLE_ACTIONS = PRODUCTS_TABLE_OPERATIONS.map((op) => `dynamodb:${op}`);

/** products-api's table, protected from deletion in prod. */
export function productsTable(name: string, config: StackConfig, tags: Record<string, string>): DynamoTable {
    // A retiring stack lifts it so `pulumi destroy` can delete the table (docs/deploying.md, "Retiring an environment").
    return new DynamoTable(name, {
        hashKey: PRODUCTS_TABLE_HASH_KEY,
        deletionProtection: config.environment === "prod" && !config.retire,
        // A latency alarm per operation products-api calls; the table's section reaches the service's dashboard through `monitoring.widgets`.
        operations: [...PRODUCTS_TABLE_OPERATIONS],
        monitoring: stackMonitoring(config),
        tags,
    });
}
