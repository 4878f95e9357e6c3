import type { RunningServer } from "@serverless-containers/service-kit";
import { request, startMariaDb, type SqlServerHandle, type TestDatabase } from "../../../scripts/test-db";
import { startAppOn } from "./helpers";

interface BadCase {
    readonly name: string;
    readonly method?: string;
    readonly path?: string;
    readonly json?: unknown;
    readonly body?: string | Buffer;
    readonly headers?: Record<string, string>;
    readonly status: number;
    readonly error: string;
    /** The field the 400 must name. */
    readonly field?: string;
}

const valid = { name: "Valid Widget", price: 10, category: "demo" };
const without = (key: keyof typeof valid): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...valid };
    delete copy[key];
    return copy;
};
const tenMegabytes = Buffer.from(`{"name":"${"a".repeat(10 * 1024 * 1024)}","price":1}`);

const postCases: BadCase[] = (
    [
        { name: "name is missing", json: without("name"), status: 400, error: "bad_request", field: "name" },
        { name: "price is missing", json: without("price"), status: 400, error: "bad_request", field: "price" },
        { name: "the body is an empty object", json: {}, status: 400, error: "bad_request", field: "name" },
        { name: "name is empty", json: { ...valid, name: "" }, status: 400, error: "bad_request", field: "name" },
        { name: "name is only whitespace", json: { ...valid, name: "   " }, status: 400, error: "bad_request", field: "name" },
        { name: "name has 101 characters", json: { ...valid, name: "x".repeat(101) }, status: 400, error: "bad_request", field: "name" },
        { name: "name is a number", json: { ...valid, name: 123 }, status: 400, error: "bad_request", field: "name" },
        { name: "name is null", json: { ...valid, name: null }, status: 400, error: "bad_request", field: "name" },
        { name: "name is an array", json: { ...valid, name: ["a"] }, status: 400, error: "bad_request", field: "name" },
        { name: "name is an object", json: { ...valid, name: { first: "a" } }, status: 400, error: "bad_request", field: "name" },
        { name: "name contains a NUL byte", json: { ...valid, name: "bad\u0000name" }, status: 400, error: "bad_request", field: "name" },
        { name: "name contains a newline", json: { ...valid, name: "two\nlines" }, status: 400, error: "bad_request", field: "name" },
        { name: "name contains a lone surrogate", json: { ...valid, name: "bad\ud800" }, status: 400, error: "bad_request", field: "name" },
        { name: "price is a numeric string", json: { ...valid, price: "49.99" }, status: 400, error: "bad_request", field: "price" },
        { name: "price is a non-numeric string", json: { ...valid, price: "abc" }, status: 400, error: "bad_request", field: "price" },
        { name: "price is negative", json: { ...valid, price: -1 }, status: 400, error: "bad_request", field: "price" },
        { name: "price has three decimals", json: { ...valid, price: 1.234 }, status: 400, error: "bad_request", field: "price" },
        // DECIMAL(10,2) would store 1.00 while the 201 echoed 1.000000001: more than two decimals are refused.
        { name: "price has nine decimals", json: { ...valid, price: 1.000000001 }, status: 400, error: "bad_request", field: "price" },
        { name: "price exceeds DECIMAL(10,2)", json: { ...valid, price: 1e9 }, status: 400, error: "bad_request", field: "price" },
        { name: "price is null", json: { ...valid, price: null }, status: 400, error: "bad_request", field: "price" },
        { name: "price is a boolean", json: { ...valid, price: true }, status: 400, error: "bad_request", field: "price" },
        { name: "price is an object", json: { ...valid, price: { amount: 1 } }, status: 400, error: "bad_request", field: "price" },
        { name: "category is empty", json: { ...valid, category: "" }, status: 400, error: "bad_request", field: "category" },
        {
            name: "category has 51 characters",
            json: { ...valid, category: "c".repeat(51) },
            status: 400,
            error: "bad_request",
            field: "category",
        },
        { name: "category is a number", json: { ...valid, category: 7 }, status: 400, error: "bad_request", field: "category" },
        { name: "in_stock is a string", json: { ...valid, in_stock: "yes" }, status: 400, error: "bad_request", field: "in_stock" },
        { name: "in_stock is a number", json: { ...valid, in_stock: 1 }, status: 400, error: "bad_request", field: "in_stock" },
        { name: "an unknown field is sent", json: { ...valid, discount: 5 }, status: 400, error: "bad_request" },
        {
            name: "a __proto__ key is sent",
            body: `{"name":"p","price":1,"__proto__":{"admin":true}}`,
            headers: { "content-type": "application/json" },
            status: 400,
            error: "bad_request",
        },
        { name: "the body is a JSON array", json: [valid], status: 400, error: "bad_request", field: "(body)" },
        {
            name: "the body is a bare JSON string",
            body: `"hello"`,
            headers: { "content-type": "application/json" },
            status: 400,
            error: "malformed_json",
        },
        {
            name: "the body is JSON null",
            body: "null",
            headers: { "content-type": "application/json" },
            status: 400,
            error: "malformed_json",
        },
        {
            name: "the JSON is truncated",
            body: `{"name":`,
            headers: { "content-type": "application/json" },
            status: 400,
            error: "malformed_json",
        },
        {
            name: "the JSON uses single quotes",
            body: `{'name':'x','price':1}`,
            headers: { "content-type": "application/json" },
            status: 400,
            error: "malformed_json",
        },
        {
            name: "the JSON has a trailing comma",
            body: `{"name":"x","price":1,}`,
            headers: { "content-type": "application/json" },
            status: 400,
            error: "malformed_json",
        },
        {
            name: "the body is empty",
            body: "",
            headers: { "content-type": "application/json" },
            status: 400,
            error: "bad_request",
            field: "name",
        },
        {
            name: "the content type is text/plain",
            body: JSON.stringify(valid),
            headers: { "content-type": "text/plain" },
            status: 415,
            error: "unsupported_media_type",
        },
        {
            name: "the content type is XML",
            body: "<item><name>x</name></item>",
            headers: { "content-type": "application/xml" },
            status: 415,
            error: "unsupported_media_type",
        },
        {
            name: "the charset is unsupported",
            body: JSON.stringify(valid),
            headers: { "content-type": "application/json; charset=iso-8859-1" },
            status: 415,
            error: "unsupported_encoding",
        },
        {
            name: "the content encoding is unknown",
            body: JSON.stringify(valid),
            headers: { "content-type": "application/json", "content-encoding": "compress" },
            status: 415,
            error: "unsupported_encoding",
        },
        { name: "the body is 101 kB", json: { ...valid, name: "n".repeat(101 * 1024) }, status: 413, error: "payload_too_large" },
        {
            name: "the body is 10 MB",
            body: tenMegabytes,
            headers: { "content-type": "application/json" },
            status: 413,
            error: "payload_too_large",
        },
    ] as BadCase[]
).map((c) => ({ method: "POST", path: "/catalogue", ...c }));

