// A program in another repository using the components from the npm package: an Aurora PostgreSQL database
// behind RDS Proxy and an API on ECS Express Mode that connects to it with IAM authentication. Its tests
// (index.test.ts, preview.test.ts) evaluate it with `serverless-containers/testing` — no AWS account, no CLI.
import { AuroraWithProxy, EcsExpressService } from "serverless-containers";

/** The network the program runs in (in a real program: stack config or a stack reference). */
export const network = {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    privateSubnetIds: ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"],
    publicSubnetIds: ["subnet-0cc99dd00ee11ff22", "subnet-0bb33cc44dd55ee66"],
};

/** An image pinned by digest, as the components require. */
const image = (repository: string) => `123456789012.dkr.ecr.us-east-1.amazonaws.com/${repository}@sha256:${"0".repeat(64)}`;

const db = new AuroraWithProxy("orders-db", {
    engine: "postgresql",
    databaseName: "orders",
    appUser: { username: "orders_app", schema: ["CREATE TABLE IF NOT EXISTS orders (id BIGINT PRIMARY KEY, item TEXT NOT NULL)"] },
    vpc: { vpcId: network.vpcId, subnetIds: network.privateSubnetIds },
});

// ECS Express Mode: a public HTTPS API whose tasks run in the public subnets.
const api = new EcsExpressService("orders-api", {
    image: image("orders-api"),
    vpc: { vpcId: network.vpcId, subnetIds: network.publicSubnetIds },
    environment: { ...db.environment },
});
db.connect("orders-api", api);

export const proxySecurityGroupId = db.proxySecurityGroupId;
export const proxyArn = db.proxyArn;
/** Each service's security group and IAM role: what the database admits and what may connect. */
export const clients = {
    "ecs-express": { securityGroupId: api.securityGroupId, roleName: api.roleName },
};
export const apiUrl = api.url;
