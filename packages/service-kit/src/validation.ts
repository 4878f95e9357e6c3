import { z } from "zod";

// C0/C1 control characters (NUL cannot be stored in PostgreSQL text; none belong in a display name) and
// unpaired UTF-16 surrogates (they cannot be encoded as UTF-8 and would be silently replaced).
const CONTROL_OR_LONE_SURROGATE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A trimmed, non-empty display string of at most `max` characters without control characters. */
export function displayText(max: number) {
  return z
    .string({ message: "must be a string" })
    .trim()
    .min(1, { message: "must not be empty" })
    .max(max, { message: `must be at most ${max} characters` })
    .refine((value) => !CONTROL_OR_LONE_SURROGATE.test(value), { message: "must not contain control characters" });
}

/** A JSON number with at most `places` decimal places between min and max. */
export function decimal(options: { min: number; max: number; places: number }) {
  const factor = 10 ** options.places;
  return z
    .number({ message: "must be a number" })
    .min(options.min, { message: `must be at least ${options.min}` })
    .max(options.max, { message: `must be at most ${options.max}` })
    .refine((value) => Math.abs(Math.round(value * factor) - value * factor) < 1e-6, {
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
