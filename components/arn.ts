/**
 * ARNs in the partition the program deploys to. The partition is not always `aws`: AWS GovCloud (US) ARNs begin
 * `arn:aws-us-gov:` and China's `arn:aws-cn:` ("Identify AWS resources with Amazon Resource Names",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html), so an ARN written `arn:aws:` there names
 * nothing and a policy built from it grants nothing. The provider answers `getPartition` for the region it is
 * configured with (https://www.pulumi.com/registry/packages/aws/api-docs/getpartition/); the region and account
 * come from `getRegion` and `getCallerIdentity` the same way. Every ARN the components write goes through here.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ArnParts {
    /** The service namespace, e.g. "iam", "rds-db", "elasticloadbalancing". */
    readonly service: string;
    /** The resource part, e.g. "policy/service-role/…" or "dbuser:prx-…/app". */
    readonly resource: pulumi.Input<string>;
    /** The region field: @default the provider's region; `null` for a global resource (IAM), or a pattern such as "*". */
    readonly region?: pulumi.Input<string> | null;
    /** The account field: @default the caller's account; "aws" for AWS managed policies, or "*". */
    readonly account?: pulumi.Input<string> | null;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`, the partition given (the pure form, for policy builders). */
export function arnIn(partition: pulumi.Input<string>, parts: ArnParts): pulumi.Output<string> {
    return pulumi.interpolate`arn:${partition}:${parts.service}:${parts.region ?? ""}:${parts.account ?? ""}:${parts.resource}`;
}

interface Caller {
    readonly partition: pulumi.Output<string>;
    readonly region: pulumi.Output<string>;
    readonly account: pulumi.Output<string>;
}
const callers = new WeakMap<pulumi.Resource, Caller>();

/**
 * The partition, region and account of `parent`'s provider: each looked up once per component, and only when
 * first read (a component that needs only its region, such as a table drawing dashboard widgets, invokes only getRegion).
 */
export function callerOf(parent: pulumi.Resource): Caller {
    let caller = callers.get(parent);
    if (!caller) {
        const once = <T>(lookup: () => T): (() => T) => {
            let value: T | undefined;
            return () => (value ??= lookup());
        };
        const partition = once(() => aws.getPartitionOutput({}, { parent }).partition);
        const region = once(() => aws.getRegionOutput({}, { parent }).region);
        const account = once(() => aws.getCallerIdentityOutput({}, { parent }).accountId);
        caller = {
            get partition() {
                return partition();
            },
            get region() {
                return region();
            },
            get account() {
                return account();
            },
        };
        callers.set(parent, caller);
    }
    return caller;
}

/** An ARN in `parent`'s partition; region and account default to the provider's (see ArnParts). */
export function arn(parent: pulumi.Resource, parts: ArnParts): pulumi.Output<string> {
    const caller = callerOf(parent);
    return arnIn(caller.partition, {
        ...parts,
        region: parts.region === undefined ? caller.region : parts.region,
        account: parts.account === undefined ? caller.account : parts.account,
    });
}

/** The ARN of an AWS managed policy (`name` may carry its path, e.g. "service-role/AmazonECSTaskExecutionRolePolicy"). */
export function awsManagedPolicyArn(parent: pulumi.Resource, name: string): pulumi.Output<string> {
    return arn(parent, { service: "iam", region: null, account: "aws", resource: `policy/${name}` });
}
