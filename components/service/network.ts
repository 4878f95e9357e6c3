/**
 * The network rules of every service in a VPC: the VPC shape, egress rules (one TCP destination each, never
 * inline in the group) and their checks.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { describeValue, intRange } from "../limits";
import { objectProblem, stringProblem } from "./shapes";

/** One destination a service in a VPC may open connections to. */
export interface EgressRule {
    /** Destination port. */
    readonly port: number;
    /** Destination security group (preferred); exactly one of this and `cidrIpv4`. */
    readonly securityGroupId?: pulumi.Input<string>;
    /** Destination CIDR, for traffic leaving through NAT (e.g. 443 to AWS APIs); exactly one of this and `securityGroupId`. */
    readonly cidrIpv4?: string;
    /** Why this egress exists (becomes the rule description). */
    readonly description: string;
}

/**
 * Where a component runs inside a VPC: the one shape every component that takes a VPC uses (services,
 * database). `subnetIds` are private subnets; `egress` lists the destinations opened at creation.
 */
export interface ServiceVpc {
    /** The VPC. */
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets in at least two Availability Zones. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Destinations the component may open connections to (more can be added later with `allowEgress`). @default none */
    readonly egress?: EgressRule[];
}

/** Every problem with one egress rule, labelled (e.g. `vpc.egress[0]`). */
export function egressRuleProblems(label: string, rule: unknown): (string | undefined)[] {
    const shape = objectProblem(label, rule, true);
    if (shape) return [shape];
    const r = rule as Record<string, unknown>;
    return [
        intRange(`${label}.port`, r.port as number, 1, 65535),
        (r.securityGroupId === undefined) === (r.cidrIpv4 === undefined)
            ? `\`${label}\` must set exactly one of securityGroupId or cidrIpv4.`
            : undefined,
        stringProblem(`${label}.securityGroupId`, r.securityGroupId),
        stringProblem(`${label}.cidrIpv4`, r.cidrIpv4),
        typeof r.description === "string" && r.description.length > 0
            ? undefined
            : `\`${label}.description\` must say why the egress exists (got ${describeValue(r.description)}).`,
    ];
}

/** The inputs every TCP rule of one port has, whichever its direction: `peer` is the other side's group, list or CIDR. */
function tcpRuleArgs(
    securityGroupId: pulumi.Input<string>,
    port: pulumi.Input<number>,
    peer: { securityGroupId?: pulumi.Input<string>; prefixListId?: pulumi.Input<string>; cidrIpv4?: string },
    description: pulumi.Input<string>,
    tags: Record<string, string> | undefined,
) {
    return {
        securityGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: peer.securityGroupId,
        prefixListId: peer.prefixListId,
        cidrIpv4: peer.cidrIpv4,
        description,
        tags,
    };
}

/**
 * A TCP egress rule on `securityGroupId` to one destination. Rules are separate resources (not inline
 * in the group) so callers can add destinations later without replacing the group.
 */
export function egressRule(
    resourceName: string,
    securityGroupId: pulumi.Input<string>,
    rule: { readonly port: pulumi.Input<number>; readonly description: pulumi.Input<string> } & Pick<
        EgressRule,
        "securityGroupId" | "cidrIpv4"
    >,
    tags: Record<string, string> | undefined,
    parent: pulumi.Resource,
    opts?: pulumi.CustomResourceOptions,
): aws.vpc.SecurityGroupEgressRule {
    return new aws.vpc.SecurityGroupEgressRule(resourceName, tcpRuleArgs(securityGroupId, rule.port, rule, rule.description, tags), {
        parent,
        ...opts,
    });
}

/**
 * A TCP ingress rule on `securityGroupId` from one source: a security group (preferred), a managed prefix list
 * or a CIDR (exactly one). The counterpart of `egressRule`, and likewise a resource of its own.
 */
export function ingressRule(
    resourceName: string,
    securityGroupId: pulumi.Input<string>,
    rule: {
        readonly port: pulumi.Input<number>;
        readonly description: pulumi.Input<string>;
        readonly sourceSecurityGroupId?: pulumi.Input<string>;
        readonly prefixListId?: pulumi.Input<string>;
        readonly cidrIpv4?: string;
    },
    tags: Record<string, string> | undefined,
    parent: pulumi.Resource,
    opts?: pulumi.CustomResourceOptions,
): aws.vpc.SecurityGroupIngressRule {
    const peer = { securityGroupId: rule.sourceSecurityGroupId, prefixListId: rule.prefixListId, cidrIpv4: rule.cidrIpv4 };
    return new aws.vpc.SecurityGroupIngressRule(resourceName, tcpRuleArgs(securityGroupId, rule.port, peer, rule.description, tags), {
        parent,
        ...opts,
    });
}
