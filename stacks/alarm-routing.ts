/**
 * Where the stack's alarms go, by severity, from config (README "Alarms and dashboards"):
 *   alarmPageTopicArn / alarmTicketTopicArn: your own SNS topics (an on-call tool's integration, a chat bot);
 *   otherwise, in staging and prod, the stack creates `alarms-page` / `alarms-ticket` topics so every alarm is
 *   routed somewhere (the policy control service-alarms-routed blocks an unrouted prod service), and
 *   alarmPageEmail / alarmTicketEmail subscribe an address to them (AWS e-mails a confirmation link; until it
 *   is clicked the subscription is "pending confirmation" and delivers nothing);
 *   dev routes only what is configured (a topic or an address), else nothing.
 *
 * The topics are created once per program (every stack program asks for the same routing). They are not
 * KMS-encrypted: CloudWatch can publish to an encrypted topic only with a customer managed key whose policy
 * admits cloudwatch.amazonaws.com, and alarm notifications carry alarm names and metric values, no data.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config";

export interface StackMonitoring {
    /** Topics per severity, as the components' `monitoring.actions` take them. */
    readonly actions: { readonly page?: pulumi.Input<string>[]; readonly ticket?: pulumi.Input<string>[] };
    readonly runbookUrl?: string;
}

const routings = new WeakMap<StackConfig, StackMonitoring>();

/** The stack's alarm routing, creating its topics (and e-mail subscriptions) on the first call. */
export function stackMonitoring(config: StackConfig): StackMonitoring {
    let routing = routings.get(config);
    if (!routing) {
        routing = {
            actions: {
                page: route("page", config.alarmPageTopicArn, config.alarmPageEmail, config),
                ticket: route("ticket", config.alarmTicketTopicArn, config.alarmTicketEmail, config),
            },
            ...(config.runbookUrl ? { runbookUrl: config.runbookUrl } : {}),
        };
        routings.set(config, routing);
    }
    return routing;
}

/**
 * A service's monitoring: the stack's routing, plus dashboard sections of the components it uses that are not
 * linked through `databases` (a table's, or a database wired with `db.connect`).
 */
export function serviceMonitoring(
    config: StackConfig,
    ...widgets: pulumi.Input<string>[]
): StackMonitoring & { widgets?: pulumi.Input<string>[] } {
    return { ...stackMonitoring(config), ...(widgets.length > 0 ? { widgets } : {}) };
}

function route(
    severity: "page" | "ticket",
    topicArn: string | undefined,
    email: string | undefined,
    config: StackConfig,
): pulumi.Input<string>[] | undefined {
    if (topicArn) return [topicArn];
    if (config.environment === "dev" && !email) return undefined;
    const topic = new aws.sns.Topic(`alarms-${severity}`, { tags: config.tags });
    if (email) new aws.sns.TopicSubscription(`alarms-${severity}-email`, { topic: topic.arn, protocol: "email", endpoint: email });
    return [topic.arn];
}
