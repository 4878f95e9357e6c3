/**
 * Public helpers for programs that configure the components (components/README.md, "Helpers"): the names, rules
 * and values the components themselves use, so a program's own config validation and naming agree with what a
 * component accepts. Re-exported from the package root; the modules they come from stay internal.
 *
 * Each `…Problem` rule returns an error message naming `label` (in backticks), or undefined when the value is good.
 */
import { ENGINES, type AuroraEngine } from "./aurora-engines";

export { stackScopedName } from "./names";
export {
    APP_RUNNER_CPU_MEMORY,
    APP_RUNNER_MAX_CONCURRENCY,
    APP_RUNNER_MAX_INSTANCES,
    APP_RUNNER_SERVICE_NAME_MAX,
    acu as auroraCapacityProblem,
    appRunnerCpuMemory as appRunnerCpuMemoryProblem,
} from "./limits";
export { expressSizeProblem } from "./service/sizes";
export { cloudMapUrl, nodeHealthCheckCommand } from "./private-fargate-service";
export {
    duplicateRoleProblem as eksDuplicateRoleProblem,
    privateCidrProblem as eksPrivateCidrProblem,
    publicCidrProblem as eksPublicCidrProblem,
    roleArnProblem as eksRoleArnProblem,
} from "./eks-access";

/** Whether `version` is an engine version `AuroraWithProxy` accepts for `engine` (its `engineVersion` rule). */
export function auroraVersionProblem(label: string, engine: AuroraEngine, version: string): string | undefined {
    const spec = ENGINES[engine];
    return spec.family(version) === undefined ? `\`${label}\` must be ${spec.versionRule} (got ${JSON.stringify(version)}).` : undefined;
}

/** The engine version `AuroraWithProxy` uses for `engine` when `engineVersion` is not given. */
export function auroraDefaultVersion(engine: AuroraEngine): string {
    return ENGINES[engine].defaultVersion;
}
