/**
 * The multi-language contract: Pulumi's schema analyzer (what `pulumi package add` runs for this nodejs
 * source-based plugin) over components/ must accept all nine components, with a description, typed and
 * described inputs and the outputs a caller wires next; and components/schema.json must be what it
 * generates. The analyzer builds a TypeScript program (seconds), so it runs once for the whole file.
 */
import { readFileSync } from "node:fs";
import { analyzeComponents, SCHEMA_FILE, schemaText, type ComponentAnalysis } from "./lib/component-schema";
import { COMPONENT_NAMES, PACKAGE_NAME } from "../components/provider-components";

/** The service components: each exposes the URL it serves and the role its app runs as (one vocabulary). */
const SERVICES = ["AppRunnerService", "VpcConnectedAppRunner", "EcsExpressService", "PrivateFargateService", "EksFargateService"];

let analysis: ComponentAnalysis;
beforeAll(() => {
    analysis = analyzeComponents(PACKAGE_NAME, COMPONENT_NAMES);
});

describe("the components' Pulumi package schema", () => {
    it("should list the nine components the package serves", () => {
        expect([...COMPONENT_NAMES].sort()).toEqual(
            [
                "AppRunnerService",
                "AuroraWithProxy",
                "ContainerImage",
                "DynamoTable",
                "EcsExpressService",
                "EksFargateCluster",
                "EksFargateService",
                "PrivateFargateService",
                "VpcConnectedAppRunner",
            ].sort(),
        );
    });

    it("should be accepted by the analyzer for all nine components", () => {
        // On failure this shows each rejected component with the analyzer's reason.
        expect(analysis.rejected).toEqual([]);
        expect(analysis.accepted).toEqual([...COMPONENT_NAMES]);
    });

    it.each([...COMPONENT_NAMES])("should describe %s: summary, typed and described inputs, outputs", (name) => {
        const resource = analysis.schema.resources[`${PACKAGE_NAME}:index:${name}`];
        expect(resource).toBeDefined();
        expect(resource.description?.trim()).toBeTruthy();
        const inputs = Object.entries(resource.inputProperties ?? {});
        expect(inputs.length).toBeGreaterThan(0);
        // An input typed `Any` (e.g. inherited through Omit<>) gives other languages no type and no docs.
        expect(inputs.filter(([, p]) => "$ref" in p && p.$ref === "pulumi.json#/Any").map(([k]) => k)).toEqual([]);
        expect(inputs.filter(([, p]) => !p.description?.trim()).map(([k]) => k)).toEqual([]);
        expect(Object.keys(resource.properties ?? {}).length).toBeGreaterThan(0);
        if (SERVICES.includes(name)) expect(Object.keys(resource.properties ?? {})).toEqual(expect.arrayContaining(["url", "roleArn"]));
    });

    it("should offer network, secrets and databases only where the component takes them", () => {
        const offering = (input: string) =>
            [...COMPONENT_NAMES]
                .filter((name) => input in (analysis.schema.resources[`${PACKAGE_NAME}:index:${name}`]?.inputProperties ?? {}))
                .sort();
        // AppRunnerService refuses network and databases (they need VpcConnectedAppRunner's connector); EKS refuses
        // network (the pods run in the cluster's subnets) and secrets (no Kubernetes Secret in state): the schema
        // must not offer what the component refuses.
        expect(offering("network")).toEqual(["EcsExpressService", "PrivateFargateService", "VpcConnectedAppRunner"]);
        expect(offering("databases")).toEqual(["EcsExpressService", "EksFargateService", "PrivateFargateService", "VpcConnectedAppRunner"]);
        expect(offering("secrets")).toEqual(["AppRunnerService", "EcsExpressService", "PrivateFargateService", "VpcConnectedAppRunner"]);
    });

    it("should describe every property of every shared type", () => {
        const undocumented = Object.entries(analysis.schema.types).flatMap(([token, t]) =>
            Object.entries(t.properties ?? {})
                .filter(([, p]) => !p.description?.trim())
                .map(([k]) => `${token}.${k}`),
        );
        expect(undocumented).toEqual([]);
    });

    it("should equal the committed components/schema.json (run `npm run docs -- --components` after changing a component)", () => {
        expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(schemaText(analysis.schema));
    });
});
