// The policy SDK hands validateResource a proxy over the inputs that throws UnknownValueError when a
// not-yet-known value is read; the server then reports "can't run policy during preview" as advisory.
// We want "unknown is pass" (see util.ts), so the adapter reads the proxy's raw target and replaces the
// unknown sentinels with `undefined`, keeping the key so controls can tell unknown from absent.

import type { Props } from "./types";

/**
 * Unknown sentinels of @pulumi/policy 1.21 (proxy.js: unknownBooleanValue … unknownObjectValue), the same
 * UUIDs the engine's gRPC protocol uses for unknowns. Pinned with the exact @pulumi/policy version.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The proxy's escape hatch (proxy.js `getSpecialProxyTarget`). */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** Deep copy of `props` with unknown sentinels replaced by `undefined` (keys kept). */
export function withoutUnknowns(props: Props): Props {
    const raw = props && typeof props === "object" ? (props[PROXY_TARGET] ?? props) : props;
    return strip(raw) as Props; // an object stays an object of the same keys
}

function strip(v: unknown): unknown {
    if (typeof v === "string") return UNKNOWN_SENTINELS.has(v) ? undefined : v;
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) out[k] = strip(x);
        return out;
    }
    return v;
}
