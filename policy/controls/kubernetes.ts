// Kubernetes workloads on EKS Fargate (EksFargateService): Pod Security Standards "restricted", resource
// requests, namespaces. Applies to every workload type; the pod spec is found per type (see podSpec()).
// PSS semantics: a container-level securityContext field overrides the pod-level one.
import { Control, MANDATORY, Props, STRICT_FROM_STAGING } from "../types";
import { K8S_WORKLOAD_TYPES, PodContainer, asArray, get, isUnknown, podContainers, podSpec, show } from "../util";

const NAMESPACE = "kubernetes:core/v1:Namespace";

/** Runs `fn` per container of a workload's pod spec; an unknown or absent pod spec passes. */
const perContainer =
    (fn: (c: PodContainer, pod: unknown) => string | undefined) =>
    (type: string, props: Props): string[] => {
        const spec = podSpec(type, props);
        if (!spec || isUnknown(spec)) return [];
        return podContainers(spec)
            .map((c) => fn(c, spec))
            .filter((m): m is string => m !== undefined);
    };

/** Per pod-spec check (host namespaces, volumes). */
const perPod =
    (fn: (pod: unknown) => string[]) =>
    (type: string, props: Props): string[] => {
        const spec = podSpec(type, props);
        if (!spec || isUnknown(spec)) return [];
        return fn(spec);
    };

const label = (c: PodContainer) => `${c.kind} "${c.name}"`;

/** Namespaced kinds we create; a missing metadata.namespace puts them in the provider's namespace. */
const NAMESPACED_TYPES = [
    ...K8S_WORKLOAD_TYPES,
    "kubernetes:core/v1:Service",
    "kubernetes:core/v1:ServiceAccount",
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:core/v1:Secret",
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    "kubernetes:policy/v1:PodDisruptionBudget",
    "kubernetes:networking.k8s.io/v1:Ingress",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "kubernetes:rbac.authorization.k8s.io/v1:Role",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
];

const PSS = "PSS restricted";
const WORKLOADS = K8S_WORKLOAD_TYPES;

