import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { environmentPlan, renderDocs } from "./generate-docs";
import { stackConfig } from "../stacks/testing";
import { renderPlanText } from "./lib/plan-report";
import { PRICES } from "./lib/prices";

const ROOT = path.resolve(__dirname, "..");

interface Run {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** docs/offline-preview.md, where the preview's options are documented. */
const PREVIEW_DOC = readFileSync(path.join(ROOT, "docs", "offline-preview.md"), "utf8");

/** Every command line the tests below use: run once each, concurrently, before the tests read them. */
const COMMAND_LINES: string[][] = [
    ["--stack", "dev", "--json"],
    ["--stack", "dev", "--json", "--update"],
    ["--stack", "staging", "--json"],
    ["--stack", "prod", "--json"],
    ["--stack", "prod", "--set", "eksEndpointPublicAccess=true", "--set", 'eksPublicAccessCidrs=["52.94.76.0/24"]'],
    ["--stack", "dev", "--set", "catalogueMaxConcurrency=500"],
    // App Runner's concurrency on a stack whose catalogue-api runs on ECS Express Mode: valid, but changes nothing.
    ["--stack", "dev", "--set", "catalogueMaxConcurrency=150", "--set", "catalogueMinSize=2"],
    // The documented --set examples (each must change the plan).
    ...docSetExamples().map(([key, value]) => ["--stack", "dev", "--set", `${key}=${value}`]),
    // Bad command lines: refused before the SDK loads, so each costs only a node start.
    ["--stack", "qa"],
    ["--stack", "dev", "--set", "noSuchKey=1"],
    ["--stack", "dev", "--set", "catalogueMaxConcurrency=many"],
    ["--stack", "dev", "--set", "catalogueMaxConcurrency"],
    ["--stack", "dev", "--no-such-option"],
    ["--set", "noSuchKey=1"],
    ["--help"],
];
const runs = new Map<string, Run>();

/** The `--set key=value` examples of docs/offline-preview.md. */
function docSetExamples(): (readonly [string, string])[] {
    const section = PREVIEW_DOC;
    return [...section.matchAll(/--set (\w+)=(\S+?)`/g)].filter((m) => m[1] !== "key").map((m) => [m[1], m[2]] as const);
}
/**
 * As package.json's preview:offline sets it: inline source maps only, so @swc-node/register does not install
 * source-map-support — which maps every frame of the full-depth stack trace the Pulumi SDK captures for each
 * resource, about a third of a preview's CPU time. Error messages are unchanged.
 */
const PREVIEW_ENV = { SWC_NODE_SOURCE_MAP_MODE: "inline" };

/**
 * Runs the preview the way `… | jq` does: stdout is an OS pipe (64 KiB buffer) whose reader is slower than
 * the writer — it takes one byte, then waits a second before reading the rest — so a writer that exits
 * before its queued output is flushed loses everything past the pipe buffer. `pipefail` keeps the
 * preview's own exit status.
 */
function run(args: string[]): Promise<Run> {
    if (args.join(" ") === "--stack dev --json") return runThroughNpm();
    const script =
        'set -o pipefail; "$0" -r @swc-node/register scripts/offline-preview.ts "$@" | { dd bs=1 count=1 2>/dev/null; sleep 1; cat; }';
    return new Promise((resolve, reject) => {
        const child = spawn("bash", ["-c", script, process.execPath, ...args], {
            cwd: ROOT,
            env: { ...process.env, ...PREVIEW_ENV },
            stdio: ["ignore", "pipe", "pipe"],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
        child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
        // A bound for a hang, not a speed goal: 13 previews start at once on 2 cores, and a busy CI machine
        // (other jobs, CPU hogs) has been seen to take over a minute for one.
        const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
        child.once("error", reject);
        child.once("close", (code) => {
            clearTimeout(timer);
            resolve({ status: code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
        });
    });
}

/**
 * The dev plan the way the README tells a user to write it to a file: through npm (whose `> script` banner
 * goes to stdout) with `--output`. The file, not stdout, must hold the JSON.
 */
function runThroughNpm(): Promise<Run> {
    const dir = mkdtempSync(path.join(tmpdir(), "preview-output-"));
    const file = path.join(dir, "plan.json");
    return new Promise((resolve, reject) => {
        const child = spawn("npm", ["run", "preview:offline", "--", "--stack", "dev", "--json", "--output", file], {
            cwd: ROOT,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        child.once("error", reject);
        child.once("close", (code) => {
            let plan = "";
            try {
                plan = readFileSync(file, "utf8");
            } catch {
                // no file: the tests below fail on the empty plan
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
            npmStdout = stdout;
            resolve({ status: code, stdout: plan, stderr });
        });
    });
}
let npmStdout = "";

beforeAll(async () => {
    const results = await Promise.all(COMMAND_LINES.map(run));
    COMMAND_LINES.forEach((args, i) => runs.set(args.join("\0"), results[i]));
}, 600_000);

/** The result of one of COMMAND_LINES (run in beforeAll). */
function preview(...args: string[]): Run {
    const result = runs.get(args.join("\0"));
    if (!result) throw new Error(`add ${JSON.stringify(args)} to COMMAND_LINES`);
    return result;
}

const PATTERN_27 = [
    "awsx:ec2:Vpc",
    "serverless-containers:index:AuroraWithProxy",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:rds/proxy:Proxy",
    "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
    "aws:rds/proxyTarget:ProxyTarget",
    "serverless-containers:index:ContainerImage",
    "aws:ecr/repository:Repository",
    "docker:index/image:Image",
    // The stack files host catalogue-api on ECS Express Mode (App Runner is closed to new customers).
    "serverless-containers:index:EcsExpressService",
    "aws:ecs/expressGatewayService:ExpressGatewayService",
];

describe("offline preview", () => {
    it("should list every resource of catalogue-api's program (Express → RDS Proxy → Aurora MySQL), and the service URL as a preview leaves it (unknown), when run for dev", () => {
        const run = preview("--stack", "dev", "--json");
        expect(run.stderr).not.toContain("failed");
        expect(run.status).toBe(0);
        const plan = JSON.parse(run.stdout);
        expect(plan.mode).toBe("preview");
        for (const type of PATTERN_27) expect(plan.counts[type]).toBeGreaterThanOrEqual(1);
        // The Express endpoint exists only once the service does: `pulumi preview` of a new stack cannot know it.
        expect(plan.outputs.catalogueUrl).toBe("(known after apply)");
        const names = plan.resources.map((r: { name: string }) => r.name);
        expect(names).toContain("catalogue-db-proxy-target");
    });

    it("should resolve the outputs as `pulumi up` would, and plan the same resources, policy and cost, with --update", () => {
        const asPreview = JSON.parse(preview("--stack", "dev", "--json").stdout);
        const run = preview("--stack", "dev", "--json", "--update");
        expect(run.status).toBe(0);
        const asUpdate = JSON.parse(run.stdout);
        expect(asUpdate.mode).toBe("update");
        expect(asUpdate.outputs.catalogueUrl).toMatch(/^https:\/\/catalogue-api-dev-.+\.ecs\.us-east-1\.on\.aws$/);
        const urns = (plan: { resources: { urn: string }[] }) => plan.resources.map((r) => r.urn).sort();
        expect(urns(asPreview)).toEqual(urns(asUpdate));
        expect(asPreview.counts).toEqual(asUpdate.counts);
        expect(asPreview.policy.summary).toEqual(asUpdate.policy.summary);
        expect(asPreview.cost.total).toBe(asUpdate.cost.total);
    });

    it("should render the tree, outputs, policy results, a cost table and a Mermaid diagram as text", () => {
        // The CLI prints renderPlanText(plan) without --json; render it from the JSON run of dev.
        const json = preview("--stack", "dev", "--json");
        expect(json.status).toBe(0);
        const run = { stdout: renderPlanText(JSON.parse(json.stdout)) };
        expect(run.stdout).toMatch(/^Resources \(\d+\):$/m);
        expect(run.stdout).toContain("└─ ");
        expect(run.stdout).toMatch(/Counts by type:\n\s+\d+\s+\S+/);
        expect(run.stdout).toMatch(/Outputs:\n[\s\S]*catalogueUrl: \(known after apply\)/);
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
        // The Fargate vCPUs the account's quota must hold, at the floor and with every service at its maximum.
        expect(plan.fargate.floor).toBeGreaterThan(0);
        expect(plan.fargate.ceiling).toBeGreaterThan(plan.fargate.floor);
    });

    it.each(["staging", "prod"])(
        "should stand in for the EKS access roles %s's file leaves to each account, say so, and plan their access entries",
        (stack) => {
            const run = preview("--stack", stack, "--json");
            const plan = JSON.parse(run.stdout);
            expect(plan.standIns.map((o: { key: string; to: string }) => [o.key, o.to])).toEqual([
                ["serverless-containers:eksDeployRoleArn", "arn:aws:iam::123456789012:role/offline-stand-in/eks-deploy"],
                ["serverless-containers:eksPreviewRoleArn", "arn:aws:iam::123456789012:role/offline-stand-in/eks-preview"],
                ["serverless-containers:eksBreakGlassRoleArn", "arn:aws:iam::123456789012:role/offline-stand-in/eks-break-glass"],
            ]);
            expect(run.stderr).toContain(
                `offline stand-in serverless-containers:eksDeployRoleArn = arn:aws:iam::123456789012:role/offline-stand-in/eks-deploy (Pulumi.${stack}.yaml leaves it to the account; \`pulumi preview\` refuses the stack until it is set)`,
            );
            expect(plan.counts["aws:eks/accessEntry:AccessEntry"]).toBe(3);
            expect(renderPlanText(plan)).toContain("Offline stand-ins for config the stack file leaves to each account");
            expect(JSON.parse(preview("--stack", "dev", "--json").stdout).standIns).toEqual([]);
        },
    );

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

    it("should exit 2 (bad command line) naming the stacks when the stack does not exist", () => {
        const run = preview("--stack", "qa");
        expect(run.status).toBe(2);
        expect(run.stderr).toContain("No stack file Pulumi.qa.yaml: stacks are dev, prod, staging.");
    });
});

