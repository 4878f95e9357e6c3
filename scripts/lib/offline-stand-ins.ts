/**
 * Values the offline tools (the offline preview, the stack tests) supply for config a real stack must set
 * per AWS account, which the committed stack files therefore leave empty: the EKS access-entry roles a
 * private Kubernetes API requires (stacks/config.ts, eksAccessRolesRequired). A real `pulumi preview` of those
 * files refuses them naming the keys — that refusal is the point — while the offline preview, which runs in
 * no account, plans them with these stand-ins and says so. The ARNs are in the mocks' account (so the program
 * sees no account mismatch) and carry the path `offline-stand-in/`, so none can pass for a real role.
 */
import { ACCOUNT_ID } from "../../components/testing/mocks";
import { eksAccessRolesRequired, EKS_ACCESS_ROLE_KEYS, PROJECT } from "../../stacks/config";
import type { ConfigOverride, ResolvedConfig } from "./stack-config";

export const OFFLINE_STAND_INS: Readonly<Record<(typeof EKS_ACCESS_ROLE_KEYS)[number], string>> = {
    eksDeployRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/offline-stand-in/eks-deploy`,
    eksPreviewRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/offline-stand-in/eks-preview`,
    eksBreakGlassRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/offline-stand-in/eks-break-glass`,
};

/** Fill the required per-account keys the resolved config leaves empty; returns what was filled (empty: nothing). */
export function applyOfflineStandIns(resolved: ResolvedConfig): ConfigOverride[] {
    const full = (key: string) => `${PROJECT}:${key}`;
    const value = (key: string) => resolved.values[full(key)];
    if (
        !eksAccessRolesRequired({
            eksFargateEnabled: value("eksFargateEnabled") === "true",
            eksEndpointPublicAccess: value("eksEndpointPublicAccess") === "true",
        })
    ) {
        return [];
    }
    const filled: ConfigOverride[] = [];
    for (const key of EKS_ACCESS_ROLE_KEYS) {
        if (value(key)) continue;
        filled.push({ key: full(key), from: value(key), to: OFFLINE_STAND_INS[key] });
        resolved.values[full(key)] = OFFLINE_STAND_INS[key];
    }
    return filled;
}
