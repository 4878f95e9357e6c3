/**
 * An App Runner service from a digest-pinned ECR image, with the two roles App Runner needs, auto
 * scaling, an HTTP health check, runtime env vars and env *secrets*, optional X-Ray tracing, custom
 * domain, VPC egress (set by VpcConnectedAppRunner) and private ingress.
 *
 * An adapter over the service skeleton (service/skeleton.ts): `ServiceArgs` in, App Runner's notation out.
 *
 * Note: App Runner stopped accepting new customers on 2026-04-30; accounts without it use
 * EcsExpressService, which takes the same ServiceArgs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { boundedName } from "./names";
import { injectedSecretsPolicy, serviceTrustPolicy } from "./iam";
import { throwIfAny } from "./limits";
import { booleanProblem, objectProblem, stringProblem } from "./service/shapes";
import { requireDigest } from "./service/environment";
import type { DeprecatedWebServiceArgs, ServiceArgs, ServiceBaseArgs } from "./service/args";
import type { Deprecations } from "./service/aliases";
import { appRunnerSize } from "./service/sizes";
import { monitorService, normalizeService, resolveServiceArgs, SERVICE_DEFAULTS, type NormalizedService } from "./service/skeleton";
import { appRunnerAlarms, appRunnerSli } from "./observability";
import { APP_RUNNER_OTLP_ENVIRONMENT, XRAY_WRITE_STATEMENT } from "./observability/tracing";
import { componentType, withFormerTypes } from "./component";
import { checkArguments } from "./arguments";
import { awsManagedPolicyArn } from "./arn";

/** Private ingress: the service is reachable only through a VPC interface endpoint for App Runner. */
export interface PrivateIngress {
    /** VPC of the interface endpoint. */
    readonly vpcId: pulumi.Input<string>;
    /** The `com.amazonaws.<region>.apprunner.requests` interface endpoint. */
    readonly vpcEndpointId: pulumi.Input<string>;
}

/** A DNS record to create so App Runner can validate a custom domain's certificate. */
export interface CustomDomainValidationRecord {
    /** Record name. */
    readonly name: string;
    /** Record type (CNAME). */
    readonly type: string;
    /** Record value. */
    readonly value: string;
    /** Validation status reported by App Runner. */
    readonly status: string;
}

/** The App Runner args shared by AppRunnerService and VpcConnectedAppRunner: `ServiceArgs` plus App Runner's own. */
export interface AppRunnerArgs extends ServiceBaseArgs, DeprecatedWebServiceArgs {
    /** App Runner service name (4-40 chars, letters, digits, - and _). Changing it replaces the service. @default the component name */
    readonly serviceName?: string;
    /** Send traces to AWS X-Ray. @default false */
    readonly observability?: boolean;
    /** Associate a custom domain (DNS validation records are output `customDomainValidationRecords`). @default none */
    readonly customDomain?: string;
    /** Make the service reachable only through this VPC interface endpoint (private ingress). @default public ingress */
    readonly privateIngress?: PrivateIngress;
}

export interface AppRunnerServiceArgs extends AppRunnerArgs {
    /** Route egress through this VPC connector (VpcConnectedAppRunner sets it). @default public egress */
    readonly vpcConnectorArn?: pulumi.Input<string>;
}

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{3,39}$/;
const ECR_ACCESS_POLICY = "service-role/AWSAppRunnerServicePolicyForECRAccess";

/** A public HTTPS service on AWS App Runner from a digest-pinned image: its access and instance roles, auto scaling, health check, environment and secrets, optional tracing, custom domain and private ingress. */
export class AppRunnerService extends pulumi.ComponentResource {
    /** https URL of the service. */
    public readonly url: pulumi.Output<string>;
    /** ARN of the App Runner service. */
    public readonly serviceArn: pulumi.Output<string>;
    /** ARN of the role the app runs as (App Runner's instance role). */
    public readonly roleArn: pulumi.Output<string>;
    /** Name of the role the app runs as: grant it more with policies of your own. */
    public readonly roleName: pulumi.Output<string>;
    /** DNS records to create for the custom domain, when one is set. */
    public readonly customDomainValidationRecords?: pulumi.Output<CustomDomainValidationRecord[]>;
    /** Name of the service's CloudWatch dashboard (absent with `monitoring.enabled` or `monitoring.dashboard` false). */
    public readonly dashboardName?: pulumi.Output<string>;
    /** ARN of the "unhealthy" composite alarm over the page alarms (absent when monitoring is off or no page alarm is left). */
    public readonly unhealthyAlarmArn?: pulumi.Output<string>;

