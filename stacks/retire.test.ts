/**
 * Retiring an environment: `pulumi config set retire true`, `pulumi up`, then `pulumi destroy`. Without it,
 * staging and prod keep what outlives a mistaken destroy (ECR repositories with images, Aurora and DynamoDB
 * deletion protection, Pulumi `protect`), so `pulumi destroy` stops at them; with it, the `up` lifts exactly
 * those, keeps Aurora's final snapshot, and the policy pack lets the deletion-protection controls pass as
 * advisory for that stack only.
 */
import type { RecordedResource } from "../components/testing/mocks";
import { evaluate as evaluatePolicy } from "../policy/evaluate";
import { evaluateProgram } from "./testing";

const byType = (rs: RecordedResource[], type: string) => rs.filter((r) => r.type === type);

describe.each(["staging", "prod"])("retiring %s", (stack) => {
    let kept: RecordedResource[];
    let retiring: RecordedResource[];
    beforeAll(async () => {
        kept = await evaluateProgram(stack);
        retiring = await evaluateProgram(stack, stack, { retire: "true" });
    }, 120_000);

    it("should keep ECR repositories (and their images) from being deleted unless the stack is retiring", () => {
        const repos = (rs: RecordedResource[]) => byType(rs, "aws:ecr/repository:Repository").map((r) => r.inputs.forceDelete);
        expect(repos(kept).length).toBeGreaterThanOrEqual(4);
        expect(new Set(repos(kept))).toEqual(new Set([false]));
        expect(new Set(repos(retiring))).toEqual(new Set([true]));
    });

    it("should lift Aurora's deletion protection and Pulumi protect, and still take the final snapshot the stack takes", () => {
        const clusters = (rs: RecordedResource[]) =>
            byType(rs, "aws:rds/cluster:Cluster").map((r) => [
                r.name,
                r.inputs.deletionProtection,
                r.options?.protect,
                r.inputs.skipFinalSnapshot,
            ]);
        for (const [name, protection, protect, skipSnapshot] of clusters(retiring)) {
            expect([name, protection, protect]).toEqual([name, false, false]);
            const before = clusters(kept).find((c) => c[0] === name)!;
            expect([name, skipSnapshot]).toEqual([name, before[3]]);
        }
        if (stack === "prod") {
            expect(clusters(kept).map((c) => [c[1], c[2], c[3]])).toEqual(clusters(kept).map(() => [true, true, false]));
        }
    });

    it("should lift DynamoDB deletion protection where the stack has it", () => {
        const tables = (rs: RecordedResource[]) => byType(rs, "aws:dynamodb/table:Table").map((r) => r.inputs.deletionProtectionEnabled);
        expect(new Set(tables(retiring))).toEqual(new Set([false]));
        if (stack === "prod") expect(tables(kept)).toContain(true);
    });

    it("should let the policy pack pass the retiring stack (deletion-protection controls advisory) and only that stack", () => {
        const asEvaluated = (rs: RecordedResource[]) => rs.map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
        const mandatory = (rs: RecordedResource[], retire: boolean) =>
            evaluatePolicy(asEvaluated(rs), stack as "staging" | "prod", undefined, { retiring: retire }).filter(
                (f) => f.enforcement === "mandatory",
            );
        expect(mandatory(retiring, true)).toEqual([]);
        if (stack === "prod") {
            // The same plan without the stack saying it is retiring: prod's deletion-protection controls refuse it.
            expect([...new Set(mandatory(retiring, false).map((f) => f.controlId))].sort()).toEqual([
                "dynamodb-deletion-protection",
                "rds-deletion-protection",
            ]);
        }
    });
});
