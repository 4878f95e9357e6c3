// The control catalogue: every rule of the pack as a plain function over (type, props, ctx). Imports
// nothing from @pulumi/policy, so the rules run in jest and in the offline preview as they do in the pack.
import { dataControls } from "./controls/data";
import { ecrControls } from "./controls/ecr";
import { ecsControls } from "./controls/ecs";
import { eksControls } from "./controls/eks";
import { iamControls } from "./controls/iam";
import { imageControls } from "./controls/images";
import { kubernetesControls } from "./controls/kubernetes";
import { networkControls } from "./controls/network";
import { rdsControls } from "./controls/rds";
import { monitoringControls } from "./controls/monitoring";
import { taggingControls } from "./controls/tagging";
import { Control, ControlContext, Enforcement, Environment, Props, StackControl, StackResource } from "./types";

export * from "./types";

export const controls: readonly Control[] = [
    ...ecrControls,
    ...eksControls,
    ...rdsControls,
    ...networkControls,
    ...iamControls,
    ...ecsControls,
    ...imageControls,
    ...kubernetesControls,
    ...dataControls,
    ...taggingControls,
];

/** The controls over the whole stack (Pulumi StackValidationPolicies). */
export const stackControls: readonly StackControl[] = [...monitoringControls];

/** Runs one stack control; a control that throws is reported as a violation of it against the stack. */
export function runStackControl(
    control: StackControl,
    resources: readonly StackResource[],
    ctx: ControlContext,
): { urn?: string; message: string }[] {
    try {
        return control.check(resources, ctx);
    } catch (e) {
        return [{ message: `could not evaluate ${control.id}: ${(e as Error).message}` }];
    }
}

/** Whether a control applies to a type token; a pattern ending in `*` matches a prefix (`aws:*`). */
export function appliesTo(control: Control, type: string): boolean {
    return control.resourceTypes.some((t) => (t.endsWith("*") ? type.startsWith(t.slice(0, -1)) : t === type));
}

export function enforcementFor(control: Control, environment: Environment): Enforcement {
    return control.enforcement[environment];
}

export function findControl(id: string): Control {
    const c = controls.find((x) => x.id === id);
    if (!c) throw new Error(`Unknown control id "${id}". Known: ${controls.map((x) => x.id).join(", ")}.`);
    return c;
}

/**
 * Runs one control. A control that throws on malformed input is reported as a violation of that control
 * instead of crashing the whole preview: a policy that cannot read the resource has not passed it.
 */
export function runControl(control: Control, type: string, props: Props, ctx: ControlContext): string[] {
    if (!appliesTo(control, type)) return [];
    try {
        return control.check(type, props, ctx);
    } catch (e) {
        return [`could not evaluate ${control.id}: ${(e as Error).message}`];
    }
}
