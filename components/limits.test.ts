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
