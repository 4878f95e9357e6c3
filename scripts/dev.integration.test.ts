/**
 * `npm run dev` end to end, as a user runs it: through npm, with real MariaDB / PostgreSQL / dynalite. The stop
 * tests stop it the three ways a user does — SIGTERM to npm only, Ctrl-C pressed repeatedly in a real
 * pseudo-terminal (script(1): the terminal signals the whole foreground process group and npm forwards the
 * signal again), and SIGTERM to the whole process group — and assert that no process of the run survives and no
 * data directory is left. Each run gets its own TMPDIR: the harness makes its data directories under
 * os.tmpdir(), every process of the run inherits the variable, so both leftovers are found without looking at
 * anything another test or user started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { readmeCurlExamples } from "./lib/readme-examples";

const ROOT = path.resolve(__dirname, "..");

/** How the run is started: npm with pipes, npm under a pseudo-terminal, npm leading its own process group. */
type Via = "pipe" | "pty" | "group";

interface Dev {
    /** npm, or script(1) running npm for `pty`. */
    readonly proc: ChildProcess;
    output: string;
    readonly exited: Promise<number | null>;
    /** This run's TMPDIR (the data directories' parent). */
    readonly tmp: string;
}

function npmRunDev(args: string[], via: Via = "pipe"): Dev {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "sc-dev-test-"));
    chmodSync(tmp, 0o755); // the servers run as the OS users mysql / postgres and must reach their directories
    const env = { ...process.env, TMPDIR: tmp };
    const proc =
        via === "pty"
            ? // script(1) (util-linux) runs the command on a new pseudo-terminal and copies our stdin to it: a 0x03
              // written there is a Ctrl-C typed at that terminal (its line discipline sends SIGINT to the foreground group).
              spawn("script", ["-qfec", ["npm", "run", "dev", "--", ...args].join(" "), "/dev/null"], { cwd: ROOT, env, stdio: "pipe" })
            : spawn("npm", ["run", "dev", "--", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: via === "group" });
    const dev: Dev = { proc, output: "", tmp, exited: new Promise((resolve) => proc.once("exit", (code) => resolve(code))) };
    proc.stdout.on("data", (c: Buffer) => (dev.output += c.toString()));
    proc.stderr.on("data", (c: Buffer) => (dev.output += c.toString()));
    return dev;
}

/** Live processes whose environment carries this run's TMPDIR: everything the run started, wherever re-parented. */
function processesOf(dev: Dev): number[] {
    const marker = `\0TMPDIR=${dev.tmp}\0`;
    return readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
        .map(Number)
        .filter((pid) => {
            try {
                return `\0${readFileSync(`/proc/${pid}/environ`, "latin1")}`.includes(marker) && alive(pid);
            } catch {
                return false; // exited meanwhile
            }
        });
}

/** The harness's data directories (`sc-mariadb-*`, `sc-postgres-*`, …) still in this run's TMPDIR. */
function dataDirectoriesOf(dev: Dev): string[] {
    return readdirSync(dev.tmp).filter((name) => name.startsWith("sc-"));
}

/** Kills whatever of the run is left (only its own processes) and removes its TMPDIR. */
function sweep(dev: Dev, extra: number[] = []): void {
    for (const pid of [...extra, ...processesOf(dev)]) {
        try {
            process.kill(pid, "SIGKILL");
        } catch {
            // already gone
        }
    }
    if (dev.proc.exitCode === null) dev.proc.kill("SIGKILL");
    rmSync(dev.tmp, { recursive: true, force: true });
}

/** Starts a run and waits for its ready line; returns it with every process it started. */
async function readyRun(via: Via): Promise<{ dev: Dev; base: number; tree: number[] }> {
    const base = await freePortBase();
    const dev = npmRunDev(["--port-base", String(base)], via);
    await until("the ready line", () => /^ready: /m.test(dev.output) || dev.proc.exitCode !== null, 180_000);
    expect(dev.output).toMatch(/^ready: /m);
    const tree = processesOf(dev);
    // npm → node scripts/dev.ts → mariadbd, postgres (+ its workers), the four services.
    expect(tree.length).toBeGreaterThanOrEqual(7);
    return { dev, base, tree };
}

/** After a stop: nothing of the run alive, no data directory left, and the runner said it finished cleaning up. */
async function expectNothingLeft(dev: Dev, tree: number[]): Promise<void> {
    await until("every process of the run to exit", () => processesOf(dev).length === 0 && tree.every((pid) => !alive(pid)), 60_000).catch(
        () => undefined,
    );
    expect({ processes: [...new Set([...processesOf(dev), ...tree.filter(alive)])], dataDirectories: dataDirectoriesOf(dev) }).toEqual({
        processes: [],
        dataDirectories: [],
    });
    expect(dev.output).toContain("stopped: services drained, databases deleted.");
}