    constructor(name: string, args: AppRunnerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("AppRunnerService"), name, {}, withFormerTypes(opts, "serverless-containers:apprunner:AppRunnerService"));
        checkArguments("AppRunnerService", name, args, this, [
            ["aws:iam/role:Role", "-access-role"],
            ["aws:iam/role:Role", "-instance-role"],
            ["aws:iam/rolePolicy:RolePolicy", "-instance-policy"],
        ]);
        const resolved = resolveServiceArgs("AppRunnerService", name, args);
        args = resolved.args;
        const { serviceName, cpu, memory, n } = validateAppRunnerServiceArgs("AppRunnerService", name, args, resolved.deprecations, this, [
            Object.keys((args as ServiceArgs | undefined)?.databases ?? {}).length > 0
                ? "`databases` needs a service in a VPC with a security group of its own: use VpcConnectedAppRunner (or createWebService with `network`)."
                : undefined,
            (args as ServiceArgs | undefined)?.network !== undefined
                ? "`network` needs a VPC connector: use VpcConnectedAppRunner (or createWebService with `network`)."
                : undefined,
        ]);
        resolved.deprecations.warn(this);

        const accessRole = this.createAccessRole(name, args.tags);
        const instanceRole = this.createInstanceRole(name, n, args.observability === true);
        // Configuration names are account-wide and a second stack using the same name would silently add
        // a revision to ours, so they derive from the service name (unique per account and region).
        const autoScaling = this.createAutoScaling(name, serviceName, n);
        const observability = args.observability ? this.createObservability(name, serviceName, args) : undefined;
        const service = this.createService(name, serviceName, cpu, memory, args, n, accessRole, instanceRole, autoScaling, observability);
        if (args.customDomain) {
            const domain = new aws.apprunner.CustomDomainAssociation(
                `${name}-domain`,
                { domainName: args.customDomain, serviceArn: service.arn, enableWwwSubdomain: false },
                { parent: this },
            );
            this.customDomainValidationRecords = domain.certificateValidationRecords.apply((records) =>
                (records ?? []).map((r) => ({ name: r.name, type: r.type, value: r.value, status: r.status })),
            );
        }
        if (args.privateIngress) {
            new aws.apprunner.VpcIngressConnection(
                `${name}-ingress`,
                {
                    name: boundedName(`${serviceName}-ingress`, 40),
                    serviceArn: service.arn,
                    ingressVpcConfiguration: { vpcId: args.privateIngress.vpcId, vpcEndpointId: args.privateIngress.vpcEndpointId },
                    tags: args.tags,
                },
                {
                    parent: this,
                    // The provider's Update sends tags only and no argument forces a new connection
                    // (terraform-provider-aws internal/service/apprunner/vpc_ingress_connection.go): a new endpoint,
                    // VPC, service or name would show in the preview and reach no API. Replaced instead — deleted
                    // first, since the name stays and is unique among the account's active connections
                    // (API_CreateVpcIngressConnection), and a service with an active connection cannot be deleted
                    // (API_DeleteService), which a service replacement does before creating the new one.
                    replaceOnChanges: ["name", "serviceArn", "ingressVpcConfiguration"],
                    deleteBeforeReplace: true,
                },
            );
        }

        const monitoring = this.monitor(name, n, service);
        this.dashboardName = monitoring?.dashboard?.dashboardName;
        this.unhealthyAlarmArn = monitoring?.unhealthy?.arn;

