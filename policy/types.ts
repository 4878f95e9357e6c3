// Shared types of the policy pack. Nothing here (or in rules.ts / controls/) imports @pulumi/policy:
// the controls are plain functions so jest and the offline preview can run them without the gRPC
// server that constructing a PolicyPack starts. Only index.ts touches @pulumi/policy.

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export type Enforcement = "advisory" | "mandatory" | "disabled";

/** Enforcement level of a control in each environment. */
export type EnforcementTable = Readonly<Record<Environment, Enforcement>>;

export interface ControlContext {
    readonly environment: Environment;
}

/**
 * Resource inputs as plain JSON, camelCase as in the @pulumi/aws 7 / @pulumi/kubernetes 4 / @pulumi/docker 4
 * input types. A key that is present with the value `undefined` is a value not known yet (an output of
 * another resource during preview); see `known()` in util.ts.
 */
export type Props = Record<string, unknown>;

/** A control: one rule, checked by a plain function that returns violation messages (empty = pass). */
export interface Control {
    /** Unique kebab-case id; also the policy name in the pack. */
    readonly id: string;
    /** One sentence: what a compliant resource looks like. */
    readonly description: string;
    /** Where the rule comes from: AWS Security Hub FSBP id, Checkov id, PSS level, or the project's seed. */
    readonly source: string;
    /** Pulumi type tokens this control applies to. `"aws:*"` means every AWS resource type. */
    readonly resourceTypes: readonly string[];
    readonly enforcement: EnforcementTable;
    /** How to fix a violation, shown by the pack as remediation steps. */
    readonly remediation: string;
    readonly check: (type: string, props: Props, ctx: ControlContext) => string[];
    /**
     * A guard against deleting data (deletion protection): advisory while the stack is retiring (its config
     * `retire` is true: docs/deploying.md, "Retiring an environment"), so the `up` that lifts the guard can run.
     */
    readonly guardsDeletion?: boolean;
}

/** Options of one policy run beyond the environment. */
export interface RunOptions {
    /** The stack is being retired (`<project>:retire` is true): deletion guards are advisory. */
    readonly retiring?: boolean;
}

/** The level a control is enforced at for `environment`, a retiring stack's deletion guards only advisory. */
export function enforcementOf(c: Control, environment: Environment, options: RunOptions = {}): Enforcement | "disabled" {
    const level = c.enforcement[environment];
    return options.retiring && c.guardsDeletion && level === "mandatory" ? "advisory" : level;
}

/** Shorthand tables for the common enforcement shapes. */
export const MANDATORY: EnforcementTable = { dev: "mandatory", staging: "mandatory", prod: "mandatory" };
/** Security controls: warn while iterating in dev, block from staging on. */
export const STRICT_FROM_STAGING: EnforcementTable = { dev: "advisory", staging: "mandatory", prod: "mandatory" };
/** Durability / cost-bearing controls (deletion protection, backups, CMKs): only production blocks. */
export const STRICT_IN_PROD: EnforcementTable = { dev: "advisory", staging: "advisory", prod: "mandatory" };
export const ADVISORY: EnforcementTable = { dev: "advisory", staging: "advisory", prod: "advisory" };

/** Operational controls that page someone: advice in staging, a blocker in prod, nothing in dev. */
export const MANDATORY_IN_PROD_ADVISORY_IN_STAGING: EnforcementTable = { dev: "disabled", staging: "advisory", prod: "mandatory" };

/** A resource of the whole stack as a stack-level control sees it. */
export interface StackResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The parent's URN (the stack's for a top-level resource). */
    readonly parent?: string;
    /** False for a component resource (its children are the custom resources under it). */
    readonly custom: boolean;
    readonly props: Props;
}

/** A control over the whole stack (Pulumi's StackValidationPolicy): a rule about how resources relate. */
export interface StackControl extends Omit<Control, "check" | "resourceTypes" | "guardsDeletion"> {
    /** Violations, each against the resource (URN) it is about. */
    readonly check: (resources: readonly StackResource[], ctx: ControlContext) => { urn: string; message: string }[];
}
