// Turns the control catalogue into the policy objects the pack registers. Kept apart from index.ts (and
// free of @pulumi/policy imports) so it is unit-tested without starting the pack's gRPC server; index.ts
// checks these objects against the SDK's ResourceValidationPolicy type.
import { controls as catalogue, runControl, runStackControl, stackControls } from "./rules";
import { ENVIRONMENTS, Control, Enforcement, Environment, Props, StackControl, enforcementOf, type RunOptions } from "./types";
import { isEnvironment } from "./environment";
import { withoutUnknowns } from "./unknowns";

/** The slice of @pulumi/policy's ResourceValidationArgs that the adapter uses. */
export interface ValidationArgs {
    readonly type: string;
    readonly props: Props;
    getConfig<T extends object>(): T;
}

/** Structurally a @pulumi/policy ResourceValidationPolicy. */
export interface PackPolicy {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: Enforcement;
    readonly remediationSteps: string;
    readonly tags: string[];
    readonly configSchema: { properties: Record<string, { type: "string"; enum: string[] }> };
    readonly validateResource: (args: ValidationArgs, reportViolation: (message: string) => void) => void;
}

export interface PolicyConfig {
    /** Overrides the environment resolved from the stack for which checks run (see buildPolicies). */
    readonly environment?: string;
}

/**
 * One policy per control. The enforcement level is the control's level for `environment` (resolved
 * once, when the pack starts, from the stack config / stack name: the SDK fixes a policy's level at
 * registration). At validation time the pack config's `environment`, if set, selects which environment
 * the checks run for and skips controls disabled there; the reported level stays the start-up one, so
 * set the environment through the stack (or per-policy `enforcementLevel` in the same config file).
 */
export function buildPolicies(environment: Environment, list: readonly Control[] = catalogue, options: RunOptions = {}): PackPolicy[] {
    return list
        .filter((c) => c.enforcement[environment] !== "disabled")
        .map((c) => ({
            name: c.id,
            description: `${c.description} [${c.source}]`,
            enforcementLevel: enforcementOf(c, environment, options),
            remediationSteps: c.remediation,
            tags: [c.source],
            configSchema: { properties: { environment: { type: "string", enum: [...ENVIRONMENTS] } } },
            validateResource: (args, reportViolation) => {
                const configured = args.getConfig<PolicyConfig>().environment;
                const env = isEnvironment(configured) ? configured : environment;
                if (c.enforcement[env] === "disabled") return;
                for (const message of runControl(c, args.type, withoutUnknowns(args.props), { environment: env })) {
                    reportViolation(message);
                }
            },
        }));
}

/** The slice of @pulumi/policy's PolicyResource a stack policy reads. */
export interface StackPolicyResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Props;
    readonly parent?: { readonly urn: string };
    /** Set for custom resources; a component has none. */
    readonly provider?: unknown;
}

/** Structurally a @pulumi/policy StackValidationPolicy. */
export interface PackStackPolicy extends Omit<PackPolicy, "validateResource"> {
    readonly validateStack: (
        args: { resources: readonly StackPolicyResource[]; getConfig<T extends object>(): T },
        reportViolation: (message: string, urn?: string) => void,
    ) => void;
}

/** One StackValidationPolicy per stack control, levels as buildPolicies sets them. */
export function buildStackPolicies(environment: Environment, list: readonly StackControl[] = stackControls): PackStackPolicy[] {
    return list
        .filter((c) => c.enforcement[environment] !== "disabled")
        .map((c) => ({
            name: c.id,
            description: `${c.description} [${c.source}]`,
            enforcementLevel: c.enforcement[environment],
            remediationSteps: c.remediation,
            tags: [c.source],
            configSchema: { properties: { environment: { type: "string", enum: [...ENVIRONMENTS] } } },
            validateStack: (args, reportViolation) => {
                const configured = args.getConfig<PolicyConfig>().environment;
                const env = isEnvironment(configured) ? configured : environment;
                if (c.enforcement[env] === "disabled") return;
                const resources = args.resources.map((r) => ({
                    type: r.type,
                    name: r.name,
                    urn: r.urn,
                    parent: r.parent?.urn,
                    // The engine sends a provider reference with every custom resource and none with a component
                    // (@pulumi/policy server.js getProviderResource); this package's own components are named too.
                    custom: r.provider !== undefined && !r.type.startsWith("serverless-containers:index:"),
                    props: withoutUnknowns(r.props),
                }));
                for (const v of runStackControl(c, resources, { environment: env })) reportViolation(v.message, v.urn);
            },
        }));
}
