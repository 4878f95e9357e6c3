// Which environment a policy run is for. The pack runs as its own process, started by the CLI with the
// stack's name in PULUMI_STACK / PULUMI_NODEJS_STACK and its config in PULUMI_CONFIG (JSON of
// "<project>:<key>" → string). Precedence: explicit override → stack config `environment` → stack name.
import { ENVIRONMENTS, Environment } from "./types";

export function isEnvironment(v: unknown): v is Environment {
    return typeof v === "string" && (ENVIRONMENTS as readonly string[]).includes(v);
}

/**
 * Maps a stack name to an environment: "prod", "acme/prod", "prod-eu-west-1", "production" → prod;
 * "stage"/"staging" → staging; "dev", "dev-alice", "development" → dev. Unrecognised names → undefined.
 */
export function environmentFromStackName(stack: string | undefined): Environment | undefined {
    if (!stack) return undefined;
    const name = stack.slice(stack.lastIndexOf("/") + 1).toLowerCase();
    const first = name.split(/[-_.]/)[0];
    if (first === "prod" || first === "production" || first === "prd") return "prod";
    if (first === "staging" || first === "stage" || first === "stg") return "staging";
    if (first === "dev" || first === "development") return "dev";
    return undefined;
}

/** Reads `<anything>:environment` from the PULUMI_CONFIG JSON the CLI passes to policy packs. */
export function environmentFromStackConfig(pulumiConfig: string | undefined): Environment | undefined {
    if (!pulumiConfig) return undefined;
    let parsed: Record<string, unknown>;
    try {
        parsed = JSON.parse(pulumiConfig);
    } catch {
        return undefined;
    }
    for (const [key, value] of Object.entries(parsed)) {
        if (key.endsWith(":environment") && isEnvironment(value)) return value;
    }
    return undefined;
}

/** Whether the stack config the CLI passes (PULUMI_CONFIG) says the stack is retiring (`<project>:retire` true). */
export function retiringFromStackConfig(pulumiConfig: string | undefined): boolean {
    if (!pulumiConfig) return false;
    try {
        const parsed = JSON.parse(pulumiConfig) as Record<string, unknown>;
        return Object.entries(parsed).some(([key, value]) => key.endsWith(":retire") && (value === "true" || value === true));
    } catch {
        return false;
    }
}

export interface EnvironmentSources {
    /** Pack config `environment` (from `--policy-pack-config`) or an explicit override. */
    readonly override?: unknown;
    readonly stackConfig?: string;
    readonly stackName?: string;
}

/**
 * Resolves the environment. Anything unrecognised falls back to prod: an unknown stack gets the strictest
 * enforcement rather than the loosest. An override that is set but not an environment is an error.
 */
export function resolveEnvironment(src: EnvironmentSources): Environment {
    if (src.override !== undefined && src.override !== "") {
        if (!isEnvironment(src.override)) {
            throw new Error(`policy config "environment" must be one of ${ENVIRONMENTS.join(", ")} (got ${JSON.stringify(src.override)}).`);
        }
        return src.override;
    }
    return environmentFromStackConfig(src.stackConfig) ?? environmentFromStackName(src.stackName) ?? "prod";
}

/** The sources as the policy-pack process sees them. */
export function environmentSourcesFromProcess(env: NodeJS.ProcessEnv = process.env): EnvironmentSources {
    return {
        override: env.POLICY_ENVIRONMENT,
        stackConfig: env.PULUMI_CONFIG,
        stackName: env.PULUMI_STACK ?? env.PULUMI_NODEJS_STACK,
    };
}
