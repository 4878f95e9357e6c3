import * as pulumi from "@pulumi/pulumi";
import { describeValue } from "./limits";

// Every argument-shape message ends in "(got <describeValue(value)>)": it must say what was passed, never
// "[object Object]" or a function's source.
describe("describeValue", () => {
    it.each([
        [undefined, "nothing"],
        [null, "null"],
        ["x", 'the string "x"'],
        [["a"], 'a list ["a"]'],
        [{ a: 1 }, 'an object {"a":1}'],
        [3, "number 3"],
        [false, "boolean false"],
        [() => "secret source", "a function"],
        [Symbol("s"), "a symbol"],
    ])("should describe %p as %p", (value, expected) => {
        expect(describeValue(value)).toBe(expected);
    });

    it("should describe an output without reading it", () => {
        expect(describeValue(pulumi.output("x"))).toBe("an output");
    });

    it("should describe an object JSON cannot show (a cycle) without [object Object]", () => {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        expect(describeValue(cyclic)).toBe("an object that cannot be shown as JSON");
    });
});

describe("range rules", () => {
    it("should say a number given as a string was the string, not hide it behind the number", async () => {
        const { intRange, acu, fargateCpuMemory } = await import("./limits");
        expect(intRange("minSize", "2" as unknown as number, 1, 25)).toBe(
            '`minSize` must be an integer between 1 and 25 (got the string "2").',
        );
        expect(acu("minCapacity", "1" as unknown as number, true)).toBe(
            '`minCapacity` must be 0, or 0.5-256 ACU in 0.5 steps (got the string "1").',
        );
        expect(fargateCpuMemory("cpu", "256" as unknown as number, "memory", 512)).toBe(
            '`cpu` must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units (got the string "256").',
        );
        expect(intRange("minSize", 30, 1, 25)).toBe("`minSize` must be an integer between 1 and 25 (got 30).");
    });
});
