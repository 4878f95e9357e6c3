/**
 * The whole program evaluated twice per stack — as `pulumi preview` of a new stack (every computed value
 * unknown, as the engine reports a create it has not done) and as `pulumi up` (values resolved) — must plan the
 * same resources, and every value the preview knows must be the value the update gets. A program that creates
 * resources inside `apply`, or branches on a computed value, shows a preview that differs from what `up` does
 * (or fails only in one of the two); this test is where that shows. Every stack file, on both platforms of the
 * web services, covers every component of the package.
 *
 * It also refuses placeholders of computed attributes the provider model does not define
 * (components/testing/provider-model.ts): reading one means the model lacks what the program uses.
 */
import * as pulumi from "@pulumi/pulumi";
import { containsUnknown, UNKNOWN, UNMODELLED_OUTPUT, type RecordedResource } from "../components/testing";
import { evaluateProgramFully } from "./testing";

const APP_RUNNER = { appRunnerPlatform: "app-runner", appRunnerVpcPlatform: "app-runner", visitsDemoPlatform: "app-runner" };
const CASES: [string, Record<string, string>][] = [
    ["dev", {}],
    ["staging", {}],
    ["prod", {}],
    ["dev", APP_RUNNER],
    ["prod", APP_RUNNER],
];

/** Paths where a known preview value differs from the update's value (UNKNOWN in the preview matches anything). */
function knownDifferences(preview: unknown, update: unknown, path: string): string[] {
    if (preview === UNKNOWN) return [];
    if (Array.isArray(preview) && Array.isArray(update)) {
        if (preview.length !== update.length) return [`${path}: ${preview.length} items in the preview, ${update.length} after the update`];
        return preview.flatMap((p, i) => knownDifferences(p, update[i], `${path}[${i}]`));
    }
    if (preview !== null && typeof preview === "object" && update !== null && typeof update === "object") {
        const keys = new Set([...Object.keys(preview), ...Object.keys(update)]);
        return [...keys].flatMap((k) =>
            knownDifferences((preview as Record<string, unknown>)[k], (update as Record<string, unknown>)[k], `${path}.${k}`),
        );
    }
    return JSON.stringify(preview) === JSON.stringify(update)
        ? []
        : [`${path}: ${JSON.stringify(preview)} in the preview, ${JSON.stringify(update)} after the update`];
}

function unmodelled(resources: readonly RecordedResource[]): string[] {
    return resources.flatMap((r) => {
        const text = JSON.stringify(r.inputs);
        return text.includes(UNMODELLED_OUTPUT) ? [`${r.type} ${r.name}: ${/unmodelled-output:[^"]+/.exec(text)?.[0]}`] : [];
    });
}

async function resolvedOutputs(outputs: Record<string, unknown>): Promise<string> {
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(outputs)) {
        values[key] = pulumi.Output.isInstance(value) ? await new Promise((resolve) => value.apply(resolve)) : value;
    }
    return JSON.stringify(values);
}

describe.each(CASES)("stack %s %j evaluated as a preview and as an update", (stack, overrides) => {
    let preview: RecordedResource[];
    let update: RecordedResource[];
    let updateOutputs: string;

    beforeAll(async () => {
        preview = (await evaluateProgramFully(stack, stack, overrides, { preview: true })).resources;
        const evaluated = await evaluateProgramFully(stack, stack, overrides);
        update = evaluated.resources;
        updateOutputs = await resolvedOutputs(evaluated.outputs);
    });

    it("should plan the same resources in the preview as the update creates", () => {
        const urns = (rs: RecordedResource[]) => rs.map((r) => r.urn).sort();
        expect(urns(preview)).toEqual(urns(update));
    });

    it("should know in the preview only values the update gets, and leave computed ones unknown", () => {
        const byUrn = new Map(update.map((r) => [r.urn, r]));
        const differences = preview.flatMap((r) => knownDifferences(r.inputs, byUrn.get(r.urn)?.inputs, `${r.type} ${r.name}`));
        expect(differences).toEqual([]);
        // The preview really has unknowns (ids, ARNs, endpoints), or this comparison would prove nothing.
        expect(preview.filter((r) => containsUnknown(r.inputs)).length).toBeGreaterThan(10);
    });

    it("should read no computed attribute the provider model leaves undefined", () => {
        expect(unmodelled(update)).toEqual([]);
        expect(updateOutputs).not.toContain(UNMODELLED_OUTPUT);
    });
});
