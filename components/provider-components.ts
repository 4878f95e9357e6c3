/**
 * The package name (the type-token prefix `serverless-containers:index:<Class>`, from component.ts) and the
 * classes the plugin serves, in one list shared by the provider host (provider.ts), the schema generator
 * (scripts/generate-docs.ts) and the tests.
 */
export { PACKAGE_NAME } from "./component";
import {
    AppRunnerService,
    AuroraWithProxy,
    ContainerImage,
    DynamoTable,
    EcsExpressService,
    EksFargateCluster,
    EksFargateService,
    PrivateFargateService,
    VpcConnectedAppRunner,
} from "./index";

export const COMPONENTS = [
    AppRunnerService,
    VpcConnectedAppRunner,
    EcsExpressService,
    PrivateFargateService,
    EksFargateCluster,
    EksFargateService,
    AuroraWithProxy,
    ContainerImage,
    DynamoTable,
] as const;

/** The component class names, in the order above. */
export const COMPONENT_NAMES: readonly string[] = COMPONENTS.map((c) => c.name);
