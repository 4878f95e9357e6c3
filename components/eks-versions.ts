/**
 * The Kubernetes versions EKS offers, as data: a version is available for new clusters in standard support (14
 * months after its EKS release) and then in extended support (12 more months, charged per cluster hour); after that
 * EKS upgrades the cluster itself ("Understand the Kubernetes version lifecycle on EKS",
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html, and its release calendar; dates as
 * listed there and on https://endoflife.date/amazon-eks, checked 2026-12-07). Add a row when EKS releases a version.
 */

export interface EksKubernetesVersion {
    readonly version: string;
    /** Last day of standard support (UTC). */
    readonly endOfStandardSupport: string;
    /** Last day of extended support (UTC): the version is not offered after it. */
    readonly endOfExtendedSupport: string;
}

/** Newest first. */
export const EKS_KUBERNETES_VERSIONS: readonly EksKubernetesVersion[] = [
    { version: "1.35", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
    { version: "1.34", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
    { version: "1.33", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
    { version: "1.32", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
    { version: "1.31", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
    { version: "1.30", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
    { version: "1.29", endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
];

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The versions EKS offers on `date`, by kind of support. */
export function supportedKubernetesVersions(date: Date): { standard: string[]; extended: string[] } {
    const today = day(date);
    return {
        standard: EKS_KUBERNETES_VERSIONS.filter((v) => today <= v.endOfStandardSupport).map((v) => v.version),
        extended: EKS_KUBERNETES_VERSIONS.filter((v) => today > v.endOfStandardSupport && today <= v.endOfExtendedSupport).map(
            (v) => v.version,
        ),
    };
}

/** The message for a version EKS does not offer on `date` (naming those it does), or undefined. */
export function kubernetesVersionProblem(label: string, version: string, date: Date = new Date()): string | undefined {
    const { standard, extended } = supportedKubernetesVersions(date);
    if (standard.includes(version) || extended.includes(version)) return undefined;
    const paid = extended.length > 0 ? ` or, at extra cost per cluster hour, extended support (${extended.join(", ")})` : "";
    return `\`${label}\` "${version}" is not offered by EKS on ${day(date)}: use one in standard support (${standard.join(", ")})${paid}.`;
}
