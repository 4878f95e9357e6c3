/**
 * IAM helpers shared by the components.
 *
 * Two statement shapes, on purpose:
 * - `PolicyStatement` is the *argument* shape callers pass (`policyStatements`). It has one type per field
 *   (no `string | string[]` unions, no nested maps), so Pulumi's schema analyzer can express it in every
 *   language (`pulumi package add`), and it is checked at construction (`policyStatementProblems`).
 * - `IamStatement` is AWS's policy-document JSON shape, used inside the components and rendered by
 *   `policyDocument` once every output ARN resolves.
 */
import * as pulumi from "@pulumi/pulumi";
import { describeValue } from "./limits";

/** One condition of a policy statement, e.g. `{ test: "StringEquals", variable: "aws:SourceVpc", values: [vpcId] }`. */
export interface PolicyCondition {
    /** Condition operator (`StringEquals`, `ArnLike`, `Bool`, …). */
    readonly test: string;
    /** Condition key (`aws:SourceVpc`, `dynamodb:LeadingKeys`, …). */
    readonly variable: string;
    /** Values the key is compared with (any one matches). */
    readonly values: pulumi.Input<string>[];
}

/** An IAM statement granted to the role the app runs as. Least privilege: specific actions on specific ARNs. */
export interface PolicyStatement {
    /** Statement id (letters and digits). */
    readonly sid?: string;
    /** "Allow" or "Deny". @default "Allow" */
    readonly effect?: string;
    /** Specific actions such as `dynamodb:GetItem`; wildcards (`*`, `service:*`) are refused. */
    readonly actions: string[];
    /** Resource ARNs, possibly outputs. Prefer specific ARNs to "*": the policy pack flags wildcard resources. */
    readonly resources: pulumi.Input<string>[];
    /** Conditions; several on one key with one operator are merged. */
    readonly conditions?: PolicyCondition[];
}

/** The effects a statement may have. */
export const POLICY_EFFECTS = ["Allow", "Deny"] as const;

/** AWS's JSON shape of a policy statement (internal: what `policyDocument` renders). */
export interface IamStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | string[];
    readonly Resource: pulumi.Input<string> | pulumi.Input<string>[];
    readonly Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[]>>;
}

/** The AWS JSON form of argument statements. */
export function iamStatements(statements: readonly PolicyStatement[] = []): IamStatement[] {
    return statements.map((s) => {
        const condition: Record<string, Record<string, pulumi.Input<string>[]>> = {};
        for (const c of s.conditions ?? []) {
            const byKey = (condition[c.test] ??= {});
            byKey[c.variable] = [...(byKey[c.variable] ?? []), ...c.values];
        }
        return {
            ...(s.sid !== undefined ? { Sid: s.sid } : {}),
            Effect: (s.effect ?? "Allow") as IamStatement["Effect"],
            Action: [...s.actions],
            Resource: [...s.resources],
            ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
        };
    });
}

/**
 * Every problem with caller statements under `property`, each naming the statement and field: a wrong shape
 * (e.g. the AWS JSON form `{ Effect, Action, Resource }`, or a string where a list is expected), an effect
 * other than Allow/Deny, empty lists, and wildcard actions (least privilege is the component contract).
 */
