// IAM: least privilege in permission policies (standalone, inline, role inline policies) and specific
// principals in trust policies (App Runner access/instance roles, ECS task roles, IRSA roles).
import { Control, MANDATORY, Props, STRICT_FROM_STAGING } from "../types";
import { RESOURCE_STAR_ONLY_ACTIONS, Statement, asArray, get, isReadOnlyAction, isUnknown, statements, show } from "../util";

const POLICY = "aws:iam/policy:Policy";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const USER_POLICY = "aws:iam/userPolicy:UserPolicy";
const GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy";
const ROLE = "aws:iam/role:Role";
const PERMISSION_TYPES = [POLICY, ROLE_POLICY, USER_POLICY, GROUP_POLICY, ROLE];

/** Permission documents of a resource with a label for messages; roles carry theirs in inlinePolicies. */
function permissionDocuments(type: string, props: Props): { label: string; doc: unknown }[] {
    if (type !== ROLE) return [{ label: "policy", doc: get(props, "policy") }];
    const inline = asArray(get(props, "inlinePolicies"));
    if (isUnknown(inline)) return [];
    return inline.map((p, i) => ({ label: `inlinePolicies[${i}] (${show(get(p, "name") ?? "unnamed")})`, doc: get(p, "policy") }));
}

/** Runs `fn` over the Allow statements of every permission document; unknown documents pass. */
function overAllowStatements(type: string, props: Props, fn: (s: Statement, where: string) => string | undefined): string[] {
    const out: string[] = [];
    for (const { label, doc } of permissionDocuments(type, props)) {
        if (doc === undefined) continue; // absent (RolePolicy always has one) or unknown
        const list = statements(doc);
        if (isUnknown(list)) continue;
        if (list instanceof Error) {
            out.push(`${label} ${list.message}.`);
            continue;
        }
        list.forEach((s, i) => {
            if (s.effect !== "Allow") return;
            const msg = fn(s, `${label} Statement[${i}]${s.sid ? ` (${s.sid})` : ""}`);
            if (msg) out.push(msg);
        });
    }
    return out;
}

/** Principals that let anyone assume the role. */
function isAnyonePrincipal(principal: unknown): boolean {
    if (principal === "*") return true;
    if (principal && typeof principal === "object") {
        const aws = (principal as { AWS?: unknown }).AWS;
        return asArrayKnown(aws).includes("*");
    }
    return false;
}
const asArrayKnown = (v: unknown): unknown[] => {
    const a = asArray(v);
    return isUnknown(a) ? [] : a;
};

