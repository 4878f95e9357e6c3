// ECS task definitions and services (PrivateFargateService). containerDefinitions is a JSON string (often
// built with pulumi.jsonStringify around the image URI, so unknown during preview: the controls pass then).
import { Control, MANDATORY, Props, STRICT_FROM_STAGING } from "../types";
import { get, isUnknown, parseJson, show } from "../util";

const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";

/** The fields of an ECS container definition (JSON) the controls read; values are as the JSON holds them. */
interface ContainerDefinition {
    readonly name?: unknown;
    readonly environment?: unknown;
    readonly logConfiguration?: unknown;
    readonly privileged?: unknown;
    readonly readonlyRootFilesystem?: unknown;
    readonly user?: unknown;
}

/** Parsed container definitions, or a message when they don't parse, or [] when unknown. */
function containers(props: Props): { defs: ContainerDefinition[]; error?: string } {
    const parsed = parseJson(get(props, "containerDefinitions"));
    if (isUnknown(parsed)) return { defs: [] };
    if (parsed instanceof Error) return { defs: [], error: `containerDefinitions ${parsed.message}.` };
    if (!Array.isArray(parsed)) return { defs: [], error: "containerDefinitions must be a JSON array." };
    return { defs: parsed.filter((c): c is ContainerDefinition => Boolean(c) && typeof c === "object") };
}

/** Applies `fn` to each container definition; only the first control reports a parse error. */
const perContainer =
    (fn: (c: ContainerDefinition, name: string) => string | undefined, reportParseError = false) =>
    (_type: string, props: Props): string[] => {
        const { defs, error } = containers(props);
        const out = error && reportParseError ? [error] : [];
        defs.forEach((c, i) => {
            const msg = fn(c, typeof c.name === "string" ? c.name : `containerDefinitions[${i}]`);
            if (msg) out.push(msg);
        });
        return out;
    };

const ROOT_USERS = ["root", "0"];
/** `user` is "uid", "uid:gid", "user" or "user:group"; root is uid 0 or the name root. */
export function isRootUser(user: string): boolean {
    return ROOT_USERS.includes(user.split(":")[0].trim());
}

/** Environment variable names that carry credentials and belong in `secrets` (valueFrom), not `environment`. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY)/i;
/** Names that match the pattern but carry references, not secret values. */
const SECRET_NAME_ALLOWED = /(_ARN|_ID|_NAME|_PATH|_FILE|_URI)$/i;

export const ecsControls: Control[] = [
    {
        id: "ecs-task-non-root",
        description: "ECS containers run as a non-root user set in the task definition.",
        source: "FSBP ECS.1 (user definitions), CIS Docker Benchmark 4.1",
        resourceTypes: [TASK_DEFINITION],
        enforcement: STRICT_FROM_STAGING,
        remediation: 'Set "user": "1000" (or "node") in each container definition; the apps\' images run as USER node.',
        check: perContainer((c, name) => {
            if (typeof c.user !== "string" || c.user.trim() === "")
                return `container "${name}" must set "user" to a non-root user (unset runs as the image's user, root by default).`;
            return isRootUser(c.user) ? `container "${name}" runs as root ("user": "${c.user}").` : undefined;
        }, true),
    },
    {
        id: "ecs-task-readonly-root-fs",
        description: "ECS containers mount their root filesystem read-only.",
        source: "FSBP ECS.5, CKV_AWS_336",
        resourceTypes: [TASK_DEFINITION],
        enforcement: STRICT_FROM_STAGING,
        remediation: 'Set "readonlyRootFilesystem": true; mount a volume at /tmp if the app writes there.',
        check: perContainer((c, name) =>
            c.readonlyRootFilesystem === true
                ? undefined
                : `container "${name}" must set "readonlyRootFilesystem": true (got ${show(c.readonlyRootFilesystem ?? "unset")}).`,
        ),
    },
    {
        id: "ecs-task-logging",
        description: "ECS containers have a log configuration (awslogs / FireLens).",
        source: "FSBP ECS.9",
        resourceTypes: [TASK_DEFINITION],
        enforcement: STRICT_FROM_STAGING,
        remediation:
            'Set "logConfiguration": { "logDriver": "awslogs", "options": { "awslogs-group", "awslogs-region", "awslogs-stream-prefix" } }.',
        check: perContainer((c, name) =>
            c.logConfiguration && typeof c.logConfiguration === "object" && (c.logConfiguration as { logDriver?: unknown }).logDriver
                ? undefined
                : `container "${name}" must set "logConfiguration" with a logDriver.`,
        ),
    },
    {
        id: "ecs-task-not-privileged",
        description: "ECS containers are not privileged.",
        source: "FSBP ECS.4, CKV_AWS_334",
        resourceTypes: [TASK_DEFINITION],
        enforcement: MANDATORY,
        remediation: 'Remove "privileged": true (Fargate rejects it anyway).',
        check: perContainer((c, name) => (c.privileged === true ? `container "${name}" must not set "privileged": true.` : undefined)),
    },
    {
        id: "ecs-task-no-secrets-in-environment",
        description:
            "Credentials reach ECS containers through `secrets` (Secrets Manager / SSM valueFrom), never plain `environment` values.",
        source: "FSBP ECS.8; the project's security baseline (secrets injected at runtime)",
        resourceTypes: [TASK_DEFINITION],
        enforcement: STRICT_FROM_STAGING,
        remediation: 'Move the variable to "secrets": [{ "name": "DB_PASSWORD", "valueFrom": "<secret ARN>" }].',
        check: perContainer((c, name) => {
            const env: unknown[] = Array.isArray(c.environment) ? c.environment : [];
            const bad = env
                .map((e) => (e && typeof e === "object" ? (e as { name?: unknown }).name : undefined))
                .filter((n: unknown): n is string => typeof n === "string" && SECRET_NAME.test(n) && !SECRET_NAME_ALLOWED.test(n));
            return bad.length ? `container "${name}" passes ${bad.join(", ")} in "environment"; use "secrets" with valueFrom.` : undefined;
        }),
    },
    {
        id: "ecs-service-no-public-ip",
        description: "ECS services don't give tasks public IP addresses.",
        source: "FSBP ECS.2, CKV_AWS_333",
        resourceTypes: [SERVICE],
        enforcement: MANDATORY,
        remediation: "Set networkConfiguration.assignPublicIp: false and run tasks in private subnets with NAT or VPC endpoints.",
        check: (_t, props) =>
            get(props, "networkConfiguration.assignPublicIp") === true
                ? ["networkConfiguration.assignPublicIp must be false (got true)."]
                : [],
    },
];