describe("offline preview command line", () => {
    it("should write pure JSON with the documented `npm run preview:offline -- … --json --output <file>`", () => {
        const run = preview("--stack", "dev", "--json");
        expect(run.status).toBe(0);
        expect(npmStdout).toContain("> serverless-containers-reference@"); // npm's banner: why stdout is no place for the JSON
        expect(JSON.parse(run.stdout).stack).toBe("dev");
        expect(run.stderr).toMatch(/plan written to .*plan\.json/);
        expect(PREVIEW_DOC).toContain("`npm run preview:offline -- --stack dev --json --output plan.json`");
    });

    it("should deliver the whole JSON plan through a pipe whose reader is slower than the writer", () => {
        const run = preview("--stack", "prod", "--json");
        expect(run.status).toBe(0);
        // Larger than a pipe buffer (64 KiB): what used to be cut off when process.exit ran before stdout drained.
        expect(Buffer.byteLength(run.stdout)).toBeGreaterThan(65_536);
        expect(() => JSON.parse(run.stdout)).not.toThrow();
    });

    it("should exit 2 naming the key when --set names a key Pulumi.yaml does not declare", () => {
        const run = preview("--stack", "dev", "--set", "noSuchKey=1");
        expect(run.status).toBe(2);
        expect(run.stderr).toContain('--set: config key "serverless-containers:noSuchKey" is not declared in Pulumi.yaml');
        expect(run.stdout).toBe("");
    });

    it("should exit 2 naming the key and type when a --set value does not have the declared type", () => {
        const run = preview("--stack", "dev", "--set", "catalogueMaxConcurrency=many");
        expect(run.status).toBe(2);
        expect(run.stderr).toContain(
            '--set: config key "serverless-containers:catalogueMaxConcurrency" must be of type integer (got "many").',
        );
    });

    it("should exit 2 when --set has no value", () => {
        const run = preview("--stack", "dev", "--set", "catalogueMaxConcurrency");
        expect(run.status).toBe(2);
        expect(run.stderr).toContain('--set expects key=value (got "catalogueMaxConcurrency")');
    });

    it("should show what a valid --set changed, on stderr and in the plan", () => {
        // The policy-violation run above doubles as the what-if run: it prints its plan before exiting 1.
        const run = preview("--stack", "prod", "--set", "eksEndpointPublicAccess=true", "--set", 'eksPublicAccessCidrs=["52.94.76.0/24"]');
        expect(run.stderr).toContain('--set serverless-containers:eksEndpointPublicAccess: "false" → "true" (this run only)');
        expect(run.stdout).toContain(
            "Config overridden for this run (--set):\n  serverless-containers:eksEndpointPublicAccess: false → true",
        );
    });

    it("should warn, naming the key and where each service runs, when a --set changes nothing in the plan, and not for one that does", () => {
        const run = preview("--stack", "dev", "--set", "catalogueMaxConcurrency=150", "--set", "catalogueMinSize=2");
        expect(run.status).toBe(0);
        expect(run.stderr).toContain(
            "⚠ --set serverless-containers:catalogueMaxConcurrency=150 changes nothing in this plan: every resource and output is the same without it.",
        );
        expect(run.stderr).toContain("catalogue-api runs on ECS Express Mode (appRunnerVpcPlatform)");
        expect(run.stderr).not.toContain("catalogueMinSize=2 changes nothing");
        expect(run.stdout).toContain("  serverless-containers:catalogueMaxConcurrency: 100 → 150 (changes nothing in this plan)\n");
        expect(run.stdout).toContain("  serverless-containers:catalogueMinSize: 1 → 2\n");
    });

    it("should exit 2 on an unknown option", () => {
        const run = preview("--stack", "dev", "--no-such-option");
        expect(run.status).toBe(2);
        expect(run.stderr).toMatch(/Unknown option '--no-such-option'/);
    });

    it("should print usage, options and exit codes on --help and exit 0", () => {
        const run = preview("--help");
        expect(run.status).toBe(0);
        for (const option of ["--stack", "--json", "--output", "--set", "--help"]) expect(run.stdout).toContain(option);
        expect(run.stdout).toMatch(/exit codes: 0 .* 1 .* 2 bad command line/s);
    });

    it("should say which stack it previews when --stack is not given", () => {
        // Cheap: the (deliberately bad) --set stops the run after the stack is chosen and announced.
        const run = preview("--set", "noSuchKey=1");
        expect(run.stderr).toContain("stack: dev (the default; choose with --stack <dev|prod|staging>)");
        expect(preview("--stack", "dev", "--set", "noSuchKey=1").stderr).not.toContain("the default");
    });
});

