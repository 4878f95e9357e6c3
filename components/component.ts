/**
 * Identity of the package's components: the type token each registers and the aliases that keep existing
 * stacks from replacing a component when its token changes (the rename policy in components/README.md).
 *
 * Tokens are `serverless-containers:index:<ClassName>`: the source-based provider that serves these
 * components to other languages (`pulumi package add`) accepts only the `index` module and resolves a
 * construct request by class name (`@pulumi/pulumi/provider/experimental/provider.js`,
 * `ComponentProvider.validateResourceType`).
 */
import * as pulumi from "@pulumi/pulumi";

/** The Pulumi package name and type-token prefix. Stable: renaming it would replace every component. */
export const PACKAGE_NAME = "serverless-containers";

/** The type token of a component class. */
export function componentType(className: string): string {
    return `${PACKAGE_NAME}:index:${className}`;
}

/**
 * `opts` plus an alias for each token the component was registered under before, so a stack created with
 * an earlier version keeps its resources (Pulumi matches the old URN and updates it in place).
 */
export function withFormerTypes(
    opts: pulumi.ComponentResourceOptions | undefined,
    ...formerTypes: string[]
): pulumi.ComponentResourceOptions {
    return pulumi.mergeOptions(opts, { aliases: formerTypes.map((type) => ({ type })) });
}