export function policyStatementProblems(property: string, statements: unknown): string[] {
    if (statements === undefined) return [];
    if (!Array.isArray(statements)) return [`\`${property}\` must be a list of statements (got ${describeValue(statements)}).`];
    const problems: string[] = [];
    statements.forEach((s: unknown, i) => {
        const at = `\`${property}[${i}]`;
        if (typeof s !== "object" || s === null) {
            problems.push(`${at}\` must be an object { actions, resources, effect?, sid?, conditions? } (got ${describeValue(s)}).`);
            return;
        }
        const st = s as Record<string, unknown>;
        const awsKeys = ["Effect", "Action", "Resource", "Sid", "Condition"].filter((k) => k in st);
        if (awsKeys.length > 0) {
            problems.push(
                `${at}\` uses the policy-document form (${awsKeys.join(", ")}); pass { actions: [...], resources: [...], effect?, sid?, conditions? } instead.`,
            );
            return;
        }
        if (st.effect !== undefined && !POLICY_EFFECTS.includes(st.effect as never)) {
            problems.push(`${at}.effect\` must be one of ${POLICY_EFFECTS.join(", ")} (got ${describeValue(st.effect)}).`);
        }
        if (st.sid !== undefined && (typeof st.sid !== "string" || !/^[A-Za-z0-9]+$/.test(st.sid))) {
            problems.push(`${at}.sid\` must be letters and digits only (got ${describeValue(st.sid)}).`);
        }
        if (!Array.isArray(st.actions) || st.actions.length === 0 || st.actions.some((a) => typeof a !== "string")) {
            problems.push(`${at}.actions\` must be a non-empty list of action names (got ${describeValue(st.actions)}).`);
        } else if (st.actions.some((a: string) => a === "*" || a.endsWith(":*"))) {
            problems.push(`${at}.actions\` must list specific actions, not a wildcard (got ${JSON.stringify(st.actions)}).`);
        }
        if (!Array.isArray(st.resources) || st.resources.length === 0) {
            problems.push(`${at}.resources\` must be a non-empty list of ARNs (got ${describeValue(st.resources)}).`);
        }
        if (st.conditions !== undefined) {
            const ok =
                Array.isArray(st.conditions) &&
                st.conditions.every((c: unknown) => {
                    const cc = c as Record<string, unknown> | null;
                    return (
                        typeof cc === "object" &&
                        cc !== null &&
                        typeof cc.test === "string" &&
                        typeof cc.variable === "string" &&
                        Array.isArray(cc.values)
                    );
                });
            if (!ok)
                problems.push(
                    `${at}.conditions\` must be a list of { test, variable, values: [...] } (got ${describeValue(st.conditions)}).`,
                );
        }
    });
    return problems;
}

/** Render statements to a policy document JSON string (resolving any output ARNs). */
export function policyDocument(statements: readonly IamStatement[]): pulumi.Output<string> {
    return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements as IamStatement[] });
}

/** Trust policy letting one AWS service principal assume a role. */
export function serviceTrustPolicy(
    service: string,
    conditions?: Record<string, Record<string, pulumi.Input<string>>>,
): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                ...(conditions ? { Condition: conditions } : {}),
            },
        ],
    });
}

/**
 * IRSA trust policy: only the named ServiceAccount, through the cluster's OIDC provider, for STS.
 * StringEquals on both `sub` and `aud` — without `aud` any audience's token would do; without `sub`, any
 * pod in the cluster could assume the role.
 */
export function irsaTrustPolicy(
    oidcProviderArn: pulumi.Input<string>,
    oidcProviderUrl: pulumi.Input<string>,
    namespace: string,
    serviceAccount: string,
): pulumi.Output<string> {
    return pulumi.all([oidcProviderArn, oidcProviderUrl]).apply(([arn, url]) => {
        const issuer = url.replace(/^https:\/\//, "");
        return JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: arn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                            [`${issuer}:aud`]: "sts.amazonaws.com",
                        },
                    },
                },
            ],
        });
    });
}

/**
 * Policy letting a role read exactly the secrets a platform injects into the container, plus the
 * caller's `statements`: Secrets Manager ARNs get `secretsmanager:GetSecretValue`, SSM parameter ARNs
 * `ssm:GetParameters` (both are valid secret references on App Runner and ECS).
 */
export function injectedSecretsPolicy(arns: pulumi.Input<string>[], statements: readonly PolicyStatement[] = []): pulumi.Output<string> {
    return pulumi.all(arns).apply((resolved) => {
        const ssm = resolved.filter((arn) => /^arn:[^:]+:ssm:/.test(arn));
        const secrets = resolved.filter((arn) => !ssm.includes(arn));
        return policyDocument([
            ...iamStatements(statements),
            ...(secrets.length > 0
                ? [{ Sid: "ReadInjectedSecrets", Effect: "Allow" as const, Action: ["secretsmanager:GetSecretValue"], Resource: secrets }]
                : []),
            ...(ssm.length > 0
                ? [{ Sid: "ReadInjectedParameters", Effect: "Allow" as const, Action: ["ssm:GetParameters"], Resource: ssm }]
                : []),
        ]);
    });
}