export const iamControls: Control[] = [
    {
        id: "iam-no-wildcard-action",
        description: 'IAM policies never allow "Action": "*" (or "*:*", or Allow with NotAction).',
        source: "FSBP IAM.1, CKV_AWS_62, CKV_AWS_63",
        resourceTypes: PERMISSION_TYPES,
        enforcement: MANDATORY,
        remediation: "List the specific actions the workload calls (e.g. dynamodb:GetItem, dynamodb:PutItem).",
        check: (type, props) =>
            overAllowStatements(type, props, (s, where) => {
                if (isUnknown(s.actions)) return undefined;
                if (s.notActions)
                    return `${where} uses Allow with NotAction, which grants every other action; list the allowed actions instead.`;
                return s.actions.some((a) => a === "*" || a === "*:*")
                    ? `${where} allows "Action": "*"; list specific actions.`
                    : undefined;
            }),
    },
    {
        id: "iam-no-wildcard-resource-write",
        description: 'IAM policies grant write (non-read) actions only on named resources, never "Resource": "*".',
        source: "CKV_AWS_355, CKV_AWS_290",
        resourceTypes: PERMISSION_TYPES,
        enforcement: STRICT_FROM_STAGING,
        remediation:
            "Scope the statement's Resource to ARNs (the table, the secret, the repository); keep read-only or resource-less actions in a separate statement.",
        check: (type, props) =>
            overAllowStatements(type, props, (s, where) => {
                if (isUnknown(s.actions) || isUnknown(s.resources) || s.notActions) return undefined;
                if (!s.resources.includes("*")) return undefined;
                // Create* calls have no ARN to name yet; AWS's answer is to scope them by the tags the request
                // must carry or the service it targets. Such a condition bounds the grant as an ARN would.
                if (isScopedByCondition(s.condition)) return undefined;
                const writes = s.actions.filter(
                    (a) => a !== "*" && a !== "*:*" && !isReadOnlyAction(a) && !RESOURCE_STAR_ONLY_ACTIONS.includes(a),
                );
                // "*" itself is reported by iam-no-wildcard-action; don't double-report it here.
                return writes.length ? `${where} allows non-read action(s) ${writes.join(", ")} on "Resource": "*".` : undefined;
            }),
    },
    {
        id: "iam-trust-specific-principals",
        description: 'Role trust policies name specific principals: no Principal "*" and no {"AWS": "*"}.',
        source: "CKV_AWS_60, CKV_AWS_61",
        resourceTypes: [ROLE],
        enforcement: MANDATORY,
        remediation:
            'Trust a service (e.g. { Service: "tasks.apprunner.amazonaws.com" }), an account root or role ARN, or a federated OIDC provider.',
        check: (_type, props) => {
            const doc = get(props, "assumeRolePolicy");
            if (doc === undefined || isUnknown(doc)) return [];
            const list = statements(doc);
            if (isUnknown(list)) return [];
            if (list instanceof Error) return [`assumeRolePolicy ${list.message}.`];
            const out: string[] = [];
            list.forEach((s, i) => {
                if (s.effect === "Allow" && isAnyonePrincipal(s.principal)) {
                    out.push(`assumeRolePolicy Statement[${i}] lets any principal (${JSON.stringify(s.principal)}) assume the role.`);
                }
            });
            return out;
        },
    },
    {
        id: "iam-irsa-trust-scoped",
        description: "Web-identity (IRSA) trust statements pin the service account with a :sub condition and the audience with :aud.",
        source: "EKS Best Practices (IAM: scope the IRSA role trust policy to a service account)",
        resourceTypes: [ROLE],
        enforcement: STRICT_FROM_STAGING,
        remediation:
            'Add Condition: { StringEquals: { "<issuer>:sub": "system:serviceaccount:<ns>:<sa>", "<issuer>:aud": "sts.amazonaws.com" } }.',
        check: (_type, props) => {
            const doc = get(props, "assumeRolePolicy");
            if (doc === undefined || isUnknown(doc)) return [];
            const list = statements(doc);
            if (isUnknown(list) || list instanceof Error) return []; // parse errors are reported by iam-trust-specific-principals
            const out: string[] = [];
            list.forEach((s, i) => {
                if (s.effect !== "Allow" || isUnknown(s.actions) || !s.actions.includes("sts:AssumeRoleWithWebIdentity")) return;
                const keys: string[] = [];
                for (const op of Object.values((s.condition ?? {}) as Record<string, unknown>)) {
                    if (op && typeof op === "object") keys.push(...Object.keys(op));
                }
                if (!keys.some((k) => k.endsWith(":sub"))) {
                    out.push(
                        `assumeRolePolicy Statement[${i}] (AssumeRoleWithWebIdentity) has no ":sub" condition, so every service account in the cluster can assume the role.`,
                    );
                }
                if (!keys.some((k) => k.endsWith(":aud"))) {
                    out.push(
                        `assumeRolePolicy Statement[${i}] (AssumeRoleWithWebIdentity) has no ":aud" condition (expected "sts.amazonaws.com").`,
                    );
                }
            });
            return out;
        },
    },
];

/** Condition keys that bound a "Resource": "*" grant to tagged resources or one service. */
const SCOPING_CONDITION_KEY = /^(aws:RequestTag\/|aws:ResourceTag\/|iam:AWSServiceName$|ec2:Vpc$|aws:SourceVpc$)/;

function isScopedByCondition(condition: unknown): boolean {
    if (condition === null || typeof condition !== "object") return false;
    return Object.values(condition as Record<string, unknown>).some(
        (block) => block !== null && typeof block === "object" && Object.keys(block).some((key) => SCOPING_CONDITION_KEY.test(key)),
    );
}
