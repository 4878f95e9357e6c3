// A program in another repository using the components from the npm package (not published yet: installed from
// the tarball `npm pack` writes in components/, see README.md here): the same service as examples/yaml, in TypeScript.
import * as pulumi from "@pulumi/pulumi";
import { AuroraWithProxy, ContainerImage, DynamoTable, EcsExpressService } from "serverless-containers";

const config = new pulumi.Config();

const orders = new DynamoTable("orders", { hashKey: "orderId", tags: { team: "checkout" } });

// Aurora PostgreSQL behind an RDS Proxy; the service links to it through `databases` (see below).
const db = new AuroraWithProxy("db", {
    engine: "postgresql",
    databaseName: "orders",
    appUser: {
        username: "orders_app",
        schema: ["CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, placed_at TIMESTAMPTZ NOT NULL DEFAULT now())"],
    },
    vpc: { vpcId: config.require("vpcId"), subnetIds: config.requireObject<string[]>("privateSubnetIds") },
    tags: { team: "checkout" },
});

const image = new ContainerImage("api-image", {
    context: "../..",
    dockerfile: "Dockerfile",
    buildArgs: { APP: "products-api" },
});

const api = new EcsExpressService("api", {
    image: image.imageUri,
    port: 8080,
    healthCheckPath: "/health",
    minSize: 1,
    maxSize: 3,
    vpc: { vpcId: config.require("vpcId"), subnetIds: config.requireObject<string[]>("publicSubnetIds") },
    environment: { TABLE_NAME: orders.tableName },
    // The proxy admits the service's security group, its role may rds-db:connect as orders_app, and the
    // container gets DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_TLS, DB_IAM_AUTH and AWS_REGION.
    databases: { main: db.link },
    policyStatements: [{ sid: "OrdersTable", actions: ["dynamodb:GetItem", "dynamodb:PutItem"], resources: [orders.tableArn] }],
    tags: { team: "checkout" },
});

export const url = api.url;
export const roleArn = api.roleArn;
export const tableName = orders.tableName;
export const databaseHost = db.host;
