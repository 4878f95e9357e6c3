import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { resolveStackConfig } from "./stack-config";
import { platformNotes, PLATFORM_KEYS } from "./platform-notes";

describe("platform notes", () => {
    it("should say which accounts can deploy an App Runner choice, naming the key", () => {
        const values = { ...resolveStackConfig("dev").values, "serverless-containers:appRunnerVpcPlatform": "app-runner" };
        const notes = platformNotes(values);
        expect(notes).toContain(
            "catalogue-api (Aurora MySQL): App Runner (`appRunnerVpcPlatform`). Deploys only in an account that used App Runner before 2026-04-30, when AWS closed it to new customers; in any other account set `appRunnerVpcPlatform` to ecs-express.",
        );
        expect(notes).toContain("products-api (DynamoDB): ECS Express Mode (`appRunnerPlatform`), deployable in any account.");
    });

    it("should say nothing about a disabled stack program", () => {
        const values = { ...resolveStackConfig("dev").values, "serverless-containers:visitsDemoEnabled": "false" };
        expect(platformNotes(values).some((n) => n.startsWith("visits-api"))).toBe(false);
    });

    it.each(["dev", "staging", "prod"])(
        "should find every platform stated in Pulumi.%s.yaml, as ecs-express (deployable in a new account)",
        (stack) => {
            const file = parse(readFileSync(`${__dirname}/../../Pulumi.${stack}.yaml`, "utf8")) as { config: Record<string, unknown> };
            for (const { key } of PLATFORM_KEYS) expect(file.config[`serverless-containers:${key}`]).toBe("ecs-express");
            expect(platformNotes(resolveStackConfig(stack).values).every((n) => n.includes("ECS Express Mode"))).toBe(true);
        },
    );
});
