// Security groups: what may be reached from where. Covers the inline `ingress` list of
// aws.ec2.SecurityGroup, the legacy aws.ec2.SecurityGroupRule and aws.vpc.SecurityGroupIngressRule.
import { Control, MANDATORY, STRICT_FROM_STAGING } from "../types";
import {
    ADMIN_AND_APP_PORTS,
    DATABASE_PORTS,
    PUBLIC_PORTS,
    SECURITY_GROUP_TYPES,
    coversPort,
    describeRule,
    ingressRules,
    isUnknown,
    isWorldCidr,
    portsBeyond,
} from "../util";

export const networkControls: Control[] = [
    {
        id: "sg-no-public-admin-ingress",
        description:
            "No ingress from 0.0.0.0/0 or ::/0 to SSH, app or database ports (22, 3000, 3306, 5432, 8080), including ranges and all-traffic rules that cover them.",
        source: "FSBP EC2.13 / EC2.19, CKV_AWS_24",
        resourceTypes: SECURITY_GROUP_TYPES,
        enforcement: MANDATORY,
        remediation: "Use a security-group source (the load balancer's or the client's group) or a narrow CIDR instead of the internet.",
        check: (type, props) => {
            const rules = ingressRules(type, props);
            if (isUnknown(rules)) return [];
            const out: string[] = [];
            for (const rule of rules) {
                const world = rule.cidrs.filter((c) => !isUnknown(c) && isWorldCidr(c));
                if (world.length === 0) continue;
                const ports = ADMIN_AND_APP_PORTS.filter((p) => coversPort(rule, p));
                if (ports.length)
                    out.push(`ingress ${describeRule(rule)} from ${world.join(", ")} exposes port(s) ${ports.join(", ")} to the internet.`);
            }
            return out;
        },
    },
    {
        id: "sg-no-cidr-database-ingress",
        description:
            "Database ports (3306, 5432) accept ingress only from security groups (client → proxy → cluster), never from any CIDR or prefix list.",
        source: "The project's security baseline (per-task security groups), FSBP EC2.19",
        resourceTypes: SECURITY_GROUP_TYPES,
        enforcement: MANDATORY,
        remediation: "Replace cidrBlocks / cidrIpv4 with sourceSecurityGroupId / securityGroups / referencedSecurityGroupId.",
        check: (type, props) => {
            const rules = ingressRules(type, props);
            if (isUnknown(rules)) return [];
            const out: string[] = [];
            for (const rule of rules) {
                const cidrs = rule.cidrs.filter((c): c is string => !isUnknown(c));
                if (cidrs.length === 0 && rule.prefixLists === 0) continue;
                const ports = DATABASE_PORTS.filter((p) => coversPort(rule, p));
                if (ports.length === 0) continue;
                const from = [...cidrs, ...(rule.prefixLists ? [`${rule.prefixLists} prefix list(s)`] : [])].join(", ");
                out.push(
                    `ingress ${describeRule(rule)} opens database port(s) ${ports.join(", ")} to CIDR source ${from}; use a security-group source.`,
                );
            }
            return out;
        },
    },
    {
        id: "sg-public-ingress-http-only",
        description: "Ingress from 0.0.0.0/0 or ::/0 is limited to HTTP and HTTPS (80, 443).",
        source: "FSBP EC2.18, CKV_AWS_277",
        resourceTypes: SECURITY_GROUP_TYPES,
        enforcement: STRICT_FROM_STAGING,
        remediation:
            "Open only 80/443 to the internet (on the load balancer's group); reach everything else through security-group sources.",
        check: (type, props) => {
            const rules = ingressRules(type, props);
            if (isUnknown(rules)) return [];
            const out: string[] = [];
            for (const rule of rules) {
                const world = rule.cidrs.filter((c) => !isUnknown(c) && isWorldCidr(c));
                if (world.length === 0) continue;
                const beyond = portsBeyond(rule, PUBLIC_PORTS);
                if (beyond)
                    out.push(
                        `ingress ${describeRule(rule)} from ${world.join(", ")} opens ${beyond}; only 80 and 443 may face the internet.`,
                    );
            }
            return out;
        },
    },
];
