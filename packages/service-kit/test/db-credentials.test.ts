import { z } from "zod";

// The AWS edge (not the database): the RDS signer is replaced by a recording fake. Everything else is real.
const signerConstructed: unknown[] = [];
const getAuthToken = jest.fn<Promise<string>, []>();
jest.mock("@aws-sdk/rds-signer", () => ({
    Signer: jest.fn().mockImplementation((config: unknown) => {
        signerConstructed.push(config);
        return { getAuthToken };
    }),
}));

import { ConfigError, baseEnvShape, cachedTokenProvider, dbCredentialsOf, dbEnvShape, loadConfig, resolveDbSettings } from "../src";

const dbSchema = z.object({ ...baseEnvShape, ...dbEnvShape({ port: 3306, user: "admin", database: "labdb" }) });
const iamEnv = {
    DB_HOST: "proxy.example.internal",
    DB_PORT: "3306",
    DB_USER: "app_user",
    DB_TLS: "true",
    DB_IAM_AUTH: "true",
    AWS_REGION: "eu-west-1",
};

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(err: unknown): void } {
    let resolve!: (value: T) => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
    });
    return { promise, resolve, reject };
}

describe("DB_IAM_AUTH credentials (service-kit)", () => {
    beforeEach(() => {
        signerConstructed.length = 0;
        getAuthToken.mockReset();
    });

    it("when DB_IAM_AUTH=true with DB_USER, DB_TLS=true and AWS_REGION, then the default provider signs with @aws-sdk/rds-signer for host/port/user/region and caches the token", async () => {
        let n = 0;
        getAuthToken.mockImplementation(async () => `token-${++n}`);
        const settings = resolveDbSettings(loadConfig(dbSchema, iamEnv), "admin");
        expect(settings).toMatchObject({ host: "proxy.example.internal", port: 3306, user: "app_user", tls: true });
        expect(settings.password).toBeUndefined();
        const credentials = dbCredentialsOf(settings);
        if (credentials.kind !== "iam") throw new Error(`expected iam credentials, got ${credentials.kind}`);
        expect(signerConstructed).toEqual([{ hostname: "proxy.example.internal", port: 3306, username: "app_user", region: "eu-west-1" }]);
        expect(getAuthToken).not.toHaveBeenCalled(); // nothing is signed before a connection asks

        expect(await credentials.token()).toBe("token-1");
        expect(await credentials.token()).toBe("token-1");
        const many = await Promise.all(Array.from({ length: 20 }, () => credentials.token()));
        expect(new Set(many)).toEqual(new Set(["token-1"]));
        expect(getAuthToken).toHaveBeenCalledTimes(1);
    });

    it("when DB_IAM_AUTH is unset or false, then DB_PASSWORD / DB_SECRET give static credentials and the signer is never constructed", () => {
        const settings = resolveDbSettings(loadConfig(dbSchema, { DB_HOST: "h", DB_PASSWORD: "pw" }), "admin");
        expect(dbCredentialsOf(settings)).toEqual({ kind: "static", password: "pw" });
        const off = resolveDbSettings(
            loadConfig(dbSchema, { DB_HOST: "h", DB_PASSWORD: "pw", DB_IAM_AUTH: "false", AWS_REGION: "eu-west-1" }),
            "admin",
        );
        expect(dbCredentialsOf(off)).toEqual({ kind: "static", password: "pw" });
        expect(signerConstructed).toEqual([]);
        // Hand-built settings (benchmarks, older callers) with only `password` still work.
        expect(dbCredentialsOf({ ...settings, credentials: undefined })).toEqual({ kind: "static", password: "pw" });
    });

    it.each([
        [
            "DB_USER missing",
            { DB_USER: undefined },
            ["DB_USER: is required when DB_IAM_AUTH=true (the database user the IAM auth token is signed for)"],
        ],
        [
            "DB_TLS not true",
            { DB_TLS: "false" },
            ["DB_TLS: must be true when DB_IAM_AUTH=true (RDS Proxy accepts IAM authentication only over TLS)"],
        ],
        [
            "DB_TLS unset",
            { DB_TLS: undefined },
            ["DB_TLS: must be true when DB_IAM_AUTH=true (RDS Proxy accepts IAM authentication only over TLS)"],
        ],
        [
            "AWS_REGION missing",
            { AWS_REGION: undefined },
            ["AWS_REGION: is required when DB_IAM_AUTH=true (the region the IAM auth token is signed for)"],
        ],
        [
            "DB_PASSWORD given too",
            { DB_PASSWORD: "pw" },
            ["DB_PASSWORD: must not be set when DB_IAM_AUTH=true; use one authentication method (IAM auth tokens or a password), not both"],
        ],
        [
            "DB_SECRET given too",
            { DB_SECRET: '{"password":"pw"}' },
            ["DB_SECRET: must not be set when DB_IAM_AUTH=true; use one authentication method (IAM auth tokens or a password), not both"],
        ],
        [
            "everything wrong at once",
            { DB_USER: undefined, DB_TLS: undefined, AWS_REGION: undefined, DB_PASSWORD: "pw", DB_SECRET: '{"password":"pw"}' },
            [
                "DB_USER: is required when DB_IAM_AUTH=true (the database user the IAM auth token is signed for)",
                "DB_TLS: must be true when DB_IAM_AUTH=true (RDS Proxy accepts IAM authentication only over TLS)",
                "AWS_REGION: is required when DB_IAM_AUTH=true (the region the IAM auth token is signed for)",
                "DB_PASSWORD and DB_SECRET: must not be set when DB_IAM_AUTH=true; use one authentication method (IAM auth tokens or a password), not both",
            ],
        ],
    ])("when DB_IAM_AUTH=true and %s, then start-up fails with a ConfigError naming the variables", (_what, change, problems) => {
        const env: Record<string, string | undefined> = { ...iamEnv, ...change };
        let thrown: unknown;
        try {
            resolveDbSettings(loadConfig(dbSchema, env), "admin");
        } catch (err) {
            thrown = err;
        }
        expect(thrown).toBeInstanceOf(ConfigError);
        expect((thrown as ConfigError).problems).toEqual(problems);
        expect((thrown as Error).message).toBe(`Invalid environment configuration:\n  - ${problems.join("\n  - ")}`);
        expect(signerConstructed).toEqual([]);
    });

    it("when the token source is injected (the code-only test seam), then it replaces the signer and only the TLS rule is lifted", async () => {
        const settings = resolveDbSettings(loadConfig(dbSchema, { ...iamEnv, DB_TLS: "false" }), "admin", {
            iamTokenSourceOverride: async () => "local-pw",
        });
        const credentials = dbCredentialsOf(settings);
        expect(credentials.kind).toBe("iam");
        expect(credentials.kind === "iam" && (await credentials.token())).toBe("local-pw");
        expect(signerConstructed).toEqual([]);
        // The other IAM rules still apply with the seam.
        expect(() =>
            resolveDbSettings(loadConfig(dbSchema, { ...iamEnv, DB_TLS: "false", AWS_REGION: undefined }), "admin", {
                iamTokenSourceOverride: async () => "x",
            }),
        ).toThrow("AWS_REGION: is required when DB_IAM_AUTH=true");
    });
});

