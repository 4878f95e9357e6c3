import type { RunningServer } from "@serverless-containers/service-kit";
import {
    eventually,
    mariaDbEntriesOfUser,
    parseMariaDbGeneralLog,
    request,
    startMariaDb,
    type SqlServerHandle,
    type TestDatabase,
} from "../../../scripts/test-db";
import { startAppOn } from "./helpers";

describe("catalogue-api /catalogue/stats is not the cheapest way to load the database", () => {
    let server: SqlServerHandle;
    let app: RunningServer;
    let db: TestDatabase;

    const groupByCount = (): number =>
        mariaDbEntriesOfUser(parseMariaDbGeneralLog(server.readStatementLog()), db.user).filter(
            (e) => e.command === "Query" && /GROUP BY category/.test(e.argument),
        ).length;

    beforeAll(async () => {
        server = await startMariaDb({ generalLog: true });
        ({ app, db } = await startAppOn(server, "catalogue_stats", { CATALOGUE_STATS_CACHE_MS: "1500" }));
    }, 60_000);

    afterAll(async () => {
        await app?.stop();
        await server?.destroy();
    }, 60_000);

    it("when 20 callers ask for the stats at once, then the GROUP BY runs once and they all get the same answer; after the cache window a new item is counted", async () => {
        expect((await request(app.url, "/catalogue", { method: "POST", json: { name: "s1", price: 2, category: "stats" } })).status).toBe(
            201,
        );
        const before = groupByCount();

        const answers = await Promise.all(Array.from({ length: 20 }, () => request(app.url, "/catalogue/stats")));

        expect(answers.every((a) => a.status === 200)).toBe(true);
        expect(new Set(answers.map((a) => a.text)).size).toBe(1);
        expect(answers[0].body.stats).toEqual([{ category: "stats", item_count: 1, avg_price: 2, total_value: 2, in_stock_count: 1 }]);
        expect(groupByCount() - before).toBe(1);

        expect((await request(app.url, "/catalogue", { method: "POST", json: { name: "s2", price: 4, category: "stats" } })).status).toBe(
            201,
        );
        await eventually(
            async () => (await request(app.url, "/catalogue/stats")).body.stats[0].item_count === 2,
            "stats refreshed after the cache window",
            50,
            100,
        );
    });
});
