/**
 * The one ServiceArgs vocabulary: each platform's conversion of cpu (vCPU) and memory (GiB) to its notation (a
 * table per platform), each old name as an alias (same resources as the new name, one warning; both → error),
 * and the refusals of what a platform cannot do.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as Sizes from "./sizes";
import type * as Aliases from "./aliases";
import { errorOf, settle, setupMocks } from "../testing/mocks";

const mocks = setupMocks({ subnets: { "subnet-a": "10.0.0.0/22", "subnet-b": "10.0.4.0/22" } });
let sizes: typeof Sizes;
let aliases: typeof Aliases;
let express: typeof import("../ecs-express-service");
let appRunner: typeof import("../app-runner-service");
let connected: typeof import("../vpc-connected-app-runner");
let privateFargate: typeof import("../private-fargate-service");

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${"a".repeat(64)}`;
const VPC = { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] };

beforeAll(async () => {
    sizes = await import("./sizes");
    aliases = await import("./aliases");
    express = await import("../ecs-express-service");
    appRunner = await import("../app-runner-service");
    connected = await import("../vpc-connected-app-runner");
    privateFargate = await import("../private-fargate-service");
});
beforeEach(() => mocks.reset());

const quiet = () => new aliases.Deprecations("Test", "t");

describe("cpu and memory in each platform's notation", () => {
    it.each([
        [0.25, 0.5, "0.25 vCPU", "0.5 GB"],
        [0.25, 1, "0.25 vCPU", "1 GB"],
        [0.5, 1, "0.5 vCPU", "1 GB"],
        [1, 3, "1 vCPU", "3 GB"],
        [4, 12, "4 vCPU", "12 GB"],
    ])("should give App Runner %s vCPU / %s GiB as %j / %j", (cpu, memory, c, m) => {
        expect(sizes.appRunnerSize(cpu, memory, quiet())).toEqual({ cpu: c, memory: m });
    });

    it.each([
        [0.25, 0.5, "256", "512"],
        [1, 3, "1024", "3072"],
        [4, 8, "4096", "8192"],
    ])("should give ECS Express %s vCPU / %s GiB as %j / %j", (cpu, memory, c, m) => {
        expect(sizes.expressSize(cpu, memory, quiet())).toEqual({ cpu: c, memory: m });
    });

    it.each([
        [0.25, 0.5, 256, 512],
        [0.5, 1, 512, 1024],
        [2, 4, 2048, 4096],
    ])("should give private Fargate %s vCPU / %s GiB as %s units / %s MiB", (cpu, memory, c, m) => {
        expect(sizes.privateFargateSize(cpu, memory, quiet())).toEqual({ cpu: c, memory: m });
    });

    it.each([
        [0.25, 0.5, "250m", "512Mi"],
        [0.5, 1, "500m", "1Gi"],
        [1, 2, "1", "2Gi"],
        [2, 1.5, "2", "1536Mi"],
    ])("should give EKS %s vCPU / %s GiB as %j / %j", (cpu, memory, c, m) => {
        expect(sizes.eksQuantities(cpu, memory, quiet())).toEqual({ cpu: c, memory: m });
    });

    it("should read each platform's old notation as the same size and note it", () => {
        const d = quiet();
        expect(sizes.appRunnerSize("1 vCPU", "2 GB", d)).toEqual({ cpu: "1 vCPU", memory: "2 GB" });
        expect(sizes.expressSize("0.25 vCPU", "0.5 GB", d)).toEqual({ cpu: "256", memory: "512" });
        expect(sizes.privateFargateSize(256, 512, d)).toEqual({ cpu: 256, memory: 512 });
        expect(sizes.eksQuantities("250m", "512Mi", d)).toEqual({ cpu: "250m", memory: "512Mi" });
        expect(d.notes()).toEqual([
            '`cpu` "1 vCPU" → 1 (vCPU as a number)',
            '`memory` "2 GB" → 2 (GiB as a number)',
            '`cpu` "0.25 vCPU" → 0.25 (vCPU as a number)',
            '`memory` "0.5 GB" → 0.5 (GiB as a number)',
            "`cpu` 256 read as CPU units → 0.25 (vCPU; a number of 128 or more is taken as CPU units, since no valid vCPU value is that large)",
            "`memory` 512 read as MiB → 0.5 (GiB; a number of 256 or more is taken as MiB, since no valid GiB value is that large)",
            '`cpu` as a Kubernetes quantity ("250m") → vCPU as a number (e.g. 0.25)',
            '`memory` as a Kubernetes quantity ("512Mi") → GiB as a number (e.g. 0.5)',
        ]);
    });

    it("should name the platform's allowed values when a pair does not exist there", () => {
        expect(sizes.appRunnerSize(3, 6, quiet())).toEqual({
            problems: ["`cpu` must be one of 0.25, 0.5, 1, 2, 4 vCPU on App Runner (got 3)."],
        });
        expect(sizes.appRunnerSize(0.5, 2, quiet())).toEqual({
            problems: ["`memory` 2 GiB is not allowed with `cpu` 0.5 on App Runner; allowed: 1 GiB."],
        });
        expect(sizes.expressSize(4, 12, quiet()).problems?.[0]).toMatch(/at most 8 GiB/);
    });
});

/** Every resource's type, name and inputs, for comparing two programs. */
const snapshot = () =>
    mocks.resources
        .map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }))
        .sort((a, b) => `${a.type}/${a.name}`.localeCompare(`${b.type}/${b.name}`));

