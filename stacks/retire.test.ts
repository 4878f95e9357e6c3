/**
 * Retiring an environment: `pulumi config set retire true`, `pulumi up`, then `pulumi destroy`. Without it,
 * staging and prod keep what outlives a mistaken destroy (ECR repositories with images, Aurora and DynamoDB
 * deletion protection, Pulumi `protect`), so `pulumi destroy` stops at them; with it, the `up` lifts exactly
 * those, keeps Aurora's final snapshot, and the policy pack lets the deletion-protection controls pass as
 * advisory for that stack only.
 */
import type { RecordedResource } from "../components/testing";
import { evaluate as evaluatePolicy } from "../policy/evaluate";
import { retireConfirmationProblem } from "./config";
import { evaluateProgram, stackConfig } from "./testing";

const byType = (rs: RecordedResource[], type: string) => rs.filter((r) => r.type === type);

describe.each(["staging", "prod"])("retiring %s", (stack) => {
    let kept: RecordedResource[];
    let retiring: RecordedResource[];
    beforeAll(async () => {
        kept = await evaluateProgram(stack);
        process.env.SC_RETIRE_STACK = stack;
        try {
            retiring = await evaluateProgram(stack, stack, { retire: "true" });
        } finally {
            delete process.env.SC_RETIRE_STACK;
        }
    }, 120_000);

    // Two keys: a `retire: true` merged into the stack file alone is refused (the deploy workflow never confirms).
    it("should refuse retire unless SC_RETIRE_STACK names this stack", () => {
        expect(() => stackConfig({ retire: "true" }, stack)).toThrow(
            `\`serverless-containers:retire\` is true, which lifts this stack's deletion guards: confirm it by running \`pulumi up\` with SC_RETIRE_STACK=${stack} in the environment`,
        );
        expect(retireConfirmationProblem(true, stack, { SC_RETIRE_STACK: "dev" })).toContain('(SC_RETIRE_STACK is "dev")');
        expect(retireConfirmationProblem(true, stack, { SC_RETIRE_STACK: stack })).toBeUndefined();
    });

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

    // Retiring must change the guards and nothing else (a changed applyImmediately, say, would push a protected
    // cluster's pending modifications out at once, which `retire false` cannot undo).
    it("should change exactly the deletion guards between the kept and the retiring plan", () => {
        const GUARDS = new Set(["forceDelete", "deletionProtection", "deletionProtectionEnabled"]);
        const byUrn = new Map(kept.map((r) => [r.urn, r]));
        const changed = retiring.flatMap((r) => {
            const before = byUrn.get(r.urn)!;
            const keys = [...new Set([...Object.keys(r.inputs), ...Object.keys(before.inputs)])].filter(
                (k) => k !== "__provider" && JSON.stringify(r.inputs[k]) !== JSON.stringify(before.inputs[k]),
            );
            const protect = r.options?.protect !== before.options?.protect ? ["(protect)"] : [];
            return [...keys, ...protect].map((k) => `${r.type}.${k}`);
        });
        expect(retiring.map((r) => r.urn).sort()).toEqual(kept.map((r) => r.urn).sort());
        expect(changed.filter((c) => !GUARDS.has(c.split(".").pop()!) && !c.endsWith("(protect)"))).toEqual([]);
        expect(changed.length).toBeGreaterThan(0);
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