const otherCases: BadCase[] = [
    { name: "limit is not a number", path: "/catalogue?limit=abc", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is zero", path: "/catalogue?limit=0", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is negative", path: "/catalogue?limit=-5", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is fractional", path: "/catalogue?limit=1.5", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is huge", path: "/catalogue?limit=100000", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is repeated", path: "/catalogue?limit=1&limit=2", status: 400, error: "bad_request", field: "limit" },
    {
        name: "limit is an injection string",
        path: `/catalogue?limit=${encodeURIComponent("1; DROP TABLE catalogue")}`,
        status: 400,
        error: "bad_request",
        field: "limit",
    },
    { name: "the id is not a UUID", path: "/catalogue/not-a-uuid", status: 400, error: "bad_request", field: "id" },
    {
        name: "the id is an SQL injection",
        path: `/catalogue/${encodeURIComponent("1' OR '1'='1")}`,
        status: 400,
        error: "bad_request",
        field: "id",
    },
    { name: "the id is 5000 characters", path: `/catalogue/${"a".repeat(5000)}`, status: 400, error: "bad_request", field: "id" },
    { name: "the id is an unknown UUID", path: "/catalogue/7f8c2a7e-51ab-4c3e-9d40-1f0c8f5b6a11", status: 404, error: "not_found" },
    { name: "the path has a broken percent-encoding", path: "/catalogue/%E0%A4%A", status: 400, error: "bad_request" },
    { name: "the route does not exist", path: "/nope", status: 404, error: "not_found" },
    { name: "a sub-route of stats does not exist", path: "/catalogue/stats/extra", status: 404, error: "not_found" },
    { name: "the path tries traversal", path: "/%2e%2e/%2e%2e/etc/passwd", status: 404, error: "not_found" },
    { name: "DELETE is sent to /catalogue", method: "DELETE", path: "/catalogue", status: 405, error: "method_not_allowed" },
    { name: "PUT is sent to /catalogue/stats", method: "PUT", path: "/catalogue/stats", status: 405, error: "method_not_allowed" },
    { name: "POST is sent to /health", method: "POST", path: "/health", status: 405, error: "method_not_allowed" },
    {
        name: "PATCH is sent to an item",
        method: "PATCH",
        path: "/catalogue/7f8c2a7e-51ab-4c3e-9d40-1f0c8f5b6a11",
        status: 405,
        error: "method_not_allowed",
    },
];

describe("catalogue-api bad input against a real MariaDB", () => {
    let server: SqlServerHandle;
    let app: RunningServer;
    let db: TestDatabase;

    beforeAll(async () => {
        server = await startMariaDb();
        ({ app, db } = await startAppOn(server, "catalogue_bad_input"));
    }, 60_000);

    afterAll(async () => {
        await app?.stop();
        await server?.destroy();
    }, 60_000);

    const allCases = [...postCases, ...otherCases];

    it("when counting the bad-input cases, then there are at least 40", () => {
        expect(allCases.length).toBeGreaterThanOrEqual(40);
    });

    it.each(allCases.map((c) => [c.name, c] as const))("when %s, then it is refused with a JSON 4xx", async (_name, c) => {
        const res = await request(app.url, c.path!, { method: c.method ?? "GET", json: c.json, body: c.body, headers: c.headers });
        expect(res.status).toBe(c.status);
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        expect(res.body).toMatchObject({ error: c.error, message: expect.any(String) });
        expect(res.text).not.toMatch(/at .+\.(ts|js):\d+/); // no stack traces
        if (c.field !== undefined) {
            expect(res.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: c.field })]));
        }
        if (c.status === 405) expect(res.headers.get("allow")).toMatch(/GET|POST/);
    });

    it("when bad input has been sent, then nothing was stored", async () => {
        const rows = await server.adminQuery<{ n: number }>("SELECT COUNT(*) AS n FROM catalogue", [], db.database);
        expect(Number(rows[0].n)).toBe(0);
    });

    it("when names and categories are SQL-injection strings, then they are stored verbatim and the table survives", async () => {
        const injections = [
            { name: "Robert'); DROP TABLE catalogue;--", category: "' OR 1=1 --" },
            { name: `x" UNION SELECT password FROM mysql.user --`, category: "\\'; SHUTDOWN; --" },
            { name: "1; DELETE FROM catalogue WHERE 1=1", category: "%_*" },
        ];
        for (const injection of injections) {
            const created = await request(app.url, "/catalogue", { method: "POST", json: { ...injection, price: 1 } });
            expect(created.status).toBe(201);
            expect(created.body).toMatchObject(injection);
            const fetched = await request(app.url, `/catalogue/${created.body.id}`);
            expect(fetched.body).toMatchObject(injection);
        }
        const tables = await server.adminQuery<Record<string, string>>("SHOW TABLES", [], db.database);
        expect(tables.map((t) => Object.values(t)[0])).toContain("catalogue");
        const list = await request(app.url, "/catalogue");
        expect(list.body.count).toBe(3);
        expect(list.body.items.map((i: { name: string }) => i.name).sort()).toEqual(injections.map((i) => i.name).sort());
    });

    it("when names use accents, CJK and 4-byte emoji, then they round-trip exactly", async () => {
        const names = ["Ünïcødé Çhäir", "漢字のキーボード", "Coffee ☕ mug 😀🚀", "Ωmega – “quoted” — ‘single’"];
        for (const name of names) {
            const created = await request(app.url, "/catalogue", { method: "POST", json: { name, price: 2.5, category: "ünï" } });
            expect(created.status).toBe(201);
            const fetched = await request(app.url, `/catalogue/${created.body.id}`);
            expect(fetched.body.name).toBe(name);
            expect(fetched.body.category).toBe("ünï");
        }
    });

    it("when values sit exactly on the limits, then they are accepted", async () => {
        const res = await request(app.url, "/catalogue", {
            method: "POST",
            json: { name: "n".repeat(100), price: 99_999_999.99, category: "c".repeat(50), in_stock: false },
        });
        expect(res.status).toBe(201);
        const zero = await request(app.url, "/catalogue", { method: "POST", json: { name: "free", price: 0 } });
        expect(zero.status).toBe(201);
        expect(zero.body).toMatchObject({ price: 0, category: "general", in_stock: true });
    });
});
