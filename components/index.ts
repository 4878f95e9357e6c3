/**
 * The public API of the `serverless-containers` package: the nine components, their argument interfaces
 * (the service components share `ServiceArgs`) and the types those reference, `createWebService` (one switch
 * between App Runner and ECS Express Mode) and the helpers of ./helpers.ts (names and the rules the components
 * validate with). The mocked runtime for tests is the `serverless-containers/testing` entry (./testing).
 * Everything else in this directory is internal and may change in any release.
 *
 * This module only re-exports: importing it never starts the Pulumi provider host (that is
 * `provider.ts`, the entry PulumiPlugin.yaml names for `pulumi package add`).
 *
 * The shared argument types come first: the schema analyzer describes a type where it first meets it.
 */
export type {
    ServiceArgs,
    ServiceCoreArgs,
    ServiceBaseArgs,
    ServiceConnectivity,
    ServiceScaling,
    ScalingTarget,
    ScalingMetric,
    ServiceHealth,
    ServiceNetwork,
    NetworkVpc,
    WebServiceArgs,
} from "./service/args";
export type { EgressRule, ServiceVpc } from "./service/network";
export type { PolicyStatement, PolicyCondition } from "./iam";
export { AppRunnerService, type AppRunnerServiceArgs, type PrivateIngress, type CustomDomainValidationRecord } from "./app-runner-service";
export { VpcConnectedAppRunner, type VpcConnectedAppRunnerArgs } from "./vpc-connected-app-runner";
export { EcsExpressService, type EcsExpressServiceArgs, type ExpressScaling, type ExpressScalingMetric } from "./ecs-express-service";
export { PrivateFargateService, type PrivateFargateServiceArgs, type CapacityProvider } from "./private-fargate-service";
export { EksFargateCluster, type EksFargateClusterArgs, type ClusterVpc } from "./eks-fargate-cluster";
export {
    EksFargateService,
    type EksFargateServiceArgs,
    type EksClusterInfo,
    type LoadGeneratorArgs,
    type LoadBalancerScheme,
} from "./eks-fargate-service";
export { AuroraWithProxy, type AuroraWithProxyArgs, type AuroraEngine, type AppUser, type DatabaseClient } from "./aurora-with-proxy";
export type { DatabaseLink } from "./database-link";
export { ContainerImage, type ContainerImageArgs } from "./container-image";
export { DynamoTable, type DynamoTableArgs } from "./dynamodb-table";
export {
    createWebService,
    WEB_SERVICE_PLATFORMS,
    type CreateWebServiceArgs,
    type WebService,
    type WebServicePlatform,
    type WebServiceVpc,
} from "./web-service-platform";
export * from "./helpers";
