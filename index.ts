/**
 * Entry point: typed config → shared network → the stack programs enabled for this stack → outputs.
 * Composition only; every resource lives in a component.
 *
 * The program is an exported async function (Pulumi awaits it and takes its result as the stack
 * outputs) because the network looks up the region's zones by ID before declaring the VPC.
 */
import * as pulumi from "@pulumi/pulumi";
import { appRunnerStack } from "./stacks/app-runner";
import { appRunnerVpcStack } from "./stacks/app-runner-vpc";
import { loadConfig } from "./stacks/config";
import { eksFargateStack } from "./stacks/eks-fargate";
import { createNetwork, networkNeeded } from "./stacks/network";
import { visitsDemoStack } from "./stacks/visits-demo";

async function main() {
    const config = loadConfig();
    // products-api on App Runner needs no VPC (App Runner's default egress); on Express it joins the
    // shared network like the other three (never the account's default VPC).
    const network = networkNeeded(config) ? await createNetwork(config) : undefined;

    const catalogue = config.appRunnerVpcEnabled && network ? appRunnerVpcStack(config, network) : undefined;
    const products = config.appRunnerEnabled ? appRunnerStack(config, network) : undefined;
    const eks = config.eksFargateEnabled && network ? eksFargateStack(config, network) : undefined;
    const visits = config.visitsDemoEnabled && network ? visitsDemoStack(config, network) : undefined;

    return {
        environment: config.environment,
        vpcId: network?.vpcId,
        /** The zone IDs the VPC spans (the same physical zones in every account). */
        availabilityZoneIds: network?.availabilityZoneIds,
        /** catalogue-api → Aurora MySQL (https). */
        catalogueUrl: catalogue?.url,
        catalogueDatabaseProxyEndpoint: catalogue?.databaseProxyEndpoint,
        /** products-api with DynamoDB on App Runner or ECS Express Mode (https). */
        productsUrl: products?.url,
        productsTableName: products?.tableName,
        /** products-api behind an NLB on EKS Fargate (http). */
        eksProductsUrl: eks?.url,
        eksKubeconfig: eks ? pulumi.secret(eks.kubeconfig) : undefined,
        /** Attach to CI runners in the VPC: the private Kubernetes API admits this group on 443. */
        eksApiClientSecurityGroupId: eks?.apiClientSecurityGroupId,
        /** The visits demo: visits-api (https) and the private service URL it calls inside the VPC. */
        visitsUrl: visits?.url,
        privateServiceUrl: visits?.privateServiceUrl,
    };
}

export = main;
