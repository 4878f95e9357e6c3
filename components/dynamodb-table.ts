/**
 * DynamoDB table for a service: on-demand billing, point-in-time recovery, server-side encryption, and
 * the least-privilege statements a service needs to use *this* table (never `*`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "./iam";
import { componentType, withFormerTypes } from "./component";

export interface DynamoTableArgs {
    /** Partition key attribute (string). @default "productId" */
    readonly hashKey?: string;
    /** Refuse `pulumi destroy` of the table (prod). @default false */
    readonly deletionProtection?: boolean;
    /** Tags for the table. */
    readonly tags?: Record<string, string>;
}

/** The item-level actions products-api performs (GetItem, PutItem, DeleteItem, Scan for the paginated list). */
export const PRODUCTS_API_TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan"] as const;

/** A DynamoDB table with on-demand billing, point-in-time recovery and encryption, and least-privilege IAM statements for a service that uses it. */
export class DynamoTable extends pulumi.ComponentResource {
    public readonly tableName: pulumi.Output<string>;
    public readonly tableArn: pulumi.Output<string>;

    constructor(name: string, args: DynamoTableArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("DynamoTable"), name, {}, withFormerTypes(opts, "serverless-containers:data:DynamoTable"));
        const hashKey = args.hashKey ?? "productId";
        if (!/^[A-Za-z0-9_.-]{1,255}$/.test(hashKey)) {
            throw new Error(`DynamoTable "${name}": \`hashKey\` must be 1-255 characters of letters, digits, _ . - (got "${hashKey}").`);
        }
        const table = new aws.dynamodb.Table(
            `${name}-table`,
            {
                billingMode: "PAY_PER_REQUEST",
                hashKey,
                attributes: [{ name: hashKey, type: "S" }],
                pointInTimeRecovery: { enabled: true },
                serverSideEncryption: { enabled: true },
                deletionProtectionEnabled: args.deletionProtection ?? false,
                tags: args.tags,
            },
            { parent: this },
        );
        this.tableName = table.name;
        this.tableArn = table.arn;
        this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn });
    }

    /** Statements allowing exactly `actions` on this table's ARN only. */
    statements(actions: readonly string[] = PRODUCTS_API_TABLE_ACTIONS): PolicyStatement[] {
        return [{ sid: "ProductsTable", actions: [...actions], resources: [this.tableArn] }];
    }
}
