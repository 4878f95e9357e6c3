// Policy pack entry point: `pulumi preview --policy-pack policy`. The only file that imports
// @pulumi/policy; constructing the PolicyPack starts the analyzer's gRPC server, so tests never import it.
import { PolicyPack, ResourceValidationPolicy } from "@pulumi/policy";
import { environmentSourcesFromProcess, resolveEnvironment, retiringFromStackConfig } from "./environment";
import { buildPolicies } from "./policies";

// The CLI starts the pack with the stack's name and config in the environment (PULUMI_STACK,
// PULUMI_CONFIG); POLICY_ENVIRONMENT overrides both (e.g. a preview of prod rules on a dev stack in CI).
const environment = resolveEnvironment(environmentSourcesFromProcess());

// A stack being retired (config `retire` true) may lift its deletion guards: those controls turn advisory.
const policies: ResourceValidationPolicy[] = buildPolicies(environment, undefined, {
    retiring: retiringFromStackConfig(process.env.PULUMI_CONFIG),
});

new PolicyPack("serverless-containers", {
    description: `serverless-containers guardrails (${environment} enforcement)`,
    policies,
});
