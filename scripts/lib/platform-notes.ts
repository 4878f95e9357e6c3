/**
 * What the offline preview says about the hosting platform each web service was given: App Runner is
 * closed to new customers since 2026-04-30 (https://docs.aws.amazon.com/apprunner/latest/dg/apprunner-availability-change.html),
 * so an `app-runner` choice deploys only in accounts that already used App Runner.
 */
export const PLATFORM_KEYS = [
    { key: "appRunnerPlatform", enabledKey: "appRunnerEnabled", app: "products-api", service: "products-api (DynamoDB)" },
    { key: "appRunnerVpcPlatform", enabledKey: "appRunnerVpcEnabled", app: "catalogue-api", service: "catalogue-api (Aurora MySQL)" },
    { key: "visitsDemoPlatform", enabledKey: "visitsDemoEnabled", app: "visits-api", service: "visits-api (the visits demo)" },
] as const;

const PLATFORM_NAMES: Readonly<Record<string, string>> = { "app-runner": "App Runner", "ecs-express": "ECS Express Mode" };

/**
 * Where each web service runs and which of them are switched off, in one sentence: why a config key can have no
 * effect (only the other platform reads it, or its program is off).
 */
export function platformSummary(values: Readonly<Record<string, string>>, project = "serverless-containers"): string {
    return PLATFORM_KEYS.map(({ key, enabledKey, app }) =>
        values[`${project}:${enabledKey}`] === "false"
            ? `${app} is switched off (${enabledKey})`
            : `${app} runs on ${PLATFORM_NAMES[values[`${project}:${key}`]] ?? values[`${project}:${key}`]} (${key})`,
    ).join(", ");
}

export const APP_RUNNER_CLOSED_ON = "2026-04-30";

/** One line per enabled web service, from the resolved config (`<project>:<key>` → string value). */
export function platformNotes(values: Readonly<Record<string, string>>, project = "serverless-containers"): string[] {
    const notes: string[] = [];
    for (const { key, enabledKey, service } of PLATFORM_KEYS) {
        if (values[`${project}:${enabledKey}`] === "false") continue;
        const platform = values[`${project}:${key}`];
        if (platform === "app-runner") {
            notes.push(
                `${service}: App Runner (\`${key}\`). Deploys only in an account that used App Runner before ${APP_RUNNER_CLOSED_ON}, ` +
                    `when AWS closed it to new customers; in any other account set \`${key}\` to ecs-express.`,
            );
        } else if (platform === "ecs-express") {
            notes.push(`${service}: ECS Express Mode (\`${key}\`), deployable in any account.`);
        }
    }
    return notes;
}
