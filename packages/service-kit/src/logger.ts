import pino, { type Logger } from "pino";

export type { Logger } from "pino";

/** JSON logs on stdout (CloudWatch / App Runner pick them up as-is). LOG_LEVEL=silent mutes them in tests. */
export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? "info"): Logger {
    return pino({
        level,
        base: { service },
        timestamp: pino.stdTimeFunctions.isoTime,
        redact: { paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "password"], censor: "[redacted]" },
        formatters: { level: (label) => ({ level: label }) },
    });
}
