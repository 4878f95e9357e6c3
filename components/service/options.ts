/** Resource options a component hands on to its children. */
import * as pulumi from "@pulumi/pulumi";

/**
 * The component's own `dependsOn`, as a list to hand to the child that must wait for it (e.g. the service
 * that needs the VPC endpoints, or the Kubernetes objects that need the cluster's add-ons). Passed on
 * explicitly rather than relying on how an SDK treats a parent's dependencies.
 */
export function dependsOnOf(opts: pulumi.ResourceOptions | undefined): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
    const d = opts?.dependsOn;
    if (d === undefined) return [];
    if (Array.isArray(d)) return d;
    if (pulumi.Resource.isInstance(d)) return [d];
    return pulumi.output(d as pulumi.Input<pulumi.Resource[]>).apply((x) => (Array.isArray(x) ? x : [x]));
}

/** `extra` resources plus the component's own `dependsOn` (see `dependsOnOf`). */
export function withDependsOn(
    opts: pulumi.ResourceOptions | undefined,
    extra: pulumi.Input<pulumi.Resource>[],
): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
    const own = dependsOnOf(opts);
    if (Array.isArray(own)) return [...extra, ...own];
    return pulumi.output(own).apply((list) => [...(extra as pulumi.Resource[]), ...(list as pulumi.Resource[])]);
}