        this.url = pulumi.interpolate`https://${service.serviceUrl}`;
        this.serviceArn = service.arn;
        this.roleArn = instanceRole.role.arn;
        this.roleName = instanceRole.role.name;
        this.registerOutputs({
            url: this.url,
            serviceArn: this.serviceArn,
            roleArn: this.roleArn,
            roleName: this.roleName,
            ...(this.dashboardName ? { dashboardName: this.dashboardName } : {}),
            ...(this.unhealthyAlarmArn ? { unhealthyAlarmArn: this.unhealthyAlarmArn } : {}),
            ...(this.customDomainValidationRecords ? { customDomainValidationRecords: this.customDomainValidationRecords } : {}),
        });
    }

    /**
     * App Runner's alarms (AWS/AppRunner by ServiceName + ServiceID: https://docs.aws.amazon.com/apprunner/latest/dg/monitor-cw.html),
     * its SLOs over Requests / 5xxStatusResponses / RequestLatency, and the error lines of the application log group.
     * App Runner creates that group itself, named `/aws/apprunner/<service name>/<service id>/application`
     * (https://docs.aws.amazon.com/apprunner/latest/dg/monitor-cwl.html; its service-linked role holds
     * logs:CreateLogGroup and logs:PutRetentionPolicy on `/aws/apprunner/*`, AppRunnerServiceRolePolicy). The id is
     * known only once the service exists, so the component cannot create the group first (App Runner's own create
     * would then collide with it): the metric filter waits for the service, which App Runner reports RUNNING only
     * after its instances started and wrote to that group.
     */
    private monitor(name: string, n: NormalizedService, service: aws.apprunner.Service) {
        const dims = { serviceName: service.serviceName, serviceId: service.serviceId };
        return monitorService({ component: "AppRunnerService", name, parent: this, tags: n.tags }, n, {
            alarms: appRunnerAlarms(dims, n),
            sli: appRunnerSli(dims),
            logGroupName: pulumi.interpolate`/aws/apprunner/${service.serviceName}/${service.serviceId}/application`,
            logDependsOn: [service],
            title: `${name} on App Runner`,
        });
    }

    /** Role App Runner's build/deploy plane assumes to pull the image from ECR. */
    private createAccessRole(
        name: string,
        tags: Record<string, string> | undefined,
    ): { role: aws.iam.Role; ecrPolicy: aws.iam.RolePolicyAttachment } {
        const role = new aws.iam.Role(
            `${name}-access-role`,
            {
                assumeRolePolicy: serviceTrustPolicy("build.apprunner.amazonaws.com"),
                description: `ECR pull for App Runner service ${name}`,
                tags,
            },
            { parent: this },
        );
        const ecrPolicy = new aws.iam.RolePolicyAttachment(
            `${name}-access-ecr`,
            { role: role.name, policyArn: awsManagedPolicyArn(this, ECR_ACCESS_POLICY) },
            { parent: this },
        );
        return { role, ecrPolicy };
    }

    /**
     * Role the running container assumes: the caller's statements, plus reading exactly the secrets it
     * injects (App Runner fetches runtimeEnvironmentSecrets with the instance role).
     */
    private createInstanceRole(name: string, n: NormalizedService, tracing: boolean): { role: aws.iam.Role; policy?: aws.iam.RolePolicy } {
        const role = new aws.iam.Role(
            `${name}-instance-role`,
            {
                assumeRolePolicy: serviceTrustPolicy("tasks.apprunner.amazonaws.com"),
                description: `Runtime role of App Runner service ${name}`,
                tags: n.tags,
            },
            { parent: this },
        );
        const secretArns = Object.values(n.secrets ?? {});
        // With observability on, App Runner's collector sends the app's spans to X-Ray.
        const statements = tracing ? [...n.policyStatements, XRAY_WRITE_STATEMENT] : n.policyStatements;
        if (statements.length === 0 && secretArns.length === 0) return { role };
        const policy = new aws.iam.RolePolicy(
            `${name}-instance-policy`,
            { role: role.name, policy: injectedSecretsPolicy(secretArns, statements) },
            { parent: this },
        );
        return { role, policy };
    }

    private createAutoScaling(name: string, serviceName: string, n: NormalizedService): aws.apprunner.AutoScalingConfigurationVersion {
        return new aws.apprunner.AutoScalingConfigurationVersion(
            `${name}-scaling`,
            {
                // 4-32 characters, unique per account and region like the service name it derives from
                // (https://docs.aws.amazon.com/apprunner/latest/api/API_CreateAutoScalingConfiguration.html).
                autoScalingConfigurationName: boundedName(`${serviceName}-scale`, 32),
                minSize: n.scaling.min,
                maxSize: n.scaling.max,
                // App Runner scales on concurrency only (the skeleton refuses any other metric here).
                maxConcurrency: n.scaling.target!.value,
                tags: n.tags,
            },
            { parent: this },
        );
    }

    private createObservability(name: string, serviceName: string, args: AppRunnerServiceArgs): aws.apprunner.ObservabilityConfiguration {
        return new aws.apprunner.ObservabilityConfiguration(
            `${name}-observability`,
            {
                observabilityConfigurationName: boundedName(`${serviceName}-xray`, 32),
                traceConfiguration: { vendor: "AWSXRAY" },
                tags: args.tags,
            },
            { parent: this },
        );
    }

    private createService(
        name: string,
        serviceName: string,
        cpu: string,
        memory: string,
        args: AppRunnerServiceArgs,
        n: NormalizedService,
        accessRole: { role: aws.iam.Role; ecrPolicy: aws.iam.RolePolicyAttachment },
        instanceRole: { role: aws.iam.Role; policy?: aws.iam.RolePolicy },
        autoScaling: aws.apprunner.AutoScalingConfigurationVersion,
        observability: aws.apprunner.ObservabilityConfiguration | undefined,
    ): aws.apprunner.Service {
        return new aws.apprunner.Service(
            `${name}-service`,
            {
                serviceName,
                sourceConfiguration: {
                    // Pulumi rolls out by changing the digest in imageIdentifier. App Runner's own
                    // auto-deploy would redeploy on any push to the repository, outside Pulumi's plan
                    // (and a digest-pinned identifier cannot auto-deploy anyway).
                    autoDeploymentsEnabled: false,
                    authenticationConfiguration: { accessRoleArn: accessRole.role.arn },
                    imageRepository: {
                        imageRepositoryType: "ECR",
                        imageIdentifier: requireDigest("AppRunnerService", name, args.image, this),
                        imageConfiguration: {
                            port: String(n.port),
                            // The image ships with tracing off; observability points its SDK at App Runner's collector.
                            runtimeEnvironmentVariables: args.observability
                                ? pulumi.output(n.environment).apply((env) => ({ ...APP_RUNNER_OTLP_ENVIRONMENT, ...env }))
                                : n.environment,
                            runtimeEnvironmentSecrets: n.secrets,
                        },
                    },
                },
                instanceConfiguration: { cpu, memory, instanceRoleArn: instanceRole.role.arn },
                autoScalingConfigurationArn: autoScaling.arn,
                healthCheckConfiguration: {
                    protocol: "HTTP",
                    path: n.health.path,
                    interval: 10,
                    timeout: 5,
                    healthyThreshold: 1,
                    unhealthyThreshold: 3,
                },
                networkConfiguration: {
                    egressConfiguration: args.vpcConnectorArn
                        ? { egressType: "VPC", vpcConnectorArn: args.vpcConnectorArn }
                        : { egressType: "DEFAULT" },
                    ingressConfiguration: { isPubliclyAccessible: args.privateIngress === undefined },
                },
                observabilityConfiguration: observability
                    ? { observabilityEnabled: true, observabilityConfigurationArn: observability.arn }
                    : { observabilityEnabled: false },
                tags: args.tags,
            },
            {
                parent: this,
                // The access role must hold its ECR policy before App Runner first pulls the image, and
                // the instance policy must exist before the app starts reading its secrets.
                dependsOn: [accessRole.ecrPolicy, ...(instanceRole.policy ? [instanceRole.policy] : [])],
                // serviceName is fixed and unique per account and region, so a replacement cannot
                // create the new service before deleting the old one.
                deleteBeforeReplace: true,
            },
        );
    }
}

