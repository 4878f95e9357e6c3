/**
 * The argument names `ServiceArgs` replaced, accepted for one minor version: each old name is folded into its
 * new place, the component warns once naming every old → new it saw, and giving both the old and the new
 * name is an error (which one should win is not ours to guess). CHANGELOG.md lists every rename.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ScalingMetric, ScalingTarget, ServiceArgs, ServiceNetwork, ServiceScaling } from "./args";
import type { ServiceVpc } from "./network";

/** Collects the deprecated names one component was given: one warning for all of them, one error for every clash. */
export class Deprecations {
    private readonly renames: string[] = [];
    private readonly clashes: string[] = [];

    constructor(
        readonly component: string,
        readonly name: string,
    ) {}

    /** The value to use for `newLabel`: the old name's when only it is set (noted), the new one's otherwise (a clash when both are). */
    rename<T>(oldLabel: string, oldValue: T | undefined, newLabel: string, newValue: T | undefined): T | undefined {
        if (oldValue === undefined) return newValue;
        if (newValue !== undefined) {
            this.clashes.push(
                `\`${oldLabel}\` and \`${newLabel}\` are both set; \`${oldLabel}\` is the deprecated name of \`${newLabel}\`: keep only \`${newLabel}\`.`,
            );
            return newValue;
        }
        this.note(`\`${oldLabel}\` → \`${newLabel}\``);
        return oldValue;
    }

    /** Record one deprecated form (e.g. an old notation) for the warning. */
    note(text: string): void {
        if (!this.renames.includes(text)) this.renames.push(text);
    }

    /** Old and new names given together. */
    problems(): string[] {
        return [...this.clashes];
    }

    /** Every deprecated form noted, in the order seen. */
    notes(): readonly string[] {
        return this.renames;
    }

    /** One warning on the component naming every old form and its replacement (nothing when none was used). */
    warn(resource: pulumi.Resource): void {
        if (this.renames.length === 0) return;
        // log.warn's promise only says the message reached the engine: nothing waits for it.
        void pulumi.log.warn(
            `${this.component} "${this.name}": deprecated arguments, accepted until the next minor version (see the package CHANGELOG): ${this.renames.join("; ")}.`,
            resource,
        );
    }
}

/** Every old name any service component took, as one loose shape (each component's interface declares its own). */
export interface LegacyServiceArgs {
    readonly environmentSecrets?: ServiceArgs["secrets"];
    readonly healthCheckPath?: string;
    readonly readinessCheckPath?: string;
    readonly healthCheckCommand?: string[];
    readonly minSize?: number;
    readonly maxSize?: number;
    readonly maxConcurrency?: number;
    readonly targetCpuUtilization?: number;
    readonly desiredCount?: number;
    readonly vpc?: ServiceVpc & { readonly publicSubnetIds?: pulumi.Input<pulumi.Input<string>[]> };
    readonly allowFrom?: pulumi.Input<string>[];
}

/** ECS Express's old metric names → the shared ones. */
export const EXPRESS_OLD_METRICS: Readonly<Record<string, ScalingMetric>> = {
    AVERAGE_CPU: "cpu",
    AVERAGE_MEMORY: "memory",
    REQUEST_COUNT_PER_TARGET: "requests",
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `args` with every old name moved to its new place (`ServiceArgs` only, plus whatever else the caller passed).
 * `concurrencyIgnored` is the platform's answer for the old `maxConcurrency` where it never applied (ECS
 * Express ignored it with a warning; it still does, for one minor version): undefined folds it into `scaling.target`.
 */
