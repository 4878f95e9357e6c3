// The pack adapter, without constructing a PolicyPack (that starts a gRPC server): policy objects,
// enforcement levels per environment, and validateResource over the SDK's unknown-checking proxy.
import * as f from "./fixtures";
import { PackPolicy, ValidationArgs, buildPolicies } from "./policies";
import { controls } from "./rules";
import { UNKNOWN_SENTINELS, withoutUnknowns } from "./unknowns";
import type { Props } from "./types";

// The SDK's internal proxy module (plain JS, no typings): the exact object validateResource receives.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkProxy = require("@pulumi/policy/proxy");

const byName = (policies: PackPolicy[], name: string): PackPolicy => {
    const p = policies.find((x) => x.name === name);
    if (!p) throw new Error(`no policy ${name}`);
    return p;
};

const run = (policy: PackPolicy, type: string, props: Props, config: object = {}): string[] => {
    const reported: string[] = [];
    const args: ValidationArgs = { type, props, getConfig: <T extends object>() => config as T };
    policy.validateResource(args, (m) => reported.push(m));
    return reported;
};

describe("buildPolicies", () => {
    it("should create one policy per enabled control, named by control id", () => {
        const policies = buildPolicies("prod");
        expect(policies.map((p) => p.name)).toEqual(controls.filter((c) => c.enforcement.prod !== "disabled").map((c) => c.id));
    });

    it("should take enforcement levels from the environment's column", () => {
        expect(byName(buildPolicies("dev"), "rds-deletion-protection").enforcementLevel).toBe("advisory");
        expect(byName(buildPolicies("prod"), "rds-deletion-protection").enforcementLevel).toBe("mandatory");
    });

    it("should make only the deletion guards advisory, and only for a retiring stack", () => {
        const retiring = buildPolicies("prod", undefined, { retiring: true });
        const changed = retiring
            .filter((p, i) => p.enforcementLevel !== buildPolicies("prod")[i].enforcementLevel)
            .map((p) => [p.name, p.enforcementLevel]);
        expect(changed.sort()).toEqual([
            ["dynamodb-deletion-protection", "advisory"],
            ["rds-deletion-protection", "advisory"],
        ]);
    });

    it("should declare the environment config key with its allowed values", () => {
        expect(byName(buildPolicies("dev"), "ecr-scan-on-push").configSchema).toEqual({
            properties: { environment: { type: "string", enum: ["dev", "staging", "prod"] } },
        });
    });

    it("should put the source in the description and the fix in remediationSteps", () => {
        const p = byName(buildPolicies("dev"), "ecr-scan-on-push");
        expect(p.description).toContain("[FSBP ECR.1, CKV_AWS_163]");
        expect(p.remediationSteps).toContain("scanOnPush: true");
    });
});

describe("validateResource", () => {
    it("should report the control's messages for a resource of its type", () => {
        const p = byName(buildPolicies("prod"), "ecr-immutable-tags");
        expect(run(p, "aws:ecr/repository:Repository", f.ecrRepository({ imageTagMutability: "MUTABLE" }))).toEqual([
            'imageTagMutability must be "IMMUTABLE" (got "MUTABLE").',
        ]);
    });

    it("should ignore resources of other types", () => {
        const p = byName(buildPolicies("prod"), "ecr-immutable-tags");
        expect(run(p, "aws:s3/bucket:Bucket", {})).toEqual([]);
    });

    it("should run checks for the environment named in the pack config", () => {
        const p = byName(buildPolicies("prod"), "rds-backup-retention");
        const props = f.auroraCluster({ backupRetentionPeriod: 3 });
        expect(run(p, "aws:rds/cluster:Cluster", props)).toHaveLength(1);
        expect(run(p, "aws:rds/cluster:Cluster", props, { environment: "dev" })).toEqual([]);
    });

    it("should pass values that are unknown in preview instead of failing on the SDK's proxy", () => {
        const p = byName(buildPolicies("prod"), "eks-secrets-encryption");
        const props = sdkProxy.unknownCheckingProxy({ ...f.eksComponentCluster(), encryptionConfigKeyArn: sdkProxy.unknownStringValue });
        // Reading the property straight off the proxy throws; the adapter must not.
        expect(() => props.encryptionConfigKeyArn).toThrow("can't be known during preview");
        expect(run(p, "eks:index:Cluster", props)).toEqual([]);
    });

    it("should still fail known bad values read through the SDK's proxy", () => {
        const p = byName(buildPolicies("prod"), "ecr-scan-on-push");
        const props = sdkProxy.unknownCheckingProxy(
            f.ecrRepository({ imageScanningConfiguration: { scanOnPush: false }, tags: sdkProxy.unknownObjectValue }),
        );
        expect(run(p, "aws:ecr/repository:Repository", props)).toEqual(["imageScanningConfiguration.scanOnPush must be true (got false)."]);
    });
});

describe("withoutUnknowns", () => {
    it("should know every unknown sentinel of the installed @pulumi/policy", () => {
        const sdk = ["Boolean", "Number", "String", "Array", "Asset", "Archive", "Object"].map((k) => sdkProxy[`unknown${k}Value`]);
        expect([...UNKNOWN_SENTINELS].sort()).toEqual([...sdk].sort());
    });

    it("should replace sentinels with undefined but keep the keys, deeply", () => {
        const out = withoutUnknowns({ a: sdkProxy.unknownStringValue, b: [1, sdkProxy.unknownNumberValue], c: { d: "x" } });
        expect(out).toEqual({ a: undefined, b: [1, undefined], c: { d: "x" } });
        expect("a" in out).toBe(true);
    });
});