/**
 * Validate App Runner args (old names already resolved) and return the normalised service and its sizing in
 * App Runner's notation. Exported so composing components (VpcConnectedAppRunner) validate before creating any
 * child of their own.
 */
export function validateAppRunnerServiceArgs(
    component: string,
    name: string,
    args: AppRunnerArgs,
    deprecations: Deprecations,
    resource: pulumi.Resource,
    extraProblems: (string | undefined)[] = [],
): { serviceName: string; cpu: string; memory: string; n: NormalizedService } {
    if (typeof args === "object" && args !== null) throwIfAny(component, name, appRunnerShapeProblems(args), resource);
    const serviceName = args?.serviceName ?? name;
    const size = appRunnerSize(args?.cpu ?? SERVICE_DEFAULTS.cpu, args?.memory ?? SERVICE_DEFAULTS.memory, deprecations);
    const n = normalizeService("app-runner", component, name, args, deprecations, resource, [
        SERVICE_NAME.test(serviceName)
            ? undefined
            : `\`serviceName\` must be 4-40 characters of letters, digits, - and _, starting with a letter or digit (got "${serviceName}", ${serviceName.length} characters).`,
        ...(size.problems ?? []),
        args.customDomain !== undefined && !/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(args.customDomain)
            ? `\`customDomain\` must be a lower-case DNS name such as api.example.com (got "${args.customDomain}").`
            : undefined,
        ...extraProblems,
    ]);
    const { cpu, memory } = size as { cpu: string; memory: string };
    return { serviceName, cpu, memory, n };
}

/** Wrong shapes that would otherwise fail later with a TypeError: checked (and thrown) before the values. */
function appRunnerShapeProblems(args: AppRunnerArgs): (string | undefined)[] {
    const ingress = objectProblem("privateIngress", args.privateIngress);
    return [
        stringProblem("serviceName", args.serviceName),
        stringProblem("customDomain", args.customDomain),
        booleanProblem("observability", args.observability),
        ingress,
        ...(ingress || args.privateIngress === undefined
            ? []
            : [
                  stringProblem("privateIngress.vpcId", args.privateIngress.vpcId, true),
                  stringProblem("privateIngress.vpcEndpointId", args.privateIngress.vpcEndpointId, true),
              ]),
    ];
}
