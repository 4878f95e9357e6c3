/**
 * The GitHub workflows cannot run here (no GitHub, no AWS), so they are checked the way CI would reject
 * them: a real workflow-schema validator (@action-validator/cli, a WASM build of action-validator that runs
 * offline in Node), plus the rules this project cares about — OIDC only, deploy order, environments,
 * policy pack — and the change-detection script actually executed against sample changes.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { resolveStackConfig } from "./lib/stack-config";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const CLI = path.join(ROOT, "node_modules", "@action-validator", "cli", "cli.mjs");

const read = (file: string) => readFileSync(path.join(WORKFLOWS, file), "utf8");
const preview = parse(read("preview.yml"));
const deploy = parse(read("deploy.yml"));

/** Run action-validator on a file; its exit code is the verdict, stdout the JSON errors. */
function validate(file: string): { status: number | null; output: string } {
    const run = spawnSync(process.execPath, [CLI, file], { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function validateText(text: string): { status: number | null; output: string } {
    const dir = mkdtempSync(path.join(tmpdir(), "workflow-"));
    try {
        const file = path.join(dir, "workflow.yml");
        writeFileSync(file, text);
        return validate(file);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/**
 * GitHub's variable scoping, as the runner applies it: a job bound to an environment sees that
 * environment's variables over the repository's (docs: "Variables" → precedence). `environment` and
 * `runs-on` may use `${{ matrix.* }}` and `${{ vars.* }}`; anything else is refused so a test cannot pass
 * on an expression it did not understand.
 */
interface GitHubVariables {
    readonly repository: Record<string, string>;
    readonly environments: Record<string, Record<string, string>>;
}

/** The `github` context values these workflows read. */
const GITHUB_CONTEXT: Record<string, string> = { run_id: "4242" };

/** Evaluate one `${{ … }}` expression made of vars/matrix/github references, string literals, ==, !=, &&, || and parentheses. */
function evaluate(expression: string, context: { vars: Record<string, string>; matrix: Record<string, string> }): string {
    const ctx = { ...context, github: GITHUB_CONTEXT };
    const inner = /^\$\{\{(.*)\}\}$/s.exec(expression.trim())?.[1];
    if (inner === undefined) return expression;
    const token = /\s+|\(|\)|&&|\|\||==|!=|'[^']*'|(?:vars|matrix|github)\.\w+/y;
    let js = "";
    for (let i = 0; i < inner.length; i = token.lastIndex) {
        token.lastIndex = i;
        const m = token.exec(inner);
        if (!m) throw new Error(`unsupported expression: ${expression}`);
        const t = m[0];
        js +=
            t === "=="
                ? "==="
                : t === "!="
                  ? "!=="
                  : /^(vars|matrix|github)\./.test(t)
                    ? `(ctx.${t.split(".")[0]}[${JSON.stringify(t.split(".")[1])}] ?? "")`
                    : t;
    }
    // The tokenizer above admits only context lookups, string literals and the listed operators, so the
    // compiled text cannot be anything else.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return String(new Function("ctx", `return (${js});`)(ctx));
}

/** A job's value of `field` (e.g. a step's role-to-assume) as the runner resolves it for one matrix entry. */
function resolveForJob(job: Job, value: string, matrix: Record<string, string>, variables: GitHubVariables): string {
    const environment =
        job.environment === undefined
            ? undefined
            : interpolate(typeof job.environment === "string" ? job.environment : job.environment.name, matrix, variables.repository);
    const vars = { ...variables.repository, ...(environment ? (variables.environments[environment] ?? {}) : {}) };
    return interpolate(value, matrix, vars);
}

function interpolate(text: string, matrix: Record<string, string>, vars: Record<string, string>): string {
    return text.replace(/\$\{\{.*?\}\}/g, (expression) => evaluate(expression, { vars, matrix }));
}

/** The parts of a workflow job these tests read (the YAML is validated by action-validator above). */
type Job = {
    "runs-on"?: string;
    environment?: string | { name: string; url?: string };
    needs?: string | string[];
    permissions?: Record<string, string>;
    concurrency?: unknown;
    strategy?: { matrix?: Record<string, unknown>; "fail-fast"?: boolean };
    steps?: Step[];
};
// `with` values are read as the strings the inputs used here are.
type Step = { uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string>; id?: string };
const stepsOf = (job: Job): Step[] => job.steps ?? [];
const stepUsing = (job: Job, action: string): Step | undefined => stepsOf(job).find((s) => s.uses?.startsWith(`${action}@`));

describe("workflow schema validation (action-validator)", () => {
    it.each(["preview.yml", "deploy.yml"])("should accept %s", (file) => {
        const result = validate(path.join(WORKFLOWS, file));
        expect(result.output).toBe("");
        expect(result.status).toBe(0);
    });

    it.each([
        ["a misspelt job key", "    steps:\n", "    stepz:\n", /Additional property 'stepz' is not allowed/],
        ["a permission level that does not exist", "id-token: write", "id-token: writ", /permissions\/id-token/],
        ["a job that needs a job that does not exist", "needs: up-dev", "needs: up-nope", /unresolved job up-nope/],
    ])("should reject a workflow with %s, so the check can fail", (_what, from, to, error) => {
        const broken = read("deploy.yml").replace(from, to);
        expect(broken).not.toBe(read("deploy.yml"));
        const result = validateText(broken);
        expect(result.status).not.toBe(0);
        expect(result.output).toMatch(error);
    });
});

describe("both workflows", () => {
    const texts = { "preview.yml": read("preview.yml"), "deploy.yml": read("deploy.yml") };

    it.each(Object.entries(texts))("should use no long-lived AWS keys in %s", (_file, text) => {
        expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/i);
    });

    it.each(Object.entries(texts))("should pin every action in %s to at least a major version tag", (_file, text) => {
        const uses = [...text.matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]);
        expect(uses.length).toBeGreaterThan(0);
        for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
    });

    it.each([
        ["preview.yml", preview],
        ["deploy.yml", deploy],
    ])("should assume AWS roles only through OIDC with id-token: write in %s", (_file, wf) => {
        const jobs = Object.values<Job>(wf.jobs).filter((j) => stepUsing(j, "aws-actions/configure-aws-credentials"));
        expect(jobs.length).toBeGreaterThan(0);
        for (const job of jobs) {
            expect(job.permissions?.["id-token"]).toBe("write");
            const creds = stepUsing(job, "aws-actions/configure-aws-credentials")!;
            expect(creds.with?.["role-to-assume"]).toMatch(/^\$\{\{ vars\.AWS_(PREVIEW|DEPLOY)_ROLE_ARN \}\}$/);
        }
        // Default token scope is read-only; jobs widen it only where they need to.
        expect(wf.permissions).toEqual({ contents: "read" });
    });

    it.each([
        ["preview.yml", preview],
        ["deploy.yml", deploy],
    ])("should type-check and test (with PostgreSQL and MariaDB installed) before any Pulumi run in %s", (_file, wf) => {
        const checks = wf.jobs.checks;
        const runs = stepsOf(checks)
            .map((s) => s.run ?? "")
            .join("\n");
        expect(runs).toMatch(/apt-get install[^\n]*postgresql mariadb-server/);
        const order = ["npm ci", "npm run typecheck", "npm test"].map((cmd) => runs.indexOf(cmd));
        expect(order.every((i) => i >= 0)).toBe(true);
        expect([...order].sort((a, b) => a - b)).toEqual(order);
        expect(stepUsing(checks, "actions/setup-node")?.with).toEqual({ "node-version-file": ".nvmrc", cache: "npm" });
    });
});

describe("both workflows", () => {
    it.each([
        ["preview.yml", preview],
        ["deploy.yml", deploy],
    ])("should set up Node from .nvmrc in every job of %s (npm ci refuses other versions)", (_file, wf) => {
        const setups = Object.values(wf.jobs as Record<string, Job>)
            .map((job) => stepUsing(job, "actions/setup-node"))
            .filter((s): s is Step => s !== undefined);
        expect(setups.length).toBeGreaterThanOrEqual(2);
        for (const step of setups) expect(step.with?.["node-version-file"]).toBe(".nvmrc");
    });
});

describe("preview.yml", () => {
    it("should run on pull requests, one run per PR at a time", () => {
        expect(Object.keys(preview.on)).toEqual(["pull_request"]);
        expect(preview.concurrency.group).toContain("github.event.pull_request.number");
        expect(preview.concurrency["cancel-in-progress"]).toBe(true);
    });

    it("should preview each affected environment with the policy pack and comment on the PR", () => {
        const job = preview.jobs.preview;
        expect(job.needs).toEqual(["checks", "changes"]);
        expect(job.permissions).toEqual({ "id-token": "write", contents: "read", "pull-requests": "write" });
        expect(job.strategy.matrix.environment).toBe("${{ fromJSON(needs.changes.outputs.environments) }}");
        const pulumi = stepUsing(job, "pulumi/actions")!;
        expect(pulumi.with).toMatchObject({ command: "preview", "comment-on-pr": true, policyPacks: "policy" });
        expect(pulumi.with?.["stack-name"]).toBe("${{ vars.PULUMI_ORG }}/${{ matrix.environment }}");
        expect(pulumi.env?.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
    });

    it("should treat components, stacks, index.ts, Pulumi.yaml, the lockfile, apps and policy as affecting every environment", () => {
        const filter = stepUsing(preview.jobs.changes, "dorny/paths-filter")!;
        const filters = parse(filter.with!.filters);
        expect(filters.shared).toEqual([
            "components/**",
            "stacks/**",
            "index.ts",
            "Pulumi.yaml",
            "package-lock.json",
            "apps/**",
            "policy/**",
        ]);
        for (const env of ["dev", "staging", "prod"]) expect(filters[env]).toEqual([`Pulumi.${env}.yaml`]);
    });

    describe("environment selection script", () => {
        const script = stepsOf(preview.jobs.changes).find((s) => s.id === "select")!.run!;

        /** Run the step's script as the runner would, in a checkout that has the given stack files. */
        function select(changes: string[], stackFiles: string[]): string[] {
            const dir = mkdtempSync(path.join(tmpdir(), "changes-"));
            try {
                for (const env of stackFiles) writeFileSync(path.join(dir, `Pulumi.${env}.yaml`), "config: {}\n");
                const output = path.join(dir, "github-output");
                writeFileSync(output, "");
                const run = spawnSync("bash", ["-e", "-c", script], {
                    cwd: dir,
                    encoding: "utf8",
                    env: { ...process.env, CHANGES: JSON.stringify(changes), GITHUB_OUTPUT: output },
                });
                if (run.status !== 0) throw new Error(run.stderr);
                const line = readFileSync(output, "utf8").trim();
                expect(line).toMatch(/^environments=/);
                return JSON.parse(line.slice("environments=".length));
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        }

        it("should select every environment with a stack file when shared code changes", () => {
            expect(select(["shared"], ["dev", "staging", "prod"])).toEqual(["dev", "staging", "prod"]);
            expect(select(["shared", "dev"], ["dev"])).toEqual(["dev"]);
        });

        it("should select only the environment whose stack file changed", () => {
            expect(select(["staging"], ["dev", "staging", "prod"])).toEqual(["staging"]);
            expect(select(["dev", "prod"], ["dev", "staging", "prod"])).toEqual(["dev", "prod"]);
        });

        it("should select nothing when nothing relevant changed", () => {
            expect(select([], ["dev", "staging", "prod"])).toEqual([]);
        });
    });

    it("should skip the preview when no environment is affected", () => {
        expect(preview.jobs.preview.if).toContain("needs.changes.outputs.environments != '[]'");
    });
});

describe("one AWS account per environment (previews and deploys)", () => {
    const envs = ["dev", "staging", "prod"];
    const roleFor = (env: string, kind: string) =>
        `arn:aws:iam::${{ dev: "111111111111", staging: "222222222222", prod: "333333333333" }[env]}:role/github-${kind}`;
    /**
     * The variables a repository set up per the README would have: one preview and one deploy role per
     * environment, each in that environment's account. A repository-level AWS_PREVIEW_ROLE_ARN (the old
     * single role) is also present, so a workflow that still reads it is caught resolving it.
     */
    const variables: GitHubVariables = {
        repository: {
            PULUMI_ORG: "acme",
            AWS_PREVIEW_ROLE_ARN: "arn:aws:iam::111111111111:role/github-preview-shared",
            STAGING_RUNNER: "in-vpc-staging",
            PROD_RUNNER: "in-vpc-prod",
        },
        environments: Object.fromEntries(
            envs.flatMap((env) => [
                [env, { AWS_DEPLOY_ROLE_ARN: roleFor(env, "deploy") }],
                [`preview-${env}`, { AWS_PREVIEW_ROLE_ARN: roleFor(env, "preview") }],
            ]),
        ),
    };
    const privateApi = envs.filter((env) => resolveStackConfig(env).values["serverless-containers:eksEndpointPublicAccess"] === "false");

    it.each(envs)("should preview %s with that environment's own read-only role, so its lookups resolve in its own account", (env) => {
        const job = preview.jobs.preview;
        const role = stepUsing(job, "aws-actions/configure-aws-credentials")!.with!["role-to-assume"];
        expect(resolveForJob(job, role, { environment: env }, variables)).toBe(roleFor(env, "preview"));
    });

    it.each(envs)("should bind the %s preview to a preview environment, not the deploy environment its approvals guard", (env) => {
        const job = preview.jobs.preview;
        const name = resolveForJob(
            job,
            typeof job.environment === "string" ? job.environment : (job.environment?.name ?? ""),
            { environment: env },
            variables,
        );
        expect(name).toBe(`preview-${env}`);
    });

    it.each(envs)("should deploy %s with that environment's own deploy role", (env) => {
        const job = deploy.jobs[`up-${env}`];
        const role = stepUsing(job, "aws-actions/configure-aws-credentials")!.with!["role-to-assume"];
        expect(resolveForJob(job, role, {}, variables)).toBe(roleFor(env, "deploy"));
    });

    it("should run the previews and deploys of private-API environments on their in-VPC runners", () => {
        expect(privateApi).toEqual(["staging", "prod"]);
        const runner = (env: string) => variables.repository[`${env.toUpperCase()}_RUNNER`];
        for (const env of envs) {
            const expected = privateApi.includes(env) ? runner(env) : "ubuntu-24.04";
            expect({
                env,
                preview: resolveForJob(preview.jobs.preview, preview.jobs.preview["runs-on"], { environment: env }, variables),
            }).toEqual({ env, preview: expected });
            expect({ env, deploy: resolveForJob(deploy.jobs[`up-${env}`], deploy.jobs[`up-${env}`]["runs-on"], {}, variables) }).toEqual({
                env,
                deploy: expected,
            });
        }
    });

    it("should refuse to resolve an expression it does not understand, so these checks cannot pass by accident", () => {
        expect(() => resolveForJob({}, "${{ secrets.AWS_PREVIEW_ROLE_ARN }}", {}, variables)).toThrow("unsupported expression");
        expect(() => resolveForJob({}, "${{ vars[format('X_{0}', matrix.environment)] }}", { environment: "dev" }, variables)).toThrow(
            "unsupported expression",
        );
        expect(resolveForJob({ environment: "prod" }, "${{ vars.AWS_PREVIEW_ROLE_ARN }}", {}, variables)).toBe(
            variables.repository.AWS_PREVIEW_ROLE_ARN,
        );
    });

    it("should name each preview session after its environment", () => {
        const creds = stepUsing(preview.jobs.preview, "aws-actions/configure-aws-credentials")!;
        expect(resolveForJob(preview.jobs.preview, creds.with!["role-session-name"], { environment: "prod" }, variables)).toBe(
            "pulumi-preview-prod-4242",
        );
    });
});

describe("deploy.yml", () => {
    const envs = ["dev", "staging", "prod"];

    it("should run on pushes to main only", () => {
        expect(deploy.on).toEqual({ push: { branches: ["main"] } });
    });

    it("should deploy dev → staging → prod one after the other, after the checks", () => {
        expect(deploy.jobs["up-dev"].needs).toBe("checks");
        expect(deploy.jobs["up-staging"].needs).toBe("up-dev");
        expect(deploy.jobs["up-prod"].needs).toBe("up-staging");
        const upJobs = Object.keys(deploy.jobs).filter((k) => k.startsWith("up-"));
        expect(upJobs.sort()).toEqual(envs.map((e) => `up-${e}`).sort());
    });

    it.each(envs)("should run the %s deploy in its GitHub environment with an uncancellable per-environment lock", (env) => {
        const job = deploy.jobs[`up-${env}`];
        expect(job.environment).toBe(env);
        expect(job.concurrency).toEqual({ group: `deploy-${env}`, "cancel-in-progress": false });
        expect(job.permissions).toEqual({ "id-token": "write", contents: "read" });
    });

    it.each(envs)("should run pulumi up on the %s stack with the policy pack and the environment's own role", (env) => {
        const job = deploy.jobs[`up-${env}`];
        const pulumi = stepUsing(job, "pulumi/actions")!;
        expect(pulumi.with).toMatchObject({ command: "up", "stack-name": `\${{ vars.PULUMI_ORG }}/${env}`, policyPacks: "policy" });
        expect(pulumi.env?.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
        // Environment-scoped variable: the same name resolves to each environment's own role.
        expect(stepUsing(job, "aws-actions/configure-aws-credentials")!.with?.["role-to-assume"]).toBe("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
        const steps = stepsOf(job);
        expect(steps.findIndex((s) => s.run?.startsWith("npm ci"))).toBeLessThan(steps.indexOf(pulumi));
    });
});
