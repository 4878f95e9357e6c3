/**
 * Small IAM helpers shared by components: typed policy statements whose resources may be outputs,
 * rendered to JSON once they resolve, and service trust policies.
 */
import * as pulumi from "@pulumi/pulumi";

export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | string[];
    /** ARNs, possibly outputs. Prefer a specific ARN to "*": the policy pack flags wildcard resources. */
    readonly Resource: pulumi.Input<string> | pulumi.Input<string>[];
    readonly Condition?: pulumi.Input<Record<string, Record<string, pulumi.Input<string | string[]>>>>;
}

/** Render statements to a policy document JSON string (resolving any output ARNs). */
export function policyDocument(statements: readonly PolicyStatement[]): pulumi.Output<string> {
    return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements as PolicyStatement[] });
}

/** Trust policy letting one AWS service principal assume a role. */
export function serviceTrustPolicy(service: string, conditions?: Record<string, Record<string, pulumi.Input<string>>>): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...(conditions ? { Condition: conditions } : {}) }],
    });
}

/** Throw when a caller passes a statement with a wildcard action (least privilege is the component contract). */
export function rejectWildcardActions(component: string, name: string, property: string, statements: readonly PolicyStatement[]): void {
    statements.forEach((s, i) => {
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        if (actions.some((a) => a === "*" || a.endsWith(":*"))) {
            throw new Error(`${component} "${name}": \`${property}[${i}].Action\` must list specific actions, not a wildcard (got ${JSON.stringify(s.Action)}).`);
        }
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
            ...statements,
            ...(secrets.length > 0 ? [{ Sid: "ReadInjectedSecrets", Effect: "Allow" as const, Action: ["secretsmanager:GetSecretValue"], Resource: secrets }] : []),
            ...(ssm.length > 0 ? [{ Sid: "ReadInjectedParameters", Effect: "Allow" as const, Action: ["ssm:GetParameters"], Resource: ssm }] : []),
        ]);
    });
}
