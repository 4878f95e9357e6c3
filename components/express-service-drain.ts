/**
 * Makes the delete of an ECS Express service complete before anything it uses is deleted.
 *
 * Why: the AWS provider's Delete for `aws_ecs_express_gateway_service` calls DeleteExpressGatewayService and
 * returns as soon as the service is DRAINING (terraform-provider-aws internal/service/ecs/
 * express_gateway_service.go: waitExpressGatewayServiceInactive's Target is INACTIVE *or* DRAINING). Express
 * is still tearing down what it created then — "The service enters a DRAINING state … After all tasks stop,
 * the service and infrastructure are permanently removed"
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteExpressGatewayService.html): its load
 * balancer (in our subnets), its security groups, its certificate, its scaling policy — with the
 * infrastructure role. Pulumi then deletes that role's policy attachment, the cluster, the task security group
 * and the network at once, and the teardown fails (DependencyViolation on the subnets or groups, AccessDenied
 * for the role) or leaves an orphaned load balancer.
 *
 * How: this resource is created after the service (it takes the service's ARN), so Pulumi deletes it before the
 * service. Its delete asks ECS to delete the service and waits, within a bound, until ECS reports it INACTIVE
 * (or no longer knows it); the provider's own delete then finds it inactive, which it treats as deleted. A
 * replacement of the service replaces this resource too (its ARN changes), and the old one's delete retires
 * the old service the same way.
 *
 * The AWS calls use the stack's AWS provider settings, or the explicit aws provider the component got
 * (dynamic-aws.ts). The deploying identity needs ecs:DeleteExpressGatewayService and
 * ecs:DescribeExpressGatewayService on the service.
 */
import * as pulumi from "@pulumi/pulumi";
import { regionForCluster, sdkClientSettings } from "./aws-settings";
import { awsCallInputs, awsCallSettings, hasUnknown, withoutAwsProvider, type AwsCallInputs, type HostConfig } from "./dynamic-aws";

/** How long a delete waits for INACTIVE: the provider's own default delete timeout for this resource (20 minutes). */
export const DRAIN_TIMEOUT_SECONDS = 20 * 60;
const POLL_SECONDS = 15;

/** One ECS call; injected so the sequencing is testable without AWS. */
export type ExpressCall = (
    operation: "DeleteExpressGatewayService" | "DescribeExpressGatewayService",
    serviceArn: string,
) => Promise<unknown>;

export interface RetireOptions {
    readonly timeoutSeconds?: number;
    readonly pollSeconds?: number;
    /** Clock and sleep, for tests. */
    readonly now?: () => number;
    readonly sleep?: (ms: number) => Promise<void>;
}

const errorName = (err: unknown): string => (err as { name?: string }).name ?? "";
const errorMessage = (err: unknown): string => (err as { message?: string }).message ?? String(err);

/** ECS's answers that mean "no such service (any more)" (the provider's own findExpressGatewayService reads them so). */
function isGone(err: unknown): boolean {
    return (
        errorName(err) === "ResourceNotFoundException" ||
        (errorName(err) === "InvalidParameterException" && errorMessage(err).includes("Resource not found"))
    );
}

/** The service's status code in a DescribeExpressGatewayService answer. */
function statusOf(answer: unknown): string | undefined {
    return (answer as { service?: { status?: { statusCode?: string } } } | undefined)?.service?.status?.statusCode;
}

/**
 * Delete the Express service and wait until ECS reports it INACTIVE (or gone). A service already DRAINING or
 * INACTIVE is waited for, not an error. Throws naming the service and its last status when the bound passes.
 */
export async function retireExpressService(call: ExpressCall, serviceArn: string, options: RetireOptions = {}): Promise<void> {
    const timeoutMs = (options.timeoutSeconds ?? DRAIN_TIMEOUT_SECONDS) * 1000;
    const pollMs = (options.pollSeconds ?? POLL_SECONDS) * 1000;
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const started = now();
    try {
        await call("DeleteExpressGatewayService", serviceArn);
    } catch (err) {
        // Already deleted, or already on its way out (ServiceNotActiveException for INACTIVE or DRAINING): wait below.
        if (!isGone(err) && errorName(err) !== "ServiceNotActiveException") throw err;
    }
    for (;;) {
        let last: string;
        try {
            last = statusOf(await call("DescribeExpressGatewayService", serviceArn)) ?? "(no status)";
        } catch (err) {
            if (isGone(err)) return;
            throw err;
        }
        if (last === "INACTIVE") return;
        if (now() - started >= timeoutMs) {
            throw new Error(
                `ECS Express service ${serviceArn} is still ${last} ${Math.round((now() - started) / 1000)} s after its delete: its load balancer, security groups and certificate may still exist, so the resources it uses were not deleted. Run the same \`pulumi destroy\` (or \`up\`) again once \`aws ecs describe-express-gateway-service --service-arn ${serviceArn}\` reports INACTIVE.`,
            );
        }
        await sleep(pollMs);
    }
}

