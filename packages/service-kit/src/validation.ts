import { z } from "zod";

// C0/C1 control characters (NUL cannot be stored in PostgreSQL text; none belong in a display name) and
// unpaired UTF-16 surrogates (they cannot be encoded as UTF-8 and would be silently replaced).
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL_OR_LONE_SURROGATE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const CHARACTER_RULE = { message: "must not contain control characters or unpaired surrogates" };

/** A trimmed, non-empty display string of at most `max` characters without control characters. */
export function displayText(max: number) {
    return z
        .string({ message: "must be a string" })
        .trim()
        .min(1, { message: "must not be empty" })
        .max(max, { message: `must be at most ${max} characters` })
        .refine((value) => !CONTROL_OR_LONE_SURROGATE.test(value), CHARACTER_RULE);
}

/**
 * Optional free text (may be empty, kept as sent) of at most `max` characters, with the SAME character rule
 * as displayText: every free-text field of every service refuses C0/C1 controls (newlines and tabs included)
 * and unpaired surrogates, so nothing is stored that another field would have refused.
 */
export function freeText(max: number) {
    return z
        .string({ message: "must be a string" })
        .max(max, { message: `must be at most ${max} characters` })
        .refine((value) => !CONTROL_OR_LONE_SURROGATE.test(value), CHARACTER_RULE);
}

/**
 * A JSON number with at most `places` decimal places between min and max. "At most" is exact: the value must
 * equal itself rounded to `places` decimals (as a double), so 1.000000001 is refused rather than echoed in the
 * 201 and stored as 1.00 by DECIMAL(10,2) — the answer always equals what is stored. (Refusing beats rounding:
 * a client that sends a third decimal has a bug or a different currency unit, and silently changing an amount
 * is worse than a 400 naming the field.)
 */
export function decimal(options: { min: number; max: number; places: number }) {
    return z
        .number({ message: "must be a number" })
        .min(options.min, { message: `must be at least ${options.min}` })
        .max(options.max, { message: `must be at most ${options.max}` })
        .refine((value) => Number(value.toFixed(options.places)) === value, {
            message: `must have at most ${options.places} decimal places`,
        });
}

/** Optional integer query parameter with bounds (strings in, number out). */
export function queryInt(options: { min: number; max: number; fallback: number }) {
    return z.coerce
        .number({ message: "must be an integer" })
        .int({ message: "must be an integer" })
        .min(options.min, { message: `must be at least ${options.min}` })
        .max(options.max, { message: `must be at most ${options.max}` })
        .default(options.fallback);
}
