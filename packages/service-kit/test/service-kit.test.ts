import { z } from "zod";
import {
    ConfigError,
    HttpError,
    baseEnvShape,
    buildOpenApi,
    dbEnvShape,
    defineRoute,
    isDatabaseUnavailable,
    loadConfig,
    rdsCaBundle,
    resolveDbSettings,
    toHttpError,
} from "../src";

const dbSchema = z.object({ ...baseEnvShape, ...dbEnvShape({ port: 3306, user: "admin", database: "labdb" }) });

describe("service-kit config", () => {
    it("when required variables are missing or malformed, then one ConfigError names each of them", () => {
        expect(() => loadConfig(dbSchema, { PORT: "http", DB_TLS: "maybe" })).toThrow(ConfigError);
        try {
            loadConfig(dbSchema, { PORT: "http", DB_TLS: "maybe" });
        } catch (err) {
            const message = (err as Error).message;
            expect(message).toContain("PORT:");
            expect(message).toContain("DB_HOST: is required");
            expect(message).toContain("DB_TLS: must be true or false");
        }
    });

    it("when variables are empty strings, then defaults apply", () => {
        const cfg = loadConfig(dbSchema, { DB_HOST: "db", PORT: "", DB_POOL_MAX: "" });
        expect(cfg).toMatchObject({ PORT: 8080, DB_PORT: 3306, DB_NAME: "labdb", DB_POOL_MAX: 10, DB_TLS: false });
    });

    it("when DB_SECRET holds the Secrets Manager JSON, then its password is used and its username only when DB_USER is absent", () => {
        const secret = JSON.stringify({ username: "proxy_user", password: "s3cret", engine: "mysql" });
        const fromSecret = resolveDbSettings(loadConfig(dbSchema, { DB_HOST: "h", DB_SECRET: secret }), "admin");
        expect(fromSecret).toMatchObject({ user: "proxy_user", password: "s3cret" });
        const explicitUser = resolveDbSettings(loadConfig(dbSchema, { DB_HOST: "h", DB_SECRET: secret, DB_USER: "app" }), "admin");
        expect(explicitUser).toMatchObject({ user: "app", password: "s3cret" });
        const explicitPassword = resolveDbSettings(loadConfig(dbSchema, { DB_HOST: "h", DB_SECRET: secret, DB_PASSWORD: "pw" }), "admin");
        expect(explicitPassword.password).toBe("pw");
    });

    it("when no password source or a broken secret is given, then the error names the variable", () => {
        expect(() => resolveDbSettings(loadConfig(dbSchema, { DB_HOST: "h" }), "admin")).toThrow("DB_PASSWORD or DB_SECRET");
        expect(() => resolveDbSettings(loadConfig(dbSchema, { DB_HOST: "h", DB_SECRET: "{" }), "admin")).toThrow(
            "DB_SECRET: must be the secret JSON",
        );
        expect(() => resolveDbSettings(loadConfig(dbSchema, { DB_HOST: "h", DB_SECRET: '{"username":"u"}' }), "admin")).toThrow(
            "DB_SECRET",
        );
    });

    it("when TLS is enabled, then the RDS and RDS Proxy CA bundle is available as PEM certificates", () => {
        const bundle = rdsCaBundle();
        expect(bundle.length).toBeGreaterThan(10);
        expect(bundle.every((pem) => pem.includes("BEGIN CERTIFICATE"))).toBe(true);
    });
});

describe("service-kit errors", () => {
    it.each([
        [{ code: "ECONNREFUSED" }, true],
        [{ code: "PROTOCOL_CONNECTION_LOST", fatal: true }, true],
        [{ code: "57P01", message: "terminating connection due to administrator command" }, true],
        [new Error("Connection terminated unexpectedly"), true],
        [new Error("timeout exceeded when trying to connect"), true],
        [{ message: "wrapper", cause: { code: "ECONNRESET" } }, true],
        [{ errors: [{ code: "ECONNREFUSED" }] }, true],
        [{ code: "ER_PARSE_ERROR" }, false],
        [{ code: "23505", message: "duplicate key" }, false],
        [new TypeError("x is undefined"), false],
    ])("when the error is %j, then database-unavailable is %s", (err, expected) => {
        expect(isDatabaseUnavailable(err)).toBe(expected);
    });

    it("when a driver says the database is gone, then callers get 503 with Retry-After; when it is a bug, then a bare 500", () => {
        const unavailable = toHttpError({ code: "ECONNREFUSED", message: "connect ECONNREFUSED 10.0.0.1:3306" });
        expect(unavailable.status).toBe(503);
        expect(unavailable.details?.headers).toEqual({ "Retry-After": "5" });
        expect(unavailable.message).not.toContain("10.0.0.1");
        const bug = toHttpError(new TypeError("secret internals"));
        expect([bug.status, bug.message]).toEqual([500, "Internal server error"]);
        expect(toHttpError(HttpError.notFound("x")).status).toBe(404);
        expect(toHttpError({ type: "entity.too.large" }).status).toBe(413);
        expect(toHttpError({ type: "entity.parse.failed" }).status).toBe(400);
    });
});

describe("service-kit OpenAPI", () => {
    it("when routes have params, query and body schemas, then the document describes them", () => {
        const doc = buildOpenApi({ title: "t", version: "1" }, [
            defineRoute({
                method: "post",
                path: "/things/:id",
                summary: "s",
                params: z.object({ id: z.string() }),
                query: z.object({ dryRun: z.string().optional() }),
                body: z.object({ name: z.string() }),
                responses: { 201: { description: "ok", schema: z.object({ id: z.string() }) } },
                handler: () => ({ body: {} }),
            }),
        ]) as { paths: Record<string, Record<string, { parameters: unknown[]; requestBody: unknown }>> };
        const op = doc.paths["/things/{id}"].post;
        expect(op.parameters).toEqual([
            expect.objectContaining({ name: "id", in: "path", required: true }),
            expect.objectContaining({ name: "dryRun", in: "query", required: false }),
        ]);
        expect(op.requestBody).toEqual({
            required: true,
            content: { "application/json": { schema: expect.objectContaining({ required: ["name"] }) } },
        });
    });
});
