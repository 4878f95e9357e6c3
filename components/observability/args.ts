/**
 * The one monitoring argument every component takes (`monitoring`): alarms on by default with thresholds
 * derived from the component's own inputs, routed by severity, one dashboard per service, SLO burn-rate alarms
 * and a log error metric. Each alarm has a stable id (`5xx-rate`, `acu-utilisation` …, listed in
 * docs/monitoring.md and by the offline preview); `alarms[id]` changes or removes it.
 *
 * `enabled: false` opts the component out entirely (Pulumi's schema has no `boolean | object` union, so the
 * opt-out is a field, not `monitoring: false`).
 */
import type * as pulumi from "@pulumi/pulumi";

/** How urgent an alarm is: "page" wakes someone (routed through the service's "unhealthy" composite), "ticket" is for working hours. */
export const AlarmSeverity = {
    /** Wakes someone: routed through the component's "unhealthy" composite alarm to `actions.page`. */
    Page: "page",
    /** For working hours: routed to `actions.ticket`. */
    Ticket: "ticket",
} as const;
export type AlarmSeverity = (typeof AlarmSeverity)[keyof typeof AlarmSeverity];

/** Where alarms go, by severity: SNS topic ARNs (at most 5 each, CloudWatch's limit per alarm action list). */
export interface AlarmActions {
    /** Topics notified when a "page" alarm fires (through the "unhealthy" composite) and when it recovers. @default none */
    readonly page?: pulumi.Input<string>[];
    /** Topics notified when a "ticket" alarm fires and when it recovers. @default none */
    readonly ticket?: pulumi.Input<string>[];
}

/** A change to one of the component's alarms. */
export interface AlarmOverride {
    /** `false` removes the alarm (and its dashboard threshold line). @default true */
    readonly enabled?: boolean;
    /** The threshold, in the alarm's unit (see docs/monitoring.md). @default derived from the component's inputs */
    readonly threshold?: number;
    /** "page" or "ticket". @default the alarm's own */
    readonly severity?: AlarmSeverity;
}

/** Service-level objectives of a web service: each gets multi-window burn-rate alarms. */
export interface ServiceSlo {
    /** `false`: no SLO alarms. @default true */
    readonly enabled?: boolean;
    /** Availability objective, percent of requests that are not 5xx (e.g. 99.9). @default 99.9 */
    readonly availability?: number;
    /** Latency threshold in milliseconds a request should meet. @default 1000 */
    readonly latencyMs?: number;
    /** Latency objective: percent of requests faster than `latencyMs`. @default 99 */
    readonly latencyPercent?: number;
}

/** Alarms, routing and dashboard of a component (databases, tables, clusters). */
export interface Monitoring {
    /** `false`: no alarms, no dashboard, no log metric. @default true */
    readonly enabled?: boolean;
    /** Where alarms go by severity. Without any, alarms still change state and show on the dashboard but notify no one. @default none */
    readonly actions?: AlarmActions;
    /** Per-alarm changes, keyed by alarm id (e.g. `{ "cpu-high": { threshold: 90 }, "deadlocks": { enabled: false } }`). @default {} */
    readonly alarms?: Record<string, AlarmOverride>;
    /** Base URL of the runbook; each alarm's description links `<runbookUrl>#<alarm id>`. @default the project's docs/runbooks.md */
    readonly runbookUrl?: string;
}

/** Monitoring of a service: `Monitoring` plus its dashboard, SLOs, rollback and extra dashboard sections. */
export interface ServiceMonitoring extends Monitoring {
    /** `false`: no dashboard. @default true */
    readonly dashboard?: boolean;
    /** Availability and latency objectives (burn-rate alarms). @default 99.9 % available, 99 % under 1000 ms */
    readonly slo?: ServiceSlo;
    /**
     * Private Fargate only: ECS rolls a deployment back when one of the service's page alarms fires during it
     * (deployment alarms need the ECS rolling deployment controller). @default true
     */
    readonly rollback?: boolean;
    /**
     * More dashboard sections: other components' `dashboardWidgets` outputs (e.g. a DynamoDB table's). Linked
     * databases add theirs by themselves. @default []
     */
    readonly widgets?: pulumi.Input<string>[];
}
