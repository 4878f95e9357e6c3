/**
 * The three things this repository hands the Pulumi CLI, started the way the CLI's nodejs language host
 * (`pulumi-language-nodejs`) starts them, so tests run them under the real loaders instead of Jest's:
 *
 *   program       Pulumi.yaml      → `LanguageRuntime.Run`       → node <nodeargs> @pulumi/pulumi/cmd/run …
 *   plugin        PulumiPlugin.yaml → `LanguageRuntime.RunPlugin` → node @pulumi/pulumi/cmd/run-plugin …
 *   policy pack   PulumiPolicy.yaml → `LanguageRuntime.RunPlugin` → node @pulumi/pulumi/cmd/run-policy-pack …
 *
 * Every setting below names where it comes from. Sources, read at pulumi/pulumi 1b5949891b3c (2026-08-21):
 *   [main.go]     sdk/nodejs/cmd/pulumi-language-nodejs/main.go: parseOptions, locateModule, Run, execRuntime,
 *                 constructArguments, constructConfig, constructConfigSecretKeys, RunPlugin
 *   [plugin.go]   sdk/go/common/resource/plugin/plugin.go: ExecPlugin, buildPluginArguments
 *   [analyzer.go] sdk/go/common/resource/plugin/analyzer_plugin.go: NewPolicyAnalyzer
 *   [provider.go] sdk/go/common/resource/plugin/provider_plugin.go: NewProvider (args: the engine address)
 *   [project.go]  pkg/engine/project.go: getPwdMain (program directory and entry point from `main`)
 *   [host.go]     pkg/host/host.go: LanguageRuntime (the language host runs in the project directory, ctx.Pwd)
 *   [eval.go]     pkg/resource/deploy/program_source.go: the RunInfo the engine sends (stack, project, dry run…)
 * and the installed SDK's entry points (node_modules/@pulumi/pulumi/cmd/{run,run-plugin,run-policy-pack}/*.js,
 * tsutils.js), which the launched process runs itself: what they do with these settings (TypeScript through
 * ts-node with their own compiler defaults, tsconfig.json looked up in the working directory) is theirs, not
 * reproduced here.
 *
 * What stays unproven without the CLI: the CLI's own steps around a launch (plugin install, the monitor
 * proxy between program and engine, the policy proxy that waits for the stack's configuration).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { parse } from "yaml";

/** A process to start: what the language host passes to exec.Command. */
export interface Launch {
    readonly command: string;
    readonly args: readonly string[];
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
}

/** The `runtime.options` the nodejs language host reads ([main.go] nodeOptions / parseOptions). */
export interface NodeRuntimeOptions {
    /** `typescript` (default true): run TypeScript through the SDK's ts-node registration. */
    readonly typescript: boolean;
    /** `tsconfig`: passed on as PULUMI_NODEJS_TSCONFIG_PATH. */
    readonly tsconfig?: string;
    /** `nodeargs`: extra node arguments, split like a shell would (shlex in [main.go]). */
    readonly nodeargs: string[];
}

/**
 * The runtime options of a Pulumi.yaml / PulumiPlugin.yaml / PulumiPolicy.yaml, with the language host's
 * defaults and type checks ([main.go] parseOptions: typescript defaults to true; a non-boolean typescript or
 * non-string nodeargs/tsconfig is an error).
 */
export function readRuntimeOptions(manifest: string): NodeRuntimeOptions {
    const doc = parse(readFileSync(manifest, "utf8")) as { runtime?: string | { name?: string; options?: Record<string, unknown> } };
    const runtime = typeof doc.runtime === "string" ? { name: doc.runtime } : (doc.runtime ?? {});
    if (runtime.name !== "nodejs") throw new Error(`${manifest}: runtime must be nodejs (got ${JSON.stringify(runtime.name)})`);
    const options = runtime.options ?? {};
    const { typescript = true, tsconfig, nodeargs = "" } = options;
    if (typeof typescript !== "boolean") throw new Error(`${manifest}: typescript option must be a boolean`);
    if (tsconfig !== undefined && typeof tsconfig !== "string") throw new Error(`${manifest}: tsconfig option must be a string`);
    if (typeof nodeargs !== "string") throw new Error(`${manifest}: nodeargs option must be a string`);
    return { typescript, tsconfig, nodeargs: splitNodeargs(manifest, nodeargs) };
}

/**
 * [main.go] splits `nodeargs` with shlex. Whitespace splitting is the same thing for arguments without
 * quotes or escapes; anything else is refused here rather than split differently.
 */
