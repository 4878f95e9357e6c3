// Helpers shared by the controls: reading possibly-unknown inputs, ports and CIDRs, image references,
// IAM policy documents, Kubernetes pod specs.
//
// Unknown versus absent. During `pulumi preview` a value that depends on another resource's output is
// not known yet. index.ts turns the engine's unknown sentinels into `undefined` but keeps the key, so:
//   - key absent            → the caller did not set it; the provider default applies and is checked
//                             (e.g. no `imageTagMutability` means MUTABLE, which fails);
//   - key present, undefined → not known yet; the control passes (it runs again with real values at
//                             `pulumi up`, when the analyzer sees resolved inputs).
// `get()` returns the `UNKNOWN` symbol for the second case so each control can say "pass" explicitly.

import { Props } from "./types";

export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

/** A property value as a violation message shows it: primitives as themselves, objects and arrays as JSON. */
export function show(v: unknown): string {
    return v !== null && typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** Reads a dotted path. Absent (or null) anywhere → undefined; present-but-undefined → UNKNOWN. */
export function get(obj: unknown, path: string): unknown {
    let cur: unknown = obj;
    for (const key of path.split(".")) {
        if (cur === UNKNOWN) return UNKNOWN;
        if (cur === undefined || cur === null || typeof cur !== "object") return undefined;
        if (!(key in cur)) return undefined;
        cur = (cur as Record<string, unknown>)[key];
        if (cur === undefined) return UNKNOWN;
    }
    return cur === null ? undefined : cur;
}

export const isUnknown = (v: unknown): v is Unknown => v === UNKNOWN;

/** Arrays of inputs: absent → [], unknown → UNKNOWN, a single value → [value]. */
export function asArray(v: unknown): unknown[] | Unknown {
    if (v === UNKNOWN) return UNKNOWN;
    if (v === undefined || v === null) return [];
    return Array.isArray(v) ? v : [v];
}

/** Map-valued inputs (`tags`): an object as itself; absent, or anything that is not a map, → {}. */
export function asRecord(v: unknown): Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * JSON-valued inputs (IAM documents, ECS containerDefinitions) arrive as a string, or as an object when
 * the caller passed one. Unknown → UNKNOWN; a string that does not parse is returned as an Error so the
 * control can report it (the provider would reject it anyway).
 */
export function parseJson(v: unknown): unknown {
    if (v === UNKNOWN || v === undefined) return UNKNOWN;
    if (typeof v !== "string") return v;
    try {
        return JSON.parse(v);
    } catch (e) {
        return new Error(`is not valid JSON (${(e as Error).message})`);
    }
}

// ---- network ----------------------------------------------------------------------------------------

export const WORLD_CIDRS: readonly string[] = ["0.0.0.0/0", "::/0"];
export const isWorldCidr = (cidr: unknown): boolean => typeof cidr === "string" && WORLD_CIDRS.includes(cidr.trim());

/** Ports that must never face the internet: SSH, Node dev ports, MySQL, PostgreSQL, HTTP alt. */
export const ADMIN_AND_APP_PORTS: readonly number[] = [22, 3000, 3306, 5432, 8080];
/** Database ports: reachable only from security groups (client → proxy → cluster), never from a CIDR. */
export const DATABASE_PORTS: readonly number[] = [3306, 5432];
/** Ports a public (internet-facing) rule may open. */
export const PUBLIC_PORTS: readonly number[] = [80, 443];

/** A normalised ingress permission, whatever resource type it came from. */
export interface IngressRule {
    readonly protocol: string | Unknown;
    readonly fromPort: number | Unknown | undefined;
    readonly toPort: number | Unknown | undefined;
    /** CIDR sources (IPv4, IPv6); UNKNOWN entries are sources not known yet. */
    readonly cidrs: readonly (string | Unknown)[];
    /** Prefix lists are CIDR sets managed elsewhere: treated as CIDR sources for the database rule. */
    readonly prefixLists: number;
}

/** True when the protocol means "all traffic" (every port). */
export const isAllProtocols = (p: unknown): boolean => p === "-1" || p === -1 || p === "all";

/**
 * Does the rule open `port`? Unknown ports or protocol count as "no" (unknown is pass). ICMP (and any
 * protocol other than tcp/udp/all) has no ports, so it never covers one.
 */
export function coversPort(rule: IngressRule, port: number): boolean {
    if (isUnknown(rule.protocol)) return false;
    if (isAllProtocols(rule.protocol)) return true;
    const proto = String(rule.protocol).toLowerCase();
    if (!["tcp", "udp", "6", "17"].includes(proto)) return false;
    const from = rule.fromPort;
    const to = rule.toPort ?? rule.fromPort;
    if (typeof from !== "number" || typeof to !== "number") return false;
    // AWS accepts fromPort -1 / toPort -1 with tcp to mean all ports in some APIs.
    if (from === -1 && to === -1) return true;
    return from <= port && port <= to;
}

/** Ports the rule opens beyond `allowed` (reported as a short description), or [] when none. */
export function portsBeyond(rule: IngressRule, allowed: readonly number[]): string | undefined {
    if (isUnknown(rule.protocol)) return undefined;
    if (isAllProtocols(rule.protocol)) return "all ports";
    const proto = String(rule.protocol).toLowerCase();
    if (!["tcp", "udp", "6", "17"].includes(proto)) return undefined;
    const from = rule.fromPort;
    const to = rule.toPort ?? rule.fromPort;
    if (typeof from !== "number" || typeof to !== "number") return undefined;
    if (from === -1 && to === -1) return "all ports";
    for (let p = from; p <= to; p++) {
        if (!allowed.includes(p)) return from === to ? `port ${from}` : `ports ${from}-${to}`;
    }
    return undefined;
}

export function describeRule(rule: IngressRule): string {
    const proto = isUnknown(rule.protocol) ? "?" : String(rule.protocol);
    if (isAllProtocols(rule.protocol)) return "all traffic";
    const f = isUnknown(rule.fromPort) ? "?" : rule.fromPort;
    const t = isUnknown(rule.toPort) ? "?" : rule.toPort;
    return f === t ? `${proto}/${f}` : `${proto}/${f}-${t}`;
}

/** Normalises the ingress permissions of the three security-group resource types. */
export function ingressRules(type: string, props: Props): IngressRule[] | Unknown {
    // The provider schemas type these fields (string protocol, numeric ports, string CIDRs); they are read as such.
    const toRule = (r: unknown, cidrKeys: string[], protoKey: string, prefixKey: string): IngressRule => {
        const cidrs: (string | Unknown)[] = [];
        for (const k of cidrKeys) {
            const v = get(r, k);
            const arr = asArray(v);
            if (isUnknown(arr)) cidrs.push(UNKNOWN);
            else for (const c of arr) cidrs.push(c === undefined ? UNKNOWN : (c as string));
        }
        const pl = asArray(get(r, prefixKey));
        return {
            protocol: (get(r, protoKey) ?? "tcp") as IngressRule["protocol"],
            fromPort: get(r, "fromPort") as IngressRule["fromPort"],
            toPort: get(r, "toPort") as IngressRule["toPort"],
            cidrs,
            prefixLists: isUnknown(pl) ? 0 : pl.length,
        };
    };
    switch (type) {
        case "aws:ec2/securityGroup:SecurityGroup": {
            const ingress = asArray(get(props, "ingress"));
            if (isUnknown(ingress)) return UNKNOWN;
            return ingress
                .filter((r) => r && typeof r === "object")
                .map((r) => toRule(r, ["cidrBlocks", "ipv6CidrBlocks"], "protocol", "prefixListIds"));
        }
        case "aws:ec2/securityGroupRule:SecurityGroupRule": {
            const kind = get(props, "type");
            if (kind !== "ingress") return [];
            return [toRule(props, ["cidrBlocks", "ipv6CidrBlocks"], "protocol", "prefixListIds")];
        }
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
            return [toRule(props, ["cidrIpv4", "cidrIpv6"], "ipProtocol", "prefixListId")];
        default:
            return [];
    }
}

export const SECURITY_GROUP_TYPES: readonly string[] = [
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
];

// ---- images -----------------------------------------------------------------------------------------

/**
 * Classifies an image reference: digest-pinned (`repo@sha256:…`), tagged, `latest`, or untagged (which
 * Docker and Kubernetes resolve to `latest`). A port in the registry host (`localhost:5000/app`) is not a tag.
 */
export function imageRefKind(ref: string): "digest" | "tagged" | "latest" | "untagged" {
    if (ref.includes("@sha256:") || ref.includes("@sha512:")) return "digest";
    const lastSegment = ref.slice(ref.lastIndexOf("/") + 1);
    const colon = lastSegment.lastIndexOf(":");
    if (colon < 0) return "untagged";
    return lastSegment.slice(colon + 1) === "latest" ? "latest" : "tagged";
}

// ---- IAM --------------------------------------------------------------------------------------------

export interface Statement {
    readonly sid?: string;
    readonly effect: string;
    readonly actions: readonly string[] | Unknown;
    readonly notActions: boolean;
    readonly resources: readonly string[] | Unknown;
    readonly principal: unknown;
    readonly condition: unknown;
}

/** Statements of a policy document (string or object). UNKNOWN when the document is not known yet. */
export function statements(doc: unknown): Statement[] | Unknown | Error {
    const parsed = parseJson(doc);
    if (isUnknown(parsed) || parsed instanceof Error) return parsed;
    if (!parsed || typeof parsed !== "object") return new Error("is not a policy document object");
    const raw = asArray((parsed as { Statement?: unknown }).Statement);
    if (isUnknown(raw)) return UNKNOWN;
    const list = (v: unknown): string[] | Unknown => {
        const a = asArray(v);
        if (isUnknown(a)) return UNKNOWN;
        return a.some((x) => x === undefined) ? UNKNOWN : a.map(String);
    };
    // The IAM JSON grammar: Sid and Effect are strings; the rest may be a string or a list.
    type RawStatement = {
        Sid?: string;
        Effect?: string;
        Action?: unknown;
        NotAction?: unknown;
        Resource?: unknown;
        NotResource?: unknown;
        Principal?: unknown;
        Condition?: unknown;
    };
    return raw.map((item) => {
        const s = item && typeof item === "object" ? (item as RawStatement) : undefined;
        return {
            sid: s?.Sid,
            effect: s?.Effect ?? "Allow",
            actions: s?.NotAction !== undefined ? list(s.NotAction) : list(s?.Action),
            notActions: s?.NotAction !== undefined,
            resources: s?.NotResource !== undefined ? ["*"] : list(s?.Resource),
            principal: s?.Principal,
            condition: s?.Condition,
        };
    });
}

/**
 * Read-only IAM actions, judged by the verb after the service prefix. Wildcards that could expand to a
 * write (`s3:*`, `s3:Put*`, `dynamodb:*Item`) are not read-only.
 */
export function isReadOnlyAction(action: string): boolean {
    const verb = action.split(":")[1] ?? action;
    if (verb.startsWith("*")) return false;
    return /^(Get|List|Describe|BatchGet|Query|Scan|Head|Select|Lookup|Search|View)/.test(verb);
}

/**
 * Write actions that only accept `"Resource": "*"` (they have no resource-level permissions), so a
 * statement granting them on `*` is the only way to grant them at all.
 */
export const RESOURCE_STAR_ONLY_ACTIONS: readonly string[] = [
    "cloudwatch:PutMetricData",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
];

// ---- Kubernetes -------------------------------------------------------------------------------------

export const K8S_WORKLOAD_TYPES: readonly string[] = [
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:batch/v1:Job",
    "kubernetes:batch/v1:CronJob",
    "kubernetes:core/v1:Pod",
];

/** The pod spec of a workload, or undefined / UNKNOWN. */
export function podSpec(type: string, props: Props): unknown {
    switch (type) {
        case "kubernetes:core/v1:Pod":
            return get(props, "spec");
        case "kubernetes:batch/v1:CronJob":
            return get(props, "spec.jobTemplate.spec.template.spec");
        default:
            return get(props, "spec.template.spec");
    }
}

export interface PodContainer {
    readonly name: string;
    readonly kind: "container" | "initContainer" | "ephemeralContainer";
    readonly spec: unknown;
}

/** Every container of a pod spec (init and ephemeral containers are held to the same PSS rules). */
export function podContainers(spec: unknown): PodContainer[] {
    if (!spec || typeof spec !== "object") return [];
    const out: PodContainer[] = [];
    const groups: [string, PodContainer["kind"]][] = [
        ["containers", "container"],
        ["initContainers", "initContainer"],
        ["ephemeralContainers", "ephemeralContainer"],
    ];
    for (const [key, kind] of groups) {
        const list = asArray(get(spec, key));
        if (isUnknown(list)) continue;
        list.forEach((c, i) => {
            if (!c || typeof c !== "object") return;
            const name = (c as { name?: unknown }).name;
            out.push({ name: typeof name === "string" ? name : `${key}[${i}]`, kind, spec: c });
        });
    }
    return out;
}