async function resourcesOf(build: () => void): Promise<{ resources: ReturnType<typeof snapshot>; warnings: string[] }> {
    mocks.reset();
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
        build();
        await settle();
        return { resources: snapshot(), warnings: warn.mock.calls.map((c) => String(c[0])) };
    } finally {
        warn.mockRestore();
    }
}

describe("old argument names (aliases for one minor version)", () => {
    const expressCases: [string, Record<string, unknown>, Record<string, unknown>][] = [
        [
            "environmentSecrets",
            { environmentSecrets: { API_KEY: "arn:aws:secretsmanager:us-east-1:1:secret:k" } },
            { secrets: { API_KEY: "arn:aws:secretsmanager:us-east-1:1:secret:k" } },
        ],
        ["healthCheckPath", { healthCheckPath: "/ready" }, { health: { path: "/ready" } }],
        ["minSize/maxSize", { minSize: 2, maxSize: 7 }, { scaling: { min: 2, max: 7 } }],
        [
            "scaling {metric, targetValue}",
            { scaling: { metric: "REQUEST_COUNT_PER_TARGET", targetValue: 900 } },
            { scaling: { target: { metric: "requests", value: 900 } } },
        ],
        [
            "vpc (with egress)",
            { vpc: { ...VPC, egress: [{ port: 5432, securityGroupId: "sg-db", description: "db" }] } },
            { network: { vpc: VPC, egress: [{ port: 5432, securityGroupId: "sg-db", description: "db" }] } },
        ],
        ["cpu/memory App Runner strings", { cpu: "1 vCPU", memory: "2 GB" }, { cpu: 1, memory: 2 }],
    ];
    it.each(expressCases)(
        "should create the same Express resources from the old %s as from the new name, with one warning",
        async (_label, old, now) => {
            const base = { image: IMAGE };
            const withNetwork = (extra: Record<string, unknown>) =>
                "vpc" in extra || "network" in extra ? extra : { network: { vpc: VPC }, ...extra };
            const before = await resourcesOf(() => new express.EcsExpressService("svc", { ...base, ...withNetwork(old) }));
            const after = await resourcesOf(() => new express.EcsExpressService("svc", { ...base, ...withNetwork(now) }));
            expect(before.resources).toEqual(after.resources);
            expect(after.warnings).toEqual([]);
            expect(before.warnings).toHaveLength(1);
            expect(before.warnings[0]).toMatch(/^EcsExpressService "svc": deprecated arguments, accepted until the next minor version/);
        },
    );

    it("should create the same App Runner resources from maxConcurrency as from scaling.target concurrency, with one warning", async () => {
        const before = await resourcesOf(() => new appRunner.AppRunnerService("web-svc", { image: IMAGE, maxConcurrency: 50, minSize: 2 }));
        const after = await resourcesOf(
            () =>
                new appRunner.AppRunnerService("web-svc", {
                    image: IMAGE,
                    scaling: { min: 2, target: { metric: "concurrency", value: 50 } },
                }),
        );
        expect(before.resources).toEqual(after.resources);
        expect(before.warnings).toEqual([
            'AppRunnerService "web-svc": deprecated arguments, accepted until the next minor version (see the package CHANGELOG): `maxConcurrency` → `scaling.target`; `minSize` → `scaling.min`.',
        ]);
        expect(after.warnings).toEqual([]);
    });

    it("should create the same VpcConnectedAppRunner resources from vpc as from network, warning once", async () => {
        const before = await resourcesOf(
            () => new connected.VpcConnectedAppRunner("web-svc", { image: IMAGE, vpc: VPC, cpu: "1 vCPU" as never, memory: 2 }),
        );
        const after = await resourcesOf(
            () => new connected.VpcConnectedAppRunner("web-svc", { image: IMAGE, network: { vpc: VPC }, cpu: 1, memory: 2 }),
        );
        expect(before.resources).toEqual(after.resources);
        expect(before.warnings).toHaveLength(1);
        expect(before.warnings[0]).toContain("`vpc` → `network`");
        expect(before.warnings[0]).toContain('`cpu` "1 vCPU" → 1');
        expect(after.warnings).toEqual([]);
    });

    it("should create the same private Fargate resources from vpc, allowFrom, healthCheckCommand, desiredCount and CPU units as from the new names", async () => {
        const common = { image: IMAGE, namespaceName: "demo.local" };
        const before = await resourcesOf(
            () =>
                new privateFargate.PrivateFargateService("svc", {
                    ...common,
                    vpc: VPC,
                    allowFrom: ["sg-client"],
                    healthCheckCommand: ["CMD", "true"],
                    desiredCount: 2,
                    cpu: 512,
                    memory: 1024,
                    environmentSecrets: { K: "arn:aws:secretsmanager:us-east-1:1:secret:k" },
                }),
        );
        const after = await resourcesOf(
            () =>
                new privateFargate.PrivateFargateService("svc", {
                    ...common,
                    network: { vpc: VPC, allowFrom: ["sg-client"] },
                    health: { command: ["CMD", "true"] },
                    scaling: { min: 2, max: 2 },
                    cpu: 0.5,
                    memory: 1,
                    secrets: { K: "arn:aws:secretsmanager:us-east-1:1:secret:k" },
                }),
        );
        expect(before.resources).toEqual(after.resources);
        expect(before.warnings).toHaveLength(1);
        expect(after.warnings).toEqual([]);
    });

    it.each([
        ["healthCheckPath", { healthCheckPath: "/a", health: { path: "/b" } }, "`healthCheckPath` and `health.path` are both set"],
        ["minSize", { minSize: 1, scaling: { min: 2 } }, "`minSize` and `scaling.min` are both set"],
        ["environmentSecrets", { environmentSecrets: {}, secrets: {} }, "`environmentSecrets` and `secrets` are both set"],
        ["vpc", { vpc: VPC, network: { vpc: VPC } }, "`vpc` and `network` are both set"],
    ])("should refuse the old %s and its new name together", async (_label, args, message) => {
        const error = await errorOf(() => new express.EcsExpressService("svc", { image: IMAGE, network: { vpc: VPC }, ...args }));
        expect(error).toContain(message);
    });
});

