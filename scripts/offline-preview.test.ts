import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

function preview(...args: string[]) {
    const run = spawnSync(process.execPath, ["-r", "@swc-node/register", "scripts/offline-preview.ts", ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const PATTERN_27 = [
    "awsx:ec2:Vpc",
    "serverless-containers:database:AuroraWithProxy",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:rds/proxy:Proxy",
    "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
    "aws:rds/proxyTarget:ProxyTarget",
    "serverless-containers:image:ContainerImage",
    "aws:ecr/repository:Repository",
    "docker:index/image:Image",
    "serverless-containers:apprunner:VpcConnectedAppRunner",
    "aws:apprunner/vpcConnector:VpcConnector",
    "aws:apprunner/service:Service",
    "aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion",
];

describe("offline preview", () => {
    it("should list every pattern 27 resource and the service URL when run for dev", () => {
        const run = preview("--stack", "dev", "--json");
        expect(run.stderr).not.toContain("failed");
        expect(run.status).toBe(0);
        const plan = JSON.parse(run.stdout);
        for (const type of PATTERN_27) expect(plan.counts[type]).toBeGreaterThanOrEqual(1);
        expect(plan.outputs.catalogueUrl).toMatch(/^https:\/\/.+\.awsapprunner\.com$/);
        const names = plan.resources.map((r: { name: string }) => r.name);
        expect(names).toContain("catalogue-db-proxy-target");
    });

    it("should print a tree with counts and outputs when run without --json", () => {
        const run = preview("--stack", "dev");
        expect(run.status).toBe(0);
        expect(run.stdout).toMatch(/^Resources \(\d+\):$/m);
        expect(run.stdout).toContain("└─ ");
        expect(run.stdout).toMatch(/Counts by type:\n\s+\d+\s+\S+/);
        expect(run.stdout).toMatch(/Outputs:\n[\s\S]*catalogueUrl: https:\/\//);
    });

    it("should exit non-zero naming the key when a config value is invalid", () => {
        const run = preview("--stack", "dev", "--set", "catalogueMaxConcurrency=500");
        expect(run.status).toBe(1);
        expect(run.stderr).toContain('`serverless-containers:catalogueMaxConcurrency` must be an integer between 1 and 200 (got "500").');
    });

    it("should exit non-zero naming the stacks when the stack does not exist", () => {
        const run = preview("--stack", "qa");
        expect(run.status).toBe(1);
        expect(run.stderr).toContain("No stack file Pulumi.qa.yaml: stacks are dev, prod, staging.");
    });
});
