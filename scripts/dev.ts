/**
 * Local development: throwaway MariaDB, PostgreSQL and dynalite (the harness the tests use), a local
 * stand-in of the ECS task metadata endpoint, then all four services wired together the way the stacks
 * wire them in AWS, each on its own port with its log lines prefixed.
 *
 *   npm run dev [-- --port-base 8081]
 *
 * Stopping: Ctrl-C, SIGINT/SIGTERM/SIGHUP to this process or to the npm process that started it (the
 * npm script `exec`s node, so npm's forwarded signal reaches us), or the parent going away — each drains
 * the services (SIGTERM, then SIGKILL after a grace period), stops the metadata stand-in and deletes
 * the databases. A service that exits on its own, or a port that is already taken, stops everything
 * with exit code 1 and says which.
 *
 * Signals keep arriving while that runs: one Ctrl-C in a terminal signals the whole foreground process group
 * and npm forwards the same signal again (@npmcli/run-script's signal-manager), so this process gets every
 * signal at least twice, and a user presses Ctrl-C again when the stop takes a second. The handlers therefore
 * stay installed for the whole run (`process.on`, not `once`): with `once` the first signal removed the handler,
 * Node restored the default action, and the second signal killed this process mid-cleanup — mariadbd, which
 * ignores SIGINT, kept running re-parented to PID 1 and both data directories stayed behind (seen with perf's
 * signal tracepoints: npm's forwarded SIGINT arrived 0.4 ms after the terminal's).
 *
 * Needs root (the servers run as the OS users mysql / postgres) and
 * `apt-get install -y postgresql mariadb-server`.
 */
import "./lib/supported-node";
import { spawn, type ChildProcess } from "node:child_process";
import * as http from "node:http";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startDynalite, startMariaDb, startPostgres } from "./test-db";

const ROOT = path.resolve(__dirname, "..");
const APPS = ["products-api", "catalogue-api", "visits-api", "private-service"] as const;
type App = (typeof APPS)[number];
const DEFAULT_PORT_BASE = 8081;
/** How long a service may take to drain on SIGTERM before it is killed. */
const DRAIN_MS = 15_000;
/** How long the services may take to answer GET /health 200 after start. */
const READY_MS = 90_000;
/** The address the apps listen on (service-kit's default: every interface). */
const BIND_ADDRESS = "0.0.0.0";

const HELP = `Run the four services locally against throwaway databases.

usage: npm run dev [-- options]

      --port-base <n>   first of four consecutive ports: products-api n, catalogue-api n+1, visits-api n+2,
                        private-service n+3 (default ${DEFAULT_PORT_BASE}); refused if any is taken
  -h, --help            this help

Stops on Ctrl-C, SIGINT/SIGTERM/SIGHUP (to this process or to npm), or when its parent goes away.
exit codes: 0 stopped on request; 1 a service or database failed, or a port is taken; 2 bad command line
`;

class UsageError extends Error {}

/** Set once signal handling is in place: stops whatever has started, then exits with `code`. */
let stopRunner: ((code: number, why: string) => Promise<void>) | undefined;

function parseCommandLine(argv: string[]): { portBase: number } | "help" {
    let values;
    try {
        values = parseArgs({
            args: argv,
            strict: true,
            allowPositionals: false,
            options: { "port-base": { type: "string" }, help: { type: "boolean", short: "h", default: false } },
        }).values;
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
    if (values.help) return "help";
    const raw = values["port-base"];
    const portBase = raw === undefined ? DEFAULT_PORT_BASE : Number(raw);
    if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65_532) {
        throw new UsageError(`--port-base must be an integer between 1024 and 65532 (got "${raw}")`);
    }
    return { portBase };
}

/** Fails naming the port and the app when something already listens there (checked before anything starts). */
async function assertPortFree(port: number, app: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
        const probe = net.createServer();
        probe.once("error", (err: NodeJS.ErrnoException) =>
            reject(
                new Error(
                    `port ${port} (${app}) is not available: ${err.code ?? err.message}. Stop what holds it or choose other ports with --port-base.`,
                ),
            ),
        );
        probe.listen(port, BIND_ADDRESS, () => probe.close(() => resolve()));
    });
}

/**
 * A local stand-in of the ECS task metadata endpoint v4, so private-service answers GET / (and visits-api's
 * /ecs-private-service relay works) outside ECS. Paths and fields as documented for Fargate:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v4-fargate.html
 * (`${ECS_CONTAINER_METADATA_URI_V4}` → the container, `/task` → the task with its containers).
 */
