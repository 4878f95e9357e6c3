import { parseIpv4Cidr, reservedRangeIn } from "./ipv4-cidr";

describe("parseIpv4Cidr", () => {
    it.each([
        ["52.94.76.0/24", { base: 52 * 2 ** 24 + 94 * 2 ** 16 + 76 * 2 ** 8, prefix: 24 }],
        ["52.94.76.9/32", { base: 52 * 2 ** 24 + 94 * 2 ** 16 + 76 * 2 ** 8 + 9, prefix: 32 }],
        ["0.0.0.0/0", { base: 0, prefix: 0 }],
        ["255.255.255.255/32", { base: 2 ** 32 - 1, prefix: 32 }],
    ])("should parse %s", (text, expected) => {
        expect(parseIpv4Cidr(text)).toEqual(expected);
    });

    it.each([
        "52.94.76.0",
        "52.94.76.0/33",
        "256.1.1.0/24",
        "52.94.76.1/24",
        "0.0.0.0/-1",
        " 52.94.76.0/24",
        "52.94.76.0/24,",
        "a.b.c.d/8",
    ])("should refuse %s (no prefix, prefix or octet out of range, host bits, stray characters)", (text) => {
        expect(parseIpv4Cidr(text)).toBeUndefined();
    });
});

describe("reservedRangeIn", () => {
    const reserved = (text: string) => reservedRangeIn(parseIpv4Cidr(text)!);

    it("should name the reserved range a CIDR lies in", () => {
        expect(reserved("203.0.113.0/24")).toBe("203.0.113.0/24 (documentation, RFC 5737)");
        expect(reserved("192.0.2.128/25")).toBe("192.0.2.0/24 (documentation, RFC 5737)");
        expect(reserved("172.20.0.0/16")).toBe("172.16.0.0/12 (private, RFC 1918)");
        expect(reserved("100.100.0.1/32")).toBe("100.64.0.0/10 (carrier-grade NAT, RFC 6598)");
    });

    it("should name a reserved range a wider CIDR includes", () => {
        expect(reserved("0.0.0.0/1")).toBe('0.0.0.0/8 ("this network")');
        expect(reserved("192.0.0.0/16")).toBe("192.0.0.0/24 (IETF protocol assignments)");
    });

    it("should accept public ranges next to reserved ones, and 0.0.0.0/0 (EKS's 'anywhere', judged by config)", () => {
        expect(reserved("52.94.76.0/24")).toBeUndefined();
        expect(reserved("203.0.114.0/24")).toBeUndefined();
        expect(reserved("11.0.0.0/8")).toBeUndefined();
        expect(reserved("0.0.0.0/0")).toBeUndefined();
    });
});
