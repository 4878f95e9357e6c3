import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { resolveStackConfig } from "../scripts/lib/stack-config";
import { CONFIG_KEYS, parseConfig } from "./config";
import { committedStackConfig, rawStackConfig } from "./testing";

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
        // On App Runner (the stack files' ecs-express would add Express's own refusal of the pair).
        [
            "an App Runner CPU/memory pair that does not exist",
            { appRunnerVpcPlatform: "app-runner", catalogueCpu: "1 vCPU", catalogueMemory: "0.5 GB" },
            '`serverless-containers:catalogueMemory` "0.5 GB" is not allowed with serverless-containers:catalogueCpu "1 vCPU"; allowed: 2 GB, 3 GB, 4 GB.',
        ],
        [
            "an unknown CPU",
            { productsCpu: "3 vCPU" },
            '`serverless-containers:productsCpu` must be one of 0.25 vCPU | 0.5 vCPU | 1 vCPU | 2 vCPU | 4 vCPU (got "3 vCPU").',
        ],
        [
            "a page topic that is not an SNS ARN",
            { alarmPageTopicArn: "arn:aws:sqs:us-east-1:123456789012:q" },
            '`serverless-containers:alarmPageTopicArn` must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>) (got "arn:aws:sqs:us-east-1:123456789012:q").',
        ],
        [
            "a ticket e-mail without a domain",
            { alarmTicketEmail: "oncall" },
            '`serverless-containers:alarmTicketEmail` must be an e-mail address (got "oncall").',
        ],
        [
            "an e-mail beside an own page topic",
            { alarmPageTopicArn: "arn:aws:sns:us-east-1:123456789012:oncall", alarmPageEmail: "a@example.com" },
            "`serverless-containers:alarmPageEmail` subscribes to the topic the stack creates, but `serverless-containers:alarmPageTopicArn` names your own topic: subscribe the address to that topic instead, or drop the ARN.",
        ],
        [
            "a runbook URL with a fragment",
            { runbookUrl: "https://example.com/runbooks.md#top" },
            '`serverless-containers:runbookUrl` must be an https URL without a #fragment (the alarm id is appended as one) (got "https://example.com/runbooks.md#top").',
        ],
        [
            "concurrency 0",
            { catalogueMaxConcurrency: "0" },
            '`serverless-containers:catalogueMaxConcurrency` must be an integer between 1 and 200 (got "0").',
        ],
        [
            "concurrency 500",
            { catalogueMaxConcurrency: "500" },
            '`serverless-containers:catalogueMaxConcurrency` must be an integer between 1 and 200 (got "500").',
        ],
        [
            "min size above max size",
            { catalogueMinSize: "6", catalogueMaxSize: "5" },
            "`serverless-containers:catalogueMinSize` (6) must not be greater than `serverless-containers:catalogueMaxSize` (5).",
        ],
        [
            "0.3 ACU",
            { auroraMinCapacity: "0.3" },
            '`serverless-containers:auroraMinCapacity` must be 0, or 0.5-256 ACU in 0.5 steps (got "0.3").',
        ],
        ["300 ACU", { auroraMaxCapacity: "300" }, '`serverless-containers:auroraMaxCapacity` must be 1-256 ACU in 0.5 steps (got "300").'],
        [
            "a non-numeric ACU",
            { auroraMaxCapacity: "lots" },
            '`serverless-containers:auroraMaxCapacity` must be 1-256 ACU in 0.5 steps (got "lots").',
        ],
        [
            "min ACU above max ACU",
            { auroraMinCapacity: "8", auroraMaxCapacity: "4" },
            "`serverless-containers:auroraMinCapacity` (8) must not be greater than `serverless-containers:auroraMaxCapacity` (4).",
        ],
        [
            "an unknown environment",
            { environment: "qa" },
            '`serverless-containers:environment` must be one of dev | staging | prod (got "qa").',
        ],
        [
            "an unknown platform",
            { appRunnerPlatform: "fargate" },
            '`serverless-containers:appRunnerPlatform` must be one of app-runner | ecs-express (got "fargate").',
        ],
        [
            "a boolean written as yes",
            { appRunnerVpcEnabled: "yes" },
            '`serverless-containers:appRunnerVpcEnabled` must be true or false (got "yes").',
        ],
        [
            "a fractional integer",
            { auroraReaders: "1.5" },
            '`serverless-containers:auroraReaders` must be an integer between 0 and 15 (got "1.5").',
        ],
        [
            "a CIDR smaller than any VPC",
            { vpcCidr: "10.0.0.0/29" },
            '`serverless-containers:vpcCidr` must be an IPv4 CIDR block from /16 to /28 (got "10.0.0.0/29").',
        ],
        // The layout needs a /20 private + /22 public subnet per zone; awsx splits the VPC evenly by zone.
        [
            "a /19 VPC for two zones",
            { vpcCidr: "10.0.0.0/19" },
            "`serverless-containers:vpcCidr` 10.0.0.0/19 is too small for the subnet layout in 2 zones (`serverless-containers:availabilityZones`): each zone needs 5120 addresses (a /20 private + a /22 public), so use /18 or larger.",
        ],
        [
            "a /24 VPC for two zones",
            { vpcCidr: "10.0.0.0/24" },
            "`serverless-containers:vpcCidr` 10.0.0.0/24 is too small for the subnet layout in 2 zones (`serverless-containers:availabilityZones`): each zone needs 5120 addresses (a /20 private + a /22 public), so use /18 or larger.",
        ],
        [
            "a /18 VPC for three zones",
            { vpcCidr: "10.0.0.0/18", availabilityZones: "3" },
            "`serverless-containers:vpcCidr` 10.0.0.0/18 is too small for the subnet layout in 3 zones (`serverless-containers:availabilityZones`): each zone needs 5120 addresses (a /20 private + a /22 public), so use /17 or larger.",
        ],
        [
            "a CIDR with host bits",
            { vpcCidr: "10.0.1.0/16" },
            "`serverless-containers:vpcCidr` 10.0.1.0/16 has host bits set; write the network address of the block.",
        ],
        [
            "one availability zone",
            { availabilityZones: "1" },
            '`serverless-containers:availabilityZones` must be an integer between 2 and 3 (got "1").',
        ],
        [
            "an unknown NAT strategy",
            { natGateways: "none" },
            '`serverless-containers:natGateways` must be one of single | one-per-az (got "none").',
        ],
        [
            "prod without deletion protection",
            {
                environment: "prod",
                auroraDeletionProtection: "false",
                eksEndpointPublicAccess: "false",
                eksDeployRoleArn: "arn:aws:iam::123456789012:role/ci/deploy",
                eksPreviewRoleArn: "arn:aws:iam::123456789012:role/ci/preview",
                eksBreakGlassRoleArn: "arn:aws:iam::123456789012:role/ops/break-glass",
            },
            "`serverless-containers:auroraDeletionProtection` must be true when environment is prod (got false).",
        ],
        [
            "a missing key",
            { imageRetainCount: undefined },
            "`serverless-containers:imageRetainCount` is missing; declare it in Pulumi.yaml.",
        ],
        [
            "an EKS version that is not 1.3x",
            { eksKubernetesVersion: "1.21" },
            '`serverless-containers:eksKubernetesVersion` must be a Kubernetes minor version such as 1.35 (got "1.21").',
        ],
        [
            "a CIDR list that is not a list",
            { eksPublicAccessCidrs: '"0.0.0.0/0"' },
            '`serverless-containers:eksPublicAccessCidrs` must be a list of IPv4 CIDRs such as ["52.94.76.0/24"] (got "0.0.0.0/0").',
        ],
        [
            "4 vCPU / 12 GB on ECS Express Mode",
            { appRunnerPlatform: "ecs-express", productsCpu: "4 vCPU", productsMemory: "12 GB" },
            '`serverless-containers:appRunnerPlatform` is ecs-express, so `serverless-containers:productsCpu` "4 vCPU" and `serverless-containers:productsMemory` "12 GB" must fit Express sizes: `memory` 12 GiB cannot run on ECS Express Mode, which allows at most 8 GiB; use 8 or less, or App Runner.',
        ],
        [
            "HPA min above max",
            { eksMinReplicas: "5", eksMaxReplicas: "2" },
            "`serverless-containers:eksMinReplicas` (5) must not be greater than `serverless-containers:eksMaxReplicas` (2).",
        ],
    ];
    it.each(bad)("should reject %s naming the key", (_case, overrides, message) => {
        expect(errorFor(overrides)).toBe(`Invalid stack config for stack "dev":\n  - ${message}`);
    });
});

