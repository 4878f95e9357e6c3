import pino, { type Logger } from "pino";

export type { Logger } from "pino";

/**
 * JSON logs on stdout (CloudWatch / App Runner pick them up as-is). LOG_LEVEL=silent mutes them in tests. The level is
 * written as its label ("error", "fatal"), which the components' error-line metric filter matches
 * (components/observability/logs.ts). `destination` is for tests that read the lines.
 */
export function createLogger(
    service: string,
    level: string = process.env.LOG_LEVEL ?? "info",
    destination?: pino.DestinationStream,
): Logger {
    const options: pino.LoggerOptions = {
        level,
        base: { service },
        timestamp: pino.stdTimeFunctions.isoTime,
        redact: { paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "password"], censor: "[redacted]" },
        formatters: { level: (label) => ({ level: label }) },
    };
    return destination ? pino(options, destination) : pino(options);
}
