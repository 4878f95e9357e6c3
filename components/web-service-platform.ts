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
import type * as pulumi from "@pulumi/pulumi";
import { AppRunnerService } from "./app-runner-service";
import { EcsExpressService, type ExpressScaling } from "./ecs-express-service";
import { VpcConnectedAppRunner, type EgressRule } from "./vpc-connected-app-runner";
import type { WebServiceArgs } from "./web-service";

export const WEB_SERVICE_PLATFORMS = ["app-runner", "ecs-express"] as const;
export type WebServicePlatform = (typeof WEB_SERVICE_PLATFORMS)[number];

export interface WebServiceVpc {
    /** VPC the service's egress enters. */
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets for App Runner's VPC connector. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Public subnets for ECS Express Mode (required there), whose tasks and load balancer share one
     * subnet list: in private subnets Express provisions an *internal* load balancer (no public URL), so
     * a public service needs public ones. The tasks get no public IP there and reach ECR, S3 and
     * CloudWatch Logs through the VPC's endpoints (`dependsOn`); their security group admits only the
     * load balancer. Sources: components/ecs-express-service.ts (EcsExpressVpc). Unused by App Runner.
     */
    readonly publicSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Destinations the service must reach (e.g. an RDS Proxy's security group). @default none */
    readonly egress?: EgressRule[];
    /** Express only: what the tasks need first, i.e. the VPC endpoints (or the VPC owning them). @default none */
    readonly dependsOn?: pulumi.Resource[];
}

export interface CreateWebServiceArgs extends WebServiceArgs {
    /**
     * Send egress into this VPC through a security group of the service's own (output `securityGroupId`).
     * Required on `ecs-express` (with `publicSubnetIds`). @default App Runner: public egress only
     */
    readonly vpc?: WebServiceVpc;
    /** Service name on the platform (App Runner: 4-40 characters). @default the component name */
    readonly serviceName?: string;
    /** Express only: the scaling metric (App Runner scales on `maxConcurrency`). @default AVERAGE_CPU 60% */
    readonly expressScaling?: ExpressScaling;
}

/** What a stack wires next, whatever the platform. */
export interface WebService {
    readonly platform: WebServicePlatform;
    /** https URL. */
    readonly url: pulumi.Output<string>;
    readonly serviceArn: pulumi.Output<string>;
    /** The service's own security group, when `vpc` is set: allow it on what the service reaches. */
    readonly securityGroupId?: pulumi.Output<string>;
    /** Name of the IAM role the app runs as (for `AuroraWithProxy.connect`). */
    readonly roleName: pulumi.Output<string>;
    /** The component that was created (for `dependsOn` or tests). */
    readonly resource: AppRunnerService | VpcConnectedAppRunner | EcsExpressService;
    /** Allow egress to one more security group (only when `vpc` is set). */
    allowEgressTo(ruleName: string, port: number, securityGroupId: pulumi.Input<string>, description: string): aws.vpc.SecurityGroupEgressRule;
}

/** Create the web service on `platform`; throws naming `platform` when it is not one we support. */
export function createWebService(platform: WebServicePlatform, name: string, args: CreateWebServiceArgs, opts?: pulumi.ComponentResourceOptions): WebService {
    if (!(WEB_SERVICE_PLATFORMS as readonly string[]).includes(platform)) {
        throw new Error(`createWebService "${name}": \`platform\` must be one of ${WEB_SERVICE_PLATFORMS.join(" | ")} (got "${platform}").`);
    }
    const { vpc, expressScaling, ...common } = args;
    if (platform === "ecs-express") {
        if (!vpc?.publicSubnetIds) {
            throw new Error(
                `createWebService "${name}": \`vpc.publicSubnetIds\` is required on ecs-express: Express puts its load balancer and tasks in those subnets (private ones give an internal load balancer, no \`vpc\` the account's default VPC).`,
            );
        }
        const expressVpc = { vpcId: vpc.vpcId, subnetIds: vpc.publicSubnetIds, egress: vpc.egress, dependsOn: vpc.dependsOn };
        const service = new EcsExpressService(name, { ...common, vpc: expressVpc, scaling: expressScaling }, opts);
        return handle(platform, service, service.securityGroupId, (...a) => service.allowEgressTo(...a));
    }
    if (vpc) {
        const service = new VpcConnectedAppRunner(name, { ...common, vpcId: vpc.vpcId, subnetIds: vpc.subnetIds, egress: vpc.egress }, opts);
        return handle(platform, service, service.securityGroupId, (...a) => service.allowEgressTo(...a));
    }
    const service = new AppRunnerService(name, common, opts);
    return handle(platform, service, undefined, () => {
        throw new Error(`createWebService "${name}": \`allowEgressTo\` needs \`vpc\` to be set (the service has public egress only).`);
    });
}

function handle(
    platform: WebServicePlatform,
    resource: WebService["resource"],
    securityGroupId: pulumi.Output<string> | undefined,
    allowEgressTo: WebService["allowEgressTo"],
): WebService {
    // A role ARN ends in role/<path…>/<name>. (Stopgap: the service components expose `roleName` themselves once renamed.)
    const roleArn = resource instanceof EcsExpressService ? resource.taskRoleArn : resource.instanceRoleArn;
    const roleName = roleArn.apply((arn) => arn.split("/").pop() as string);
    return { platform, url: resource.url, serviceArn: resource.serviceArn, securityGroupId, roleName, resource, allowEgressTo };
}
