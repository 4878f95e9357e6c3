/**
 * Local development: throwaway MariaDB, PostgreSQL and dynalite (the harness the tests use), then all
 * four services wired together the way the stacks wire them in AWS, each on its own port with its
 * log lines prefixed. Ctrl-C drains the services (SIGTERM) and deletes the databases.
 *
 *   npm run dev
 *
 * Needs root (the servers run as the OS users mysql / postgres) and
 * `apt-get install -y postgresql mariadb-server`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { startDynalite, startMariaDb, startPostgres } from "./test-db";

const ROOT = path.resolve(__dirname, "..");
const PORTS = { "products-api": 8081, "catalogue-api": 8082, "visits-api": 8083, "private-service": 8084 } as const;
type App = keyof typeof PORTS;

function start(app: App, env: Record<string, string | number>): ChildProcess {
    const child = spawn(process.execPath, ["-r", "@swc-node/register", `apps/${app}/src/server.ts`], {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: "development", ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) },
        stdio: ["ignore", "pipe", "pipe"],
    });
    const prefix = `[${app}]`.padEnd(18);
    for (const stream of [child.stdout, child.stderr]) {
        let rest = "";
        stream?.on("data", (chunk: Buffer) => {
            const lines = (rest + chunk.toString()).split("\n");
            rest = lines.pop() ?? "";
            for (const line of lines) process.stdout.write(`${prefix} ${line}\n`);
        });
    }
    child.on("exit", (code, signal) => process.stdout.write(`${prefix} exited (${signal ?? code})\n`));
    return child;
}

async function main(): Promise<void> {
    const [maria, pg, dynamo] = await Promise.all([startMariaDb({ requireManaged: true }), startPostgres({ requireManaged: true }), startDynalite()]);
    const catalogue = await maria.createDatabase("catalogue");
    const visits = await pg.createDatabase("visits");
    const children: ChildProcess[] = [
        start("products-api", { PORT: PORTS["products-api"], TABLE_NAME: "Products", AWS_REGION: "us-east-1", RUNTIME: "local", DYNAMODB_ENDPOINT: dynamo.endpoint }),
        start("catalogue-api", { PORT: PORTS["catalogue-api"], DB_HOST: catalogue.host, DB_PORT: catalogue.port, DB_USER: catalogue.user, DB_PASSWORD: catalogue.password, DB_NAME: catalogue.database }),
        start("private-service", { PORT: PORTS["private-service"] }),
        start("visits-api", {
            PORT: PORTS["visits-api"],
            DB_HOST: visits.host,
            DB_PORT: visits.port,
            DB_USER: visits.user,
            DB_PASSWORD: visits.password,
            DB_NAME: visits.database,
            ECSPRIVATESERVICE: `http://127.0.0.1:${PORTS["private-service"]}`,
        }),
    ];
    process.stdout.write(
        `${Object.entries(PORTS)
            .map(([app, port]) => `${app.padEnd(16)} http://127.0.0.1:${port}  (OpenAPI: /docs)`)
            .join("\n")}\nprivate-service answers 503 on GET / outside ECS (no task metadata endpoint). Ctrl-C stops everything.\n`,
    );

    let stopping = false;
    const stop = async (): Promise<void> => {
        if (stopping) return;
        stopping = true;
        await Promise.all(
            children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : (c.once("exit", () => resolve()), c.kill("SIGTERM"))))),
        );
        await Promise.allSettled([maria.destroy(), pg.destroy(), dynamo.destroy()]);
        process.exit(0);
    };
    process.once("SIGINT", () => void stop());
    process.once("SIGTERM", () => void stop());
}

main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
});