export function resolveAliases<A extends ServiceArgs>(
    args: A & LegacyServiceArgs,
    d: Deprecations,
    options: { concurrencyIgnored?: boolean } = {},
): A {
    if (!isObject(args)) return args;
    const {
        environmentSecrets,
        healthCheckPath,
        readinessCheckPath,
        healthCheckCommand,
        minSize,
        maxSize,
        maxConcurrency,
        targetCpuUtilization,
        desiredCount,
        vpc,
        allowFrom,
        ...rest
    } = args;
    const secrets = d.rename("environmentSecrets", environmentSecrets, "secrets", args.secrets);

    const health0 = isObject(args.health) ? args.health : undefined;
    const healthPath = d.rename("healthCheckPath", healthCheckPath, "health.path", health0?.path);
    const readinessPath = d.rename("readinessCheckPath", readinessCheckPath, "health.readinessPath", health0?.readinessPath);
    const command = d.rename("healthCheckCommand", healthCheckCommand, "health.command", health0?.command);
    const health =
        args.health !== undefined && !isObject(args.health)
            ? args.health
            : healthPath === undefined && readinessPath === undefined && command === undefined && args.health === undefined
              ? undefined
              : { ...health0, path: healthPath, readinessPath, command };

    const scaling = resolveScaling(args.scaling, d, { minSize, maxSize, maxConcurrency, targetCpuUtilization, desiredCount }, options);
    const network = resolveNetwork(args.network, d, vpc, allowFrom);
    const out: Record<string, unknown> = { ...rest, secrets, health, scaling, network };
    for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
    return out as unknown as A;
}

function resolveScaling(
    given: unknown,
    d: Deprecations,
    old: Pick<LegacyServiceArgs, "minSize" | "maxSize" | "maxConcurrency" | "targetCpuUtilization" | "desiredCount">,
    options: { concurrencyIgnored?: boolean },
): ServiceScaling | undefined {
    if (given !== undefined && !isObject(given)) return given as ServiceScaling;
    const s = (given ?? {}) as ServiceScaling;
    let target: ScalingTarget | undefined = s.target;
    // ECS Express's old shape, { metric: "AVERAGE_CPU", targetValue: 60 }: recognised by its targetValue field.
    if (s.targetValue !== undefined || s.metric !== undefined) {
        const metric = typeof s.metric === "string" ? (EXPRESS_OLD_METRICS[s.metric] ?? s.metric) : s.metric;
        target = d.rename(
            "scaling.metric/targetValue",
            { metric: metric as ScalingMetric, value: s.targetValue as number },
            "scaling.target",
            s.target,
        );
    }
    if (old.maxConcurrency !== undefined && !options.concurrencyIgnored) {
        target = d.rename("maxConcurrency", { metric: "concurrency", value: old.maxConcurrency }, "scaling.target", target);
    }
    target = d.rename(
        "targetCpuUtilization",
        old.targetCpuUtilization === undefined ? undefined : { metric: "cpu", value: old.targetCpuUtilization },
        "scaling.target",
        target,
    );
    let min = d.rename("minSize", old.minSize, "scaling.min", s.min);
    let max = d.rename("maxSize", old.maxSize, "scaling.max", s.max);
    if (old.desiredCount !== undefined) {
        min = d.rename("desiredCount", old.desiredCount, "scaling.min", min);
        max = d.rename("desiredCount", old.desiredCount, "scaling.max", max);
    }
    if (given === undefined && min === undefined && max === undefined && target === undefined) return undefined;
    const { metric: _metric, targetValue: _targetValue, ...plain } = s;
    return dropUndefined({ ...plain, min, max, target });
}

function resolveNetwork(
    given: unknown,
    d: Deprecations,
    vpc: LegacyServiceArgs["vpc"],
    allowFrom: LegacyServiceArgs["allowFrom"],
): ServiceNetwork | undefined {
    if (given !== undefined && !isObject(given)) return given as ServiceNetwork;
    let network = given as ServiceNetwork | undefined;
    if (vpc !== undefined) {
        const moved: ServiceNetwork | undefined = isObject(vpc)
            ? dropUndefined({
                  vpc: dropUndefined({ vpcId: vpc.vpcId, subnetIds: vpc.subnetIds, publicSubnetIds: vpc.publicSubnetIds }),
                  egress: vpc.egress,
              })
            : (vpc as unknown as ServiceNetwork);
        network = d.rename("vpc", moved, "network", network);
        if (isObject(vpc) && vpc.egress !== undefined) d.note("`vpc.egress` → `network.egress`");
        if (isObject(vpc) && vpc.publicSubnetIds !== undefined) d.note("`vpc.publicSubnetIds` → `network.vpc.publicSubnetIds`");
    }
    if (allowFrom !== undefined) {
        const merged = d.rename("allowFrom", allowFrom, "network.allowFrom", network?.allowFrom);
        network = { ...(network ?? ({} as ServiceNetwork)), allowFrom: merged };
    }
    return network;
}

function dropUndefined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
