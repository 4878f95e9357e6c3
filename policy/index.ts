// Policy pack entry point: `pulumi preview --policy-pack policy`. The only file that imports
// @pulumi/policy; constructing the PolicyPack starts the analyzer's gRPC server, so tests never import it.
import { PolicyPack, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { environmentSourcesFromProcess, resolveEnvironment, retiringFromProcess } from "./environment";
import { buildPolicies, buildStackPolicies } from "./policies";

// The CLI starts the pack with the stack's name and config in the environment (PULUMI_STACK,
// PULUMI_CONFIG); POLICY_ENVIRONMENT overrides both (e.g. a preview of prod rules on a dev stack in CI).
const environment = resolveEnvironment(environmentSourcesFromProcess());

// A stack being retired (config `retire` true, confirmed with SC_RETIRE_STACK=<stack>) may lift its deletion guards:
// those controls turn advisory for it.
// Checked against the SDK's type here (no cast): the adapter's shape must be the SDK's.
const stackPolicies: StackValidationPolicy[] = buildStackPolicies(environment);
const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    ...buildPolicies(environment, undefined, { retiring: retiringFromProcess() }),
    // Rules about how resources relate (a service and its alarms) run once over the whole stack.
    ...stackPolicies,
];

new PolicyPack("serverless-containers", {
    description: `serverless-containers guardrails (${environment} enforcement)`,
    policies,
});
