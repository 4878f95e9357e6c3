/**
 * products-api on ECS Express Mode must run in the stack's own VPC, never in the
 * account's default VPC (absent in many organisations), with its load balancer and tasks in the public
 * subnets and the VPC endpoints its tasks pull through created before it. Evaluates the whole program
 * (index.ts) as the CLI would.
 */
import type { RecordedResource } from "../components/testing";
import { evaluateProgram } from "./testing";

jest.setTimeout(60_000);

const ONLY_PRODUCTS = { appRunnerEnabled: "true", appRunnerVpcEnabled: "false", eksFargateEnabled: "false", visitsDemoEnabled: "false" };

const one = (resources: RecordedResource[], type: string) => {
    const found = resources.filter((r) => r.type === type);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0];
};

describe("products-api alone (App Runner or Express with DynamoDB)", () => {
    let express: RecordedResource[];
    let appRunner: RecordedResource[];
    beforeAll(async () => {
        express = await evaluateProgram("dev", "dev", { ...ONLY_PRODUCTS, appRunnerPlatform: "ecs-express" });
        appRunner = await evaluateProgram("dev", "dev", { ...ONLY_PRODUCTS, appRunnerPlatform: "app-runner" });
    });

    it("should create the shared network and run the Express service in its public subnets when on ecs-express", () => {
        const vpc = one(express, "awsx:ec2:Vpc");
        const service = one(express, "aws:ecs/expressGatewayService:ExpressGatewayService");
        expect(service.inputs.networkConfigurations).toHaveLength(1);
        expect(service.inputs.networkConfigurations[0].subnets).toEqual(vpc.state.publicSubnetIds);
        expect(one(express, "aws:ec2/securityGroup:SecurityGroup").inputs.vpcId).toBe(vpc.state.vpcId);
    });

    it("should create the Express service only after the VPC and its endpoints when on ecs-express", () => {
        const vpc = one(express, "awsx:ec2:Vpc");
        expect(vpc.inputs.vpcEndpointSpecs.map((s: { serviceName: string }) => s.serviceName)).toContain("com.amazonaws.us-east-1.ecr.dkr");
        const service = one(express, "aws:ecs/expressGatewayService:ExpressGatewayService");
        expect(service.dependsOn).toContain(vpc.urn);
    });

    it("should create no VPC when products-api runs on App Runner", () => {
        expect(appRunner.filter((r) => r.type === "awsx:ec2:Vpc")).toEqual([]);
        expect(appRunner.filter((r) => r.type === "aws:ecs/expressGatewayService:ExpressGatewayService")).toEqual([]);
    });
});
