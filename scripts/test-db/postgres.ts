import fs from "node:fs";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Client } from "pg";
import { installServerCert, type TestCa } from "./tls";
import {
    INSTALL_HINT,
    freePort,
    makeRoot,
    osUser,
    randomSecret,
    pauseControl,
    spawnServer,
    stopProcess,
    trackRoot,
    uniqueName,
    untrackRoot,
    waitUntilReady,
    type ManagedProcess,
} from "./process-util";
import { adminFromUrl, lifecycle, type AdminCredentials, type LifecycleOps, type SqlServerHandle, type TestDatabase } from "./types";

const execFileAsync = promisify(execFile);

export interface PostgresOptions {
    /** Run with log_statement=all; readStatementLog() then returns every statement with `user=… db=…`. */
    readonly logStatements?: boolean;
    /** Ignore TEST_PG_URL: tests that stop/start the server or read its log need their own. */
    readonly requireManaged?: boolean;
    /** Also accept TLS (ssl=on) with this CA's server certificate (plain connections stay possible). */
    readonly tls?: TestCa;
}

type Admin = AdminCredentials;

function binDir(): string {
    const base = "/usr/lib/postgresql";
    const versions = fs.existsSync(base)
        ? fs
              .readdirSync(base)
              .filter((v) => fs.existsSync(path.join(base, v, "bin", "postgres")))
              .sort((a, b) => Number(b) - Number(a))
        : [];
    const preferred = versions.includes("15") ? "15" : versions[0];
    if (preferred === undefined) {
        throw new Error(
            `PostgreSQL server binaries not found under ${base}/*/bin. Install them with: ${INSTALL_HINT} (or set TEST_PG_URL)`,
        );
    }
    return path.join(base, preferred, "bin");
}

async function adminClient(admin: Admin, database = "postgres"): Promise<Client> {
    const client = new Client({ ...admin, database, connectionTimeoutMillis: 2_000 });
    client.on("error", () => undefined);
    await client.connect();
    return client;
}

function makeHandle(admin: Admin, managed: boolean, ops: LifecycleOps): SqlServerHandle {
    return {
        engine: "postgres",
        host: admin.host,
        port: admin.port,
        managed,
        async createDatabase(prefix: string): Promise<TestDatabase> {
            const name = uniqueName(prefix).slice(0, 60);
            const password = randomSecret();
            const client = await adminClient(admin);
            try {
                // Identifiers/passwords are generated here ([a-z0-9_] / hex), never user input.
                await client.query(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
                await client.query(`CREATE DATABASE ${name} OWNER ${name} ENCODING 'UTF8' TEMPLATE template0`);
            } finally {
                await client.end();
            }
            return { host: admin.host, port: admin.port, database: name, user: name, password };
        },
        async adminQuery<T>(sql: string, params: readonly unknown[] = [], database?: string): Promise<T[]> {
            const client = await adminClient(admin, database);
            try {
                const result = await client.query(sql, params as unknown[]);
                return result.rows as T[];
            } finally {
                await client.end();
            }
        },
        ...lifecycle("postgres", ops),
    };
}

function pgTlsArgs(files: { cert: string; key: string }): string[] {
    return ["-c", "ssl=on", "-c", `ssl_cert_file=${files.cert}`, "-c", `ssl_key_file=${files.key}`];
}

/** Starts a throwaway PostgreSQL (initdb + postgres as OS user postgres) on a random loopback port. */
export async function startPostgres(options: PostgresOptions = {}): Promise<SqlServerHandle> {
    const external = process.env.TEST_PG_URL;
    if (external && !options.requireManaged && !options.logStatements && !options.tls) {
        return makeHandle(adminFromUrl(external, 5432), false, {});
    }

    const bin = binDir();
    const owner = osUser("postgres");
    const root = makeRoot("postgres", owner);
    trackRoot(root);
    const dataDir = path.join(root, "data");
    const logFile = path.join(root, "server.log");
    const port = await freePort();
    const admin: Admin = { host: "127.0.0.1", port, user: "postgres", password: randomSecret() };
    const pwFile = path.join(root, "pw");
    fs.writeFileSync(pwFile, admin.password);
    fs.chownSync(pwFile, owner.uid, owner.gid);

    try {
        // Run as OS user postgres (it refuses to run as root). Node's uid/gid spawn options are the same as
        // `runuser -u postgres --`, without a wrapper process between us and the postmaster's signals.
        await execFileAsync(
            path.join(bin, "initdb"),
            ["-D", dataDir, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${pwFile}`, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            { uid: owner.uid, gid: owner.gid, cwd: root },
        );
    } catch (err) {
        throw new Error(`initdb failed: ${(err as { stderr?: string }).stderr ?? String(err)}`, { cause: err });
    }
    fs.rmSync(pwFile);

    const args = [
        "-D",
        dataDir,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        "-c",
        "fsync=off",
        "-c",
        "max_connections=200",
        "-c",
        "logging_collector=off",
        "-c",
        "log_line_prefix=%m [%p] user=%u db=%d ",
        ...(options.logStatements ? ["-c", "log_statement=all"] : []),
        ...(options.tls ? pgTlsArgs(installServerCert(options.tls, root, owner)) : []),
    ];

    let proc: ManagedProcess | undefined;
    const control = pauseControl(() => proc);
    const start = async (): Promise<void> => {
        if (proc && proc.child.exitCode === null && proc.child.signalCode === null) return;
        proc = spawnServer(path.join(bin, "postgres"), args, logFile, { uid: owner.uid, gid: owner.gid, cwd: root });
        await waitUntilReady(
            "postgres",
            proc,
            async () => {
                const client = await adminClient(admin);
                await client.end();
            },
            logFile,
        );
    };
    // SIGINT = "fast" shutdown: sessions are terminated, committed data is kept (SIGTERM would wait for clients).
    const stop = async (): Promise<void> => {
        control.continueIfPaused(); // a stopped process acts on SIGTERM/SIGINT only once continued
        if (proc) await stopProcess(proc, "SIGINT");
    };
    await start();
    const { pause, resume } = control;

    return makeHandle(admin, true, {
        start,
        stop,
        pause,
        resume,
        readStatementLog: () => {
            if (!options.logStatements) throw new Error("start the server with { logStatements: true } to read its statement log");
            return fs.readFileSync(logFile, "utf8");
        },
        destroy: async () => {
            await resume();
            await stop();
            fs.rmSync(root, { recursive: true, force: true });
            untrackRoot(root);
        },
    });
}
