/**
 * Helpers for stack-program tests: config exactly as the CLI would resolve it for a stack file (with
 * per-test overrides), a stand-in network, and the tagging check every stack test makes.
 */
import * as pulumi from "@pulumi/pulumi";
import { isTaggableAwsType, promiseOf, settle, setupMocks, type RecordedResource } from "../components/testing";
import { applyOfflineStandIns } from "../scripts/lib/offline-stand-ins";
import { resolveStackConfig } from "../scripts/lib/stack-config";
import { parseConfig, PROJECT, type StackConfig } from "./config";
import type { Network } from "./network";

/** Project keys of resolved config values, without the project namespace. */
function projectValues(values: Record<string, string>): Record<string, string> {
    const prefix = `${PROJECT}:`;
    return Object.fromEntries(
        Object.entries(values)
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
}

/** A stack file's config exactly as the CLI resolves it (no stand-ins), keyed without the project namespace. */
export function committedStackConfig(stack = "dev"): Record<string, string> {
    return projectValues(resolveStackConfig(stack).values);
}

/**
 * A stack file's resolved config values as the offline preview evaluates them — with the offline stand-ins
 * for the per-account keys the file leaves empty (scripts/lib/offline-stand-ins.ts) — keyed without the
 * project namespace.
 */
export function rawStackConfig(stack = "dev"): Record<string, string> {
    const resolved = resolveStackConfig(stack);
    applyOfflineStandIns(resolved);
    return projectValues(resolved.values);
}

/** Parsed config for a stack file with some keys overridden (raw string values, as the CLI passes them). */
export function stackConfig(overrides: Record<string, string> = {}, stack = "dev"): StackConfig {
    return parseConfig({ ...rawStackConfig(stack), ...overrides }, stack);
}

/** The subnets of `testNetwork()` as the mocks' getSubnet finds them (they exist outside the program): `setupMocks({ subnets })`. */
export const TEST_NETWORK_SUBNETS: Readonly<Record<string, string>> = {
    "subnet-priv0": "10.0.0.0/20",
    "subnet-priv1": "10.0.16.0/20",
    "subnet-pub0": "10.0.128.0/22",
    "subnet-pub1": "10.0.132.0/22",
};

/** A network whose ids look like the awsx mock's, for programs tested without the VPC component. */
export function testNetwork(): Network {
    return {
        endpointsReady: [],
        vpcId: pulumi.output("vpc-0abc"),
        privateSubnetIds: pulumi.output(["subnet-priv0", "subnet-priv1"]),
        publicSubnetIds: pulumi.output(["subnet-pub0", "subnet-pub1"]),
        availabilityZones: pulumi.output(["us-east-1c", "us-east-1d"]),
        availabilityZoneIds: pulumi.output(["use1-az1", "use1-az2"]),
    };
}

/**
 * What EksFargateCluster warns when a stack names a deploy role (the committed staging and prod files, through the
 * offline stand-ins) and the program runs as none of the roles, as the mocks do (arn:aws:iam::123456789012:user/offline).
 */
export const NO_ACCESS_ENTRY_WARNING =
    "EksFargateCluster: this program runs as arn:aws:iam::123456789012:user/offline, which has no access entry on this cluster, so its Kubernetes API calls will be refused (401); run `pulumi up` as the deploy or break-glass role.";

/** Runs `work` capturing the components' warnings (pulumi.log.warn) instead of printing them: the test asserts them. */
export async function withWarnings<T>(work: () => Promise<T>): Promise<{ result: T; warnings: unknown[] }> {
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
        const result = await work();
        return { result, warnings: warn.mock.calls.map((c) => c[0]) };
    } finally {
        warn.mockRestore();
    }
}

/** `type name` of every taggable AWS resource whose tags lack any of `required` (empty = all tagged). */
export function untaggedResources(resources: readonly RecordedResource[], required: Readonly<Record<string, string>>): string[] {
    return resources
        .filter((r) => r.custom && isTaggableAwsType(r.type))
        .filter((r) => Object.entries(required).some(([key, value]) => r.inputs.tags?.[key] !== value))
        .map((r) => `${r.type} ${r.name}`);
}

/** What one evaluation of the whole program recorded. */
export interface Evaluation {
    readonly resources: RecordedResource[];
    /** The stack outputs as the program returned them (Outputs unresolved). */
    readonly outputs: Record<string, unknown>;
}

/**
 * Evaluate the whole program (index.ts) for a stack file under a fresh mocked runtime, as the CLI would
 * for a stack named `stackName` (default: the file's name), and return every resource it registered.
 * Each call replaces the runtime's mocks and config, so one test file can evaluate several stacks.
 * `preview: true` evaluates it as `pulumi preview` of a new stack (computed values unknown, see the mocks).
 */
export async function evaluateProgram(
    stackFile: string,
    stackName = stackFile,
    overrides: Record<string, string> = {},
    options: { preview?: boolean } = {},
): Promise<RecordedResource[]> {
    return (await evaluateProgramFully(stackFile, stackName, overrides, options)).resources;
}

/** `evaluateProgram`, also returning the stack outputs. */
export async function evaluateProgramFully(
    stackFile: string,
    stackName = stackFile,
    overrides: Record<string, string> = {},
    options: { preview?: boolean } = {},
): Promise<Evaluation> {
    const resolved = resolveStackConfig(stackFile);
    applyOfflineStandIns(resolved);
    const values = { ...resolved.values, ...Object.fromEntries(Object.entries(overrides).map(([k, v]) => [`${PROJECT}:${k}`, v])) };
    pulumi.runtime.setAllConfig(values, resolved.secretKeys);
    const mocks = setupMocks({
        stack: stackName,
        project: resolved.project,
        region: resolved.values["aws:region"],
        preview: options.preview,
    });
    const program = (await import("../index")).default as unknown as () => Promise<Record<string, unknown>>;
    const outputs = await program();
    // In a preview an unknown output never resolves (apply does not run on it), as under the real engine.
    if (!options.preview) {
        for (const value of Object.values(outputs)) {
            if (pulumi.Output.isInstance(value)) await promiseOf(value);
        }
    }
    await settle();
    return { resources: [...mocks.resources], outputs };
}