export const kubernetesControls: Control[] = [
    {
        id: "k8s-run-as-non-root",
        description: "Pods and containers set runAsNonRoot: true and never runAsUser: 0.",
        source: `${PSS}: runAsNonRoot; CKV_K8S_23`,
        resourceTypes: WORKLOADS,
        enforcement: STRICT_FROM_STAGING,
        remediation: "Set spec.template.spec.securityContext: { runAsNonRoot: true, runAsUser: 1000 }.",
        check: perContainer((c, pod) => {
            const v = get(c.spec, "securityContext.runAsNonRoot") ?? get(pod, "securityContext.runAsNonRoot");
            const uid = get(c.spec, "securityContext.runAsUser") ?? get(pod, "securityContext.runAsUser");
            if (uid === 0) return `${label(c)} runs as UID 0 (runAsUser: 0).`;
            if (isUnknown(v) || v === true) return undefined;
            return `${label(c)} must set securityContext.runAsNonRoot: true (pod or container; got ${show(v ?? "unset")}).`;
        }),
    },
    {
        id: "k8s-no-privilege-escalation",
        description: "Every container sets allowPrivilegeEscalation: false.",
        source: `${PSS}: allowPrivilegeEscalation; CKV_K8S_20`,
        resourceTypes: WORKLOADS,
        enforcement: STRICT_FROM_STAGING,
        remediation: "Set securityContext.allowPrivilegeEscalation: false on each container.",
        check: perContainer((c) => {
            const v = get(c.spec, "securityContext.allowPrivilegeEscalation");
            if (isUnknown(v) || v === false) return undefined;
            return `${label(c)} must set securityContext.allowPrivilegeEscalation: false (got ${show(v ?? "unset")}).`;
        }),
    },
    {
        id: "k8s-drop-all-capabilities",
        description: "Every container drops ALL capabilities and adds back at most NET_BIND_SERVICE.",
        source: `${PSS}: capabilities; CKV_K8S_37`,
        resourceTypes: WORKLOADS,
        enforcement: STRICT_FROM_STAGING,
        remediation: 'Set securityContext.capabilities: { drop: ["ALL"] }.',
        check: perContainer((c) => {
            const drop = asArray(get(c.spec, "securityContext.capabilities.drop"));
            const add = asArray(get(c.spec, "securityContext.capabilities.add"));
            const out: string[] = [];
            if (!isUnknown(drop) && !drop.includes("ALL") && !drop.some((d) => d === undefined)) {
                out.push(`must set securityContext.capabilities.drop: ["ALL"]`);
            }
            if (!isUnknown(add)) {
                const extra = add.filter((a) => typeof a === "string" && a !== "NET_BIND_SERVICE");
                if (extra.length) out.push(`must not add capabilities ${extra.join(", ")}`);
            }
            return out.length ? `${label(c)} ${out.join(" and ")}.` : undefined;
        }),
    },
    {
        id: "k8s-seccomp-profile",
        description: "Pods or every container use seccompProfile RuntimeDefault or Localhost, never Unconfined.",
        source: `${PSS}: seccompProfile; CKV_K8S_31`,
        resourceTypes: WORKLOADS,
        enforcement: STRICT_FROM_STAGING,
        remediation: 'Set spec.template.spec.securityContext.seccompProfile: { type: "RuntimeDefault" }.',
        check: perContainer((c, pod) => {
            const t = get(c.spec, "securityContext.seccompProfile.type") ?? get(pod, "securityContext.seccompProfile.type");
            if (isUnknown(t) || t === "RuntimeDefault" || t === "Localhost") return undefined;
            return `${label(c)} must use seccompProfile.type RuntimeDefault or Localhost (got ${show(t ?? "unset")}).`;
        }),
    },
    {
        id: "k8s-no-privileged",
        description: "No container is privileged.",
        source: "PSS baseline: privileged; CKV_K8S_16",
        resourceTypes: WORKLOADS,
        enforcement: MANDATORY,
        remediation: "Remove securityContext.privileged: true (Fargate rejects privileged pods).",
        check: perContainer((c) =>
            get(c.spec, "securityContext.privileged") === true ? `${label(c)} must not set securityContext.privileged: true.` : undefined,
        ),
    },
    {
        id: "k8s-no-host-namespaces",
        description: "Pods don't share the node's network, PID or IPC namespace.",
        source: "PSS baseline: host namespaces; CKV_K8S_17, CKV_K8S_18, CKV_K8S_19",
        resourceTypes: WORKLOADS,
        enforcement: MANDATORY,
        remediation: "Remove hostNetwork / hostPID / hostIPC from the pod spec.",
        check: perPod((pod) =>
            ["hostNetwork", "hostPID", "hostIPC"].filter((k) => get(pod, k) === true).map((k) => `pod spec must not set ${k}: true.`),
        ),
    },
    {
        id: "k8s-no-hostpath-volumes",
        description: "Pods don't mount hostPath volumes.",
        source: "PSS baseline: hostPath volumes; CKV_K8S_27 family",
        resourceTypes: WORKLOADS,
        enforcement: MANDATORY,
        remediation: "Use emptyDir, configMap, secret or projected volumes instead of hostPath.",
        check: perPod((pod) => {
            const vols = asArray(get(pod, "volumes"));
            if (isUnknown(vols)) return [];
            return vols
                .filter((v) => v && get(v, "hostPath") !== undefined)
                .map((v) => {
                    const name = (v as { name?: unknown }).name;
                    return `volume "${typeof name === "string" ? name : "?"}" must not use hostPath.`;
                });
        }),
    },
    {
        id: "k8s-readonly-root-fs",
        description: "Containers mount their root filesystem read-only.",
        source: "CKV_K8S_22",
        resourceTypes: WORKLOADS,
        enforcement: STRICT_FROM_STAGING,
        remediation: "Set securityContext.readOnlyRootFilesystem: true; mount an emptyDir at /tmp if the app writes there.",
        check: perContainer((c) => {
            const v = get(c.spec, "securityContext.readOnlyRootFilesystem");
            if (isUnknown(v) || v === true) return undefined;
            return `${label(c)} must set securityContext.readOnlyRootFilesystem: true (got ${show(v ?? "unset")}).`;
        }),
    },
    {
        id: "k8s-cpu-requests",
        description: "Every container requests CPU (Fargate sizes the pod from requests).",
        source: "CKV_K8S_10",
        resourceTypes: WORKLOADS,
        enforcement: STRICT_FROM_STAGING,
        remediation: 'Set resources.requests.cpu (e.g. "250m"); Fargate rounds the pod up to the next vCPU/memory combination.',
        check: perContainer((c) => {
            if (c.kind === "ephemeralContainer") return undefined; // ephemeral containers can't set resources
            const v = get(c.spec, "resources.requests.cpu");
            return v === undefined ? `${label(c)} must set resources.requests.cpu.` : undefined;
        }),
    },
    {
        id: "k8s-memory-limits",
        description: "Every container sets a memory limit.",
        source: "CKV_K8S_13",
        resourceTypes: WORKLOADS,
        enforcement: STRICT_FROM_STAGING,
        remediation: 'Set resources.limits.memory (e.g. "512Mi").',
        check: perContainer((c) => {
            if (c.kind === "ephemeralContainer") return undefined;
            const v = get(c.spec, "resources.limits.memory");
            return v === undefined ? `${label(c)} must set resources.limits.memory.` : undefined;
        }),
    },
    {
        id: "k8s-namespace-pss-restricted",
        description: 'Namespaces enforce Pod Security "restricted" (label pod-security.kubernetes.io/enforce: restricted).',
        source: "PSS restricted (Pod Security Admission namespace label)",
        resourceTypes: [NAMESPACE],
        enforcement: STRICT_FROM_STAGING,
        remediation: 'Set metadata.labels["pod-security.kubernetes.io/enforce"] = "restricted".',
        check: (_t, props) => {
            const raw = get(props, "metadata.labels");
            if (isUnknown(raw)) return [];
            const labels = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : undefined;
            const v = labels?.["pod-security.kubernetes.io/enforce"];
            if (v === undefined && labels && "pod-security.kubernetes.io/enforce" in labels) return []; // unknown
            return v === "restricted"
                ? []
                : [
                      `metadata.labels["pod-security.kubernetes.io/enforce"] must be "restricted" (got ${v === undefined ? "unset" : `"${show(v)}"`}).`,
                  ];
        },
    },
    {
        id: "k8s-no-default-namespace",
        description: "Namespaced resources live in their own namespace, never `default` (and say so explicitly).",
        source: "CKV_K8S_21",
        resourceTypes: NAMESPACED_TYPES,
        enforcement: STRICT_FROM_STAGING,
        remediation: "Set metadata.namespace to the service's namespace (EksFargateService creates one with PSS restricted).",
        check: (_t, props) => {
            const ns = get(props, "metadata.namespace");
            if (isUnknown(ns)) return [];
            if (ns === undefined)
                return ["metadata.namespace must be set explicitly (unset falls back to the provider's namespace, usually default)."];
            return ns === "default" ? ['metadata.namespace must not be "default".'] : [];
        },
    },
];