function splitNodeargs(manifest: string, nodeargs: string): string[] {
    if (/["'\\]/.test(nodeargs)) throw new Error(`${manifest}: nodeargs with quotes or escapes are not reproduced (${nodeargs})`);
    return nodeargs.split(/\s+/).filter(Boolean);
}

/** [main.go] execRuntime / RunPlugin: the environment variables the options turn into. */
function typescriptEnv(options: NodeRuntimeOptions): NodeJS.ProcessEnv {
    return {
        ...(options.typescript ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
        ...(options.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig } : {}),
    };
}

/**
 * [main.go] locateModule: `node -e "console.log(require.resolve('<module>'))"` with the program directory as
 * working directory, i.e. the SDK the program itself would load.
 */
export function locateModule(module: string, programDir: string): string {
    return createRequire(path.join(programDir, "[eval]")).resolve(module);
}

// ---- program ------------------------------------------------------------------------------------------------

export interface ProgramRun {
    /** Directory of Pulumi.yaml. */
    readonly projectDir: string;
    readonly stack: string;
    readonly organization: string;
    /** Stack config as `namespace:key` → string (scripts/lib/stack-config.ts resolves it as the CLI does). */
    readonly config: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
    /** Address of the resource monitor (the language host passes its proxy of the engine's monitor). */
    readonly monitorAddress: string;
    readonly engineAddress: string;
    /** Directory of the synchronous-invoke pipes ([main.go] createAndServePipes; passed as --sync). An empty one here:
     * a synchronous invoke (this program makes none) would fail to open them instead of being served. */
    readonly syncDir: string;
    /** `pulumi preview` (true) or the update of `pulumi up` (false). */
    readonly dryRun: boolean;
    /** `--parallel`; the CLI's default is 4 × GOMAXPROCS (pkg/cmd/pulumi/operations/up.go defaultParallel). */
    readonly parallel: number;
}

/** The program of `pulumi preview` / `pulumi up`: [main.go] Run → execRuntime → constructArguments. */
export function programLaunch(run: ProgramRun): Launch {
    const manifest = path.join(run.projectDir, "Pulumi.yaml");
    const project = parse(readFileSync(manifest, "utf8")) as { name: string; main?: string };
    const options = readRuntimeOptions(manifest);
    // [project.go] getPwdMain: a `main` naming a file runs from its directory with the file name as entry point.
    const mainPath = path.resolve(run.projectDir, project.main ?? ".");
    const [programDir, entryPoint] = project.main ? [path.dirname(mainPath), path.basename(mainPath)] : [run.projectDir, "."];
    // [main.go] Run: PULUMI_LANGUAGE_NODEJS_RUN_PATH or @pulumi/pulumi/cmd/run, resolved from the program directory.
    const runPath = locateModule("@pulumi/pulumi/cmd/run", programDir);
    // [main.go] constructConfig: keys reach the program as `<namespace>:config:<name>`.
    const config = Object.fromEntries(
        Object.entries(run.config).map(([key, value]) => {
            const at = key.indexOf(":");
            return [`${key.slice(0, at)}:config:${key.slice(at + 1)}`, value];
        }),
    );
    return {
        command: process.execPath,
        // [main.go] execRuntime: node <nodeargs> <run path> <constructArguments>.
        args: [
            ...options.nodeargs,
            runPath,
            "--monitor",
            run.monitorAddress,
            "--engine",
            run.engineAddress,
            "--sync",
            run.syncDir,
            "--organization",
            run.organization,
            "--project",
            project.name,
            "--root-directory",
            run.projectDir,
            "--stack",
            run.stack,
            "--pwd",
            programDir,
            ...(run.dryRun ? ["--dry-run"] : []),
            "--parallel",
            String(run.parallel),
            entryPoint,
        ],
        // [host.go] the language host runs in ctx.Pwd (the project directory) and execRuntime sets no other
        // directory for node: `--require` in nodeargs resolves from here; cmd/run then chdirs to --pwd.
        cwd: run.projectDir,
        env: {
            ...process.env,
            PULUMI_CONFIG: JSON.stringify(config),
            PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(run.secretKeys),
            ...typescriptEnv(options),
        },
    };
}

// ---- plugin ---------------------------------------------------------------------------------------------------

export interface PluginRun {
    /** What [plugin.go] ExecPlugin passes as the program directory: the plugin directory (NewProgramInfo(pluginDir,
     * pluginDir, ".")); a file here is PulumiPlugin.yaml's `main`, started directly. */
    readonly program: string;
    /** The consumer's project directory: RunPlugin runs a plugin in the CLI's working directory (req.Pwd). */
    readonly cwd: string;
    readonly engineAddress: string;
}

/** A source-based component plugin (`pulumi package add`): [plugin.go] ExecPlugin → [main.go] RunPlugin. */
export function pluginLaunch(run: PluginRun): Launch {
    const pluginDir = path.extname(run.program) ? path.dirname(run.program) : run.program;
    const options = readRuntimeOptions(path.join(pluginDir, "PulumiPlugin.yaml"));
    return {
        command: process.execPath,
        // [main.go] RunPlugin: node <run-plugin> <nodeargs> <program directory> <args>; the nodeargs come after the
        // script (so they reach run-plugin, not node). [provider.go] args = [engine address] ([plugin.go]
        // buildPluginArguments adds logging/tracing flags only when the CLI runs with them).
        args: [locateModule("@pulumi/pulumi/cmd/run-plugin", pluginDir), ...options.nodeargs, run.program, run.engineAddress],
        cwd: run.cwd,
        env: { ...process.env, ...typescriptEnv(options) },
    };
}

// ---- policy pack ----------------------------------------------------------------------------------------------

export interface PolicyPackRun {
    /** Directory of PulumiPolicy.yaml (`--policy-pack <dir>`). */
    readonly packDir: string;
    readonly engineAddress: string;
    readonly organization: string;
    readonly project: string;
    readonly stack: string;
    readonly dryRun: boolean;
    /** Stack config as `namespace:key` → string. */
    readonly config: Readonly<Record<string, string>>;
}

/** `pulumi preview --policy-pack <dir>`: [analyzer.go] NewPolicyAnalyzer → [plugin.go] ExecPlugin → [main.go] RunPlugin. */
export function policyPackLaunch(run: PolicyPackRun): Launch {
    const options = readRuntimeOptions(path.join(run.packDir, "PulumiPolicy.yaml"));
    return {
        command: process.execPath,
        // [main.go] RunPlugin, kind analyzer: @pulumi/pulumi/cmd/run-policy-pack, then the args ([analyzer.go]:
        // the engine address), then the program directory *last*.
        args: [locateModule("@pulumi/pulumi/cmd/run-policy-pack", run.packDir), ...options.nodeargs, run.engineAddress, run.packDir],
        // [main.go] RunPlugin: "node policy packs used to always run with the working directory set to the policy
        // pack directory": run-policy-pack looks for tsconfig.json here, @pulumi/policy reads package.json here.
        cwd: run.packDir,
        env: {
            ...process.env,
            ...typescriptEnv(options),
            // [main.go] RunPlugin: the stack's configuration the policy proxy received ([analyzer.go] ConfigureStack:
            // keys as `namespace:key`).
            PULUMI_NODEJS_ORGANIZATION: run.organization,
            PULUMI_NODEJS_PROJECT: run.project,
            PULUMI_NODEJS_STACK: run.stack,
            PULUMI_NODEJS_DRY_RUN: String(run.dryRun),
            PULUMI_CONFIG: JSON.stringify(run.config),
        },
    };
}

// ---- running a launch ----------------------------------------------------------------------------------------

/** Every process started here, so a test's afterAll can stop what is still running. */
const started: ChildProcess[] = [];

function start(launch: Launch): ChildProcess {
    const child = spawn(launch.command, [...launch.args], { cwd: launch.cwd, env: launch.env, stdio: ["ignore", "pipe", "pipe"] });
    started.push(child);
    return child;
}

/** Stop the processes started by this module that are still running (by their own handle, never by name). */
export function stopAll(): void {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill();
}

/**
 * Start a plugin or policy pack and resolve with the port it prints: the first line of its stdout ([plugin.go]
 * newPlugin reads the port there). Rejects, with everything it wrote, if it exits first.
 */
export function startServing(launch: Launch): Promise<{ port: number; child: ChildProcess }> {
    const child = start(launch);
    let stdout = "";
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr += d));
    return new Promise((resolve, reject) => {
        child.stdout?.on("data", (d) => {
            stdout += d;
            const line = /^(\d+)\s*$/m.exec(stdout);
            if (line) resolve({ port: Number(line[1]), child });
        });
        child.on("exit", (code) => reject(new Error(`exited (${code}) before printing its port:\n${stdout}\n${stderr}`)));
    });
}

/** Run a program to its end: what the language host waits for ([main.go] execRuntime). */
export function runToExit(launch: Launch): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = start(launch);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}
