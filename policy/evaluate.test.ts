// evaluate(): the offline preview's view of the pack — findings with the environment's enforcement.
import { EvaluatedResource, evaluate, evaluateWithSummary, formatFindings, summarize } from "./evaluate";
import * as f from "./fixtures";
import { runControl } from "./rules";
import { Control, Props } from "./types";

const stack: EvaluatedResource[] = [
    { type: "aws:ecr/repository:Repository", name: "products-api-repo", props: f.ecrRepository() },
    {
        type: "aws:rds/cluster:Cluster",
        name: "visits-db",
        props: f.auroraCluster({ deletionProtection: false, tags: { project: "p", environment: "dev" } }),
    },
    {
        type: "aws:ec2/securityGroup:SecurityGroup",
        name: "visits-db-sg",
        props: {
            ...f.securityGroup([{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] }]),
            tags: { project: "p", environment: "dev" },
        },
    },
];

describe("evaluate", () => {
    it("should report deletion protection as advisory when the environment is dev", () => {
        const findings = evaluate(stack, "dev");
        expect(findings).toContainEqual({
            controlId: "rds-deletion-protection",
            resourceType: "aws:rds/cluster:Cluster",
            resourceName: "visits-db",
            enforcement: "advisory",
            message: "deletionProtection must be true (got false).",
        });
    });

    it("should report deletion protection as mandatory when the environment is prod", () => {
        const findings = evaluate(stack, "prod").filter((x) => x.controlId === "rds-deletion-protection");
        expect(findings.map((x) => x.enforcement)).toEqual(["mandatory"]);
    });

    it("should report a world-open database port under both network controls, mandatory even in dev", () => {
        const ids = evaluate(stack, "dev")
            .filter((x) => x.resourceName === "visits-db-sg")
            .map((x) => `${x.controlId}:${x.enforcement}`);
        expect(ids).toEqual(
            expect.arrayContaining([
                "sg-no-public-admin-ingress:mandatory",
                "sg-no-cidr-database-ingress:mandatory",
                "sg-public-ingress-http-only:advisory",
            ]),
        );
    });

    it("should flag the environment tag only when it disagrees with the stack", () => {
        const devTagged = stack.slice(1);
        expect(evaluate(devTagged, "dev").filter((x) => x.controlId === "aws-required-tags")).toEqual([]);
        const prod = evaluate(devTagged, "prod").filter((x) => x.controlId === "aws-required-tags");
        expect(prod.map((x) => x.resourceName)).toEqual(["visits-db", "visits-db-sg"]);
    });

    it("should return nothing for a compliant stack", () => {
        expect(evaluate([{ type: "aws:ecr/repository:Repository", name: "r", props: f.ecrRepository() }], "prod")).toEqual([]);
    });

    it("should skip controls disabled in the environment", () => {
        const always: Control = {
            id: "always-fails",
            description: "test control that always fails",
            source: "test",
            resourceTypes: ["aws:*"],
            enforcement: { dev: "disabled", staging: "advisory", prod: "mandatory" },
            remediation: "none",
            check: () => ["boom"],
        };
        const r = [{ type: "aws:s3/bucket:Bucket", name: "b", props: {} }];
        expect(evaluate(r, "dev", [always])).toEqual([]);
        expect(evaluate(r, "staging", [always])).toEqual([
            {
                controlId: "always-fails",
                resourceType: "aws:s3/bucket:Bucket",
                resourceName: "b",
                enforcement: "advisory",
                message: "boom",
            },
        ]);
    });

    it("should report a control that throws as a violation of that control instead of crashing", () => {
        const broken: Control = {
            id: "broken",
            description: "test control that throws",
            source: "test",
            resourceTypes: ["aws:*"],
            enforcement: { dev: "mandatory", staging: "mandatory", prod: "mandatory" },
            remediation: "none",
            check: () => {
                throw new Error("cannot read x");
            },
        };
        expect(runControl(broken, "aws:s3/bucket:Bucket", {}, { environment: "dev" })).toEqual([
            "could not evaluate broken: cannot read x",
        ]);
    });

    it("should treat missing props as an empty object", () => {
        expect(() =>
            evaluate([{ type: "aws:ecr/repository:Repository", name: "r", props: undefined as unknown as Props }], "dev"),
        ).not.toThrow();
    });
});

describe("summarize", () => {
    it("should count findings by enforcement and by control, and fail on any mandatory finding", () => {
        const { findings, summary } = evaluateWithSummary(stack, "prod");
        expect(summary.mandatory + summary.advisory).toBe(findings.length);
        expect(summary.mandatory).toBeGreaterThan(0);
        expect(summary.passed).toBe(false);
        expect(summary.resources).toBe(3);
        expect(summary.byControl["rds-deletion-protection"]).toBe(1);
    });

    it("should pass with only advisory findings", () => {
        const s = summarize([{ controlId: "x", resourceType: "t", resourceName: "n", enforcement: "advisory", message: "m" }], "dev", 1);
        expect(s).toEqual({ environment: "dev", resources: 1, mandatory: 0, advisory: 1, byControl: { x: 1 }, passed: true });
    });

    it("should format one line per finding and a summary line", () => {
        const { findings, summary } = evaluateWithSummary([stack[1]], "dev");
        const lines = formatFindings(findings, summary);
        expect(lines[0]).toBe(
            "[advisory] rds-deletion-protection  aws:rds/cluster:Cluster visits-db: deletionProtection must be true (got false).",
        );
        expect(lines[lines.length - 1]).toBe("policy (dev): 1 resources, 0 mandatory, 1 advisory — pass");
    });
});
