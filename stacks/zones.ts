/**
 * Availability zones chosen by zone ID, never by name.
 *
 * Zone *names* (us-east-1a…) are mapped to physical zones independently for each account in the older
 * regions, while zone *IDs* (use1-az1…) name the same physical zone in every account
 * (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html). Some
 * services refuse particular physical zones, so "the first N names" deploys in one account and fails in
 * the next. The table below lists, per service, the zone IDs it documents as unsupported; the network
 * excludes the IDs of every service the stack actually runs, then takes the first N remaining zones.
 */

export type ZoneService = "eks" | "rds-proxy";

export interface UnsupportedZones {
    readonly service: ZoneService;
    readonly zoneIds: readonly string[];
    /** What goes wrong in those zones. */
    readonly failure: string;
    /** Where AWS says so (checked 2026-11-30). */
    readonly source: string;
}

/** Zone IDs each service cannot use. Add a row when AWS documents another one. */
export const UNSUPPORTED_ZONE_IDS: readonly UnsupportedZones[] = [
    {
        service: "eks",
        zoneIds: ["use1-az3", "usw1-az2", "cac1-az3"],
        failure: "CreateCluster fails with UnsupportedAvailabilityZoneException for a subnet in these zones",
        source: "https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html#network-requirements-subnets",
    },
    {
        service: "rds-proxy",
        zoneIds: ["use1-az3"],
        failure: "RDS Proxy is not supported in this zone (a subnet there is dropped or refused)",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.html#rds-proxy.limitations",
    },
];

/** The zone IDs to avoid for a set of services. */
export function excludedZoneIds(services: readonly ZoneService[]): string[] {
    return [...new Set(UNSUPPORTED_ZONE_IDS.filter((row) => services.includes(row.service)).flatMap((row) => row.zoneIds))].sort();
}

export interface ZoneChoice {
    readonly names: string[];
    readonly zoneIds: string[];
}

/**
 * The first `count` zones (in zone-ID order, so every account picks the same physical zones) whose ID
 * the services can use. `names`/`zoneIds` are the region's available zones as `getAvailabilityZones`
 * returns them (parallel arrays). Throws, naming the config key, when too few remain.
 */
export function selectZones(available: ZoneChoice, count: number, services: readonly ZoneService[], region: string): ZoneChoice {
    if (available.names.length !== available.zoneIds.length) {
        throw new Error(`getAvailabilityZones returned ${available.names.length} names but ${available.zoneIds.length} zone IDs.`);
    }
    const excluded = excludedZoneIds(services);
    const usable = available.zoneIds
        .map((zoneId, i) => ({ zoneId, name: available.names[i] }))
        .filter((z) => !excluded.includes(z.zoneId))
        .sort((a, b) => a.zoneId.localeCompare(b.zoneId, "en", { numeric: true }));
    if (usable.length < count) {
        throw new Error(
            `\`serverless-containers:availabilityZones\` is ${count}, but region ${region} has only ${usable.length} zone(s) usable by ${services.join(", ") || "this stack"} ` +
                `(available: ${available.zoneIds.join(", ") || "none"}; excluded: ${excluded.join(", ") || "none"}). Lower the count or pick another region.`,
        );
    }
    const chosen = usable.slice(0, count);
    return { names: chosen.map((z) => z.name), zoneIds: chosen.map((z) => z.zoneId) };
}
