/**
 * Readers for the servers' statement logs, used to prove the services never do anything that pins an
 * RDS Proxy connection to a client (session SET, prepared statements, locks, LISTEN, temp tables).
 */

export interface MariaDbLogEntry {
    readonly connectionId: number;
    readonly command: string;
    readonly argument: string;
}

const MARIADB_ENTRY = /^(?:\d{6}\s+\d{1,2}:\d\d:\d\d)?\s+(\d+)\s([A-Z][A-Za-z_]*(?: [a-z_]+)?)\t?(.*)$/;

/** Parses a MariaDB general query log file (multi-line statements are joined to their entry). */
export function parseMariaDbGeneralLog(text: string): MariaDbLogEntry[] {
    const entries: { connectionId: number; command: string; argument: string }[] = [];
    const lines = text.split("\n");
    let inHeader = true;
    for (const line of lines) {
        if (inHeader) {
            if (line.startsWith("Time")) inHeader = false;
            continue;
        }
        if (line.startsWith("/usr/sbin/mariadbd") || line.startsWith("Tcp port:")) {
            inHeader = true; // a restart writes the header again
            continue;
        }
        const match = MARIADB_ENTRY.exec(line);
        if (match) {
            entries.push({ connectionId: Number(match[1]), command: match[2], argument: match[3] ?? "" });
        } else if (entries.length > 0) {
            entries[entries.length - 1].argument += `\n${line}`;
        }
    }
    return entries;
}

/** Entries of the connections that logged in as `user`. */
export function mariaDbEntriesOfUser(entries: readonly MariaDbLogEntry[], user: string): MariaDbLogEntry[] {
    const ids = new Set(entries.filter((e) => e.command === "Connect" && e.argument.startsWith(`${user}@`)).map((e) => e.connectionId));
    return entries.filter((e) => ids.has(e.connectionId));
}

const MARIADB_PINNING_COMMANDS = new Set(["Prepare", "Execute", "Close stmt", "Reset stmt", "Long Data", "Fetch", "Change user"]);
const SQL_PINNING =
    /^\s*(SET\s|PREPARE\s|EXECUTE\s|DEALLOCATE\s|LOCK\s|UNLOCK\s|LISTEN\s|CREATE\s+TEMP|DISCARD\s)|GET_LOCK\s*\(|pg_advisory|CREATE\s+TEMPORARY/i;

/** Human-readable findings: pinning commands or statements in `entries` (empty = pinning-free). */
export function mariaDbPinningFindings(entries: readonly MariaDbLogEntry[]): string[] {
    const findings: string[] = [];
    for (const e of entries) {
        if (MARIADB_PINNING_COMMANDS.has(e.command)) findings.push(`#${e.connectionId} ${e.command}: ${e.argument}`);
        else if (e.command === "Query" && SQL_PINNING.test(e.argument)) findings.push(`#${e.connectionId} Query: ${e.argument}`);
    }
    return findings;
}

export interface PostgresLogEntry {
    readonly pid: number;
    readonly user: string;
    readonly database: string;
    /** e.g. "statement", "execute <unnamed>", "execute s1", "parse s1". */
    readonly kind: string;
    readonly statement: string;
}

const PG_ENTRY = /^\S+ \S+ \S+ \[(\d+)\] user=(\S*) db=(\S*) LOG:\s+(statement|execute [^:]+|parse [^:]+|bind [^:]+):\s?(.*)$/;

/** Parses a PostgreSQL log written with log_line_prefix='%m [%p] user=%u db=%d ' and log_statement=all. */
export function parsePostgresLog(text: string): PostgresLogEntry[] {
    const entries: { pid: number; user: string; database: string; kind: string; statement: string }[] = [];
    let last: (typeof entries)[number] | undefined;
    for (const line of text.split("\n")) {
        const match = PG_ENTRY.exec(line);
        if (match) {
            last = { pid: Number(match[1]), user: match[2], database: match[3], kind: match[4], statement: match[5] ?? "" };
            entries.push(last);
        } else if (/^\S+ \S+ \S+ \[\d+\]/.test(line)) {
            last = undefined; // another log line (DETAIL, connection, …)
        } else if (last && (line.startsWith("\t") || line.startsWith(" "))) {
            last.statement += `\n${line}`;
        }
    }
    return entries;
}

/** Findings for PostgreSQL: named prepared statements, SET, LISTEN, advisory locks, temp tables, PREPARE. */
export function postgresPinningFindings(entries: readonly PostgresLogEntry[]): string[] {
    const findings: string[] = [];
    for (const e of entries) {
        const named = /^(execute|parse|bind) (?!<unnamed>)/.test(e.kind);
        if (named) findings.push(`[${e.pid}] named prepared statement (${e.kind}): ${e.statement}`);
        else if (SQL_PINNING.test(e.statement)) findings.push(`[${e.pid}] ${e.kind}: ${e.statement}`);
    }
    return findings;
}
