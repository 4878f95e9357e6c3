/**
 * The two roles every ECS task has, split the same way in EcsExpressService and PrivateFargateService:
 * the execution role (the ECS agent: pull the image, write logs, read exactly the injected secrets) and the
 * task role (the app: the caller's statements and nothing else).
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { awsManagedPolicyArn } from "./arn";
import type { DerivedChild } from "./names";
import { iamStatements, injectedSecretsPolicy, policyDocument, serviceTrustPolicy, type PolicyStatement } from "./iam";

const EXECUTION_POLICY = "service-role/AmazonECSTaskExecutionRolePolicy";

/** The children ecsTaskRoles names after the component (checked against AWS's limits: names.ts childNameProblem). */
export const ECS_TASK_ROLE_CHILDREN: readonly DerivedChild[] = [
    ["aws:iam/role:Role", "-execution-role"],
    ["aws:iam/role:Role", "-task-role"],
    ["aws:iam/rolePolicy:RolePolicy", "-execution-secrets"],
    ["aws:iam/rolePolicy:RolePolicy", "-task-policy"],
];

export interface EcsTaskRoleArgs {
    readonly environmentSecrets?: Record<string, pulumi.Input<string>>;
    readonly policyStatements?: PolicyStatement[];
    readonly tags?: Record<string, string>;
}

export interface EcsTaskRoles {
    readonly execution: aws.iam.Role;
    readonly task: aws.iam.Role;
    /** The roles' policies: the service waits for them (and on destroy they outlive the draining tasks). */
    readonly policies: pulumi.Resource[];
}

/** Execution role and task role of `what` (e.g. "Express service api"), children of `parent`. */
export function ecsTaskRoles(name: string, what: string, args: EcsTaskRoleArgs, parent: pulumi.Resource): EcsTaskRoles {
    const execution = new aws.iam.Role(
        `${name}-execution-role`,
        {
            assumeRolePolicy: serviceTrustPolicy("ecs-tasks.amazonaws.com"),
            description: `ECS agent role (pull, logs, secrets) of ${what}`,
            tags: args.tags,
        },
        { parent },
    );
    const policies: pulumi.Resource[] = [
        new aws.iam.RolePolicyAttachment(
            `${name}-execution-managed`,
            { role: execution.name, policyArn: awsManagedPolicyArn(parent, EXECUTION_POLICY) },
            { parent },
        ),
    ];
    const secretArns = Object.values(args.environmentSecrets ?? {});
    if (secretArns.length > 0) {
        // Exactly the ARNs injected as env secrets; the agent fetches them at task start.
        policies.push(
            new aws.iam.RolePolicy(
                `${name}-execution-secrets`,
                { role: execution.name, policy: injectedSecretsPolicy(secretArns) },
                { parent },
            ),
        );
    }
    const task = new aws.iam.Role(
        `${name}-task-role`,
        { assumeRolePolicy: serviceTrustPolicy("ecs-tasks.amazonaws.com"), description: `Runtime role of ${what}`, tags: args.tags },
        { parent },
    );
    const statements = args.policyStatements ?? [];
    if (statements.length > 0) {
        policies.push(
            new aws.iam.RolePolicy(
                `${name}-task-policy`,
                { role: task.name, policy: policyDocument(iamStatements(statements)) },
                { parent },
            ),
        );
    }
    return { execution, task, policies };
}
