/**
 * Existing stacks keep their resources: every URN dev, staging and prod registered when the baseline was taken
 * (stacks/urns.baseline.json, both web-service platforms) must be registered again or adopted through an alias,
 * as the engine matches them (stacks/urns.ts). A URN that disappears without an alias would be deleted and its
 * resource created anew by `pulumi up`. New URNs are allowed. `npm run urns:baseline` rewrites the baseline
 * (docs/testing.md says when).
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { settle, setupMocks } from "../components/testing";
import { withWarnings } from "./testing";
import { compareUrns, evaluateCase, URN_BASELINE_FILE, URN_CASES } from "./urns";

const baseline = JSON.parse(readFileSync(URN_BASELINE_FILE, "utf8")) as Record<string, string[]>;

describe("the URN baseline", () => {
    it("should hold every stack on both platforms, each with its resources", () => {
        expect(Object.keys(baseline).sort()).toEqual(URN_CASES.map((c) => c.label).sort());
        for (const urns of Object.values(baseline)) expect(urns.length).toBeGreaterThan(100);
    });
});

describe.each(URN_CASES.map((c) => [c.label, c] as const))("stack %s", (_label, c) => {
    it("should keep every baseline URN or adopt it through an alias", async () => {
        const { result: resources } = await withWarnings(() => evaluateCase(c));
        const comparison = compareUrns(baseline[c.label], resources);
        expect(comparison.lost).toEqual([]);
        expect(comparison.conflicts).toEqual([]);
    });
});

describe("the engine's alias matching", () => {
    class Component extends pulumi.ComponentResource {
        constructor(name: string, opts?: pulumi.ComponentResourceOptions, child?: string) {
            super("test:index:Component", name, {}, opts);
            if (child) new Component(child, { parent: this });
        }
    }
    const stack = "urn:pulumi:test::serverless-containers::";
    const prior = [`${stack}test:index:Component::old`, `${stack}test:index:Component$test:index:Component::old-child`];

    async function registered(build: () => void) {
        const mocks = setupMocks();
        build();
        await settle();
        return mocks.resources;
    }

    it("should lose a renamed component and its children when nothing names the old URNs", async () => {
        const resources = await registered(() => new Component("new", {}, "new-child"));
        expect(compareUrns(prior, resources).lost).toEqual(prior);
    });

    it("should adopt a renamed component by its alias and its children by the alias they inherit", async () => {
        const resources = await registered(() => new Component("new", { aliases: [{ name: "old" }] }, "new-child"));
        expect(compareUrns(prior, resources)).toEqual({
            adopted: {
                [prior[0]]: `${stack}test:index:Component::new`,
                [prior[1]]: `${stack}test:index:Component$test:index:Component::new-child`,
            },
            lost: [],
            conflicts: [],
        });
    });

    it("should report a prior URN that a new resource registers and another names by an alias", async () => {
        const resources = await registered(() => {
            new Component("old");
            new Component("new", { aliases: [{ name: "old" }] });
        });
        expect(compareUrns([prior[0]], resources).conflicts).toEqual([prior[0]]);
    });
});