describe("EKS API access config", () => {
    const PUBLIC = "52.94.76.0/24";
    const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
    const stagingError = (overrides: Record<string, string>) => {
        try {
            parseConfig({ ...rawFor("staging"), ...overrides }, "staging");
        } catch (e) {
            return (e as Error).message;
        }
        throw new Error("expected the config to be rejected");
    };

    const bad: [string, Record<string, string>, string][] = [
        [
            "a documentation range (the old staging placeholder)",
            { eksPublicAccessCidrs: '["203.0.113.0/24"]' },
            '`serverless-containers:eksPublicAccessCidrs` entry "203.0.113.0/24" includes 203.0.113.0/24 (documentation, RFC 5737), and EKS accepts no reserved addresses for the public endpoint; list the public egress addresses of your runners and offices.',
        ],
        [
            "a private range for the public endpoint",
            { eksPublicAccessCidrs: '["192.168.1.0/24"]' },
            '`serverless-containers:eksPublicAccessCidrs` entry "192.168.1.0/24" includes 192.168.0.0/16 (private, RFC 1918), and EKS accepts no reserved addresses for the public endpoint; list the public egress addresses of your runners and offices.',
        ],
        [
            "a CIDR with octets above 255",
            { eksPublicAccessCidrs: '["300.1.2.0/24"]' },
            '`serverless-containers:eksPublicAccessCidrs` entry "300.1.2.0/24" must be an IPv4 CIDR: four octets 0-255, a prefix 0-32 and no host bits (e.g. 52.94.76.0/24).',
        ],
        [
            "public CIDRs on a private endpoint",
            {
                eksEndpointPublicAccess: "false",
                eksPublicAccessCidrs: `["${PUBLIC}"]`,
                eksDeployRoleArn: role("ci/deploy"),
                eksPreviewRoleArn: role("ci/preview"),
                eksBreakGlassRoleArn: role("ops/break-glass"),
            },
            "`serverless-containers:eksPublicAccessCidrs` applies only when `serverless-containers:eksEndpointPublicAccess` is true; drop the CIDRs or enable the public endpoint.",
        ],
        [
            "a private-endpoint CIDR that is the whole internet",
            { eksPrivateAccessCidrs: '["0.0.0.0/0"]' },
            '`serverless-containers:eksPrivateAccessCidrs` entry "0.0.0.0/0" would admit every address to the private endpoint; list the connected networks (peered VPC, VPN) instead.',
        ],
        [
            "an STS session ARN as the deploy role",
            { eksDeployRoleArn: "arn:aws:sts::123456789012:assumed-role/deploy/gh-123" },
            '`serverless-containers:eksDeployRoleArn` must be an IAM role ARN such as arn:aws:iam::111122223333:role/path/name (got "arn:aws:sts::123456789012:assumed-role/deploy/gh-123"); that is an STS session ARN: use arn:aws:iam::123456789012:role/<path/>deploy.',
        ],
        [
            "the same role for preview and break-glass",
            { eksPreviewRoleArn: role("ops"), eksBreakGlassRoleArn: role("ops") },
            "`serverless-containers:eksPreviewRoleArn` and `serverless-containers:eksBreakGlassRoleArn` name the same role; EKS allows one access entry per IAM principal, so give each purpose its own role.",
        ],
    ];
    it.each(bad)("should reject %s naming the key", (_case, overrides, message) => {
        expect(errorFor(overrides)).toBe(`Invalid stack config for stack "dev":\n  - ${message}`);
    });

    it.each(["staging", "prod"])("should refuse a public endpoint open to anywhere when environment is %s", (env) => {
        const message = `\`serverless-containers:eksPublicAccessCidrs\` must list the CIDRs allowed to reach the public Kubernetes API endpoint when environment is ${env} (empty means 0.0.0.0/0); or keep the endpoint private and deploy from inside the VPC (docs/deploying.md, "EKS API access and the first deploy").`;
        const raw = (overrides: Record<string, string>) => ({
            ...rawFor(env),
            environment: env,
            eksEndpointPublicAccess: "true",
            ...overrides,
        });
        expect(() => parseConfig(raw({ eksPublicAccessCidrs: "[]" }), env)).toThrow(message);
        expect(() => parseConfig(raw({ eksPublicAccessCidrs: '["0.0.0.0/0"]' }), env)).toThrow(
            `\`serverless-containers:eksPublicAccessCidrs\` must not contain 0.0.0.0/0 when environment is ${env}; list the egress CIDRs of your runners and offices.`,
        );
        expect(parseConfig(raw({ eksPublicAccessCidrs: `["${PUBLIC}"]` }), env).eksPublicAccessCidrs).toEqual([PUBLIC]);
        expect(stagingError({ eksEndpointPublicAccess: "true" })).toContain(
            "must list the CIDRs allowed to reach the public Kubernetes API endpoint when environment is staging",
        );
    });

    it("should let dev open the public endpoint to anywhere (the policy pack reports it) when the list is empty", () => {
        expect(
            parseConfig({ ...devRaw(), eksEndpointPublicAccess: "true", eksPublicAccessCidrs: "[]" }, "dev").eksPublicAccessCidrs,
        ).toEqual([]);
    });

    it("should parse the access keys into role ARNs and CIDR lists, empty strings meaning no role", () => {
        const config = parseConfig(
            {
                ...devRaw(),
                eksDeployRoleArn: role("ci/deploy"),
                eksPreviewRoleArn: role("ci/preview"),
                eksBreakGlassRoleArn: "",
                eksPrivateAccessCidrs: '["10.100.0.0/16"]',
            },
            "dev",
        );
        expect([config.eksDeployRoleArn, config.eksPreviewRoleArn, config.eksBreakGlassRoleArn]).toEqual([
            role("ci/deploy"),
            role("ci/preview"),
            undefined,
        ]);
        expect(config.eksPrivateAccessCidrs).toEqual(["10.100.0.0/16"]);
    });

    it("should keep staging and prod API endpoints private in the committed stack files", () => {
        for (const env of ["staging", "prod"]) {
            const config = parseConfig(rawFor(env), env);
            expect({ env, public: config.eksEndpointPublicAccess, cidrs: config.eksPublicAccessCidrs }).toEqual({
                env,
                public: false,
                cidrs: [],
            });
        }
    });
});

