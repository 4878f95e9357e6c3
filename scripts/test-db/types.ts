/** Credentials of one throwaway database with its own least-privilege user. */
export interface TestDatabase {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly user: string;
    readonly password: string;
}

/** A real database server for tests (harness-managed or pointed to by TEST_PG_URL / TEST_MYSQL_URL). */
export interface SqlServerHandle {
    readonly engine: "mariadb" | "postgres";
    readonly host: string;
    readonly port: number;
    /** False when the server came from TEST_*_URL: stop/start and log reading are then unavailable. */
    readonly managed: boolean;
    /** Creates a database and a user that owns only it. Names are unique per call. */
    createDatabase(prefix: string): Promise<TestDatabase>;
    /** Runs one statement as the admin user and returns the rows. */
    adminQuery<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], database?: string): Promise<T[]>;
    /** Stops the server (clients see connection refused); the data directory and port are kept. */
    stop(): Promise<void>;
    /** Starts it again on the same port and data directory. */
    start(): Promise<void>;
    /**
     * Freezes the server process (SIGSTOP, by the PID the harness started, and its forked backends): connections
     * stay open, nothing answers — a hung database, as in a failover or a network partition.
     */
    pause(): Promise<void>;
    /** Thaws it (SIGCONT): everything queued meanwhile is processed. */
    resume(): Promise<void>;
    /** The statement log (MariaDB general log / PostgreSQL log_statement=all) when enabled at start. */
    readStatementLog(): string;
    /** Stops the server and deletes its data. */
    destroy(): Promise<void>;
}

export class UnmanagedServerError extends Error {
    constructor(engine: string, action: string) {
        super(`${engine}: ${action} needs a harness-managed server; this one comes from TEST_*_URL. Unset it to run this test.`);
    }
}

/** Admin credentials of a server. */
export interface AdminCredentials {
    host: string;
    port: number;
    user: string;
    password: string;
}

/** Admin credentials from a TEST_*_URL such as `mysql://admin:pw@host:3306`. */
export function adminFromUrl(url: string, defaultPort: number): AdminCredentials {
    const parsed = new URL(url);
    return {
        host: parsed.hostname,
        port: Number(parsed.port || defaultPort),
        user: decodeURIComponent(parsed.username),
        password: decodeURIComponent(parsed.password),
    };
}

export type LifecycleOps = Partial<Pick<SqlServerHandle, "stop" | "start" | "pause" | "resume" | "readStatementLog" | "destroy">>;

/** The lifecycle part of a handle: the harness's operations, or errors naming why an external server has none. */
export function lifecycle(
    engine: SqlServerHandle["engine"],
    ops: LifecycleOps,
): Pick<SqlServerHandle, "stop" | "start" | "pause" | "resume" | "readStatementLog" | "destroy"> {
    return {
        pause: ops.pause ?? (() => Promise.reject(new UnmanagedServerError(engine, "pause()"))),
        resume: ops.resume ?? (() => Promise.reject(new UnmanagedServerError(engine, "resume()"))),
        stop: ops.stop ?? (() => Promise.reject(new UnmanagedServerError(engine, "stop()"))),
        start: ops.start ?? (() => Promise.reject(new UnmanagedServerError(engine, "start()"))),
        readStatementLog:
            ops.readStatementLog ??
            (() => {
                throw new UnmanagedServerError(engine, "readStatementLog()");
            }),
        destroy: ops.destroy ?? (() => Promise.resolve()),
    };
}
