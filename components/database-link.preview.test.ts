/**
 * A preview of a new stack through the link: the proxy endpoint is unknown until the proxy exists, but the
 * port, database name, user and flags are known from the program — as they are when a program copies
 * `db.environment` — and the service's rules and policy know the port.
 */
import { containsUnknown, settle, setupMocks } from "./testing/mocks";

const mocks = setupMocks({ preview: true, subnets: { "subnet-pub-a": "10.0.128.0/22", "subnet-pub-b": "10.0.132.0/22" } });
jest.setTimeout(60_000);

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${"ab".repeat(32)}`;

it("should keep every DB_* variable but DB_HOST known in a preview when a service links a database", async () => {
    const { AuroraWithProxy, EcsExpressService } = await import("./index");
    const db = new AuroraWithProxy("db", {
        engine: "postgresql",
        databaseName: "app",
        appUser: { username: "app_user", schema: ["CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY)"] },
        vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] },
    });
    new EcsExpressService("api", {
        image: IMAGE,
        vpc: { vpcId: "vpc-1", subnetIds: ["subnet-pub-a", "subnet-pub-b"] },
        databases: { main: db.link },
    });
    await settle();
    const env = Object.fromEntries(
        (
            mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs.primaryContainer.environments as {
                name: string;
                value: unknown;
            }[]
        ).map((e) => [e.name, e.value]),
    );
    expect(containsUnknown(env.DB_HOST)).toBe(true);
    expect(env).toMatchObject({ DB_PORT: "5432", DB_NAME: "app", DB_TLS: "true", DB_IAM_AUTH: "true", AWS_REGION: "us-east-1" });
    const ingress = mocks.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "api-main-db-ingress").inputs;
    expect([ingress.fromPort, ingress.toPort]).toEqual([5432, 5432]);
});
