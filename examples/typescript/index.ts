// A program in another repository using the components from the npm package (not published yet: installed from
// the tarball `npm pack` writes in components/, see README.md here): the same service as examples/yaml, in TypeScript.
import * as pulumi from "@pulumi/pulumi";
import { ContainerImage, DynamoTable, EcsExpressService } from "serverless-containers";

const config = new pulumi.Config();

const orders = new DynamoTable("orders", { hashKey: "orderId", tags: { team: "checkout" } });

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
    policyStatements: [{ sid: "OrdersTable", actions: ["dynamodb:GetItem", "dynamodb:PutItem"], resources: [orders.tableArn] }],
    tags: { team: "checkout" },
});

export const url = api.url;
export const roleArn = api.roleArn;
export const tableName = orders.tableName;
