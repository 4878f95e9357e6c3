import { promiseOf, settle, setupMocks, type PropertyBag } from "../components/testing";
import type { StackConfig } from "./config";
import { stackConfig, untaggedResources } from "./testing";

const mocks = setupMocks({ stack: "dev" });
let config: StackConfig;
let outputs: import("./app-runner-vpc").AppRunnerVpcOutputs;

beforeAll(async () => {
    // catalogue-api's program as the original lab guide has it, on App Runner (the stack files choose ecs-express).
    config = stackConfig({ appRunnerVpcPlatform: "app-runner" });
    const { createNetwork } = await import("./network");
    const { appRunnerVpcStack } = await import("./app-runner-vpc");
    outputs = appRunnerVpcStack(config, await createNetwork(config));
    await promiseOf(outputs.url);
    await settle();
}, 30_000); // a whole stack (with the DB bootstrap's serialized provider) on a loaded machine

const service = () => mocks.one("aws:apprunner/service:Service");

describe("catalogue-api stack on App Runner (app-runner-vpc)", () => {
    it("should build catalogue-api from the shared Dockerfile with the repo root as context", () => {
        const image = mocks.one("docker:index/image:Image").inputs;
        expect(image.build.dockerfile).toMatch(/^(\.\.\/)*Dockerfile$/);
        expect(image.build.args).toEqual({ APP: "catalogue-api" });
        expect(image.build.platform).toBe("linux/amd64");
    });

    it("should give the app the proxy endpoint, not the cluster endpoint, with TLS and IAM auth on", () => {
        const env = service().inputs.sourceConfiguration.imageRepository.imageConfiguration.runtimeEnvironmentVariables;
        const proxy = mocks.one("aws:rds/proxy:Proxy").state;
        expect(env).toEqual({
            DB_HOST: proxy.endpoint,
            DB_PORT: "3306",
            DB_NAME: "labdb",
            DB_USER: "catalogue_app",
            DB_TLS: "true",
            DB_IAM_AUTH: "true",
            AWS_REGION: "us-east-1",
            NODE_ENV: "production",
        });
        expect(mocks.one("aws:rds/cluster:Cluster").inputs.engine).toBe("aurora-mysql");
    });

    it("should let the app connect with IAM tokens as its DML-only app user (never the master user), and inject no password", () => {
        const proxyArn: string = mocks.one("aws:rds/proxy:Proxy").state.arn;
        const proxyId = proxyArn.split(":").pop();
        expect(proxyId).toMatch(/^prx-[0-9a-f]{17}$/);
        expect(mocks.one("aws:rds/proxy:Proxy").inputs.defaultAuthScheme).toBe("IAM_AUTH");
        expect(service().inputs.sourceConfiguration.imageRepository.imageConfiguration.runtimeEnvironmentSecrets).toBeUndefined();
        // Every statement on the role the app runs as, whichever policy resource carries it.
        const instanceRole = mocks.one("aws:iam/role:Role", "catalogue-api-instance-role").state.name;
        const policies = mocks.byType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === instanceRole);
        expect(policies.flatMap((p) => JSON.parse(p.inputs.policy).Statement)).toEqual([
            {
                Sid: "ConnectThroughRdsProxy",
                Effect: "Allow",
                Action: ["rds-db:connect"],
                Resource: [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${proxyId}/catalogue_app`],
            },
        ]);
    });

    it("should let only the connector's security group reach the proxy, on 3306", () => {
        const connectorSg = mocks.one("aws:ec2/securityGroup:SecurityGroup", "catalogue-api-connector-sg").state.id;
        const proxySg = mocks.one("aws:ec2/securityGroup:SecurityGroup", "catalogue-db-proxy-sg").state.id;
        const intoProxy = mocks
            .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .filter((r) => r.inputs.securityGroupId === proxySg);
        expect(intoProxy.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort])).toEqual([
            [connectorSg, 3306, 3306],
        ]);
        const egress = mocks
            .byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
            .filter((r) => r.inputs.securityGroupId === connectorSg);
        expect(egress.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort])).toEqual([[proxySg, 3306]]);
    });

    it("should never allow a database port from a CIDR anywhere in the stack", () => {
        const rules = [
            ...mocks.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
            ...mocks.byType("aws:ec2/securityGroupRule:SecurityGroupRule"),
        ];
        for (const r of rules) {
            const opensDbPort = [3306, 5432].some((p) => r.inputs.fromPort <= p && p <= r.inputs.toPort);
            expect(opensDbPort && (r.inputs.cidrIpv4 || r.inputs.cidrBlocks)).toBeFalsy();
        }
        for (const sg of mocks.byType("aws:ec2/securityGroup:SecurityGroup")) expect(sg.inputs.ingress).toBeUndefined();
    });

    it("should put the connector on the VPC's private subnets", () => {
        const vpc = mocks.one("awsx:ec2:Vpc").state;
        expect(mocks.one("aws:apprunner/vpcConnector:VpcConnector").inputs.subnets).toEqual(vpc.privateSubnetIds);
        expect(mocks.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).toEqual(vpc.privateSubnetIds);
    });

    it("should use the lab guide's App Runner settings from dev config", () => {
        const scaling = mocks.one("aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion").inputs;
        expect([scaling.minSize, scaling.maxSize, scaling.maxConcurrency]).toEqual([1, 5, 100]);
        expect(service().inputs.instanceConfiguration).toMatchObject({ cpu: "0.25 vCPU", memory: "0.5 GB" });
        expect(service().inputs.serviceName).toBe("catalogue-api-dev");
    });

    it("should tag every taggable AWS resource (and the VPC) with project and environment", () => {
        expect(mocks.one("awsx:ec2:Vpc").inputs.tags).toMatchObject({ project: "serverless-containers", environment: "dev" });
        expect(mocks.resources.filter((r) => r.custom && r.type.startsWith("aws:")).length).toBeGreaterThan(10);
        expect(untaggedResources(mocks.resources, { project: "serverless-containers", environment: "dev" })).toEqual([]);
    });

    it("should carry no plaintext password in any resource input", () => {
        const text = JSON.stringify(mocks.resources.map((r) => r.inputs));
        expect(text).not.toMatch(/"(masterPassword|password|DB_PASSWORD)"\s*:\s*"(?!offline-ecr-token)/);
    });

    it("should output an https URL", async () => {
        expect(await promiseOf(outputs.url)).toMatch(/^https:\/\//);
    });
});

describe("catalogue-api stack on ECS Express Mode (appRunnerVpcPlatform: ecs-express)", () => {
    let imageBefore: PropertyBag;
    let clusterBefore: PropertyBag;

    beforeAll(async () => {
        imageBefore = mocks.one("docker:index/image:Image").inputs;
        clusterBefore = mocks.one("aws:rds/cluster:Cluster").inputs;
        mocks.reset();
        const { createNetwork } = await import("./network");
        const { appRunnerVpcStack } = await import("./app-runner-vpc");
        const express = stackConfig({ appRunnerVpcPlatform: "ecs-express" });
        outputs = appRunnerVpcStack(express, await createNetwork(express));
        await promiseOf(outputs.url);
        await settle();
    });

    it("should host catalogue-api on an Express service and no App Runner resource", () => {
        expect(mocks.byType("aws:ecs/expressGatewayService:ExpressGatewayService")).toHaveLength(1);
        expect(mocks.resources.filter((r) => r.type.startsWith("aws:apprunner/"))).toEqual([]);
    });

    it("should put the Express service in the public subnets, since private ones get an internal load balancer", () => {
        const vpc = mocks.one("awsx:ec2:Vpc").state;
        const express = mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService").inputs;
        expect(express.networkConfigurations[0].subnets).toEqual(vpc.publicSubnetIds);
        // Its tasks get no public IP there: they reach ECR, S3 and CloudWatch Logs through VPC endpoints.
        const endpoints = mocks.one("awsx:ec2:Vpc").inputs.vpcEndpointSpecs.map((s: { serviceName: string }) => s.serviceName);
        expect(endpoints).toEqual(
            expect.arrayContaining([
                "com.amazonaws.us-east-1.ecr.api",
                "com.amazonaws.us-east-1.ecr.dkr",
                "com.amazonaws.us-east-1.s3",
                "com.amazonaws.us-east-1.logs",
            ]),
        );
        expect(mocks.dependsOn(mocks.one("aws:ecs/expressGatewayService:ExpressGatewayService"), "awsx:ec2:Vpc")).toBe(true);
        expect(mocks.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).toEqual(vpc.privateSubnetIds);
    });

    it("should keep the image and the database exactly as on App Runner", () => {
        expect(mocks.one("docker:index/image:Image").inputs).toEqual(imageBefore);
        expect(mocks.one("aws:rds/cluster:Cluster").inputs).toEqual(clusterBefore);
    });

    it("should let only the Express service's security group reach the proxy", () => {
        const serviceSg = mocks.one("aws:ec2/securityGroup:SecurityGroup", /^catalogue-api/).state.id;
        const proxySg = mocks.one("aws:ec2/securityGroup:SecurityGroup", "catalogue-db-proxy-sg").state.id;
        const intoProxy = mocks
            .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .filter((r) => r.inputs.securityGroupId === proxySg);
        expect(intoProxy.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort])).toEqual([[serviceSg, 3306]]);
    });

    it("should still output an https URL", async () => {
        expect(await promiseOf(outputs.url)).toMatch(/^https:\/\//);
    });
});
