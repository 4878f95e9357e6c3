/**
 * IPv4 CIDR rules shared by the EKS cluster component and stacks/config.ts: strict parsing, and the
 * reserved ranges EKS refuses for a public API endpoint ("The blocks cannot include reserved addresses",
 * EKS user guide, https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html, which links the
 * IANA special-purpose list summarised at https://en.wikipedia.org/wiki/Reserved_IP_addresses).
 */

export interface Ipv4Cidr {
    /** Network address as an unsigned 32-bit integer. */
    readonly base: number;
    readonly prefix: number;
}

/** What a valid CIDR looks like, for messages (a public range, so it passes every rule here). */
export const CIDR_RULE = "an IPv4 CIDR: four octets 0-255, a prefix 0-32 and no host bits (e.g. 52.94.76.0/24)";

/** Parse "a.b.c.d/n" strictly: decimal octets 0-255, prefix 0-32, host bits zero. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    const base = octets.reduce((acc, o) => acc * 256 + o, 0);
    const hostBits = prefix === 32 ? 0 : base % 2 ** (32 - prefix);
    return hostBits === 0 ? { base, prefix } : undefined;
}

/** Special-purpose IPv4 ranges (IANA registry) that are not routable on the public internet. */
export const RESERVED_IPV4_RANGES: readonly (readonly [cidr: string, what: string])[] = [
    ["0.0.0.0/8", '"this network"'],
    ["10.0.0.0/8", "private, RFC 1918"],
    ["100.64.0.0/10", "carrier-grade NAT, RFC 6598"],
    ["127.0.0.0/8", "loopback"],
    ["169.254.0.0/16", "link-local"],
    ["172.16.0.0/12", "private, RFC 1918"],
    ["192.0.0.0/24", "IETF protocol assignments"],
    ["192.0.2.0/24", "documentation, RFC 5737"],
    ["192.88.99.0/24", "6to4 relay anycast"],
    ["192.168.0.0/16", "private, RFC 1918"],
    ["198.18.0.0/15", "benchmarking, RFC 2544"],
    ["198.51.100.0/24", "documentation, RFC 5737"],
    ["203.0.113.0/24", "documentation, RFC 5737"],
    ["224.0.0.0/4", "multicast"],
    ["240.0.0.0/4", "reserved, including broadcast"],
];

function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
    const prefix = Math.min(a.prefix, b.prefix);
    const size = 2 ** (32 - prefix);
    return Math.floor(a.base / size) === Math.floor(b.base / size);
}

/** True for 0.0.0.0/0, which EKS accepts and treats as "anywhere". */
export function isWorld(cidr: Ipv4Cidr): boolean {
    return cidr.prefix === 0;
}

/** "203.0.113.0/24 (documentation, RFC 5737)" when `cidr` includes or lies in a reserved range; undefined otherwise and for 0.0.0.0/0. */
export function reservedRangeIn(cidr: Ipv4Cidr): string | undefined {
    if (isWorld(cidr)) return undefined;
    for (const [range, what] of RESERVED_IPV4_RANGES) {
        if (overlaps(cidr, parseIpv4Cidr(range)!)) return `${range} (${what})`;
    }
    return undefined;
}
