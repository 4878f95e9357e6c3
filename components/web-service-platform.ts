/**
 * One switch for every stack: the same WebServiceArgs run on App Runner (AppRunnerService, or
 * VpcConnectedAppRunner when `vpc` is set) or on ECS Express Mode (EcsExpressService), chosen by one
 * config value. Stacks call this instead of a component so that switching platform changes only the
 * hosting resources — never the image, the data stores or the app's environment.
 *
 * App Runner stopped accepting new customers on 2026-04-30; the stack files choose the platform
 * explicitly. On `ecs-express` the service always runs in a VPC the stack owns (`vpc` is required):
 * never in the account's default VPC.
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AppRunnerService } from "./app-runner-service";
import { EcsExpressService, type ExpressScaling } from "./ecs-express-service";
import { VpcConnectedAppRunner } from "./vpc-connected-app-runner";
import { throwIfAny } from "./limits";
import { enumProblem, serviceVpcProblems, type EgressRule, type ServiceVpc, type WebServiceArgs } from "./web-service";

/** The platforms a web service can run on. */
export const WebServicePlatform = {
    /** AWS App Runner (AppRunnerService, or VpcConnectedAppRunner with `vpc`). */
    AppRunner: "app-runner",
    /** Amazon ECS Express Mode (EcsExpressService). */
    EcsExpress: "ecs-express",
} as const;
export type WebServicePlatform = (typeof WebServicePlatform)[keyof typeof WebServicePlatform];
export const WEB_SERVICE_PLATFORMS: readonly WebServicePlatform[] = Object.values(WebServicePlatform);

/** The service's VPC on either platform: a `ServiceVpc` plus the public subnets Express needs. */
export interface WebServiceVpc extends ServiceVpc {
    /**
     * Public subnets for ECS Express Mode (required there), whose tasks and load balancer share one
     * subnet list: in private subnets Express provisions an *internal* load balancer (no public URL), so
     * a public service needs public ones. The tasks get no public IP there and reach ECR, S3 and
     * CloudWatch Logs through the VPC's endpoints (pass them as the resource option `dependsOn`); their
     * security group admits only the load balancer. Sources: components/ecs-express-service.ts. Unused by App Runner.
     * @default none (required on ecs-express)
     */
    readonly publicSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface CreateWebServiceArgs extends WebServiceArgs {
    /**
     * Send egress into this VPC through a security group of the service's own (output `securityGroupId`).
     * Required on `ecs-express` (with `publicSubnetIds`). @default App Runner: public egress only
     */
    readonly vpc?: WebServiceVpc;
    /** Service name on the platform (App Runner: 4-40 characters). @default the component name */
    readonly serviceName?: string;
    /** Express only (ignored with a warning on App Runner, which scales on `maxConcurrency`). @default AVERAGE_CPU 60% */
    readonly expressScaling?: ExpressScaling;
}

/** What a stack wires next, whatever the platform. */
export interface WebService {
    readonly platform: WebServicePlatform;
    /** https URL. */
    readonly url: pulumi.Output<string>;
    readonly serviceArn: pulumi.Output<string>;
    /** ARN of the role the app runs as. */
    readonly roleArn: pulumi.Output<string>;
    /** Name of the role the app runs as (e.g. for a database's `connect`). */
    readonly roleName: pulumi.Output<string>;
    /** The service's own security group, when `vpc` is set: allow it on what the service reaches. */
    readonly securityGroupId?: pulumi.Output<string>;
    /** The component that was created (for `dependsOn` or tests). */
    readonly resource: AppRunnerService | VpcConnectedAppRunner | EcsExpressService;
    /** Allow egress to one more destination (only when `vpc` is set). */
    allowEgress(name: string, rule: EgressRule): aws.vpc.SecurityGroupEgressRule;
}

/** A web service created with `vpc`: it has a security group, so it can be a database's client. */
export interface VpcWebService extends WebService {
    readonly securityGroupId: pulumi.Output<string>;
    readonly resource: VpcConnectedAppRunner | EcsExpressService;
}

/** Create the web service on `platform`; every problem is one error naming the function and the service. */
export function createWebService(
    platform: WebServicePlatform,
    name: string,
    args: CreateWebServiceArgs & { readonly vpc: WebServiceVpc },
    opts?: pulumi.ComponentResourceOptions,
): VpcWebService;
export function createWebService(
    platform: WebServicePlatform,
    name: string,
    args: CreateWebServiceArgs,
    opts?: pulumi.ComponentResourceOptions,
): WebService;
export function createWebService(
    platform: WebServicePlatform,
    name: string,
    args: CreateWebServiceArgs,
    opts?: pulumi.ComponentResourceOptions,
): WebService {
    const express = platform === WebServicePlatform.EcsExpress;
    throwIfAny(`createWebService`, name, [
        enumProblem("platform", platform, WEB_SERVICE_PLATFORMS),
        typeof args === "object" && args !== null ? undefined : "the arguments must be an object with at least `image`.",
        ...serviceVpcProblems("vpc", args?.vpc, false),
        express && args?.vpc && !args.vpc.publicSubnetIds
            ? "`vpc.publicSubnetIds` is required on ecs-express: Express puts its load balancer and tasks in those subnets (private ones give an internal load balancer)."
            : undefined,
        express && !args?.vpc
            ? "`vpc` (with `publicSubnetIds`) is required on ecs-express: without one Express would use the account's default VPC."
            : undefined,
    ]);
    const { vpc, expressScaling, ...common } = args;
    if (express) {
        const service = new EcsExpressService(
            name,
            { ...common, vpc: { vpcId: vpc!.vpcId, subnetIds: vpc!.publicSubnetIds!, egress: vpc!.egress }, scaling: expressScaling },
            opts,
        );
        return handle(platform, service, service.securityGroupId, (n, rule) => service.allowEgress(n, rule));
    }
    const warnIgnored = (resource: pulumi.Resource) => {
        if (expressScaling !== undefined) {
            void pulumi.log.warn(
                `createWebService "${name}": \`expressScaling\` has no effect on app-runner, which scales on \`maxConcurrency\`.`,
                resource,
            );
        }
    };
    if (vpc) {
        const { publicSubnetIds: _public, ...serviceVpc } = vpc;
        const service = new VpcConnectedAppRunner(name, { ...common, vpc: serviceVpc }, opts);
        warnIgnored(service);
        return handle(platform, service, service.securityGroupId, (n, rule) => service.allowEgress(n, rule));
    }
    const service = new AppRunnerService(name, common, opts);
    warnIgnored(service);
    return handle(platform, service, undefined, () => {
        throw new pulumi.ResourceError(
            `createWebService "${name}": \`allowEgress\` needs \`vpc\` to be set (the service has public egress only).`,
            service,
        );
    });
}

function handle(
    platform: WebServicePlatform,
    resource: WebService["resource"],
    securityGroupId: pulumi.Output<string> | undefined,
    allowEgress: WebService["allowEgress"],
): WebService {
    return {
        platform,
        url: resource.url,
        serviceArn: resource.serviceArn,
        roleArn: resource.roleArn,
        roleName: resource.roleName,
        securityGroupId,
        resource,
        allowEgress,
    };
}
