import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { environmentPlan, renderDocs } from "./generate-docs";
import { renderPlanText } from "./lib/plan-report";

const ROOT = path.resolve(__dirname, "..");

interface Run {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Every command line the tests below use: run once each, concurrently, before the tests read them. */
const COMMAND_LINES: string[][] = [
    ["--stack", "dev", "--json"],
    ["--stack", "staging", "--json"],
    ["--stack", "prod", "--json"],
    ["--stack", "prod", "--set", "eksEndpointPublicAccess=true", "--set", 'eksPublicAccessCidrs=["52.94.76.0/24"]'],
    ["--stack", "dev", "--set", "catalogueMaxConcurrency=500"],
    ["--stack", "qa"],
];
const runs = new Map<string, Run>();

function run(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            ["-r", "@swc-node/register", "scripts/offline-preview.ts", ...args],
            { cwd: ROOT, encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
        );
    });
}

beforeAll(async () => {
    const results = await Promise.all(COMMAND_LINES.map(run));
    COMMAND_LINES.forEach((args, i) => runs.set(args.join("\0"), results[i]));
}, 120_000);

/** The result of one of COMMAND_LINES (run in beforeAll). */
function preview(...args: string[]): Run {
    const result = runs.get(args.join("\0"));
    if (!result) throw new Error(`add ${JSON.stringify(args)} to COMMAND_LINES`);
    return result;
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
    // The stack files host catalogue-api on ECS Express Mode (App Runner is closed to new customers).
    "serverless-containers:ecs:EcsExpressService",
    "aws:ecs/expressGatewayService:ExpressGatewayService",
];

describe("offline preview", () => {
    it("should list every pattern 27 resource and the service URL when run for dev", () => {
        const run = preview("--stack", "dev", "--json");
        expect(run.stderr).not.toContain("failed");
        expect(run.status).toBe(0);
        const plan = JSON.parse(run.stdout);
        for (const type of PATTERN_27) expect(plan.counts[type]).toBeGreaterThanOrEqual(1);
        expect(plan.outputs.catalogueUrl).toMatch(/^https:\/\/catalogue-api-dev-.+\.ecs\.us-east-1\.on\.aws$/);
        const names = plan.resources.map((r: { name: string }) => r.name);
        expect(names).toContain("catalogue-db-proxy-target");
    });

    it("should render the tree, outputs, policy results, a cost table and a Mermaid diagram as text", () => {
        // The CLI prints renderPlanText(plan) without --json; render it from the JSON run of dev.
        const json = preview("--stack", "dev", "--json");
        expect(json.status).toBe(0);
        const run = { stdout: renderPlanText(JSON.parse(json.stdout)) };
        expect(run.stdout).toMatch(/^Resources \(\d+\):$/m);
        expect(run.stdout).toContain("└─ ");
        expect(run.stdout).toMatch(/Counts by type:\n\s+\d+\s+\S+/);
        expect(run.stdout).toMatch(/Outputs:\n[\s\S]*catalogueUrl: https:\/\//);
        expect(run.stdout).toMatch(/policy \(dev\): \d+ resources, 0 mandatory, \d+ advisory — pass/);
        expect(run.stdout).toMatch(/\| \*\*Total\*\* \| \| \| \| \| \*\*\$[\d,]+\.\d\d\*\* \| \|/);
        expect(run.stdout).toMatch(/```mermaid\nflowchart LR\n[\s\S]+-->[\s\S]+```/);
    });

    it.each(["staging", "prod"])("should pass every mandatory control and price the plan when run for %s", (stack) => {
        const run = preview("--stack", stack, "--json");
        expect(run.status).toBe(0);
        const plan = JSON.parse(run.stdout);
        expect(plan.policy.summary).toMatchObject({ environment: stack, mandatory: 0, passed: true });
        expect(plan.cost.total).toBeGreaterThan(0);
        expect(plan.diagram).toMatch(/^flowchart LR/);
    });

    it("should cost more in prod than in dev, because prod runs NAT per AZ, readers and more replicas", () => {
        const dev = JSON.parse(preview("--stack", "dev", "--json").stdout);
        const prod = JSON.parse(preview("--stack", "prod", "--json").stdout);
        expect(prod.cost.total).toBeGreaterThan(dev.cost.total);
    });

    it("should exit non-zero naming the control when a mandatory policy is violated", () => {
        // A listed public CIDR: an endpoint open to anywhere is refused earlier, by config validation.
        const run = preview("--stack", "prod", "--set", "eksEndpointPublicAccess=true", "--set", 'eksPublicAccessCidrs=["52.94.76.0/24"]');
        expect(run.status).toBe(1);
        expect(run.stdout).toContain("[mandatory] eks-endpoint-not-public");
        expect(run.stderr).toMatch(/\d+ mandatory policy violation\(s\) in stack "prod"/);
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

describe("generated documentation", () => {
    it("should match what npm run docs renders from the stack files and the preview", () => {
        const plans = ["dev", "staging", "prod"].map((stack) => {
            const run = preview("--stack", stack, "--json");
            expect(run.status).toBe(0);
            return environmentPlan(stack, run.stdout);
        });
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        const rendered = renderDocs(plans, readme);
        // When this fails, run `npm run docs` and commit the result.
        expect(readme).toBe(rendered.readme);
        expect(readFileSync(path.join(ROOT, "docs", "environments.md"), "utf8")).toBe(rendered.environments);
        expect(readFileSync(path.join(ROOT, "docs", "policy-controls.md"), "utf8")).toBe(rendered.policy);
    });
});
