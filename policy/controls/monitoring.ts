// Stack-level control: a service that reaches staging or prod is watched and someone is told when it breaks
// (issue #21). It needs the whole stack, not one resource: the alarms are siblings of the service under its
// component. Pulumi runs it as a StackValidationPolicy (policies.ts); the offline preview runs the same check.
import { MANDATORY_IN_PROD_ADVISORY_IN_STAGING, type StackControl, type StackResource } from "../types";

/** The resources that run a service: what must be watched. */
const SERVICE_TYPES = new Set([
    "aws:ecs/expressGatewayService:ExpressGatewayService",
    "aws:apprunner/service:Service",
    "aws:ecs/service:Service",
    "kubernetes:apps/v1:Deployment",
]);
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

/**
 * An alarm that notifies someone: a non-empty action list, or one not known yet (a topic the same preview
 * creates: the adapter keeps the key with the value undefined, unknowns.ts).
 */
function routed(props: StackResource["props"]): boolean {
    const actions = props.alarmActions;
    return (Array.isArray(actions) && actions.length > 0) || ("alarmActions" in props && actions === undefined);
}

/** The nearest component ancestor of `r` (its URN), or undefined when it is a child of the stack itself. */
function owningComponent(r: StackResource, byUrn: ReadonlyMap<string, StackResource>): string | undefined {
    for (let p = r.parent; p !== undefined; p = byUrn.get(p)?.parent) {
        const parent = byUrn.get(p);
        if (!parent) return undefined;
        if (parent.type !== "pulumi:pulumi:Stack" && !parent.custom) return parent.urn;
    }
    return undefined;
}

/** The component's resource name: the last URN segment. */
function componentName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function isUnder(r: StackResource, ancestor: string, byUrn: ReadonlyMap<string, StackResource>): boolean {
    for (let p = r.parent; p !== undefined; p = byUrn.get(p)?.parent) if (p === ancestor) return true;
    return false;
}

export const monitoringControls: StackControl[] = [
    {
        id: "service-alarms-routed",
        description:
            "Every service (ECS Express, App Runner, ECS, a component's Kubernetes Deployment) has alarms under its component, at least one of them notifies someone (alarm actions), and its `<name>-unhealthy` composite (the alarm that pages) does.",
        source: "Issue #21 (operate what you deploy); AWS Well-Architected OPS08-BP04 (actionable alerts)",
        enforcement: MANDATORY_IN_PROD_ADVISORY_IN_STAGING,
        remediation:
            "Keep the component's `monitoring` on (no `enabled: false`) and route it: set the stack's alarmPageTopicArn/alarmPageEmail and alarmTicketTopicArn/alarmTicketEmail config (README, \"Alarms and dashboards\"), or pass `monitoring.actions` to the component.",
        check: (resources) => {
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            const out: { urn: string; message: string }[] = [];
            for (const r of resources) {
                if (!SERVICE_TYPES.has(r.type)) continue;
                const component = owningComponent(r, byUrn);
                // A bare Deployment (a load generator, a controller) is not a service this pack can attribute alarms to.
                if (component === undefined && r.type === "kubernetes:apps/v1:Deployment") continue;
                const scope = resources.filter((x) => (component === undefined ? true : isUnder(x, component, byUrn)));
                const alarms = scope.filter((x) => x.type === COMPOSITE || x.type === METRIC_ALARM);
                const where = component === undefined ? "in the stack" : `under ${componentName(component)}`;
                if (alarms.length === 0) {
                    out.push({ urn: r.urn, message: `${r.name} has no CloudWatch alarms ${where}.` });
                } else if (!alarms.some((a) => routed(a.props))) {
                    out.push({
                        urn: r.urn,
                        message: `${r.name} has ${alarms.length} alarm(s) ${where} but none notifies anyone (every alarmActions is empty).`,
                    });
                } else {
                    // Routed tickets do not make up for pages that go nowhere: the service's `<name>-unhealthy`
                    // composite is the one alarm that pages (components/observability/alarms.ts).
                    const pager = alarms.find(
                        (a) => a.type === COMPOSITE && component !== undefined && a.name === `${componentName(component)}-unhealthy`,
                    );
                    if (pager && !routed(pager.props)) {
                        out.push({
                            urn: r.urn,
                            message: `${r.name}'s page alarms notify no one: ${pager.name} (the composite that pages) has no alarmActions.`,
                        });
                    }
                }
            }
            return out;
        },
    },
];
