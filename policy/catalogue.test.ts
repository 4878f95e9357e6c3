// The catalogue's shape: unique ids, enough controls, well-formed metadata, and the enforcement table
// rules the README promises (deletion protection blocks prod and only warns in dev).
import * as fs from "fs";
import * as path from "path";
import { appliesTo, controls, enforcementFor, findControl } from "./rules";
import { ENVIRONMENTS } from "./types";

describe("catalogue", () => {
    it("should have at least 30 controls", () => {
        expect(controls.length).toBeGreaterThanOrEqual(30);
    });

    it("should not have two controls with the same id", () => {
        const ids = controls.map((c) => c.id);
        const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
        expect(dupes).toEqual([]);
    });

    it.each(controls.map((c) => [c.id, c]))("should give %s complete metadata", (_id, c) => {
        expect(c.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(c.description.length).toBeGreaterThan(10);
        expect(c.source.length).toBeGreaterThan(2);
        expect(c.remediation.length).toBeGreaterThan(5);
        expect(c.resourceTypes.length).toBeGreaterThan(0);
        for (const t of c.resourceTypes) expect(t).toMatch(/^(aws:\*|[a-z0-9-]+:[A-Za-z0-9./-]+:[A-Za-z0-9]+)$/);
        for (const env of ENVIRONMENTS) expect(["advisory", "mandatory", "disabled"]).toContain(c.enforcement[env]);
    });

    it("should never be looser in prod than in dev", () => {
        const rank = { disabled: 0, advisory: 1, mandatory: 2 } as const;
        const looser = controls.filter(
            (c) => rank[c.enforcement.prod] < rank[c.enforcement.dev] || rank[c.enforcement.prod] < rank[c.enforcement.staging],
        );
        expect(looser.map((c) => c.id)).toEqual([]);
    });

    it("should make every control mandatory in prod", () => {
        expect(controls.filter((c) => c.enforcement.prod !== "mandatory").map((c) => c.id)).toEqual([]);
    });

    it("should cite a Security Hub, Checkov or PSS source for most controls", () => {
        const cited = controls.filter((c) => /FSBP|CKV_|PSS|Security Hub/.test(c.source));
        expect(cited.length).toBeGreaterThanOrEqual(30);
    });
});

describe("enforcement table", () => {
    it.each([["rds-deletion-protection"], ["dynamodb-deletion-protection"], ["rds-backup-retention"]])(
        "should make %s mandatory in prod and advisory in dev and staging",
        (id) => {
            const c = findControl(id);
            expect(enforcementFor(c, "prod")).toBe("mandatory");
            expect(enforcementFor(c, "staging")).toBe("advisory");
            expect(enforcementFor(c, "dev")).toBe("advisory");
        },
    );

    it.each([["sg-no-public-admin-ingress"], ["iam-no-wildcard-action"], ["rds-instance-not-public"], ["k8s-no-privileged"]])(
        "should make %s mandatory everywhere (no environment may expose it)",
        (id) => {
            for (const env of ENVIRONMENTS) expect(enforcementFor(findControl(id), env)).toBe("mandatory");
        },
    );

    it("should warn in dev and block from staging for PSS restricted controls", () => {
        const c = findControl("k8s-run-as-non-root");
        expect(c.enforcement).toEqual({ dev: "advisory", staging: "mandatory", prod: "mandatory" });
    });

    it("should throw a helpful error for an unknown control id", () => {
        expect(() => findControl("nope")).toThrow('Unknown control id "nope". Known: ecr-scan-on-push');
    });
});

describe("appliesTo", () => {
    it("should match exact type tokens and aws:* prefixes only", () => {
        expect(appliesTo(findControl("ecr-scan-on-push"), "aws:ecr/repository:Repository")).toBe(true);
        expect(appliesTo(findControl("ecr-scan-on-push"), "aws:ecr/repositoryPolicy:RepositoryPolicy")).toBe(false);
        expect(appliesTo(findControl("aws-required-tags"), "aws:sqs/queue:Queue")).toBe(true);
        expect(appliesTo(findControl("aws-required-tags"), "kubernetes:core/v1:Namespace")).toBe(false);
    });

    it("should cover both the raw and the component EKS cluster types", () => {
        for (const id of ["eks-audit-logging", "eks-secrets-encryption", "eks-endpoint-not-public"]) {
            expect(findControl(id).resourceTypes).toEqual(expect.arrayContaining(["aws:eks/cluster:Cluster", "eks:index:Cluster"]));
        }
    });
});

describe("module boundaries", () => {
    it("should import @pulumi/policy only from index.ts", () => {
        const files = [
            ...fs.readdirSync(__dirname).map((f) => f),
            ...fs.readdirSync(path.join(__dirname, "controls")).map((f) => `controls/${f}`),
        ].filter((f) => f.endsWith(".ts") && f !== "index.ts" && !f.endsWith(".test.ts"));
        const offenders = files.filter((f) => /from "@pulumi\/policy/.test(fs.readFileSync(path.join(__dirname, f), "utf8")));
        expect(files.length).toBeGreaterThan(10);
        expect(offenders).toEqual([]);
    });
});
