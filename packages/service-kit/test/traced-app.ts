/**
 * Runs an app as its image does — the built dist/ (bundle.js) started with `node --require tracing.js server.js`
 * — with OTEL_* pointing to a test receiver. Each test file builds its app once into a temp dir (no race with
 * other files or with `npm run build`).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { request, spawnApp, type ChildApp } from "../../../scripts/test-db";
import { SPAN_KIND, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./otlp-receiver";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface BuiltApp {
    readonly dir: string;
    remove(): void;
}

/** `node packages/service-kit/bundle.js --outdir <tmp>` in apps/<app>: dist/server.js, tracing.js, node_modules. */
export function buildApp(app: string): BuiltApp {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `traced-${app}-`));
    execFileSync(process.execPath, [path.join(REPO_ROOT, "packages/service-kit/bundle.js"), "--outdir", dir], {
        cwd: path.join(REPO_ROOT, "apps", app),
        stdio: ["ignore", "pipe", "pipe"],
    });
    return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface TracedApp {
    readonly app: ChildApp;
    readonly url: string;
    stop(): Promise<void>;
}

/** Starts the built app with its preload and `env` (PORT=0: the port is read from the "listening" log line). */
export async function startTracedApp(built: BuiltApp, env: Record<string, string>): Promise<TracedApp> {
    const app = spawnApp("", { PORT: "0", LOG_LEVEL: "info", ...env }, [
        "--require",
        path.join(built.dir, "tracing.js"),
        path.join(built.dir, "server.js"),
    ]);
    const listening = await app.waitForLog((l) => l.msg === "listening", "listening");
    const url = `http://127.0.0.1:${String(listening.port)}`;
    return {
        app,
        url,
        async stop() {
            if (app.child.exitCode === null) app.child.kill("SIGTERM");
            await app.exited;
        },
    };
}

/**
 * Builds `app`, starts it with `env` exporting http/protobuf to a new receiver as service `app`, waits until ready,
 * runs `requests` against it and stops it with SIGTERM (which flushes the spans still batched). The caller closes
 * the receiver and removes the build.
 */
export async function tracedRun(
    app: string,
    env: Record<string, string>,
    requests: (url: string) => Promise<void>,
): Promise<{ built: BuiltApp; receiver: OtlpReceiver; logs: Record<string, unknown>[] }> {
    const built = buildApp(app);
    const receiver = await startOtlpReceiver();
    const running = await startTracedApp(built, {
        ...env,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: "100",
        OTEL_SERVICE_NAME: app,
    });
    try {
        await waitReady(running.url);
        await requests(running.url);
    } finally {
        await running.stop();
    }
    return { built, receiver, logs: running.app.logs };
}

/** Waits until `ready` answers 200 (the SQL services create their schema after listening). */
export async function waitReady(url: string): Promise<void> {
    for (let i = 0; i < 300; i += 1) {
        const res = await request(url, "/ready").catch(() => undefined);
        if (res?.status === 200) return;
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${url}/ready never answered 200`);
}

/** The spans grouped by trace id, in arrival order. */
export function traces(spans: readonly ReceivedSpan[]): Map<string, ReceivedSpan[]> {
    const byTrace = new Map<string, ReceivedSpan[]>();
    for (const span of spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
    return byTrace;
}

/**
 * The traces of requests: those whose root is a server HTTP span of `service` (start-up work such as the schema's
 * CREATE TABLE makes traces of its own, rooted at its DB span).
 */
export function requestTraces(spans: readonly ReceivedSpan[], service: string): ReceivedSpan[][] {
    return [...traces(spans).values()].filter((trace) =>
        trace.some((s) => s.parentSpanId === "" && s.kind === SPAN_KIND.SERVER && s.resource["service.name"] === service),
    );
}

/** `span`'s parent, grand-parent… up to the root, within its trace (throws on a dangling parent id). */
export function ancestors(span: ReceivedSpan, trace: readonly ReceivedSpan[]): ReceivedSpan[] {
    const chain: ReceivedSpan[] = [];
    let current = span;
    while (current.parentSpanId !== "") {
        const parent = trace.find((s) => s.spanId === current.parentSpanId);
        if (parent === undefined) throw new Error(`span ${current.name} has a parent ${current.parentSpanId} not in its trace`);
        chain.push(parent);
        current = parent;
    }
    return chain;
}

/**
 * Checks one request's trace: exactly one root, the server HTTP span of `service`; a span of the DB instrumentation
 * `dbScope` whose ancestors are an express span and that root. Returns the root.
 */
export function expectRequestTrace(trace: readonly ReceivedSpan[], service: string, dbScope: string): ReceivedSpan {
    const roots = trace.filter((s) => s.parentSpanId === "");
    expect(roots.map((s) => [s.kind, s.scope, s.resource["service.name"]])).toEqual([
        [SPAN_KIND.SERVER, "@opentelemetry/instrumentation-http", service],
    ]);
    const db = trace.filter((s) => s.scope === dbScope);
    expect(db.length).toBeGreaterThan(0);
    for (const span of db) {
        const chain = ancestors(span, trace);
        expect(chain.at(-1)).toBe(roots[0]);
        expect(chain.some((s) => s.scope === "@opentelemetry/instrumentation-express")).toBe(true);
    }
    return roots[0];
}
