/**
 * The error-line metric filter must match the lines the apps really write: the service kit's logger (the one every
 * app uses) writes pino's level as its label, so a numeric filter (`$.level >= 50`) would count nothing.
 */
import { Writable } from "node:stream";
import { createLogger } from "../../packages/service-kit/src/logger";
import { ERROR_LOG_PATTERN } from "./logs";

/**
 * CloudWatch Logs' JSON filter semantics for the forms a level filter uses: `$.level = "x"` (string equality) and
 * `$.level >= n` (numeric; a string value never compares), joined by `||`
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html, "Using metric filters to match terms in JSON log events").
 */
function matches(pattern: string, event: Record<string, unknown>): boolean {
    const body = /^\{\s*(.*?)\s*\}$/.exec(pattern);
    if (!body) throw new Error(`not a JSON filter pattern: ${pattern}`);
    return body[1].split("||").some((term) => {
        const t = term.trim();
        const str = /^\$\.(\w+)\s*=\s*"([^"]*)"$/.exec(t);
        if (str) return event[str[1]] === str[2];
        const num = /^\$\.(\w+)\s*(>=|>|<=|<|=)\s*(-?\d+(?:\.\d+)?)$/.exec(t);
        if (num) {
            const v = event[num[1]];
            if (typeof v !== "number") return false;
            const n = Number(num[3]);
            return { ">=": v >= n, ">": v > n, "<=": v <= n, "<": v < n, "=": v === n }[num[2]]!;
        }
        throw new Error(`term the test does not model: ${t}`);
    });
}

function linesOf(level: "debug" | "info" | "warn" | "error" | "fatal"): Record<string, unknown>[] {
    const lines: string[] = [];
    const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
            lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
            done();
        },
    });
    const logger = createLogger("svc", "debug", sink);
    logger[level]({ route: "/x" }, "something");
    return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("the error-line metric filter", () => {
    it("should count the service kit's error and fatal lines", () => {
        for (const level of ["error", "fatal"] as const) {
            const [line] = linesOf(level);
            expect({ level, line: line.level, matched: matches(ERROR_LOG_PATTERN, line) }).toEqual({ level, line: level, matched: true });
        }
    });

    it("should not count debug, info or warn lines", () => {
        for (const level of ["debug", "info", "warn"] as const) {
            const [line] = linesOf(level);
            expect({ level, matched: matches(ERROR_LOG_PATTERN, line) }).toEqual({ level, matched: false });
        }
    });
});