describe("what a platform cannot do is refused by name", () => {
    it.each([
        [
            { scaling: { target: { metric: "concurrency", value: 10 } } },
            '`scaling.target.metric` "concurrency" is not supported on ECS Express Mode, which scales on "cpu", "memory", "requests" only.',
        ],
        [{ health: { command: ["CMD", "true"] } }, "`health.command` cannot be used on ECS Express Mode"],
        [{ health: { readinessPath: "/ready" } }, "`health.readinessPath` cannot be used on ECS Express Mode"],
        [{ network: { vpc: VPC, allowFrom: ["sg-1"] } }, "`network.allowFrom` cannot be used on ECS Express Mode"],
    ])("should refuse %j on ECS Express", async (args, message) => {
        const error = await errorOf(() => new express.EcsExpressService("svc", { image: IMAGE, network: { vpc: VPC }, ...args } as never));
        expect(error).toContain(message);
    });

    it("should refuse a cpu target on App Runner, which scales on concurrency only", async () => {
        const error = await errorOf(
            () => new appRunner.AppRunnerService("web-svc", { image: IMAGE, scaling: { target: { metric: "cpu", value: 50 } } }),
        );
        expect(error).toContain('`scaling.target.metric` "cpu" is not supported on App Runner, which scales on "concurrency" only.');
    });

    it("should refuse different min and max on private Fargate, which has no autoscaling", async () => {
        const error = await errorOf(
            () =>
                new privateFargate.PrivateFargateService("svc", {
                    image: IMAGE,
                    namespaceName: "demo.local",
                    network: { vpc: VPC, allowFrom: ["sg-1"] },
                    scaling: { min: 1, max: 3 },
                }),
        );
        expect(error).toContain("must be equal on private Fargate, which has no autoscaling");
    });
});
