/**
 * Entry point of the source-based Pulumi plugin (PulumiPlugin.yaml `main`): it serves the nine components to
 * programs in any Pulumi language. The npm library entry (index.ts) never imports this file, so using the
 * package from TypeScript never starts a provider host. (A Pulumi CLI that passes the plugin directory instead
 * of `main` gets the same host: @pulumi/pulumi's plugin runner loads the directory's index.ts — package.json
 * has no `main` for that reason — and hosts the components it exports under the package.json name.)
 *
 * The host runs Pulumi's schema analyzer over `dirname` (reading its package.json and tsconfig.json), so
 * the directory is passed explicitly rather than inferred from the call stack.
 * https://www.pulumi.com/docs/iac/guides/building-extending/packages/source-based-plugin/
 */
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { COMPONENTS, PACKAGE_NAME } from "./provider-components";

componentProviderHost({ name: PACKAGE_NAME, dirname: __dirname, components: [...COMPONENTS] }).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
});
