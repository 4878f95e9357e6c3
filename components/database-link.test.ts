/**
 * The one link mechanism (`databases: { key: db.link }`), on every platform that can be a database client:
 * the proxy admits the service's own group, that group may reach the proxy, the service's role may
 * rds-db:connect as the app user at this proxy, and the container gets the DB_* environment.
 */
import type * as pulumi from "@pulumi/pulumi";
import { errorOf, promiseOf, settle, setupMocks, type RecordedResource } from "./testing/mocks";

const mocks = setupMocks({
    subnets: { "subnet-pub-a": "10.0.128.0/22", "subnet-pub-b": "10.0.132.0/22", "subnet-a": "10.0.0.0/22", "subnet-b": "10.0.4.0/22" },
});
// The database's DatabaseUser serializes its dynamic provider once per file (seconds on a loaded machine).
jest.setTimeout(60_000);

type Index = typeof import("./index");
let c: Index;
beforeAll(async () => {
    c = await import("./index");
});
beforeEach(() => mocks.reset());

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${"ab".repeat(32)}`;
const VPC = { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] };
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const DB_KEYS = ["DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_TLS", "DB_IAM_AUTH", "AWS_REGION"];

function database(name = "db", engine: "postgresql" | "mysql" = "postgresql") {
    return new c.AuroraWithProxy(name, {
        engine,
        databaseName: "app",
        appUser: { username: "app_user", schema: ["CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY)"] },
        vpc: VPC,
    });
}

function eksCluster(): import("./index").EksClusterInfo {
    return {
        clusterName: "c",
        oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
        oidcProviderUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
        kubeconfig: '{"apiVersion":"v1","kind":"Config"}',
        privateSubnetIds: ["subnet-a", "subnet-b"],
        podExecutionRoleArn: "arn:aws:iam::123456789012:role/pod-execution",
        vpcId: "vpc-1",
        podSecurityGroupId: "sg-0eks0created0000",
    };
}

/** Each platform, built with one database linked as `main`; returns the service's group and role outputs. */
const PLATFORMS: Record<
    string,
    (db: import("./index").AuroraWithProxy) => { securityGroupId?: pulumi.Output<string>; roleName: pulumi.Output<string> }
> = {
    "ecs-express": (db) =>
        new c.EcsExpressService("api", {
            image: IMAGE,
            network: { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-pub-a", "subnet-pub-b"] } },
            databases: { main: db.link },
        }),
    "app-runner (VPC)": (db) =>
        new c.VpcConnectedAppRunner("api", {
            image: IMAGE,
            serviceName: "api-service",
            network: { vpc: VPC },
            databases: { main: db.link },
        }),
    "private fargate": (db) =>
        new c.PrivateFargateService("api", {
            image: IMAGE,
            network: { vpc: VPC, allowFrom: ["sg-0caller"] },
            namespaceName: "internal.demo",
            databases: { main: db.link },
        }),
    eks: (db) => new c.EksFargateService("api", { cluster: eksCluster(), namespace: "api", image: IMAGE, databases: { main: db.link } }),
};

/** The DB_* environment the platform hands the container, whatever its shape. */
function containerEnvironment(platform: string): Record<string, string> {
    const pairs = (list: { name: string; value: string }[]) => Object.fromEntries(list.map((e) => [e.name, e.value]));
    switch (platform) {
        case "ecs-express":
            return pairs(mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs.primaryContainer.environments);
        case "app-runner (VPC)":
            return mocks.one("aws:apprunner/service:Service").inputs.sourceConfiguration.imageRepository.imageConfiguration
                .runtimeEnvironmentVariables;
        case "private fargate":
            return pairs(JSON.parse(mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions)[0].environment);
        default:
            return pairs(mocks.one("kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0].env);
    }
}

describe("databases: the one link between a service and a database", () => {
    it.each(Object.keys(PLATFORMS))(
        "should open exactly the service → proxy path and grant rds-db:connect when a %s service links the database",
        async (platform) => {
            const db = database();
            const service = PLATFORMS[platform](db);
            await settle();
            const serviceSg = await promiseOf(service.securityGroupId!);
            const roleName = await promiseOf(service.roleName);
            const proxySg = mocks.one("aws:ec2/securityGroup:SecurityGroup", "db-proxy-sg").state.id;
            const rule = (r: RecordedResource) => [
                r.inputs.securityGroupId,
                r.inputs.referencedSecurityGroupId,
                r.inputs.fromPort,
                r.inputs.toPort,
                r.inputs.cidrIpv4,
            ];

            expect(
                mocks
                    .byType(INGRESS)
                    .filter((r) => r.inputs.securityGroupId === proxySg)
                    .map(rule),
            ).toEqual([[proxySg, serviceSg, 5432, 5432, undefined]]);
            expect(
                mocks
                    .byType(EGRESS)
                    .filter((r) => r.inputs.referencedSecurityGroupId === proxySg)
                    .map(rule),
            ).toEqual([[serviceSg, proxySg, 5432, 5432, undefined]]);
            const policy = mocks.one("aws:iam/rolePolicy:RolePolicy", "api-main-db-connect");
            expect(policy.parent).toContain("api"); // the service owns its client side
            expect(policy.inputs.role).toBe(roleName);
            const proxyId = (mocks.one("aws:rds/proxy:Proxy").state.arn as string).split(":").pop();
            expect(JSON.parse(policy.inputs.policy).Statement).toEqual([
                {
                    Sid: "ConnectThroughRdsProxy",
                    Effect: "Allow",
                    Action: ["rds-db:connect"],
                    Resource: [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${proxyId}/app_user`],
                },
            ]);
            const env = containerEnvironment(platform);
            expect(Object.keys(env)).toEqual(expect.arrayContaining(DB_KEYS));
            expect(env).toMatchObject({
                DB_HOST: mocks.one("aws:rds/proxy:Proxy").state.endpoint,
                DB_PORT: "5432",
                DB_NAME: "app",
                DB_USER: "app_user",
                DB_TLS: "true",
                DB_IAM_AUTH: "true",
                AWS_REGION: "us-east-1",
            });
        },
    );

    it("should give EKS pods their own group next to the cluster's through a SecurityGroupPolicy the Deployment waits for", async () => {
        const db = database();
        PLATFORMS.eks(db);
        await settle();
        const own = mocks.one("aws:ec2/securityGroup:SecurityGroup", "api-pod-sg");
        expect(own.inputs).toMatchObject({ vpcId: "vpc-1" });
        expect(own.inputs.ingress).toBeUndefined();
        const sgp = mocks.one("kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy");
        expect(sgp.inputs.spec).toEqual({
            podSelector: { matchLabels: { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "api" } },
            securityGroups: { groupIds: [own.state.id, "sg-0eks0created0000"] },
        });
        expect(mocks.one("kubernetes:apps/v1:Deployment").dependsOn).toContain(sgp.urn);
    });

    it("should give EKS pods no group of their own when nothing is linked", async () => {
        new c.EksFargateService("api", { cluster: eksCluster(), namespace: "api", image: IMAGE });
        await settle();
        expect(mocks.byType("kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy")).toEqual([]);
        expect(mocks.byType("aws:ec2/securityGroup:SecurityGroup")).toEqual([]);
    });

    it("should expose the group EKS created for the cluster (the pods' default), not @pulumi/eks's own", async () => {
        const cluster = new c.EksFargateCluster("k", {
            vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"] },
            kubernetesVersion: "1.33",
        });
        await settle();
        const pods = await promiseOf(cluster.podSecurityGroupId);
        expect(pods).toMatch(/^sg-/);
        expect(pods).not.toBe(await promiseOf(cluster.clusterSecurityGroupId));
        expect(await promiseOf(cluster.vpcId)).toBe("vpc-1");
    });

    it("should prefix each database's variables with its key when a service links two", async () => {
        const orders = database("orders");
        const users = database("users", "mysql");
        new c.EcsExpressService("api", {
            image: IMAGE,
            network: { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-pub-a", "subnet-pub-b"] } },
            databases: { orders: orders.link, "user-store": users.link },
        });
        await settle();
        const env = containerEnvironment("ecs-express");
        expect(env).toMatchObject({ ORDERS_DB_PORT: "5432", USER_STORE_DB_PORT: "3306", AWS_REGION: "us-east-1" });
        expect(env.DB_HOST).toBeUndefined();
        expect(mocks.byType("aws:iam/rolePolicy:RolePolicy").map((r) => r.name)).toEqual(
            expect.arrayContaining(["api-orders-db-connect", "api-user-store-db-connect"]),
        );
    });

    it("should keep a linked database's variable names when a second database is linked (main keeps DB_*)", async () => {
        const main = database("orders");
        const audit = database("audit", "mysql");
        new c.EcsExpressService("api", {
            image: IMAGE,
            network: { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-pub-a", "subnet-pub-b"] } },
            databases: { main: main.link, audit: audit.link },
        });
        await settle();
        const env = containerEnvironment("ecs-express");
        // Before the second link this service read DB_PORT; it still does, and the new one is AUDIT_DB_*.
        expect(env).toMatchObject({ DB_PORT: "5432", AUDIT_DB_PORT: "3306", AWS_REGION: "us-east-1" });
        expect(env.MAIN_DB_PORT).toBeUndefined();
    });

    it("should prefix a database linked under any key but main, even alone", async () => {
        new c.EcsExpressService("api", {
            image: IMAGE,
            network: { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-pub-a", "subnet-pub-b"] } },
            databases: { orders: database("orders").link },
        });
        await settle();
        expect(containerEnvironment("ecs-express")).toMatchObject({ ORDERS_DB_HOST: expect.any(String), ORDERS_DB_PORT: "5432" });
        expect(containerEnvironment("ecs-express").DB_HOST).toBeUndefined();
    });

    it("should keep AuroraWithProxy.connect's resource names (existing stacks) while sharing the link's implementation", async () => {
        const db = database();
        db.connect("api", { securityGroupId: "sg-0client", roleName: "r" });
        await settle();
        expect(mocks.byType(INGRESS).map((r) => r.name)).toContain("db-proxy-from-api");
        expect(mocks.byType(EGRESS).map((r) => r.name)).toEqual(["db-proxy-to-cluster", "db-api-to-proxy"]);
        expect(mocks.byType("aws:iam/rolePolicy:RolePolicy").map((r) => r.name)).toContain("db-api-connect");
    });

    describe("refusals", () => {
        it("should refuse a link on an App Runner service without a VPC (it has no security group to admit)", async () => {
            const db = database();
            // Not in AppRunnerService's type (or schema); a JavaScript caller, or a cast, still gets the reason.
            const args = { image: IMAGE, databases: { main: db.link } } as import("./index").AppRunnerServiceArgs;
            const message = await errorOf(() => new c.AppRunnerService("api", args));
            expect(message).toContain("`databases` needs a service in a VPC");
        });

        it("should refuse a variable the link provides when the caller sets it too", async () => {
            const db = database();
            const message = await errorOf(
                () =>
                    new c.VpcConnectedAppRunner("api", {
                        image: IMAGE,
                        network: { vpc: VPC },
                        environment: { DB_HOST: "x" },
                        databases: { main: db.link },
                    }),
            );
            expect(message).toContain("`environment.DB_HOST` is set by the linked database");
        });

        it("should refuse a map that is itself an output (its keys name resources)", async () => {
            const db = database();
            const { output } = await import("@pulumi/pulumi");
            const message = await errorOf(
                () =>
                    new c.VpcConnectedAppRunner("api", {
                        image: IMAGE,
                        network: { vpc: VPC },
                        databases: output({ main: db.link }) as unknown as Record<string, pulumi.Input<import("./index").DatabaseLink>>,
                    }),
            );
            // The package-wide plain-value check (arguments.ts: `databases` is plain in the schema) answers first.
            expect(message).toContain("`databases` must be a plain value, not an output or a promise");
        });

        it("should refuse a key that cannot name resources", async () => {
            const db = database();
            const message = await errorOf(
                () => new c.VpcConnectedAppRunner("api", { image: IMAGE, network: { vpc: VPC }, databases: { Main_DB: db.link } }),
            );
            expect(message).toContain('`databases` key "Main_DB" must be 1-31 lower-case letters');
        });

        it("should refuse EKS links without the cluster's VPC and pod security group", async () => {
            const db = database();
            const { vpcId: _v, podSecurityGroupId: _p, ...older } = eksCluster();
            const message = await errorOf(
                () => new c.EksFargateService("api", { cluster: older, namespace: "api", image: IMAGE, databases: { main: db.link } }),
            );
            expect(message).toContain("`databases` needs `cluster.vpcId` and `cluster.podSecurityGroupId`");
        });
    });
});
