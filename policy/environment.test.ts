import {
    environmentFromStackConfig,
    environmentFromStackName,
    environmentSourcesFromProcess,
    resolveEnvironment,
    retiringFromStackConfig,
} from "./environment";

describe("environmentFromStackName", () => {
    it.each([
        ["dev", "dev"],
        ["dev-alice", "dev"],
        ["acme/serverless-containers/staging", "staging"],
        ["stage", "staging"],
        ["prod", "prod"],
        ["acme/prod-eu-west-1", "prod"],
        ["production", "prod"],
    ])("should map stack %s to %s", (stack, env) => {
        expect(environmentFromStackName(stack)).toBe(env);
    });

    it("should not guess for unrelated names", () => {
        expect(environmentFromStackName("sandbox")).toBeUndefined();
        expect(environmentFromStackName("devops-tools")).toBeUndefined();
        expect(environmentFromStackName(undefined)).toBeUndefined();
    });
});

describe("environmentFromStackConfig", () => {
    it("should read <project>:environment from PULUMI_CONFIG", () => {
        expect(
            environmentFromStackConfig(JSON.stringify({ "serverless-containers:environment": "staging", "aws:region": "eu-west-1" })),
        ).toBe("staging");
    });

    it("should ignore invalid JSON and invalid values", () => {
        expect(environmentFromStackConfig("{")).toBeUndefined();
        expect(environmentFromStackConfig(JSON.stringify({ "p:environment": "qa" }))).toBeUndefined();
    });
});

describe("retiringFromStackConfig", () => {
    it("should be true only when the stack config sets <project>:retire to true", () => {
        expect(retiringFromStackConfig(JSON.stringify({ "serverless-containers:retire": "true" }))).toBe(true);
        expect(retiringFromStackConfig(JSON.stringify({ "serverless-containers:retire": "false" }))).toBe(false);
        expect(retiringFromStackConfig(JSON.stringify({ "serverless-containers:environment": "prod" }))).toBe(false);
        expect(retiringFromStackConfig("{")).toBe(false);
        expect(retiringFromStackConfig(undefined)).toBe(false);
    });
});

describe("resolveEnvironment", () => {
    it("should prefer the override, then stack config, then stack name", () => {
        const stackConfig = JSON.stringify({ "p:environment": "staging" });
        expect(resolveEnvironment({ override: "dev", stackConfig, stackName: "prod" })).toBe("dev");
        expect(resolveEnvironment({ stackConfig, stackName: "prod" })).toBe("staging");
        expect(resolveEnvironment({ stackName: "acme/dev" })).toBe("dev");
    });

    it("should fall back to prod (strictest) when nothing says otherwise", () => {
        expect(resolveEnvironment({})).toBe("prod");
        expect(resolveEnvironment({ stackName: "sandbox" })).toBe("prod");
    });

    it("should reject an override that is not an environment, naming the key and the allowed values", () => {
        expect(() => resolveEnvironment({ override: "qa" })).toThrow(
            'policy config "environment" must be one of dev, staging, prod (got "qa").',
        );
    });

    it("should read the variables the CLI sets for policy packs", () => {
        expect(environmentSourcesFromProcess({ PULUMI_NODEJS_STACK: "dev", PULUMI_CONFIG: "{}" })).toEqual({
            override: undefined,
            stackConfig: "{}",
            stackName: "dev",
        });
        expect(
            environmentSourcesFromProcess({ PULUMI_STACK: "prod", PULUMI_NODEJS_STACK: "dev", POLICY_ENVIRONMENT: "staging" }).stackName,
        ).toBe("prod");
    });
});
