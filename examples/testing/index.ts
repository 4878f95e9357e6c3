// A program in another repository using the components from the npm package: one Aurora PostgreSQL database
// behind RDS Proxy, and a service on each platform linked to it through `databases` — ECS Express Mode (the
// public API), App Runner with a VPC connector, a private ECS Fargate service and a service on EKS Fargate. Its
// tests (index.test.ts, preview.test.ts) evaluate it with `serverless-containers/testing`: no AWS account, no CLI.
import {
    AuroraWithProxy,
    EcsExpressService,
    EksFargateCluster,
    EksFargateService,
    PrivateFargateService,
    VpcConnectedAppRunner,
} from "serverless-containers";

/** The network the program runs in (in a real program: stack config or a stack reference). */
export const network = {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    privateSubnetIds: ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"],
    publicSubnetIds: ["subnet-0cc99dd00ee11ff22", "subnet-0bb33cc44dd55ee66"],
};

/** An image pinned by digest, as the components require. */
const image = (repository: string) => `123456789012.dkr.ecr.us-east-1.amazonaws.com/${repository}@sha256:${"0".repeat(64)}`;
const privateVpc = { vpcId: network.vpcId, subnetIds: network.privateSubnetIds };

const db = new AuroraWithProxy("orders-db", {
    engine: "postgresql",
    databaseName: "orders",
    appUser: { username: "orders_app", schema: ["CREATE TABLE IF NOT EXISTS orders (id BIGINT PRIMARY KEY, item TEXT NOT NULL)"] },
    vpc: privateVpc,
});
// Each service below takes `databases: { main: db.link }`: the proxy admits the service's own security group,
// that group may reach the proxy, the service's role may rds-db:connect as orders_app, and the container gets
// DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_TLS, DB_IAM_AUTH and AWS_REGION.
const databases = { main: db.link };

// ECS Express Mode: the public HTTPS API; its tasks run in the public subnets.
const api = new EcsExpressService("orders-api", {
    image: image("orders-api"),
    network: { vpc: { vpcId: network.vpcId, subnetIds: network.publicSubnetIds } },
    databases,
});

// App Runner, reaching the database through a VPC connector in the private subnets.
const reports = new VpcConnectedAppRunner("orders-reports", { image: image("orders-reports"), network: { vpc: privateVpc }, databases });

// A private ECS Fargate service the API calls (Cloud Map name), admitting only the API's group.
const billing = new PrivateFargateService("orders-billing", {
    image: image("orders-billing"),
    network: { vpc: privateVpc, allowFrom: [api.securityGroupId] },
    namespaceName: "orders.internal",
    databases,
});

// EKS on Fargate: the pods get a security group of their own next to the cluster's, and the database admits it.
const cluster = new EksFargateCluster("orders-eks", {
    vpc: { ...privateVpc, publicSubnetIds: network.publicSubnetIds },
    kubernetesVersion: "1.33",
});
const worker = new EksFargateService("orders-worker", { cluster, namespace: "orders", image: image("orders-worker"), databases });

export const proxySecurityGroupId = db.proxySecurityGroupId;
export const proxyArn = db.proxyArn;
/** Each service's security group and IAM role: what the database admits and what may connect. */
export const clients = {
    "ecs-express": { securityGroupId: api.securityGroupId, roleName: api.roleName },
    "app-runner": { securityGroupId: reports.securityGroupId, roleName: reports.roleName },
    "private-fargate": { securityGroupId: billing.securityGroupId, roleName: billing.roleName },
    eks: { securityGroupId: worker.securityGroupId, roleName: worker.roleName },
};
export const apiUrl = api.url;
