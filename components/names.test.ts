import { boundedName, stackScopedName } from "./names";

describe("physical names", () => {
    it("should keep a short name as it is", () => {
        expect(boundedName("catalogue-api-dev-scale", 32)).toBe("catalogue-api-dev-scale");
    });

    it("should keep two long names that differ only past the limit different, within the limit", () => {
        const a = boundedName("catalogue-api-feature-login-page-a-scale", 32);
        const b = boundedName("catalogue-api-feature-login-page-b-scale", 32);
        expect(a).not.toBe(b);
        expect([a.length, b.length]).toEqual([32, 32]);
        expect(a).toMatch(/^catalogue-api-feature-l-[0-9a-f]{8}$/);
    });

    it("should carry the stack in characters AWS names accept", () => {
        expect(stackScopedName("visits-api", "dev", 40)).toBe("visits-api-dev");
        expect(stackScopedName("visits-api", "acme/payments/Feature.X", 40)).toBe("visits-api-acme-payments-Feature-X");
        expect(stackScopedName("visits-api", "Feature.X", 40, { lowerCase: true })).toBe("visits-api-feature-x");
        expect(stackScopedName("visits-api", "a-very-long-personal-stack-name-for-testing", 40)).toHaveLength(40);
    });
});
