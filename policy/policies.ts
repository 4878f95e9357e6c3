// Turns the control catalogue into the policy objects the pack registers. Kept apart from index.ts (and
// free of @pulumi/policy imports) so it is unit-tested without starting the pack's gRPC server; index.ts
// checks these objects against the SDK's ResourceValidationPolicy type.
import { controls as catalogue, runControl } from "./rules";
import { ENVIRONMENTS, Control, Enforcement, Environment, Props, enforcementOf, type RunOptions } from "./types";
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