describe("docs/offline-preview.md", () => {
    const section = PREVIEW_DOC;

    it("should document every option --help lists", () => {
        const options = [...new Set(preview("--help").stdout.match(/--[a-z][a-z-]+/g))];
        expect(options.length).toBeGreaterThanOrEqual(5);
        for (const option of options) expect(section).toContain(`\`${option}`);
    });

    it("should only give --set examples that the stack config accepts and that change the dev plan", () => {
        const examples = docSetExamples();
        expect(examples.length).toBeGreaterThan(0);
        for (const [key, value] of examples) {
            expect(() => stackConfig({ [key]: value })).not.toThrow();
            const run = preview("--stack", "dev", "--set", `${key}=${value}`);
            expect(run.status).toBe(0);
            expect(run.stderr).not.toContain("changes nothing");
        }
    });
});

describe("modelled children of remote components", () => {
    const plan = (stack: string) => JSON.parse(preview("--stack", stack, "--json").stdout);

    it.each([
        ["dev", 1, 2],
        ["prod", 3, 3],
    ])("should model the VPC's NAT gateways, EIPs, subnets and route tables in %s (%i NAT, %i AZs)", (stack, nats, azs) => {
        const p = plan(stack);
        expect(p.counts["aws:ec2/natGateway:NatGateway"]).toBe(nats);
        expect(p.counts["aws:ec2/eip:Eip"]).toBe(nats);
        expect(p.counts["aws:ec2/subnet:Subnet"]).toBe(2 * azs);
        expect(p.counts["aws:ec2/routeTable:RouteTable"]).toBe(2 * azs);
        expect(p.counts["aws:ec2/internetGateway:InternetGateway"]).toBe(1);
        const modelled = p.resources.filter((r: { modelled?: boolean }) => r.modelled);
        expect(modelled.length).toBe(p.modelled.total);
        expect(modelled.every((r: { urn: string }) => /awsx:ec2:Vpc\$|eks:index:Cluster\$/.test(r.urn))).toBe(true);
        expect(p.modelled.components).toEqual({ "awsx:ec2:Vpc": 1, "eks:index:Cluster": 1 });
    });

    it("should model the EKS cluster's security group, service role, cluster, Fargate profile and OIDC provider", () => {
        const types = plan("dev")
            .resources.filter((r: { modelled?: boolean; urn: string }) => r.modelled && r.urn.includes("eks:index:Cluster$"))
            .map((r: { type: string }) => r.type);
        expect(types).toEqual(
            expect.arrayContaining([
                "aws:iam/role:Role",
                "aws:ec2/securityGroup:SecurityGroup",
                "aws:ec2/securityGroupRule:SecurityGroupRule",
                "aws:eks/cluster:Cluster",
                "aws:eks/fargateProfile:FargateProfile",
                "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
            ]),
        );
    });

    it.each(["dev", "staging", "prod"])("should price every per-zone cost row of %s for the zones its VPC spans", (stack) => {
        const p = plan(stack);
        const zones = (p.outputs.availabilityZoneIds as string[]).length;
        expect(p.counts["aws:ec2/subnet:Subnet"]).toBe(2 * zones);
        const perZone = (p.cost.rows as { kind: string; resource: string; quantity: number; unit: string; assumption: string }[]).filter(
            (r) => /\bAZs?\b/.test(r.assumption),
        );
        // NAT (one per zone where the strategy says so), interface endpoints, and each internet-facing load balancer.
        expect(perZone.length).toBeGreaterThanOrEqual(stack === "dev" ? 5 : 6);
        for (const row of perZone) {
            const stated = [...row.assumption.matchAll(/(\d+) AZs|per AZ \((\d+)\)/g)].map((m) => Number(m[1] ?? m[2]));
            expect({ row: row.resource, stated }).toEqual({ row: row.resource, stated: [zones] });
            const units = row.kind === "VPC endpoints" ? Number(/^(\d+) interface endpoint/.exec(row.assumption)![1]) : 1;
            expect({ row: row.resource, quantity: row.quantity }).toEqual({
                row: row.resource,
                quantity: units * zones * PRICES.hoursPerMonth,
            });
        }
    });

    it("should price the public IPv4 addresses of the NAT gateways' EIPs and the internet-facing NLB", () => {
        const rows = plan("prod").cost.rows.filter((r: { kind: string }) => r.kind === "Public IPv4");
        expect(rows.filter((r: { unit: string; quantity: number }) => r.quantity === 730)).toHaveLength(3);
        expect(rows.some((r: { resource: string }) => r.resource === "eks-products-api-service")).toBe(true);
    });

    it("should run the policy pack over the modelled children and say so in the text", () => {
        const p = plan("dev");
        expect(p.modelledPolicy.summary.resources).toBe(p.modelled.total);
        const text = renderPlanText(p);
        expect(text).toMatch(/\d+ modelled children of remote components/);
        expect(text).toContain("aws:ec2/natGateway:NatGateway  serverless-containers-dev-vpc-1  (modelled)");
        expect(text).toMatch(/Policy on modelled children \(\d+ resources/);
    });
});

describe("generated documentation", () => {
    it("should match what npm run docs renders from the stack files and the preview", () => {
        const plans = ["dev", "staging", "prod"].map((stack) => {
            const run = preview("--stack", stack, "--json");
            expect(run.status).toBe(0);
            return environmentPlan(stack, run.stdout);
        });
        const rendered = renderDocs(plans);
        // When this fails, run `npm run docs` and commit the result.
        expect(readFileSync(path.join(ROOT, "docs", "environments.md"), "utf8")).toBe(rendered.environments);
        expect(readFileSync(path.join(ROOT, "docs", "policy-controls.md"), "utf8")).toBe(rendered.policy);
    });
});

describe("where the generated environment tables live", () => {
    it("should keep them in docs/environments.md only, not in the README", () => {
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        const environments = readFileSync(path.join(ROOT, "docs", "environments.md"), "utf8");
        for (const generated of [
            "| Stack | Resources | Mandatory violations |",
            "| Config key | dev | staging | prod |",
            "## Architecture of dev",
        ]) {
            expect(environments).toContain(generated);
        }
        expect(readme).not.toContain("| Stack | Resources | Mandatory violations |");
        expect(readme).not.toContain("| Config key | dev | staging | prod |");
        expect(readme).not.toMatch(/n_[a-z_]+_(repo|service|cluster)\b/); // the generated diagram's node ids
        expect(readme).toContain("[docs/environments.md](docs/environments.md)");
    });
});

describe("docs/deploying.md on the preview's platform lines", () => {
    it("should place them where the text plan prints them: after the outputs, before the policy results", () => {
        const text = renderPlanText(JSON.parse(preview("--stack", "dev", "--json").stdout));
        const at = (heading: string) => text.indexOf(`\n${heading}`);
        expect(at("Outputs:")).toBeGreaterThan(0);
        expect(at("Hosting platforms")).toBeGreaterThan(at("Outputs:"));
        expect(at("Policy (")).toBeGreaterThan(at("Hosting platforms"));
        const doc = readFileSync(path.join(ROOT, "docs", "deploying.md"), "utf8").replace(/\s+/g, " ");
        expect(doc).toContain('under "Hosting platforms", after the stack outputs and before the policy results');
    });
});
