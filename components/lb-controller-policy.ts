/**
 * The AWS Load Balancer Controller's IAM policy, as data (kept out of the EksFargateCluster resource file, which
 * attaches it to the controller's IRSA role). Chart and policy move together: see LB_CONTROLLER_CHART.
 */
import * as pulumi from "@pulumi/pulumi";
import { arnIn } from "./arn";
import type { IamStatement } from "./iam";

/**
 * The controller's documented IAM policy (docs/install/iam_policy.json), narrowed: WAF, Shield, Cognito
 * and ACM statements dropped (ALB/TLS features this project does not use, and switched off in the chart
 * values), ELB ARNs scoped to this region, ARNs in the deployment's partition (arn.ts), and mutations conditioned on the controller's own
 * `elbv2.k8s.aws/cluster` tag as AWS's current policy does. Where a statement keeps `Resource: "*"`,
 * it is AWS's own: Describe* calls and Create* calls (no ARN exists before creation) do not support
 * resource-level permissions. No wildcard actions.
 */
export function loadBalancerControllerStatements(
    partition: pulumi.Input<string>,
    region: pulumi.Input<string>,
    vpcId: pulumi.Input<string>,
): IamStatement[] {
    const elb = (kind: string) => arnIn(partition, { service: "elasticloadbalancing", region, account: "*", resource: kind });
    const securityGroups = arnIn(partition, { service: "ec2", region, account: "*", resource: "security-group/*" });
    const vpc = arnIn(partition, { service: "ec2", region, account: "*", resource: pulumi.interpolate`vpc/${vpcId}` });
    const anySecurityGroup = arnIn(partition, { service: "ec2", region: "*", account: "*", resource: "security-group/*" });
    const lbMutations = [
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:ModifyCapacityReservation",
    ];
    return [
        {
            Sid: "CreateElbServiceLinkedRole",
            Effect: "Allow",
            Action: ["iam:CreateServiceLinkedRole"],
            Resource: "*",
            Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
        },
        {
            Sid: "Describe",
            Effect: "Allow",
            Action: [
                "ec2:DescribeAccountAttributes",
                "ec2:DescribeAddresses",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInternetGateways",
                "ec2:DescribeVpcs",
                "ec2:DescribeVpcPeeringConnections",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeTags",
                "ec2:DescribeRouteTables",
                "ec2:GetSecurityGroupsForVpc",
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeListenerAttributes",
                "elasticloadbalancing:DescribeListenerCertificates",
                "elasticloadbalancing:DescribeSSLPolicies",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeTags",
                "elasticloadbalancing:DescribeTrustStores",
                "elasticloadbalancing:DescribeCapacityReservation",
            ],
            Resource: "*",
        },
        // CreateSecurityGroup authorises the new group and the VPC it goes into: only this cluster's VPC.
        { Sid: "CreateSecurityGroup", Effect: "Allow", Action: ["ec2:CreateSecurityGroup"], Resource: [securityGroups, vpc] },
        {
            Sid: "TagNewSecurityGroup",
            Effect: "Allow",
            Action: ["ec2:CreateTags"],
            Resource: anySecurityGroup,
            Condition: {
                StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" },
                Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" },
            },
        },
        {
            Sid: "RetagOwnSecurityGroups",
            Effect: "Allow",
            Action: ["ec2:CreateTags", "ec2:DeleteTags"],
            Resource: anySecurityGroup,
            Condition: { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "true", "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } },
        },
        {
            // Ingress rules are also added to the pods' (cluster) security group, which carries no controller tag.
            Sid: "ManageSecurityGroupRules",
            Effect: "Allow",
            Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
            Resource: securityGroups,
            // ...so scope by VPC instead: groups of this cluster's VPC only.
            Condition: { ArnEquals: { "ec2:Vpc": vpc } },
        },
        {
            Sid: "DeleteOwnSecurityGroups",
            Effect: "Allow",
            Action: ["ec2:DeleteSecurityGroup"],
            Resource: securityGroups,
            Condition: { Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } },
        },
        {
            Sid: "CreateTaggedLoadBalancers",
            Effect: "Allow",
            Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
            Resource: "*",
            Condition: { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } },
        },
        {
            Sid: "ManageListenersAndRules",
            Effect: "Allow",
            Action: [
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:ModifyRule",
            ],
            Resource: [elb("loadbalancer/*"), elb("listener/*"), elb("listener-rule/*")],
        },
        {
            Sid: "TagOwnLoadBalancers",
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            Resource: [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")],
            Condition: { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "true", "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } },
        },
        {
            // The controller tags the listeners and rules it creates (defaultTags are set), as in AWS's
            // reference policy; without this CreateListener fails and the NLB has no listener.
            Sid: "TagOwnListeners",
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            Resource: [
                elb("listener/net/*/*/*"),
                elb("listener/app/*/*/*"),
                elb("listener-rule/net/*/*/*"),
                elb("listener-rule/app/*/*/*"),
            ],
        },
        {
            Sid: "TagOnCreate",
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags"],
            Resource: [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")],
            Condition: {
                StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
                Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" },
            },
        },
        {
            Sid: "MutateOwnLoadBalancers",
            Effect: "Allow",
            Action: lbMutations,
            Resource: [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")],
            Condition: { Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } },
        },
        {
            Sid: "RegisterPodTargets",
            Effect: "Allow",
            Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            Resource: elb("targetgroup/*/*"),
        },
    ];
}