describe("cachedTokenProvider", () => {
    const MIN = 60_000;

    it("when the cached token is younger than 10 minutes, then it is served without signing; from 10 minutes it is still served while ONE background re-sign runs; from 13 minutes callers wait for the new one", async () => {
        let clock = 1_000_000;
        const signatures: ReturnType<typeof deferred<string>>[] = [];
        const source = jest.fn(() => {
            const d = deferred<string>();
            signatures.push(d);
            return d.promise;
        });
        const token = cachedTokenProvider(source, { now: () => clock });

        // First use: concurrent callers share one in-flight signature.
        const first = Promise.all([token(), token(), token()]);
        expect(source).toHaveBeenCalledTimes(1);
        signatures[0].resolve("t1");
        expect(await first).toEqual(["t1", "t1", "t1"]);

        clock += 9 * MIN;
        expect(await token()).toBe("t1");
        expect(source).toHaveBeenCalledTimes(1);

        // 10 minutes: cached token answered immediately, a single background refresh starts.
        clock += 1 * MIN;
        expect(await Promise.all([token(), token(), token()])).toEqual(["t1", "t1", "t1"]);
        expect(source).toHaveBeenCalledTimes(2);
        signatures[1].resolve("t2");
        await signatures[1].promise;
        await new Promise((r) => setImmediate(r));
        expect(await token()).toBe("t2");
        expect(source).toHaveBeenCalledTimes(2);

        // 13 minutes after t2 (e.g. background refreshes kept failing or nobody asked): callers wait for a new token.
        clock += 13 * MIN;
        const waiting = token();
        let settled = false;
        void waiting.then(() => (settled = true));
        await new Promise((r) => setImmediate(r));
        expect(settled).toBe(false);
        expect(source).toHaveBeenCalledTimes(3);
        signatures[2].resolve("t3");
        expect(await waiting).toBe("t3");
    });

    it("when a background re-sign fails, then the still-valid token keeps being served, the error is reported, and the next call retries", async () => {
        let clock = 0;
        const errors: unknown[] = [];
        const results: Array<() => Promise<string>> = [
            async () => "t1",
            async () => Promise.reject(new Error("no credentials")),
            async () => "t2",
        ];
        const source = jest.fn(() => results.shift()!());
        const token = cachedTokenProvider(source, { now: () => clock, onBackgroundError: (err) => errors.push(err) });
        expect(await token()).toBe("t1");
        clock = 11 * MIN;
        expect(await token()).toBe("t1");
        await new Promise((r) => setImmediate(r));
        expect(errors).toEqual([new Error("no credentials")]);
        expect(await token()).toBe("t1"); // starts another background attempt
        await new Promise((r) => setImmediate(r));
        expect(await token()).toBe("t2");
        expect(source).toHaveBeenCalledTimes(3);
    });

    it("when there is no valid token and signing fails, then the caller gets the error and nothing is cached", async () => {
        const source = jest.fn<Promise<string>, []>().mockRejectedValueOnce(new Error("expired credentials")).mockResolvedValueOnce("ok");
        const token = cachedTokenProvider(source);
        await expect(token()).rejects.toThrow("expired credentials");
        expect(await token()).toBe("ok");
    });
});
