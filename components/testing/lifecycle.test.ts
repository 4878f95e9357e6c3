/**
 * The replacement model itself, on hand-made records: nested replace-on paths, the replacement of every object an
 * explicit provider manages when the provider is replaced, and providers deleted after what they manage.
 */
import { deleteOrder, planChanges } from "./lifecycle";
import type { RecordedResource } from "./mocks";

const STACK = "urn:pulumi:test::serverless-containers";
const PROVIDER_URN = `${STACK}::pulumi:providers:kubernetes::k8s`;

function record(type: string, name: string, inputs: RecordedResource["inputs"], extra: Partial<RecordedResource> = {}): RecordedResource {
    return {
        type,
        name,
        urn: `${STACK}::${type}::${name}`,
        dependsOn: [],
        inputs,
        secretInputs: [],
        state: { ...inputs, id: `${name}-id-0000000000` },
        custom: true,
        options: { replaceOnChanges: [], deleteBeforeReplace: false, protect: false },
        ...extra,
    };
}

const provider = (kubeconfig: string) =>
    record("pulumi:providers:kubernetes", "k8s", { kubeconfig }, { state: { kubeconfig, id: "0f9c26ad-provider-id" } });
const deployment = (meta: Record<string, unknown>, spec: Record<string, unknown> = { selector: { matchLabels: { app: "a" } } }) =>
    record("kubernetes:apps/v1:Deployment", "app", { metadata: meta, spec }, { provider: `${PROVIDER_URN}::0f9c26ad-provider-id` });

describe("planChanges", () => {
    it("should update an object whose change is beside its ForceNew paths and replace one whose change is at one", () => {
        const before = [provider("kc"), deployment({ name: "app", namespace: "ns", labels: { a: "1" } })];
        const relabelled = [provider("kc"), deployment({ name: "app", namespace: "ns", labels: { a: "2" } })];
        const renamed = [provider("kc"), deployment({ name: "app-2", namespace: "ns", labels: { a: "1" } })];
        const reselected = [
            provider("kc"),
            deployment({ name: "app", namespace: "ns", labels: { a: "1" } }, { selector: { matchLabels: { app: "b" } } }),
        ];
        expect(planChanges(before, relabelled).get(before[1].urn)?.change).toBe("update");
        expect(planChanges(before, renamed).get(before[1].urn)?.change).toBe("replace");
        expect(planChanges(before, reselected).get(before[1].urn)?.change).toBe("replace");
    });

    it("should replace every object an explicit provider manages when the provider is replaced", () => {
        const meta = { name: "app", namespace: "ns" };
        const plan = planChanges([provider("cluster-a"), deployment(meta)], [provider("cluster-b"), deployment(meta)]);
        expect([...plan.values()].map((p) => [p.name, p.change, p.fields])).toEqual([
            ["k8s", "replace", ["kubeconfig"]],
            ["app", "replace", ["provider"]],
        ]);
    });
});

describe("deleteOrder", () => {
    // The engine's dependency graph counts a resource's provider reference (pulumi pkg/resource/graph/
    // dependency_graph.go): the provider is deleted after every resource it manages. Seen failing before the
    // provider was counted: ["k8s", "app"].
    it("should delete a resource before the explicit provider that manages it, whatever the registration order", () => {
        expect(deleteOrder([deployment({ name: "app", namespace: "ns" }), provider("kc")])).toEqual(["app", "k8s"]);
    });
});
