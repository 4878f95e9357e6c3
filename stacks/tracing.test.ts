/**
 * The `tracing` config key: staging and prod send traces where the platform can (the private Fargate service and
 * the EKS pods get the collector sidecar; App Runner services its collector), dev does not.
 */
import type { RecordedResource } from "../components/testing";
import { evaluateProgram, withWarnings } from "./testing";

// The EKS cluster warns that the offline caller has no access entry (stacks/eks-fargate.test.ts checks that warning).
// Two evaluations of the whole program: seconds when idle, up to a minute each on a loaded 2-core machine.
jest.setTimeout(240_000);

const containersOf = (resources: readonly RecordedResource[]) => {
    const taskDefinition = resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name.startsWith("visits-private"));
    const deployment = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name.startsWith("eks-products-api"));
    if (!taskDefinition || !deployment) throw new Error("the visits-private task definition or the EKS Deployment is missing");
    return {
        ecs: (JSON.parse(taskDefinition.inputs.containerDefinitions as string) as { name: string }[]).map((c) => c.name),
        eks: (deployment.inputs.spec.template.spec.containers as { name: string }[]).map((c) => c.name),
    };
};

describe("tracing per environment", () => {
    it("should add the collector sidecar to the private service and the EKS pods in staging, and nothing in dev", async () => {
        const staging = containersOf((await withWarnings(() => evaluateProgram("staging", "staging"))).result);
        expect(staging.ecs).toContain("otel-collector");
        expect(staging.eks).toContain("otel-collector");
        const dev = containersOf((await withWarnings(() => evaluateProgram("dev", "dev"))).result);
        expect(dev.ecs).not.toContain("otel-collector");
        expect(dev.eks).not.toContain("otel-collector");
    });
});
