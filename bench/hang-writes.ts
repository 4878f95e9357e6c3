/**
 * Duplicates after a hang: the database process is frozen (SIGSTOP, its PID and children only) while writes
 * are in flight, then resumed (SIGCONT); clients then behave as the answers tell them: a 503 (+ Retry-After)
 * is retried — with the same Idempotency-Key when one was sent — until it gets a final answer; a 504
 * write_outcome_unknown is not retried blindly. Counts the rows per write afterwards: duplicates (> 1) and
 * writes lost after a success (0). catalogue-api (MariaDB) and visits-api (PostgreSQL), in-process, loopback,
 * bounded. Writes bench/.out/hang-writes.json (rendered by bench/report.ts).
 *
 *   node -r @swc-node/register bench/hang-writes.ts [--writes 6]
 */
import { randomUUID } from "node:crypto";
import { dbAppEnv, startMariaDb, startPostgres, type SqlServerHandle } from "../scripts/test-db";
import { startCatalogueApi } from "../apps/catalogue-api/src/server";
import { startVisitsApi } from "../apps/visits-api/src/server";
import { boundedInt, benchCli, writeJson } from "./lib/env";
import { onCleanup, runBench } from "./lib/procs";
import type { HangRow } from "./lib/reliability-report";

interface Service {
    readonly name: string;
    readonly server: SqlServerHandle;
    readonly start: (env: Record<string, string>) => Promise<{ url: string; stop(): Promise<void> }>;
    readonly send: (url: string, tag: string, key?: string) => Promise<Response>;
    readonly count: (tag: string, database: string) => Promise<number>;
}

async function measure(service: Service, writes: number): Promise<HangRow[]> {
    const db = await service.server.createDatabase(`hang_${service.name.replace(/\W/g, "_")}`);
    const app = await service.start(dbAppEnv(db, { DB_QUERY_TIMEOUT_MS: "2000", DB_CONNECT_TIMEOUT_MS: "2000" }));
    try {
        const rows: HangRow[] = [];
        for (const keyed of [false, true]) {
            // Open pooled connections, so the writes below are sent before the freeze takes effect.
            await Promise.all(Array.from({ length: writes }, (_, i) => service.send(app.url, `warm-${keyed}-${i}-${randomUUID()}`)));
            const tags = Array.from({ length: writes }, (_, i) => ({
                tag: `hang-${keyed ? "keyed" : "plain"}-${i}-${randomUUID()}`,
                key: keyed ? randomUUID() : undefined,
            }));
            await service.server.pause();
            const t0 = performance.now();
            let during: { status: number; ms: number }[];
            try {
                during = await Promise.all(
                    tags.map(async (t) => {
                        const res = await service.send(app.url, t.tag, t.key);
                        await res.arrayBuffer();
                        return { status: res.status, ms: performance.now() - t0 };
                    }),
                );
            } finally {
                await service.server.resume();
            }
            // Clients follow the answers: retry 503/409 (bounded), never retry a 504 blindly.
            const finals = await Promise.all(
                tags.map(async (t, i) => {
                    let status = during[i].status;
                    for (let attempt = 0; (status === 503 || status === 409) && attempt < 20; attempt += 1) {
                        const res = await service.send(app.url, t.tag, t.key);
                        await res.arrayBuffer();
                        status = res.status;
                        if (status === 503 || status === 409)
                            await new Promise((r) => setTimeout(r, Math.min(Number(res.headers.get("retry-after") ?? "1"), 6) * 1000));
                    }
                    return status;
                }),
            );
            await new Promise((r) => setTimeout(r, 1_000)); // let statements buffered in the frozen server finish
            const counts = await Promise.all(tags.map((t) => service.count(t.tag, db.database)));
            const statuses = (xs: number[]): string =>
                [...new Set(xs)]
                    .sort()
                    .map((s) => `${xs.filter((x) => x === s).length}× ${s}`)
                    .join(", ");
            rows.push({
                service: service.name,
                keyed,
                writes,
                duringHang: statuses(during.map((d) => d.status)),
                worstMs: Math.round(Math.max(...during.map((d) => d.ms))),
                finalAnswers: statuses(finals),
                duplicates: counts.filter((c) => c > 1).length,
                lostAfterSuccess: counts.filter((c, i) => c === 0 && finals[i] >= 200 && finals[i] < 300).length,
                unknownStored: counts.filter((c, i) => c === 1 && finals[i] === 504).length,
            });
        }
        return rows;
    } finally {
        await app.stop();
    }
}

runBench(async () => {
    const args = benchCli(
        {
            command: "node -r @swc-node/register bench/hang-writes.ts",
            summary: "Writes during a database hang (SIGSTOP) with and without Idempotency-Key: duplicates and answers",
        },
        { writes: { type: "string", value: "<n>", description: "writes per app and variant (1-50, default 6)" } },
    );
    const writes = boundedInt(args.writes, 6, 1, 50, "writes");
    const [maria, pg] = await Promise.all([startMariaDb({ requireManaged: true }), startPostgres({ requireManaged: true })]);
    onCleanup(() => maria.destroy());
    onCleanup(() => pg.destroy());
    const services: Service[] = [
        {
            name: "catalogue-api POST /catalogue",
            server: maria,
            start: (env) => startCatalogueApi({ ...env, LOG_LEVEL: "silent" }),
            send: (url, tag, key) =>
                fetch(`${url}/catalogue`, {
                    method: "POST",
                    headers: { "content-type": "application/json", ...(key ? { "Idempotency-Key": key } : {}) },
                    body: JSON.stringify({ name: tag, price: 1 }),
                }),
            count: async (tag, database) =>
                Number((await maria.adminQuery<{ n: number }>("SELECT COUNT(*) AS n FROM catalogue WHERE name = ?", [tag], database))[0].n),
        },
        {
            name: "visits-api GET /",
            server: pg,
            start: (env) => startVisitsApi({ ...env, LOG_LEVEL: "silent" }),
            send: (url, tag, key) => fetch(`${url}/`, { headers: { "user-agent": tag, ...(key ? { "Idempotency-Key": key } : {}) } }),
            count: async (tag, database) =>
                Number(
                    (await pg.adminQuery<{ n: string }>("SELECT COUNT(*) AS n FROM visits WHERE user_agent = $1", [tag], database))[0].n,
                ),
        },
    ];
    const rows: HangRow[] = [];
    for (const service of services) rows.push(...(await measure(service, writes)));
    writeJson("hang-writes.json", {
        command: `node -r @swc-node/register bench/hang-writes.ts ${process.argv.slice(2).join(" ")}`.trim(),
        date: new Date().toISOString(),
        rows,
    });
    process.stdout.write(
        "\n| Service | Idempotency-Key | answers during the hang | worst ms | final answers after following them | duplicates | lost after a 2xx | 504 that was stored |\n|---|---|---|---|---|---|---|---|\n",
    );
    for (const r of rows) {
        process.stdout.write(
            `| ${r.service} | ${r.keyed ? "yes" : "no"} | ${r.duringHang} | ${r.worstMs} | ${r.finalAnswers} | ${r.duplicates} of ${r.writes} | ${r.lostAfterSuccess} | ${r.unknownStored} |\n`,
        );
    }
});
