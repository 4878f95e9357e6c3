import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { resolveStackConfig } from "../scripts/lib/stack-config";
import { CONFIG_KEYS, parseConfig } from "./config";
import { rawStackConfig } from "./testing";

const PREFIX = "serverless-containers:";

const devRaw = () => rawStackConfig("dev");
const rawFor = rawStackConfig;

function errorFor(overrides: Record<string, string | undefined>): string {
    try {
        parseConfig({ ...devRaw(), ...overrides }, "dev");
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected the config to be rejected");
}

describe("stack config", () => {
    it("should declare in Pulumi.yaml exactly the keys the program reads", () => {
        const declared = Object.keys((parse(readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8")) as { config: object }).config);
        expect([...declared].sort()).toEqual([...CONFIG_KEYS].sort());
    });

    it("should parse the dev stack with typed values when config is valid", () => {
        const config = parseConfig(devRaw(), "dev");
        expect(config).toMatchObject({
            environment: "dev",
            availabilityZones: 2,
            appRunnerVpcEnabled: true,
            catalogueCpu: "0.25 vCPU",
            catalogueMemory: "0.5 GB",
            catalogueMinSize: 1,
            catalogueMaxSize: 5,
            catalogueMaxConcurrency: 100,
            auroraMinCapacity: 0.5,
            auroraMaxCapacity: 4,
        });
        expect(config.tags).toEqual({ project: "serverless-containers", environment: "dev", stack: "dev", "managed-by": "pulumi" });
    });

    const bad: [string, Record<string, string | undefined>, string][] = [
        ["an App Runner CPU/memory pair that does not exist", { catalogueCpu: "1 vCPU", catalogueMemory: "0.5 GB" }, '`serverless-containers:catalogueMemory` "0.5 GB" is not allowed with serverless-containers:catalogueCpu "1 vCPU"; allowed: 2 GB, 3 GB, 4 GB.'],
        ["an unknown CPU", { productsCpu: "3 vCPU" }, '`serverless-containers:productsCpu` must be one of 0.25 vCPU | 0.5 vCPU | 1 vCPU | 2 vCPU | 4 vCPU (got "3 vCPU").'],
        ["concurrency 0", { catalogueMaxConcurrency: "0" }, '`serverless-containers:catalogueMaxConcurrency` must be an integer between 1 and 200 (got "0").'],
        ["concurrency 500", { catalogueMaxConcurrency: "500" }, '`serverless-containers:catalogueMaxConcurrency` must be an integer between 1 and 200 (got "500").'],
        ["min size above max size", { catalogueMinSize: "6", catalogueMaxSize: "5" }, "`serverless-containers:catalogueMinSize` (6) must not be greater than `serverless-containers:catalogueMaxSize` (5)."],
        ["0.3 ACU", { auroraMinCapacity: "0.3" }, '`serverless-containers:auroraMinCapacity` must be 0, or 0.5-256 ACU in 0.5 steps (got "0.3").'],
        ["300 ACU", { auroraMaxCapacity: "300" }, '`serverless-containers:auroraMaxCapacity` must be 1-256 ACU in 0.5 steps (got "300").'],
        ["a non-numeric ACU", { auroraMaxCapacity: "lots" }, '`serverless-containers:auroraMaxCapacity` must be 1-256 ACU in 0.5 steps (got "lots").'],
        ["min ACU above max ACU", { auroraMinCapacity: "8", auroraMaxCapacity: "4" }, "`serverless-containers:auroraMinCapacity` (8) must not be greater than `serverless-containers:auroraMaxCapacity` (4)."],
        ["an unknown environment", { environment: "qa" }, '`serverless-containers:environment` must be one of dev | staging | prod (got "qa").'],
        ["an unknown platform", { appRunnerPlatform: "fargate" }, '`serverless-containers:appRunnerPlatform` must be one of app-runner | ecs-express (got "fargate").'],
        ["a boolean written as yes", { appRunnerVpcEnabled: "yes" }, '`serverless-containers:appRunnerVpcEnabled` must be true or false (got "yes").'],
        ["a fractional integer", { auroraReaders: "1.5" }, '`serverless-containers:auroraReaders` must be an integer between 0 and 15 (got "1.5").'],
        ["a CIDR that is too small", { vpcCidr: "10.0.0.0/28" }, '`serverless-containers:vpcCidr` must be an IPv4 CIDR block from /16 to /24 (got "10.0.0.0/28").'],
        ["one availability zone", { availabilityZones: "1" }, '`serverless-containers:availabilityZones` must be an integer between 2 and 3 (got "1").'],
        ["an unknown NAT strategy", { natGateways: "none" }, '`serverless-containers:natGateways` must be one of single | one-per-az (got "none").'],
        ["prod without deletion protection", { environment: "prod", auroraDeletionProtection: "false" }, "`serverless-containers:auroraDeletionProtection` must be true when environment is prod (got false)."],
        ["a missing key", { imageRetainCount: undefined }, "`serverless-containers:imageRetainCount` is missing; declare it in Pulumi.yaml."],
        ["an EKS version that is not 1.3x", { eksKubernetesVersion: "1.21" }, '`serverless-containers:eksKubernetesVersion` must be a Kubernetes minor version such as 1.35 (got "1.21").'],
        ["a CIDR list that is not a list", { eksPublicAccessCidrs: '"0.0.0.0/0"' }, '`serverless-containers:eksPublicAccessCidrs` must be a list of IPv4 CIDRs such as ["203.0.113.0/24"] (got "0.0.0.0/0").'],
        ["4 vCPU / 12 GB on ECS Express Mode", { appRunnerPlatform: "ecs-express", productsCpu: "4 vCPU", productsMemory: "12 GB" }, '`serverless-containers:appRunnerPlatform` is ecs-express, so `serverless-containers:productsCpu` "4 vCPU" and `serverless-containers:productsMemory` "12 GB" must fit Express sizes: `memory` "12 GB" (12288 MiB) cannot run on ECS Express Mode, which allows at most 8192 MiB; use "8 GB" or less, or App Runner.'],
        ["HPA min above max", { eksMinReplicas: "5", eksMaxReplicas: "2" }, "`serverless-containers:eksMinReplicas` (5) must not be greater than `serverless-containers:eksMaxReplicas` (2)."],
    ];
    it.each(bad)("should reject %s naming the key", (_case, overrides, message) => {
        expect(errorFor(overrides)).toBe(`Invalid stack config for stack "dev":\n  - ${message}`);
    });

    it("should list every problem at once when several keys are wrong", () => {
        const message = errorFor({ catalogueMaxConcurrency: "0", auroraMinCapacity: "0.3" });
        expect(message.split("\n")).toHaveLength(3);
        expect(message).toContain("catalogueMaxConcurrency");
        expect(message).toContain("auroraMinCapacity");
    });
});

describe("environments", () => {
    it.each(["dev", "staging", "prod"])("should parse the %s stack file without errors", (stack) => {
        expect(parseConfig(rawFor(stack), stack).environment).toBe(stack);
    });

    it("should make prod zone-failure tolerant and protected while dev stays cheap", () => {
        const dev = parseConfig(rawFor("dev"), "dev");
        const prod = parseConfig(rawFor("prod"), "prod");
        expect([dev.natGateways, prod.natGateways]).toEqual(["single", "one-per-az"]);
        expect([dev.auroraDeletionProtection, prod.auroraDeletionProtection]).toEqual([false, true]);
        expect([dev.auroraReaders, prod.auroraReaders]).toEqual([0, 1]);
        expect(dev.auroraMinCapacity).toBe(0.5);
        expect(prod.eksEndpointPublicAccess).toBe(false);
        expect(prod.eksMinReplicas).toBeGreaterThanOrEqual(2);
        expect(prod.auroraBackupRetentionDays).toBe(35);
    });
});

describe("resolveStackConfig", () => {
    it("should apply Pulumi.yaml defaults and let the stack file win when both set a key", () => {
        const { values } = resolveStackConfig("dev");
        expect(values[`${PREFIX}catalogueMaxConcurrency`]).toBe("100");
        expect(values[`${PREFIX}environment`]).toBe("dev");
        expect(values["aws:region"]).toBe("us-east-1");
    });

    it("should name the stacks that exist when the stack file is missing", () => {
        expect(() => resolveStackConfig("nope")).toThrow(/^No stack file Pulumi\.nope\.yaml: stacks are .*dev/);
    });
});

describe("Aurora engine version keys", () => {
    const pulumiYamlDefault = (key: string): unknown =>
        (parse(readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8")) as { config: Record<string, { default?: unknown }> }).config[key]?.default;

    it("should default each engine to the component's verified LTS version, one key per engine", async () => {
        const { ENGINES } = await import("../components/aurora-with-proxy");
        expect(pulumiYamlDefault("auroraMysqlVersion")).toBe(ENGINES.mysql.defaultVersion);
        expect(pulumiYamlDefault("auroraPostgresqlVersion")).toBe(ENGINES.postgresql.defaultVersion);
        const config = parseConfig(devRaw(), "dev");
        expect([config.auroraMysqlVersion, config.auroraPostgresqlVersion]).toEqual(["8.0.mysql_aurora.3.10.4", "16.8"]);
    });

    it("should take a newer version from the key when AWS stops offering the default", () => {
        const config = parseConfig({ ...devRaw(), auroraMysqlVersion: "8.0.mysql_aurora.3.12.0", auroraPostgresqlVersion: "17.7" }, "dev");
        expect([config.auroraMysqlVersion, config.auroraPostgresqlVersion]).toEqual(["8.0.mysql_aurora.3.12.0", "17.7"]);
    });

    it.each([
        ["a PostgreSQL version for MySQL", { auroraMysqlVersion: "16.8" }, '`serverless-containers:auroraMysqlVersion` must be an Aurora MySQL 3 version such as 8.0.mysql_aurora.3.10.4 (got "16.8").'],
        ["an Aurora MySQL 2 version", { auroraMysqlVersion: "5.7.mysql_aurora.2.12.5" }, '`serverless-containers:auroraMysqlVersion` must be an Aurora MySQL 3 version such as 8.0.mysql_aurora.3.10.4 (got "5.7.mysql_aurora.2.12.5").'],
        ["a PostgreSQL major without a minor", { auroraPostgresqlVersion: "16" }, '`serverless-containers:auroraPostgresqlVersion` must be an Aurora PostgreSQL 13-17 version such as 16.8 (got "16").'],
        ["PostgreSQL 12", { auroraPostgresqlVersion: "12.22" }, '`serverless-containers:auroraPostgresqlVersion` must be an Aurora PostgreSQL 13-17 version such as 16.8 (got "12.22").'],
    ])("should reject %s naming the key", (_case, overrides, message) => {
        expect(errorFor(overrides)).toBe(`Invalid stack config for stack "dev":\n  - ${message}`);
    });
});