function startMetadataStandIn(): Promise<{ uri: string; close: () => Promise<void> }> {
    const container = {
        DockerId: "local-private-service",
        Name: "private-service",
        Image: "private-service:local",
        Labels: { "com.amazonaws.ecs.cluster": "local", "com.amazonaws.ecs.task-definition-family": "private-service" },
        KnownStatus: "RUNNING",
        Networks: [{ NetworkMode: "awsvpc", IPv4Addresses: ["127.0.0.1"] }],
    };
    const task = {
        Cluster: "local",
        TaskARN: "arn:aws:ecs:local:000000000000:task/local/npm-run-dev",
        Family: "private-service",
        Revision: "1",
        DesiredStatus: "RUNNING",
        KnownStatus: "RUNNING",
        LaunchType: "FARGATE",
        ServiceName: "private-service (local stand-in for the ECS task metadata endpoint)",
        Containers: [container],
    };
    const server = http.createServer((req, res) => {
        const route = (req.url ?? "").replace(/\/+$/, "");
        const body = route.endsWith("/task") ? task : route === "/v4/local" ? container : undefined;
        res.writeHead(body ? 200 : 404, { "content-type": "application/json" });
        res.end(JSON.stringify(body ?? { error: "not found" }));
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as AddressInfo;
            resolve({ uri: `http://127.0.0.1:${port}/v4/local`, close: () => new Promise((r) => server.close(() => r())) });
        });
    });
}

/** The value of a settled promise already known to be fulfilled. */
function fulfilled<T>(s: PromiseSettledResult<T>): T {
    return (s as PromiseFulfilledResult<T>).value;
}

function write(line: string): void {
    process.stdout.write(`${line}\n`);
}

// A closed terminal (its window shut: SIGHUP) makes every later write fail with EIO, and an unhandled stream
// error would end this process before it has deleted the databases: output is best effort, cleanup is not.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

interface Service {
    readonly app: App;
    readonly port: number;
    readonly child: ChildProcess;
}

function startService(
    app: App,
    port: number,
    env: Record<string, string | number>,
    onUnexpectedExit: (app: App, why: string) => void,
): Service {
    const child = spawn(process.execPath, ["-r", "@swc-node/register", `apps/${app}/src/server.ts`], {
        cwd: ROOT,
        env: {
            ...process.env,
            NODE_ENV: "development",
            PORT: String(port),
            ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
        },
        stdio: ["ignore", "pipe", "pipe"],
    });
    const prefix = `[${app}]`.padEnd(18);
    for (const stream of [child.stdout, child.stderr]) {
        let rest = "";
        stream?.on("data", (chunk: Buffer) => {
            const lines = (rest + chunk.toString()).split("\n");
            rest = lines.pop() ?? "";
            for (const line of lines) write(`${prefix} ${line}`);
        });
    }
    child.on("exit", (code, signal) => {
        write(`${prefix} exited (${signal ?? code})`);
        onUnexpectedExit(app, signal ? `killed by ${signal}` : `exit code ${code}`);
    });
    return { app, port, child };
}