async function until(what: string, check: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 200));
    }
}

/** Live (non-zombie) process? */
function alive(pid: number): boolean {
    const stat = `/proc/${pid}/stat`;
    if (!existsSync(stat)) return false;
    try {
        return readFileSync(stat, "utf8").split(") ")[1]?.[0] !== "Z";
    } catch {
        return false;
    }
}

/** Starts a run, stops it with `stop`, and checks that nothing of it is left (sweeping whatever is, in any case). */
async function stopsCleanly(via: Via, stop: (dev: Dev) => Promise<void> | void): Promise<void> {
    const { dev, tree } = await readyRun(via);
    try {
        await stop(dev);
        await dev.exited;
        await expectNothingLeft(dev, tree);
    } finally {
        sweep(dev, tree);
    }
}

/** A base port with the four ports after it free on every interface (what the services bind). */
async function freePortBase(): Promise<number> {
    const free = (port: number) =>
        new Promise<boolean>((resolve) => {
            const s = net.createServer();
            s.once("error", () => resolve(false));
            s.listen(port, "0.0.0.0", () => s.close(() => resolve(true)));
        });
    for (let attempt = 0; attempt < 50; attempt++) {
        const base = 20_000 + Math.floor(Math.random() * 20_000);
        if ((await Promise.all([0, 1, 2, 3].map((i) => free(base + i)))).every(Boolean)) return base;
    }
    throw new Error("no free port range");
}

describe("npm run dev", () => {
    it("should serve all four services, answer every curl example of the README, relay visits → private-service through the local metadata stand-in, and leave nothing running after SIGTERM to npm", async () => {
        const { dev, base, tree } = await readyRun("pipe");
        try {
            expect(dev.output).toContain(`visits-api       http://127.0.0.1:${base + 2}`);
            const relay = await fetch(`http://127.0.0.1:${base + 2}/ecs-private-service`);
            expect(relay.status).toBe(200);
            expect(JSON.stringify(await relay.json())).toContain("arn:aws:ecs:local:000000000000:task/local/npm-run-dev");

            // The README's examples address the default ports (8081-8084); this run's are base…base+3.
            const examples = readmeCurlExamples(readFileSync(path.join(ROOT, "README.md"), "utf8"));
            expect(examples.length).toBeGreaterThanOrEqual(8);
            for (const e of examples) {
                const res = await fetch(`http://127.0.0.1:${base + e.port - 8081}${e.path}`, {
                    method: e.method,
                    headers: e.headers,
                    body: e.body,
                });
                expect({ curl: e.line, status: res.status }).toEqual({ curl: e.line, status: e.method === "POST" ? 201 : 200 });
            }

            dev.proc.kill("SIGTERM");
            expect(await dev.exited).not.toBeNull();
            await expectNothingLeft(dev, tree);
        } finally {
            // Never leave a run behind, whatever failed above: only the processes this test started.
            sweep(dev, tree);
        }
    }, 300_000);

    it("should leave no process and no data directory when Ctrl-C is pressed five times in a row in a terminal", async () => {
        await stopsCleanly("pty", async (dev) => {
            // Five presses 100 ms apart: the first starts the stop, the others (each signalled twice, by the terminal
            // and by npm) land while it drains the services and deletes the databases.
            for (let press = 0; press < 5; press++) {
                dev.proc.stdin!.write("\x03");
                await new Promise((r) => setTimeout(r, 100));
            }
        });
    }, 300_000);

    it("should leave no process and no data directory after SIGTERM to its whole process group", async () => {
        // npm ends by the same signal (null exit code) once the runner has exited.
        await stopsCleanly("group", (dev) => void process.kill(-dev.proc.pid!, "SIGTERM"));
    }, 300_000);

    it("should refuse to start, naming the port and the service, when a port is taken", async () => {
        const base = await freePortBase();
        const blocker = net.createServer();
        await new Promise<void>((resolve) => blocker.listen(base + 1, "0.0.0.0", () => resolve()));
        const dev = npmRunDev(["--port-base", String(base)]);
        try {
            const code = await dev.exited;
            expect(code).toBe(1);
            expect(dev.output).toContain(`port ${base + 1} (catalogue-api) is not available: EADDRINUSE`);
            expect(dev.output).not.toMatch(/^ready: /m);
        } finally {
            blocker.close();
            sweep(dev);
        }
    }, 60_000);

    it("should print its options on --help and refuse unknown ones with exit code 2", async () => {
        const help = npmRunDev(["--help"]);
        const bad = npmRunDev(["--no-such-option"]);
        try {
            expect(await help.exited).toBe(0);
            expect(help.output).toContain("--port-base <n>");
            expect(await bad.exited).toBe(2);
            expect(bad.output).toContain("Unknown option '--no-such-option'");
        } finally {
            sweep(help);
            sweep(bad);
        }
    }, 60_000);
});
