/**
 * `npm run dev` end to end, as a user runs it: through npm, with real MariaDB / PostgreSQL / dynalite.
 * The signal test sends SIGTERM to the npm process only and asserts that nothing it started survives.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

interface Dev {
    readonly npm: ChildProcess;
    output: string;
    readonly exited: Promise<number | null>;
}

function npmRunDev(args: string[]): Dev {
    const npm = spawn("npm", ["run", "dev", "--", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const dev: Dev = { npm, output: "", exited: new Promise((resolve) => npm.once("exit", (code) => resolve(code))) };
    npm.stdout.on("data", (c: Buffer) => (dev.output += c.toString()));
    npm.stderr.on("data", (c: Buffer) => (dev.output += c.toString()));
    return dev;
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

/** Every descendant of `pid` (children of all its threads, recursively), from /proc. */
function descendants(pid: number): number[] {
    const out: number[] = [];
    const walk = (p: number): void => {
        const taskDir = `/proc/${p}/task`;
        if (!existsSync(taskDir)) return;
        for (const tid of readdirSync(taskDir)) {
            let children: string;
            try {
                children = readFileSync(`${taskDir}/${tid}/children`, "utf8");
            } catch {
                continue;
            }
            for (const c of children.split(/\s+/).filter(Boolean).map(Number)) {
                out.push(c);
                walk(c);
            }
        }
    };
    walk(pid);
    return out;
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
    it("should serve all four services, relay visits → private-service through the local metadata stand-in, and leave nothing running after SIGTERM to npm", async () => {
        const base = await freePortBase();
        const dev = npmRunDev(["--port-base", String(base)]);
        const survivors: number[] = [];
        try {
            await until("the ready line", () => /^ready: /m.test(dev.output) || dev.npm.exitCode !== null, 180_000);
            expect(dev.output).toMatch(/^ready: /m);
            expect(dev.output).toContain(`visits-api       http://127.0.0.1:${base + 2}`);

            const relay = await fetch(`http://127.0.0.1:${base + 2}/ecs-private-service`);
            expect(relay.status).toBe(200);
            expect(JSON.stringify(await relay.json())).toContain("arn:aws:ecs:local:000000000000:task/local/npm-run-dev");

            const tree = descendants(dev.npm.pid!);
            // npm → node scripts/dev.ts → mariadbd, postgres (+ its workers), the four services.
            expect(tree.length).toBeGreaterThanOrEqual(7);
            dev.npm.kill("SIGTERM");
            expect(await dev.exited).not.toBeNull();
            await until("every process npm started to exit", () => tree.every((pid) => !alive(pid)), 60_000).catch(() => undefined);
            survivors.push(...tree.filter(alive));
            expect(survivors).toEqual([]);
            expect(dev.output).toContain("stopped: services drained, databases deleted.");
        } finally {
            // Never leave a run behind, whatever failed above: only the processes this test started.
            for (const pid of [...survivors, ...descendants(dev.npm.pid!)]) {
                try {
                    process.kill(pid, "SIGKILL");
                } catch {
                    // already gone
                }
            }
            if (dev.npm.exitCode === null) dev.npm.kill("SIGKILL");
        }
    }, 300_000);

    it("should refuse to start, naming the port and the service, when a port is taken", async () => {
        const base = await freePortBase();
        const blocker = net.createServer();
        await new Promise<void>((resolve) => blocker.listen(base + 1, "0.0.0.0", () => resolve()));
        try {
            const dev = npmRunDev(["--port-base", String(base)]);
            const code = await dev.exited;
            expect(code).toBe(1);
            expect(dev.output).toContain(`port ${base + 1} (catalogue-api) is not available: EADDRINUSE`);
            expect(dev.output).not.toMatch(/^ready: /m);
        } finally {
            blocker.close();
        }
    }, 60_000);

    it("should print its options on --help and refuse unknown ones with exit code 2", async () => {
        const help = npmRunDev(["--help"]);
        expect(await help.exited).toBe(0);
        expect(help.output).toContain("--port-base <n>");
        const bad = npmRunDev(["--no-such-option"]);
        expect(await bad.exited).toBe(2);
        expect(bad.output).toContain("Unknown option '--no-such-option'");
    }, 60_000);
});
