/**
 * Patterns 24 + 25: products-api on EKS with Fargate — no nodes to manage. An EKS cluster whose pods all
 * run on Fargate (CoreDNS, metrics-server and the AWS Load Balancer Controller included), the app's image
 * from this repo, a DynamoDB table, and the service: its own restricted namespace and Fargate profile,
 * IRSA scoped to the table, an internet-facing NLB, and an HPA with pattern 25's behaviour. Optionally
 * pattern 25's load generator, bounded, to watch the HPA work.
 *
 * Resource names carry an `eks-` prefix so this program composes with the App Runner one (which also
 * deploys products-api and a products table) in the same stack.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { EksFargateCluster } from "../components/eks-fargate-cluster";
import { EksFargateService } from "../components/eks-fargate-service";
import type { StackConfig } from "./config";
import { appImage } from "./images";
import type { Network } from "./network";
import { PRODUCTS_TABLE_ACTIONS, productsTable } from "./products-table";

/** Namespace (and Deployment/Service name) of products-api on the cluster. */
export const PRODUCTS_NAMESPACE = "products-api";
export const PRODUCTS_PORT = 8080;
/** Liveness (never touches DynamoDB) and readiness (checks it with a short deadline): see apps' OpenAPI. */
export const PRODUCTS_HEALTH_PATH = "/health";
export const PRODUCTS_READINESS_PATH = "/ready";

export interface EksFargateStackOutputs {
    /** Hostname of products-api's NLB (http, port 80). */
    readonly loadBalancerHostname: pulumi.Output<string>;
    /** Kubeconfig for the cluster (secret). */
    readonly kubeconfig: pulumi.Output<string>;
    readonly tableName: pulumi.Output<string>;
    /** Attach to CI runners in the VPC so they reach the (private) Kubernetes API on 443. */
    readonly apiClientSecurityGroupId: pulumi.Output<string>;
}

export function eksFargateStack(config: StackConfig, network: Network): EksFargateStackOutputs {
    const tags = { ...config.tags };
    const cluster = new EksFargateCluster("eks-fargate", {
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        publicSubnetIds: network.publicSubnetIds,
        kubernetesVersion: config.eksKubernetesVersion,
        endpointPublicAccess: config.eksEndpointPublicAccess,
        // Empty means "anywhere" (0.0.0.0/0), which config allows in dev only.
        publicAccessCidrs: config.eksPublicAccessCidrs.length > 0 ? config.eksPublicAccessCidrs : undefined,
        apiAccessCidrs: config.eksPrivateAccessCidrs,
        deployRoleArn: config.eksDeployRoleArn,
        previewRoleArn: config.eksPreviewRoleArn,
        breakGlassRoleArn: config.eksBreakGlassRoleArn,
        tags,
    });
    const image = appImage("products-api", config, "eks-products-api");
    const table = productsTable("eks-products", config, tags);
    const service = new EksFargateService("eks-products-api", {
        cluster,
        namespace: PRODUCTS_NAMESPACE,
        image: image.imageUri,
        port: PRODUCTS_PORT,
        healthPath: PRODUCTS_HEALTH_PATH,
        readinessPath: PRODUCTS_READINESS_PATH,
        env: {
            TABLE_NAME: table.tableName,
            AWS_REGION: aws.getRegionOutput().region,
            RUNTIME: "eks-fargate",
            PORT: String(PRODUCTS_PORT),
        },
        cpu: config.eksPodCpu,
        memory: config.eksPodMemory,
        replicas: config.eksReplicas,
        minReplicas: config.eksMinReplicas,
        maxReplicas: config.eksMaxReplicas,
        targetCpuUtilization: config.eksTargetCpuUtilization,
        // The table's ARN and products-api's four item actions: nothing else.
        policyStatements: table.statements(PRODUCTS_TABLE_ACTIONS),
        loadGenerator: config.eksLoadGenerator ? { durationSeconds: 300 } : undefined,
        tags,
    });
    return {
        loadBalancerHostname: service.loadBalancerHostname,
        kubeconfig: cluster.kubeconfig,
        tableName: table.tableName,
        apiClientSecurityGroupId: cluster.apiClientSecurityGroupId,
    };
}
