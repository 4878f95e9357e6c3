/**
 * Entry point: typed config → shared network → the stack programs enabled for this stack → outputs.
 * Composition only; every resource lives in a component.
 */
import * as pulumi from "@pulumi/pulumi";
import { appRunnerStack } from "./stacks/app-runner";
import { appRunnerVpcStack } from "./stacks/app-runner-vpc";
import { loadConfig } from "./stacks/config";
import { eksFargateStack } from "./stacks/eks-fargate";
import { createNetwork } from "./stacks/network";
import { visitsDemoStack } from "./stacks/visits-demo";

const config = loadConfig();
// Pattern 26 needs no VPC (App Runner's default egress); the other three share one.
const needsNetwork = config.appRunnerVpcEnabled || config.eksFargateEnabled || config.visitsDemoEnabled;
const network = needsNetwork ? createNetwork(config) : undefined;

const catalogue = config.appRunnerVpcEnabled && network ? appRunnerVpcStack(config, network) : undefined;
const products = config.appRunnerEnabled ? appRunnerStack(config) : undefined;
const eks = config.eksFargateEnabled && network ? eksFargateStack(config, network) : undefined;
const visits = config.visitsDemoEnabled && network ? visitsDemoStack(config, network) : undefined;

export const environment = config.environment;
export const vpcId = network?.vpcId;
/** Pattern 27: catalogue-api (https). */
export const catalogueUrl = catalogue?.url;
export const catalogueDatabaseProxyEndpoint = catalogue?.databaseProxyEndpoint;
/** Pattern 26: products-api on App Runner or ECS Express Mode (https). */
export const productsUrl = products?.url;
export const productsTableName = products?.tableName;
/** Patterns 24 + 25: products-api behind an NLB on EKS Fargate (http). */
export const eksProductsUrl = eks?.loadBalancerHostname.apply((host) => `http://${host}`);
export const eksKubeconfig = eks ? pulumi.secret(eks.kubeconfig) : undefined;
/** Attach to CI runners in the VPC: the private Kubernetes API admits this group on 443. */
export const eksApiClientSecurityGroupId = eks?.apiClientSecurityGroupId;
/** Seed 001: visits-api (https) and the private service URL it calls inside the VPC. */
export const visitsUrl = visits?.url;
export const privateServiceUrl = visits?.privateServiceUrl;
