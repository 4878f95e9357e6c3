import fs from "node:fs";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import mysql from "mysql2/promise";
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
const MARIADBD = "/usr/sbin/mariadbd";
const INSTALL_DB = ["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"];

export interface MariaDbOptions {
    /** Write the general query log (every statement of every connection) to a file readable by readStatementLog. */
    readonly generalLog?: boolean;
    /** Ignore TEST_MYSQL_URL: tests that stop/start the server or read its log need their own. */
    readonly requireManaged?: boolean;
    /** Also accept TLS with this CA's server certificate (plain connections stay possible). */
    readonly tls?: TestCa;
}

type Admin = AdminCredentials;

async function adminConnection(admin: Admin, database?: string): Promise<mysql.Connection> {
    return mysql.createConnection({ ...admin, database, connectTimeout: 2_000, multipleStatements: false });
}

function makeHandle(admin: Admin, managed: boolean, ops: LifecycleOps): SqlServerHandle {
    return {
        engine: "mariadb",
        host: admin.host,
        port: admin.port,
        managed,
        async createDatabase(prefix: string): Promise<TestDatabase> {
            const name = uniqueName(prefix).slice(0, 60);
            const user = name.slice(0, 80);
            const password = randomSecret();
            const conn = await adminConnection(admin);
            try {
                // Identifiers/passwords are generated here ([a-z0-9_] / hex), never user input.
                await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
                await conn.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
                await conn.query(`GRANT ALL PRIVILEGES ON \`${name}\`.* TO '${user}'@'%'`);
            } finally {
                await conn.end();
            }
            return { host: admin.host, port: admin.port, database: name, user, password };
        },
        async adminQuery<T>(sql: string, params: readonly unknown[] = [], database?: string): Promise<T[]> {
            const conn = await adminConnection(admin, database);
            try {
                const [rows] = await conn.query(sql, params as unknown[]);
                return rows as T[];
            } finally {
                await conn.end();
            }
        },
        ...lifecycle("mariadb", ops),
    };
}

function tlsArgs(files: { cert: string; key: string; ca: string }): string[] {
    return [`--ssl-cert=${files.cert}`, `--ssl-key=${files.key}`, `--ssl-ca=${files.ca}`];
}

/** Starts a throwaway MariaDB (mariadbd as OS user mysql) on a random loopback port. */
export async function startMariaDb(options: MariaDbOptions = {}): Promise<SqlServerHandle> {
    const external = process.env.TEST_MYSQL_URL;
    if (external && !options.requireManaged && !options.generalLog && !options.tls) {
        return makeHandle(adminFromUrl(external, 3306), false, {});
    }

    const installDb = INSTALL_DB.find((p) => fs.existsSync(p));
    if (!fs.existsSync(MARIADBD) || installDb === undefined) {
        throw new Error(
            `MariaDB server binaries not found (${MARIADBD}, mariadb-install-db). Install them with: ${INSTALL_HINT} (or set TEST_MYSQL_URL)`,
        );
    }
    const owner = osUser("mysql");
    const root = makeRoot("mariadb", owner);
    trackRoot(root);
    const dataDir = path.join(root, "data");
    const logFile = path.join(root, "server.log");
    const generalLogFile = path.join(root, "general.log");
    const port = await freePort();
    const admin: Admin = { host: "127.0.0.1", port, user: "harness", password: randomSecret() };
    const initFile = path.join(root, "init.sql");
    fs.writeFileSync(
        initFile,
        `CREATE USER IF NOT EXISTS 'harness'@'%' IDENTIFIED BY '${admin.password}';\nGRANT ALL PRIVILEGES ON *.* TO 'harness'@'%' WITH GRANT OPTION;\n`,
    );
    fs.chownSync(initFile, owner.uid, owner.gid);

    // A private tmpdir: concurrent mariadb-install-db runs sharing /tmp collide on their temporary table files
    // ("Error on delete of '/tmp/#sql-temptable-…'"), which failed server starts when test projects ran in parallel.
    const tmpDir = path.join(root, "tmp");
    fs.mkdirSync(tmpDir);
    fs.chownSync(tmpDir, owner.uid, owner.gid);

    try {
        await execFileAsync(installDb, [
            "--no-defaults",
            "--user=mysql",
            `--datadir=${dataDir}`,
            `--tmpdir=${tmpDir}`,
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
            "--skip-name-resolve",
            "--innodb-log-file-size=16M",
        ]);
    } catch (err) {
        throw new Error(`mariadb-install-db failed: ${(err as { stderr?: string }).stderr ?? String(err)}`, { cause: err });
    }

    const args = [
        "--no-defaults",
        "--user=mysql",
        `--datadir=${dataDir}`,
        `--tmpdir=${tmpDir}`,
        `--port=${port}`,
        "--bind-address=127.0.0.1",
        `--socket=${path.join(root, "mysqld.sock")}`,
        `--pid-file=${path.join(root, "mysqld.pid")}`,
        `--init-file=${initFile}`,
        "--skip-log-bin",
        "--skip-name-resolve",
        "--innodb-buffer-pool-size=32M",
        "--innodb-log-file-size=16M",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_unicode_ci",
        "--max-connections=500",
        ...(options.generalLog ? ["--general-log=1", `--general-log-file=${generalLogFile}`] : []),
        ...(options.tls ? tlsArgs(installServerCert(options.tls, root, owner)) : []),
    ];

    let proc: ManagedProcess | undefined;
    const control = pauseControl(() => proc);
    const start = async (): Promise<void> => {
        if (proc && proc.child.exitCode === null && proc.child.signalCode === null) return;
        proc = spawnServer(MARIADBD, args, logFile);
        await waitUntilReady(
            "mariadbd",
            proc,
            async () => {
                const conn = await adminConnection(admin);
                await conn.end();
            },
            logFile,
        );
    };
    // SIGTERM = normal shutdown: open client connections are killed, committed data is durable.
    const stop = async (): Promise<void> => {
        control.continueIfPaused(); // a stopped process acts on SIGTERM/SIGINT only once continued
        if (proc) await stopProcess(proc, "SIGTERM");
    };
    await start();
    const { pause, resume } = control;

    return makeHandle(admin, true, {
        start,
        stop,
        pause,
        resume,
        readStatementLog: () => {
            if (!options.generalLog) throw new Error("start the server with { generalLog: true } to read its statement log");
            return fs.existsSync(generalLogFile) ? fs.readFileSync(generalLogFile, "utf8") : "";
        },
        destroy: async () => {
            await resume();
            await stop();
            fs.rmSync(root, { recursive: true, force: true });
            untrackRoot(root);
        },
    });
}
