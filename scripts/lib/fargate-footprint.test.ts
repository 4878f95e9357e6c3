import { readFileSync } from "node:fs";
import * as path from "node:path";
import { evaluateProgram, NO_ACCESS_ENTRY_WARNING, withWarnings } from "../../stacks/testing";
import { fargateFootprint } from "./fargate-footprint";

// The whole program per stack file, as `pulumi up` evaluates it (the footprint reads registered inputs).
describe("Fargate vCPU footprint (one account quota for ECS tasks and EKS pods: L-3032A538)", () => {
    it("should count every Fargate workload of dev at its minimum and its maximum", async () => {
        const footprint = fargateFootprint(await evaluateProgram("dev"));
        expect(footprint.rows.map((r) => [r.resource, r.floor, r.ceiling]).sort()).toEqual([
            // Express: 0.25 vCPU tasks, 1–5 each (catalogueMinSize/MaxSize, productsMinSize/MaxSize, the visits defaults).
            ["catalogue-api-service", 0.25, 1.25],
            // The EKS cluster's own pods at the smallest pod: CoreDNS 2, the Load Balancer Controller 2, metrics-server 1.
            ["eks-fargate-coredns", 0.5, 0.5],
            ["eks-fargate-lb-controller", 0.5, 0.5],
            ["eks-fargate-metrics-server", 0.25, 0.25],
            // products-api on EKS: 1–10 pods (eksMinReplicas/eksMaxReplicas) billed at 0.25 vCPU.
            ["eks-products-api-deployment", 0.25, 2.5],
            ["products-api-service", 0.25, 1.25],
            ["visits-api-service", 0.25, 1.25],
            // The private service: one 0.25 vCPU task, two while a deployment replaces it (ECS's default 200 %).
            ["visits-private-service", 0.25, 0.5],
        ]);
        expect([footprint.floor, footprint.ceiling]).toEqual([2.5, 8]);
    });

    it("should put prod's ceiling well above dev's, at the figures docs/deploying.md and docs/offline-preview.md state", async () => {
        const dev = fargateFootprint(await evaluateProgram("dev"));
        // prod names the EKS roles (offline stand-ins) the mocks do not run as: the cluster warns so.
        const { result, warnings } = await withWarnings(() => evaluateProgram("prod"));
        expect(warnings).toEqual([NO_ACCESS_ENTRY_WARNING]);
        const prod = fargateFootprint(result);
        expect(prod.ceiling).toBeGreaterThan(2 * dev.ceiling);
        expect(prod.floor).toBeGreaterThan(dev.floor);
        const doc = (name: string) => readFileSync(path.resolve(__dirname, "../../docs", name), "utf8").replace(/\s+/g, " ");
        expect(doc("deploying.md")).toContain(`(prod: ${prod.floor} and ${prod.ceiling} vCPUs)`);
        expect(doc("offline-preview.md")).toContain(`prod's maximum is ${prod.ceiling}`);
    });
});