describe("EKS access entries on a private API", () => {
    const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
    const roles = {
        eksDeployRoleArn: role("ci/deploy"),
        eksPreviewRoleArn: role("ci/preview"),
        eksBreakGlassRoleArn: role("ops/break-glass"),
    };
    const required = (missing: string) =>
        `${missing} must be set when \`serverless-containers:eksFargateEnabled\` is true and \`serverless-containers:eksEndpointPublicAccess\` is false: ` +
        "a private Kubernetes API admits only principals with an EKS access entry, so the role CI deploys with (eksDeployRoleArn), the role it previews with (eksPreviewRoleArn) " +
        'and the emergency admin role (eksBreakGlassRoleArn) each need one; set them to IAM role ARNs of the stack\'s account (docs/deploying.md, "EKS API access and the first deploy").';

    it("should refuse a private endpoint that leaves access roles unset, naming the missing keys and the docs", () => {
        expect(errorFor({ eksEndpointPublicAccess: "false", eksDeployRoleArn: role("ci/deploy") })).toBe(
            `Invalid stack config for stack "dev":\n  - ${required("`serverless-containers:eksPreviewRoleArn` and `serverless-containers:eksBreakGlassRoleArn`")}`,
        );
        expect(errorFor({ eksEndpointPublicAccess: "false" })).toContain(
            required(
                "`serverless-containers:eksDeployRoleArn`, `serverless-containers:eksPreviewRoleArn` and `serverless-containers:eksBreakGlassRoleArn`",
            ),
        );
    });

    it.each(["staging", "prod"])("should refuse the committed %s file as the CLI resolves it, until the account's roles are set", (env) => {
        expect(() => parseConfig(committedStackConfig(env), env)).toThrow(
            required(
                "`serverless-containers:eksDeployRoleArn`, `serverless-containers:eksPreviewRoleArn` and `serverless-containers:eksBreakGlassRoleArn`",
            ),
        );
        expect(parseConfig({ ...committedStackConfig(env), ...roles }, env).eksDeployRoleArn).toBe(roles.eksDeployRoleArn);
    });

    it("should not require the roles for a public endpoint or when the stack runs no EKS cluster", () => {
        expect(parseConfig({ ...devRaw(), eksEndpointPublicAccess: "true" }, "dev").eksDeployRoleArn).toBeUndefined();
        expect(parseConfig({ ...committedStackConfig("prod"), eksFargateEnabled: "false" }, "prod").eksFargateEnabled).toBe(false);
    });

    it("should give the offline tools stand-ins for exactly the roles a private endpoint requires, marked as such", () => {
        const standIns = Object.fromEntries(
            ["eksDeployRoleArn", "eksPreviewRoleArn", "eksBreakGlassRoleArn"].map((k) => [k, rawFor("prod")[k]]),
        );
        expect(standIns).toEqual({
            eksDeployRoleArn: "arn:aws:iam::123456789012:role/offline-stand-in/eks-deploy",
            eksPreviewRoleArn: "arn:aws:iam::123456789012:role/offline-stand-in/eks-preview",
            eksBreakGlassRoleArn: "arn:aws:iam::123456789012:role/offline-stand-in/eks-break-glass",
        });
        expect(rawFor("dev").eksDeployRoleArn).toBe("");
    });
});

