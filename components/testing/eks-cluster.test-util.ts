/**
 * The cluster an EksFargateService test runs on: EksFargateCluster's outputs as plain values (one IRSA issuer, two
 * private subnets, a pod execution role), shared by the tests that build an EKS service.
 */
import type { EksClusterInfo } from "../eks-fargate-service";

/** The cluster's OIDC issuer (host and path, as IRSA condition keys use it). */
export const TEST_OIDC_ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

/** A fresh `EksClusterInfo` for one test; `privateSubnetIds` when the test names its own subnets. */
export function testEksCluster(privateSubnetIds: string[] = ["subnet-a", "subnet-b"]): EksClusterInfo {
    return {
        clusterName: "test-cluster",
        oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${TEST_OIDC_ISSUER}`,
        oidcProviderUrl: `https://${TEST_OIDC_ISSUER}`,
        kubeconfig: '{"apiVersion":"v1","kind":"Config"}',
        privateSubnetIds,
        podExecutionRoleArn: "arn:aws:iam::123456789012:role/pod-execution",
    };
}
