/**
 * Argument shape checks shared by every component: callers in JavaScript, YAML or another language (and casts
 * in TypeScript) can pass a value of the wrong shape, and each check names the argument instead of letting a
 * later `.startsWith` or `.map` raise a TypeError. Each returns a message naming `label`, or undefined.
 */
import { describeValue, isOutputOrPromise as isInputValue } from "../limits";

export { isInputValue };

/** Required argument present (any value). */
export function requiredProblem(label: string, value: unknown): string | undefined {
    return value === undefined || value === null ? `\`${label}\` is required.` : undefined;
}

/** A string (or an output of one), when set; `required` also refuses nothing. */
export function stringProblem(label: string, value: unknown, required = false): string | undefined {
    if (value === undefined) return required ? `\`${label}\` is required.` : undefined;
    return typeof value === "string" || isInputValue(value) ? undefined : `\`${label}\` must be a string (got ${describeValue(value)}).`;
}

/** A list (or an output of one), when set. */
export function listProblem(label: string, value: unknown, required = false): string | undefined {
    if (value === undefined) return required ? `\`${label}\` is required (a list).` : undefined;
    return Array.isArray(value) || isInputValue(value) ? undefined : `\`${label}\` must be a list (got ${describeValue(value)}).`;
}

/** A map of names to values (a plain object), when set. */
export function mapProblem(label: string, value: unknown): string | undefined {
    if (value === undefined) return undefined;
    return typeof value === "object" && value !== null && !Array.isArray(value) && !isInputValue(value)
        ? undefined
        : `\`${label}\` must be a map of names to values (got ${describeValue(value)}).`;
}

/** true or false, when set. */
export function booleanProblem(label: string, value: unknown): string | undefined {
    return value === undefined || typeof value === "boolean"
        ? undefined
        : `\`${label}\` must be true or false (got ${describeValue(value)}).`;
}

/** An object of named fields, when set. */
export function objectProblem(label: string, value: unknown, required = false): string | undefined {
    if (value === undefined) return required ? `\`${label}\` is required.` : undefined;
    return typeof value === "object" && value !== null && !Array.isArray(value) && !isInputValue(value)
        ? undefined
        : `\`${label}\` must be an object (got ${describeValue(value)}).`;
}

/** One of the allowed strings (an enum), when set. */
export function enumProblem(label: string, value: unknown, allowed: readonly string[]): string | undefined {
    if (value === undefined) return undefined;
    if (allowed.includes(value as string)) return undefined;
    return `\`${label}\` must be one of ${allowed.join(", ")} (got ${typeof value === "string" ? JSON.stringify(value) : describeValue(value)}).`;
}

/** An HTTP path starting with "/", when set. */
export function pathProblem(label: string, value: unknown): string | undefined {
    if (value === undefined) return undefined;
    return typeof value === "string" && value.startsWith("/")
        ? undefined
        : `\`${label}\` must be a path starting with "/" (got ${describeValue(value)}).`;
}