describe("stack config, continued", () => {
    it.each([
        ["10.0.0.0/18", "2"],
        ["10.64.0.0/17", "3"],
    ])("should accept %s for %s zones, the smallest VPC the layout fits", (vpcCidr, availabilityZones) => {
        expect(parseConfig({ ...rawFor("dev"), vpcCidr, availabilityZones }, "dev").vpcCidr).toBe(vpcCidr);
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
        (parse(readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8")) as { config: Record<string, { default?: unknown }> })
            .config[key]?.default;

    it("should default each engine to the component's verified LTS version, one key per engine", async () => {
        const { auroraDefaultVersion } = await import("../components/index");
        expect(pulumiYamlDefault("auroraMysqlVersion")).toBe(auroraDefaultVersion("mysql"));
        expect(pulumiYamlDefault("auroraPostgresqlVersion")).toBe(auroraDefaultVersion("postgresql"));
        const config = parseConfig(devRaw(), "dev");
        expect([config.auroraMysqlVersion, config.auroraPostgresqlVersion]).toEqual(["8.0.mysql_aurora.3.10.4", "16.8"]);
    });

    it("should take a newer version from the key when AWS stops offering the default", () => {
        const config = parseConfig({ ...devRaw(), auroraMysqlVersion: "8.0.mysql_aurora.3.12.0", auroraPostgresqlVersion: "17.7" }, "dev");
        expect([config.auroraMysqlVersion, config.auroraPostgresqlVersion]).toEqual(["8.0.mysql_aurora.3.12.0", "17.7"]);
    });

    it.each([
        [
            "a PostgreSQL version for MySQL",
            { auroraMysqlVersion: "16.8" },
            '`serverless-containers:auroraMysqlVersion` must be an Aurora MySQL 3 version such as 8.0.mysql_aurora.3.10.4 (got "16.8").',
        ],
        [
            "an Aurora MySQL 2 version",
            { auroraMysqlVersion: "5.7.mysql_aurora.2.12.5" },
            '`serverless-containers:auroraMysqlVersion` must be an Aurora MySQL 3 version such as 8.0.mysql_aurora.3.10.4 (got "5.7.mysql_aurora.2.12.5").',
        ],
        [
            "a PostgreSQL major without a minor",
            { auroraPostgresqlVersion: "16" },
            '`serverless-containers:auroraPostgresqlVersion` must be an Aurora PostgreSQL 13-17 version such as 16.8 (got "16").',
        ],
        [
            "PostgreSQL 12",
            { auroraPostgresqlVersion: "12.22" },
            '`serverless-containers:auroraPostgresqlVersion` must be an Aurora PostgreSQL 13-17 version such as 16.8 (got "12.22").',
        ],
    ])("should reject %s naming the key", (_case, overrides, message) => {
        expect(errorFor(overrides)).toBe(`Invalid stack config for stack "dev":\n  - ${message}`);
    });
});
