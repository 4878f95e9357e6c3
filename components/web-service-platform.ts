/**
 * One switch for every stack: the same ServiceArgs run on App Runner (AppRunnerService, or
 * VpcConnectedAppRunner when `network` is set) or on ECS Express Mode (EcsExpressService), chosen by one
 * config value. Stacks call this instead of a component so that switching platform changes only the
 * hosting resources — never the image, the data stores or the app's environment.
 *
 * App Runner stopped accepting new customers on 2026-04-30; the stack files choose the platform
 * explicitly. On `ecs-express` the service always runs in a VPC the stack owns (`network` is required):
 * never in the account's default VPC.
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AppRunnerService } from "./app-runner-service";
import { EcsExpressService, type ExpressScaling } from "./ecs-express-service";
import { VpcConnectedAppRunner } from "./vpc-connected-app-runner";
import { throwIfAny } from "./limits";
import { enumProblem } from "./service/shapes";
import type { EgressRule, ServiceVpc } from "./service/network";
import type { DeprecatedWebServiceArgs, ServiceArgs } from "./service/args";
import { EXPRESS_OLD_METRICS } from "./service/aliases";
import { resolveServiceArgs, shapeProblems } from "./service/skeleton";

/** The platforms a web service can run on. */
export const WebServicePlatform = {
    /** AWS App Runner (AppRunnerService, or VpcConnectedAppRunner with `vpc`). */
    AppRunner: "app-runner",
    /** Amazon ECS Express Mode (EcsExpressService). */
    EcsExpress: "ecs-express",
} as const;
export type WebServicePlatform = (typeof WebServicePlatform)[keyof typeof WebServicePlatform];
export const WEB_SERVICE_PLATFORMS: readonly WebServicePlatform[] = Object.values(WebServicePlatform);

/** Deprecated (use `network`): the service's VPC on either platform, a `ServiceVpc` plus the public subnets Express needs. */
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

/**
 * `ServiceArgs` on either platform. `network` sends egress into a VPC through a security group of the service's
 * own (output `securityGroupId`); it is required on `ecs-express`, with `network.vpc.publicSubnetIds` (Express puts
 * its load balancer and tasks there; App Runner's connector uses the private `subnetIds`).
 */
export interface CreateWebServiceArgs extends ServiceArgs, DeprecatedWebServiceArgs {
    /** Deprecated: use `network` (`vpc.publicSubnetIds` → `network.vpc.publicSubnetIds`, `vpc.egress` → `network.egress`). @deprecated use `network` */
    readonly vpc?: WebServiceVpc;
    /** Service name on the platform (App Runner: 4-40 characters). @default the component name */
    readonly serviceName?: string;
    /** Deprecated: use `scaling.target` (Express: "cpu", "memory" or "requests"); ignored with a warning on App Runner. @deprecated use `scaling.target` */
    readonly expressScaling?: ExpressScaling;
    /**
     * Send the app's traces to AWS X-Ray through App Runner's collector (App Runner's `observability`). ECS Express
     * Mode runs one container per task, so no collector sidecar: ignored there with a warning. @default false
     */
    readonly observability?: boolean;
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
    /** The service's own security group, when `network` is set: allow it on what the service reaches. */
    readonly securityGroupId?: pulumi.Output<string>;
    /** Name of the service's CloudWatch dashboard (absent with `monitoring.enabled` or `monitoring.dashboard` false). */
    readonly dashboardName?: pulumi.Output<string>;
    /** ARN of the service's "unhealthy" composite alarm (absent when monitoring is off or no page alarm is left). */
    readonly unhealthyAlarmArn?: pulumi.Output<string>;
    /** The component that was created (for `dependsOn` or tests). */
    readonly resource: AppRunnerService | VpcConnectedAppRunner | EcsExpressService;
    /** Allow egress to one more destination (only when `network` is set). */
    allowEgress(name: string, rule: EgressRule): aws.vpc.SecurityGroupEgressRule;
}