async function waitHealthy(service: Service, deadline: number): Promise<void> {
    const url = `http://127.0.0.1:${service.port}/health`;
    while (Date.now() < deadline) {
        if (service.child.exitCode !== null || service.child.signalCode !== null)
            throw new Error(`${service.app} exited before it was ready`);
        try {
            const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
            if (res.ok) return;
        } catch {
            // not listening yet
        }
        await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${service.app} did not answer ${url} with 200 within ${READY_MS / 1000} s`);
}

function stopChild(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), DRAIN_MS);
        child.once("exit", () => {
            clearTimeout(timer);
            resolve();
        });
        child.kill("SIGTERM");
    });
}

async function main(): Promise<void> {
    const options = parseCommandLine(process.argv.slice(2));
    if (options === "help") {
        process.stdout.write(HELP);
        return;
    }
    const ports = Object.fromEntries(APPS.map((app, i) => [app, options.portBase + i])) as Record<App, number>;

    const cleanups: Array<() => Promise<void>> = [];
    const services: Service[] = [];
    let stopping: Promise<void> | undefined;
    let startup: Promise<unknown> = Promise.resolve();
    const stop = (stopRunner = (code: number, why: string): Promise<void> => {
        // Idempotent: every later signal or failure joins the stop already under way.
        stopping ??= (async () => {
            write(`stopping (${why})…`);
            // Whatever is still starting is cleaned up once it has started.
            await startup.catch(() => undefined);
            await Promise.all(services.map((s) => stopChild(s.child)));
            for (const cleanup of cleanups.reverse()) await cleanup().catch((e: Error) => process.stderr.write(`cleanup: ${e.message}\n`));
            write("stopped: services drained, databases deleted.");
            process.exit(code);
        })();
        return stopping;
    });
    // Stays installed: a repeated signal joins the stop under way (see the file comment).
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(0, signal));
    // npm, or whatever started us, going away (even by SIGKILL) stops everything too: we are re-parented.
    const parent = process.ppid;
    setInterval(() => {
        if (process.ppid !== parent) void stop(0, `parent process ${parent} exited`);
    }, 500).unref();
    const unexpected = (app: App, why: string): void => {
        if (!stopping) {
            process.stderr.write(`✖ ${app} stopped unexpectedly (${why}); stopping everything.\n`);
            void stop(1, `${app} failed`);
        }
    };

    for (const app of APPS) await assertPortFree(ports[app], app);

    let metadata: Awaited<ReturnType<typeof startMetadataStandIn>> | undefined;
    // Everything that creates something is inside `startup`, so a stop requested at any moment waits for it and
    // then removes all of it; each step checks whether a stop came meanwhile before creating more.
    startup = (async () => {
        const started = await Promise.allSettled([
            startMariaDb({ requireManaged: true }),
            startPostgres({ requireManaged: true }),
            startDynalite(),
            startMetadataStandIn(),
        ]);
        const [m, p, d, md] = started;
        if (m.status === "fulfilled") cleanups.push(() => m.value.destroy());
        if (p.status === "fulfilled") cleanups.push(() => p.value.destroy());
        if (d.status === "fulfilled") cleanups.push(() => d.value.destroy());
        if (md.status === "fulfilled") cleanups.push(() => md.value.close());
        const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
        if (failed) throw failed.reason;
        if (stopping) return;
        const mariaDb = fulfilled(m);
        const postgres = fulfilled(p);
        const dynamo = fulfilled(d);
        metadata = fulfilled(md);
        const catalogue = await mariaDb.createDatabase("catalogue");
        const visits = await postgres.createDatabase("visits");
        if (stopping) return;

        services.push(
            startService(
                "products-api",
                ports["products-api"],
                { TABLE_NAME: "Products", AWS_REGION: "us-east-1", RUNTIME: "local", DYNAMODB_ENDPOINT: dynamo.endpoint },
                unexpected,
            ),
            startService(
                "catalogue-api",
                ports["catalogue-api"],
                {
                    DB_HOST: catalogue.host,
                    DB_PORT: catalogue.port,
                    DB_USER: catalogue.user,
                    DB_PASSWORD: catalogue.password,
                    DB_NAME: catalogue.database,
                },
                unexpected,
            ),
            startService("private-service", ports["private-service"], { ECS_CONTAINER_METADATA_URI_V4: metadata.uri }, unexpected),
            startService(
                "visits-api",
                ports["visits-api"],
                {
                    DB_HOST: visits.host,
                    DB_PORT: visits.port,
                    DB_USER: visits.user,
                    DB_PASSWORD: visits.password,
                    DB_NAME: visits.database,
                    ECSPRIVATESERVICE: `http://127.0.0.1:${ports["private-service"]}`,
                },
                unexpected,
            ),
        );
    })();
    await startup;
    if (stopping) return;
    const deadline = Date.now() + READY_MS;
    try {
        await Promise.all(services.map((s) => waitHealthy(s, deadline)));
    } catch (err) {
        if (stopping) return; // stopped before ready: the services exit because they were asked to
        throw err;
    }
    if (stopping) return;
    write(
        [
            ...APPS.map((app) => `${app.padEnd(16)} http://127.0.0.1:${ports[app]}  (OpenAPI: /docs)`),
            `The services listen on ${BIND_ADDRESS} (every interface: service-kit's default bind address), so other machines on your network can reach them too.`,
            `private-service reads a local stand-in of the ECS task metadata endpoint (${metadata!.uri}).`,
            "ready: all four answer GET /health. Ctrl-C (or SIGTERM to npm) stops everything.",
        ].join("\n"),
    );
}

main().catch((err: unknown) => {
    if (err instanceof UsageError) {
        process.stderr.write(`${err.message}\nusage: npm run dev [-- --port-base <n>] (--help for more)\n`);
        process.exit(2);
    }
    process.stderr.write(`✖ npm run dev: ${(err as Error).message}\n`);
    // Stop whatever did start (databases, services) before exiting 1.
    if (stopRunner) void stopRunner(1, "start-up failed");
    else process.exit(1);
});
