/**
 * Physical names for resources whose name must be unique per account and region (App Runner services
 * and their configurations, VPC connectors, Cloud Map namespaces…). Pulumi's auto-naming appends a
 * random suffix, but these names are chosen by us, so two stacks in one account collide unless the
 * name carries the stack — and a name cut to a length limit must not lose what made it unique.
 */
import { createHash } from "node:crypto";

const shortHash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);

/**
 * `name` cut to `maxLength`; when it is too long, the cut keeps a prefix and ends in a hash of the full
 * name, so two long names that differ only at the end stay different.
 */
export function boundedName(name: string, maxLength: number): string {
    if (name.length <= maxLength) return name;
    return `${name.slice(0, maxLength - 9).replace(/[-_.]+$/, "")}-${shortHash(name)}`;
}

/**
 * `<base>-<stack>` in the characters a name allows (others become "-"), bounded by `boundedName`.
 * Stack names may hold characters AWS names refuse (`.`, `/` of org/project/stack, upper case for DNS).
 */
export function stackScopedName(base: string, stack: string, maxLength: number, options: { lowerCase?: boolean } = {}): string {
    const raw = `${base}-${stack}`;
    const cleaned = (options.lowerCase ? raw.toLowerCase() : raw)
        .replace(/[^A-Za-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/-$/, "");
    return boundedName(cleaned, maxLength);
}