/** A web service created with `network`: it has a security group, so it can be a database's client. */
export interface VpcWebService extends WebService {
    readonly securityGroupId: pulumi.Output<string>;
    readonly resource: VpcConnectedAppRunner | EcsExpressService;
}

/** Create the web service on `platform`; every problem is one error naming the function and the service. */
export function createWebService(
    platform: WebServicePlatform,
    name: string,
    args: CreateWebServiceArgs & ({ readonly network: ServiceArgs["network"] } | { readonly vpc: WebServiceVpc }),
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
    // The old `vpc` is resolved by the component (one warning there); only which component to create is read here.
    const inVpc = args?.network ?? args?.vpc;
    const publicSubnets = args?.network?.vpc?.publicSubnetIds ?? args?.vpc?.publicSubnetIds;
    const isObject = typeof args === "object" && args !== null;
    // The shared shapes are checked here too, so a wrong one creates nothing (not even the component); the
    // component resolves the old names again and warns about them once.
    const { args: resolved, deprecations } = resolveServiceArgs("createWebService", name, args);
    throwIfAny(`createWebService`, name, [
        enumProblem("platform", platform, WEB_SERVICE_PLATFORMS),
        isObject ? undefined : "the arguments must be an object with at least `image`.",
        ...(isObject ? [...deprecations.problems(), ...shapeProblems(resolved)] : []),
        express && inVpc && !publicSubnets
            ? "`network.vpc.publicSubnetIds` is required on ecs-express: Express puts its load balancer and tasks in those subnets (private ones give an internal load balancer)."
            : undefined,
        express && !inVpc
            ? "`network` (with `vpc.publicSubnetIds`) is required on ecs-express: without one Express would use the account's default VPC."
            : undefined,
        express && args.expressScaling !== undefined && args.scaling?.target !== undefined
            ? "`expressScaling` and `scaling.target` are both set; `expressScaling` is the deprecated name of `scaling.target`: keep only `scaling.target`."
            : undefined,
    ]);
    const { expressScaling, observability, ...common } = args;
    const warnScaling = (resource: pulumi.Resource, what: string) => {
        if (expressScaling !== undefined) void pulumi.log.warn(`createWebService "${name}": ${what}`, resource);
    };
    if (express) {
        const target = expressScaling && {
            metric: EXPRESS_OLD_METRICS[expressScaling.metric] ?? (expressScaling.metric as never),
            value: expressScaling.targetValue,
        };
        const scaling = target ? { ...common.scaling, target } : common.scaling;
        const service = new EcsExpressService(name, { ...common, scaling }, opts);
        warnScaling(
            service,
            '`expressScaling` is deprecated, accepted until the next minor version: use `scaling.target` (metric "cpu", "memory" or "requests").',
        );
        if (observability === true) {
            void pulumi.log.warn(
                `createWebService "${name}": \`observability\` has no effect on ecs-express: Express Mode runs one container per task, so there is no collector sidecar (docs/tracing.md); traces stay off.`,
                service,
            );
        }
        return handle(platform, service, service.securityGroupId, (n, rule) => service.allowEgress(n, rule));
    }
    const ignored =
        '`expressScaling` has no effect on app-runner, which scales on `scaling.target` { metric: "concurrency" } (and `expressScaling` is deprecated: use `scaling.target`).';
    if (inVpc) {
        const service = new VpcConnectedAppRunner(name, { ...common, observability }, opts);
        warnScaling(service, ignored);
        return handle(platform, service, service.securityGroupId, (n, rule) => service.allowEgress(n, rule));
    }
    const service = new AppRunnerService(name, { ...common, observability }, opts);
    warnScaling(service, ignored);
    return handle(platform, service, undefined, () => {
        throw new pulumi.ResourceError(
            `createWebService "${name}": \`allowEgress\` needs \`network\` to be set (the service has public egress only).`,
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
        dashboardName: resource.dashboardName,
        unhealthyAlarmArn: resource.unhealthyAlarmArn,
        resource,
        allowEgress,
    };
}
