/**
 * products-api on EKS with Fargate — no nodes to manage. An EKS cluster whose pods all
 * run on Fargate (CoreDNS, metrics-server and the AWS Load Balancer Controller included), the app's image
 * from this repo, a DynamoDB table, and the service: its own restricted namespace and Fargate profile,
 * IRSA scoped to the table, an internet-facing NLB, and an HPA with a fixed scale-up/down behaviour.
 * Optionally a load generator, bounded, to watch the HPA work.
 *
 * Resource names carry an `eks-` prefix so this program composes with the App Runner one (which also
 * deploys products-api and a products table) in the same stack.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { EksFargateCluster, EksFargateService } from "../components/index";
import { gib, vcpu, type StackConfig } from "./config";
import { serviceMonitoring } from "./alarm-routing";
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
    /** URL of products-api's NLB (`http://<hostname>`, port 80). */
    readonly url: pulumi.Output<string>;
    /** Kubeconfig for the cluster (secret). */
    readonly kubeconfig: pulumi.Output<string>;
    readonly tableName: pulumi.Output<string>;
    /** Attach to CI runners in the VPC so they reach the (private) Kubernetes API on 443. */
    readonly apiClientSecurityGroupId: pulumi.Output<string>;
}

export function eksFargateStack(config: StackConfig, network: Network): EksFargateStackOutputs {
    const tags = { ...config.tags };
    const cluster = new EksFargateCluster("eks-fargate", {
        vpc: { vpcId: network.vpcId, subnetIds: network.privateSubnetIds, publicSubnetIds: network.publicSubnetIds },
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
    const service = new EksFargateService(
        "eks-products-api",
        {
            cluster,
            namespace: PRODUCTS_NAMESPACE,
            image: image.imageUri,
            port: PRODUCTS_PORT,
            health: { path: PRODUCTS_HEALTH_PATH, readinessPath: PRODUCTS_READINESS_PATH },
            environment: {
                TABLE_NAME: table.tableName,
                AWS_REGION: aws.getRegionOutput().region,
                RUNTIME: "eks-fargate",
                PORT: String(PRODUCTS_PORT),
            },
            cpu: vcpu(config.eksPodCpu),
            memory: gib(config.eksPodMemory),
            scaling: {
                min: config.eksMinReplicas,
                max: config.eksMaxReplicas,
                target: { metric: "cpu", value: config.eksTargetCpuUtilization },
            },
            // The table's ARN and products-api's four item actions: nothing else.
            policyStatements: table.statements(PRODUCTS_TABLE_ACTIONS),
            // products-api's list route and its health route, as the load generator's loop requests them.
            loadGenerator: config.eksLoadGenerator ? { path: "/products", durationSeconds: 300 } : undefined,
            // Alarms routed by the stack's config; the dashboard draws the table's section after the service's.
            monitoring: serviceMonitoring(config, table.dashboardWidgets),
            // Traces to X-Ray through a collector sidecar in each pod where the stack asks for them (`tracing`).
            observability: config.tracing,
            tags,
            // The Service waits for the cluster's add-ons (the Load Balancer Controller's webhook among them).
        },
        { dependsOn: [cluster] },
    );
    return {
        url: service.url,
        kubeconfig: cluster.kubeconfig,
        tableName: table.tableName,
        apiClientSecurityGroupId: cluster.apiClientSecurityGroupId,
    };
}