/** What the engine stores: the service's ARN and how to call AWS (never credentials). */
interface DrainInputs extends AwsCallInputs {
    readonly serviceArn: string;
    readonly timeoutSeconds?: number;
    readonly pollSeconds?: number;
}

/** The stack's config as the dynamic-provider host hands it to `configure` (see dynamic-aws.ts). */
const hosted: { config?: HostConfig } = {};
const SERVICE = { resource: "Express service", call: "the drain wait would call ECS" };

async function retire(inputs: DrainInputs): Promise<void> {
    const settings = awsCallSettings(inputs, hosted.config, "Express drain wait");
    const region = regionForCluster(settings, inputs.serviceArn, process.env, SERVICE);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require("@aws-sdk/client-ecs") as typeof import("@aws-sdk/client-ecs");
    const client = new sdk.ECSClient(sdkClientSettings(settings, region, "ecs") as object);
    try {
        await retireExpressService(
            (operation, serviceArn) =>
                operation === "DeleteExpressGatewayService"
                    ? client.send(new sdk.DeleteExpressGatewayServiceCommand({ serviceArn }))
                    : client.send(new sdk.DescribeExpressGatewayServiceCommand({ serviceArn })),
            inputs.serviceArn,
            inputs,
        );
    } finally {
        client.destroy();
    }
}

/** The dynamic provider: nothing on create or update; on delete, retire the service and wait for INACTIVE. */
const provider: pulumi.dynamic.ResourceProvider = {
    async configure(req: pulumi.dynamic.ConfigureRequest) {
        hosted.config = req.config;
    },
    async check(_olds: DrainInputs, news: DrainInputs) {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        if (!hasUnknown(news.awsProvider) && !hasUnknown(news.awsConfigKeys)) {
            try {
                const settings = awsCallSettings(news, hosted.config, "Express drain wait");
                if (!hasUnknown(news.serviceArn)) regionForCluster(settings, news.serviceArn, process.env, SERVICE);
            } catch (err) {
                failures.push({ property: news.awsProvider ? "awsProvider" : "awsConfigKeys", reason: (err as Error).message });
            }
        }
        return { inputs: news, failures };
    },
    async create(inputs: DrainInputs) {
        return { id: inputs.serviceArn, outs: inputs };
    },
    async diff(_id: string, olds: DrainInputs, news: DrainInputs) {
        const changed = (Object.keys({ ...olds, ...news }) as (keyof DrainInputs)[]).filter(
            (k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
        );
        // Another service (a replacement): this resource follows it, and the old one's delete retires the old service.
        return { changes: changed.length > 0, replaces: changed.filter((k) => k === "serviceArn"), deleteBeforeReplace: false };
    },
    async update(_id: string, _olds: DrainInputs, news: DrainInputs) {
        return { outs: news };
    },
    async delete(_id: string, olds: DrainInputs) {
        await retire(olds);
    },
};

export interface ExpressServiceDrainArgs {
    /** ARN of the Express service whose delete must complete before what it uses is deleted. */
    readonly serviceArn: pulumi.Input<string>;
    /** @default DRAIN_TIMEOUT_SECONDS */
    readonly timeoutSeconds?: number;
    /** @default 15 */
    readonly pollSeconds?: number;
}

/** The wait, as a resource: give it `dependsOn: [service]` so Pulumi deletes it before the service. */
export class ExpressServiceDrain extends pulumi.dynamic.Resource {
    declare public readonly serviceArn: pulumi.Output<string>;

    constructor(name: string, args: ExpressServiceDrainArgs, opts?: pulumi.CustomResourceOptions) {
        const inputs: Record<keyof DrainInputs, pulumi.Input<unknown>> = {
            serviceArn: args.serviceArn,
            timeoutSeconds: args.timeoutSeconds,
            pollSeconds: args.pollSeconds,
            ...awsCallInputs(opts, "The Express drain wait"),
        };
        super(provider, name, inputs, withoutAwsProvider(opts), "serverless-containers", "ExpressServiceDrain");
    }
}
