import { z } from "zod";
import { baseEnvShape, dbCredentialsOf, dbEnvShape, loadConfig, resolveDbSettings } from "../src";

/**
 * The real @aws-sdk/rds-signer, unmocked: signing is a local SigV4 presign (no network call), so with static
 * credentials in the environment (the first link of the default chain, standing in for the task/instance role)
 * it runs here. What it cannot show is that AWS accepts the token: that needs a real RDS Proxy and role.
 */
describe("DB_IAM_AUTH with the real RDS signer (local signing, example credentials)", () => {
    const saved = { ...process.env };
    beforeAll(() => {
        process.env.AWS_ACCESS_KEY_ID = "AKIDEXAMPLE";
        process.env.AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        delete process.env.AWS_SESSION_TOKEN;
        delete process.env.AWS_PROFILE;
    });
    afterAll(() => {
        process.env = saved;
    });

    it("when a token is asked for, then it is a 15-minute presigned rds-db:connect URL for DB_HOST:DB_PORT, DB_USER and AWS_REGION, without the scheme", async () => {
        const schema = z.object({ ...baseEnvShape, ...dbEnvShape({ port: 5432, user: "postgres", database: "db" }) });
        const settings = resolveDbSettings(
            loadConfig(schema, {
                DB_HOST: "demo.proxy-abc123.eu-west-1.rds.amazonaws.com",
                DB_USER: "app_user",
                DB_TLS: "true",
                DB_IAM_AUTH: "true",
                AWS_REGION: "eu-west-1",
            }),
            "postgres",
        );
        const credentials = dbCredentialsOf(settings);
        if (credentials.kind !== "iam") throw new Error("expected iam credentials");
        const token = await credentials.token();
        expect(token.startsWith("demo.proxy-abc123.eu-west-1.rds.amazonaws.com:5432/?")).toBe(true);
        const query = new URLSearchParams(token.slice(token.indexOf("?") + 1));
        expect(query.get("Action")).toBe("connect");
        expect(query.get("DBUser")).toBe("app_user");
        expect(query.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
        expect(query.get("X-Amz-Credential")).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/);
        expect(query.get("X-Amz-Expires")).toBe("900");
        expect(query.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
        expect(await credentials.token()).toBe(token); // cached
    });
});
