/**
 * The Kubernetes versions EKS offers, as data: a version is available for new clusters in standard support (14
 * months after its EKS release) and then in extended support (12 more months, charged per cluster hour); after that
 * EKS upgrades the cluster itself ("Understand the Kubernetes version lifecycle on EKS",
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html, and its release calendar; dates as
 * listed there and on https://endoflife.date/amazon-eks, checked 2026-12-07). Add a row when EKS releases a version.
 *
 * The component judges a version on the date the table was checked (`EKS_VERSIONS_AS_OF`), not on the clock: a
 * deployed stack must not start failing on a date with no change to its code or to this package. What the clock
 * says is a warning (`kubernetesVersionWarning`).
 */

/** The day this table was last checked against AWS's calendar. */
export const EKS_VERSIONS_AS_OF = "2026-12-07";

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

const minor = (version: string) => (/^1\.(\d+)$/.exec(version) ? Number(version.slice(2)) : undefined);

/** A version newer than every row (EKS released it after the table was checked): not judged, only warned about. */
function newerThanTable(version: string): boolean {
    const m = minor(version);
    return m !== undefined && EKS_KUBERNETES_VERSIONS.every((v) => m > (minor(v.version) ?? Infinity));
}

/**
 * The message for a version EKS did not offer on `date` (naming those it did), or undefined. `date` defaults to
 * the day the table was checked, so the answer never changes with the clock.
 */
export function kubernetesVersionProblem(
    label: string,
    version: string,
    date: Date = new Date(`${EKS_VERSIONS_AS_OF}T00:00:00Z`),
): string | undefined {
    const { standard, extended } = supportedKubernetesVersions(date);
    if (standard.includes(version) || extended.includes(version) || newerThanTable(version)) return undefined;
    const paid = extended.length > 0 ? ` or, at extra cost per cluster hour, extended support (${extended.join(", ")})` : "";
    return `\`${label}\` "${version}" is not offered by EKS on ${day(date)}: use one in standard support (${standard.join(", ")})${paid}.`;
}

/**
 * What the clock adds: a version newer than the table, or one whose extended support has ended since the table was
 * checked (EKS upgrades such clusters itself and refuses new ones), as a warning; undefined when neither.
 */
export function kubernetesVersionWarning(label: string, version: string, now: Date = new Date()): string | undefined {
    if (newerThanTable(version))
        return `\`${label}\` "${version}" is newer than this package's table of EKS versions (checked ${EKS_VERSIONS_AS_OF}); it is not checked here.`;
    const row = EKS_KUBERNETES_VERSIONS.find((v) => v.version === version);
    if (row && day(now) > row.endOfExtendedSupport)
        return `\`${label}\` "${version}": EKS ended its extended support on ${row.endOfExtendedSupport} (it upgrades such clusters itself and creates no new ones); move to a newer version.`;
    return undefined;
}
