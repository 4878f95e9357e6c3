import type { RunningServer } from "@serverless-containers/service-kit";
import { rawRequest, request, startPostgres, type JsonResponse, type SqlServerHandle, type TestDatabase } from "../../../scripts/test-db";
import { MAX_USER_AGENT_LENGTH } from "../src/data/visits-repository";
import { fakeUpstream, startAppOn } from "./helpers";

interface Case {
    readonly name: string;
    readonly method?: string;
    readonly path: string;
    readonly headers?: Record<string, string>;
    readonly body?: string | Buffer;
    /** Send with node:http (GET with a body, no User-Agent, latin1 header bytes). */
    readonly raw?: boolean;
    readonly status: number;
    /** Expected `error` code for JSON error answers. */
    readonly error?: string;
    readonly field?: string;
    /** Extra assertion on the answer. */
    readonly check?: (res: JsonResponse) => void;
}

const json = { "content-type": "application/json" };
const registered = (res: JsonResponse): void => expect(res.body).toEqual({ Response: "Registered request" });
const tenMegabytes = Buffer.alloc(10 * 1024 * 1024, "a");

const cases: Case[] = [
    // query strings
    { name: "limit is not a number", path: "/recent-visits?limit=abc", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is zero", path: "/recent-visits?limit=0", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is negative", path: "/recent-visits?limit=-1", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is above 100", path: "/recent-visits?limit=101", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is fractional", path: "/recent-visits?limit=2.5", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is repeated", path: "/recent-visits?limit=1&limit=2", status: 400, error: "bad_request", field: "limit" },
    {
        name: "limit is an SQL injection",
        path: `/recent-visits?limit=${encodeURIComponent("1; DROP TABLE visits")}`,
        status: 400,
        error: "bad_request",
        field: "limit",
    },
    { name: "limit overflows to Infinity", path: "/recent-visits?limit=1e309", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is empty", path: "/recent-visits?limit=", status: 400, error: "bad_request", field: "limit" },
    { name: "limit is a NUL byte", path: "/recent-visits?limit=%00", status: 400, error: "bad_request", field: "limit" },
    {
        name: "limit uses bracket syntax (an unknown key: the default of 10 applies)",
        path: "/recent-visits?limit[]=1",
        status: 200,
        check: (res) => expect(res.body.count).toBeLessThanOrEqual(10),
    },
    { name: "an unknown query parameter is sent to /recent-visits", path: "/recent-visits?sort=desc", status: 200 },
    {
        name: "/ gets a script in the query string",
        path: `/?q=${encodeURIComponent("<script>alert(1)</script>")}`,
        status: 200,
        check: registered,
    },
    {
        name: "/ gets an SQL injection in the query string",
        path: `/?id=${encodeURIComponent("' OR 1=1 --")}`,
        status: 200,
        check: registered,
    },
    { name: "/health gets unknown parameters", path: "/health?verbose=1&x[y]=z", status: 200 },
    {
        name: "/ecs-private-service is asked to call another URL",
        path: `/ecs-private-service?url=${encodeURIComponent("http://169.254.169.254/latest/meta-data")}`,
        status: 200,
        check: (res) => expect(res.body).toEqual({ Response: { upstream: "fake private service", path: "/" } }),
    },
    {
        name: "/test-connection is asked to probe another host",
        path: "/test-connection?host=example.com&port=22",
        status: 200,
        // The configured database was probed (and is reachable), not the host in the query string.
        check: (res) => expect(res.body).toEqual({ Response: "Connection to the database succeeded!", reachable: true }),
    },
    // headers
    {
        name: "the user agent is an SQL injection",
        path: "/",
        headers: { "user-agent": "'); DROP TABLE visits; --" },
        status: 200,
        check: registered,
    },
    { name: "the user agent is 8 kB", path: "/", headers: { "user-agent": "U".repeat(8 * 1024) }, status: 200, check: registered },
    {
        name: "the user agent is 20 kB (over Node's header limit)",
        path: "/",
        headers: { "user-agent": "U".repeat(20 * 1024) },
        raw: true,
        status: 431,
    },
    {
        name: "the user agent has latin1 bytes",
        path: "/",
        headers: { "user-agent": "Navigateur/1.0 (Ünïcødé; ÿ)" },
        status: 200,
        check: registered,
    },
    { name: "the user agent is empty", path: "/", headers: { "user-agent": "" }, raw: true, status: 200, check: registered },
    { name: "there is no user agent at all", path: "/", raw: true, status: 200, check: registered },
    {
        name: "the user agent has backslashes and percent signs",
        path: "/",
        headers: { "user-agent": "\\x00 %00 %s %n \\'" },
        status: 200,
        check: registered,
    },
    {
        name: "the request id header is hostile",
        path: "/health",
        headers: { "x-request-id": "../../etc/passwd\t;rm -rf /" },
        status: 200,
        check: (res) => expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/),
    },
    { name: "X-Forwarded-For is garbage", path: "/", headers: { "x-forwarded-for": "not-an-ip, , ::::1" }, status: 200, check: registered },
    {
        name: "Accept asks for HTML",
        path: "/recent-visits",
        headers: { accept: "text/html" },
        status: 200,
        check: (res) => expect(res.headers.get("content-type")).toMatch(/^application\/json/),
    },
    // unknown routes and methods
    { name: "the route does not exist", path: "/nope", status: 404, error: "not_found" },
    { name: "a sub-route of /recent-visits does not exist", path: "/recent-visits/1", status: 404, error: "not_found" },
    { name: "the path tries traversal", path: "/%2e%2e/%2e%2e/etc/passwd", status: 404, error: "not_found" },
    { name: "the path has a broken percent-encoding", path: "/recent-visits/%E0%A4%A", status: 404, error: "not_found" },
    { name: "POST is sent to /", method: "POST", path: "/", status: 405, error: "method_not_allowed" },
    { name: "DELETE is sent to /recent-visits", method: "DELETE", path: "/recent-visits", status: 405, error: "method_not_allowed" },
    { name: "PUT is sent to /health", method: "PUT", path: "/health", status: 405, error: "method_not_allowed" },
    {
        name: "PATCH is sent to /ecs-private-service",
        method: "PATCH",
        path: "/ecs-private-service",
        status: 405,
        error: "method_not_allowed",
    },
    { name: "POST is sent to /test-connection", method: "POST", path: "/test-connection", status: 405, error: "method_not_allowed" },
    {
        name: "OPTIONS is sent to /",
        method: "OPTIONS",
        path: "/",
        status: 204,
        check: (res) => expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS"),
    },
    // bodies
    {
        name: "POST / has malformed JSON",
        method: "POST",
        path: "/",
        headers: json,
        body: `{"visit":`,
        status: 400,
        error: "malformed_json",
    },
    {
        name: "POST /recent-visits has JSON with a trailing comma",
        method: "POST",
        path: "/recent-visits",
        headers: json,
        body: `{"a":1,}`,
        status: 400,
        error: "malformed_json",
    },
    { name: "a GET carries malformed JSON", path: "/", headers: json, body: "{nope", raw: true, status: 400, error: "malformed_json" },
    {
        name: "a GET carries valid JSON",
        path: "/recent-visits",
        headers: json,
        body: `{"limit":1000}`,
        raw: true,
        status: 200,
        check: (res) => expect(res.body.count).toBeLessThanOrEqual(10),
    },
    {
        name: "POST / sends 101 kB of JSON",
        method: "POST",
        path: "/",
        headers: json,
        body: JSON.stringify({ a: "x".repeat(101 * 1024) }),
        status: 413,
        error: "payload_too_large",
    },
    { name: "POST / sends 10 MB", method: "POST", path: "/", headers: json, body: tenMegabytes, status: 413, error: "payload_too_large" },
    { name: "a GET / carries 10 MB", path: "/", headers: json, body: tenMegabytes, raw: true, status: 413, error: "payload_too_large" },
    {
        name: "the JSON charset is unsupported",
        method: "POST",
        path: "/",
        headers: { "content-type": "application/json; charset=iso-8859-1" },
        body: "{}",
        status: 415,
        error: "unsupported_encoding",
    },
    {
        name: "the content encoding is unknown",
        method: "POST",
        path: "/",
        headers: { ...json, "content-encoding": "compress" },
        body: "{}",
        status: 415,
        error: "unsupported_encoding",
    },
];

describe("visits-api bad input against a real PostgreSQL", () => {
    let server: SqlServerHandle;
    let app: RunningServer;
    let db: TestDatabase;
    let upstream: Awaited<ReturnType<typeof fakeUpstream>>;

    beforeAll(async () => {
        upstream = await fakeUpstream((req, res) => {
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify({ upstream: "fake private service", path: req.url }));
        });
        server = await startPostgres();
        ({ app, db } = await startAppOn(server, "visits_bad_input", { ECSPRIVATESERVICE: upstream.url }));
    }, 60_000);

    afterAll(async () => {
        await app?.stop();
        await upstream?.close();
        await server?.destroy();
    }, 60_000);

    it("when counting the bad-input cases, then there are at least 40", () => {
        expect(cases.length).toBeGreaterThanOrEqual(40);
    });

    it.each(cases.map((c) => [c.name, c] as const))("when %s, then it is answered without a 5xx", async (_name, c) => {
        const res = c.raw
            ? await rawRequest(app.url, c.path, { method: c.method, headers: c.headers, body: c.body })
            : await request(app.url, c.path, { method: c.method, headers: c.headers, body: c.body });
        expect(res.status).toBe(c.status);
        if (c.error !== undefined) {
            expect(res.headers.get("content-type")).toMatch(/^application\/json/);
            expect(res.body).toMatchObject({ error: c.error, message: expect.any(String) });
            expect(res.text).not.toMatch(/at .+\.(ts|js):\d+/);
        }
        if (c.field !== undefined) {
            expect(res.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: c.field })]));
        }
        if (c.status === 405) expect(res.headers.get("allow")).toBe("GET, HEAD");
        c.check?.(res);
    });

    it("when hostile user agents were registered, then they are stored verbatim (long ones truncated) and the table still exists", async () => {
        const rows = await server.adminQuery<{ user_agent: string | null }>("SELECT user_agent FROM visits ORDER BY id", [], db.database);
        const agents = rows.map((r) => r.user_agent);
        expect(agents).toContain("'); DROP TABLE visits; --");
        expect(agents).toContain("U".repeat(MAX_USER_AGENT_LENGTH));
        expect(agents).toContain("Navigateur/1.0 (Ünïcødé; ÿ)");
        expect(agents).toContain("\\x00 %00 %s %n \\'");
        expect(agents.filter((a) => a === null).length).toBe(2); // empty and missing user agent
        const tables = await server.adminQuery<{ n: string }>(
            "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'visits'",
            [],
            db.database,
        );
        expect(Number(tables[0].n)).toBe(1);
        const recent = await request(app.url, "/recent-visits?limit=100");
        expect(recent.body.Response.map((v: { user_agent: string | null }) => v.user_agent)).toContain("'); DROP TABLE visits; --");
    });
});
