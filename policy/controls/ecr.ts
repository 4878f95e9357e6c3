// ECR repositories (ContainerImage component): scanning, immutable tags, KMS encryption.
import { Control, STRICT_FROM_STAGING, STRICT_IN_PROD } from "../types";
import { asArray, get, isUnknown, show } from "../util";

const REPOSITORY = "aws:ecr/repository:Repository";

export const ecrControls: Control[] = [
    {
        id: "ecr-scan-on-push",
        description: "ECR repositories scan every pushed image for vulnerabilities.",
        source: "FSBP ECR.1, CKV_AWS_163",
        resourceTypes: [REPOSITORY],
        enforcement: STRICT_FROM_STAGING,
        remediation: "Set imageScanningConfiguration: { scanOnPush: true } (or enable enhanced scanning on the registry).",
        check: (_type, props) => {
            const scan = get(props, "imageScanningConfiguration.scanOnPush");
            if (isUnknown(scan) || scan === true) return [];
            return [`imageScanningConfiguration.scanOnPush must be true (got ${show(scan ?? "unset, default false")}).`];
        },
    },
    {
        id: "ecr-immutable-tags",
        description: "ECR repositories make image tags immutable so a tag always names the same image.",
        source: "FSBP ECR.2, CKV_AWS_51",
        resourceTypes: [REPOSITORY],
        enforcement: STRICT_FROM_STAGING,
        remediation: 'Set imageTagMutability: "IMMUTABLE" and push a unique tag per build.',
        check: (_type, props) => {
            const m = get(props, "imageTagMutability");
            if (isUnknown(m) || m === "IMMUTABLE") return [];
            return [`imageTagMutability must be "IMMUTABLE" (got ${m === undefined ? "unset, default MUTABLE" : `"${show(m)}"`}).`];
        },
    },
    {
        id: "ecr-kms-encryption",
        description: "ECR repositories encrypt images with KMS (AWS-managed or customer key) rather than the default AES-256.",
        source: "CKV_AWS_136",
        resourceTypes: [REPOSITORY],
        enforcement: STRICT_IN_PROD,
        remediation:
            'Set encryptionConfigurations: [{ encryptionType: "KMS" }] (add kmsKey for a customer-managed key). Changing it replaces the repository.',
        check: (_type, props) => {
            const configs = asArray(get(props, "encryptionConfigurations"));
            if (isUnknown(configs)) return [];
            const t = configs.length === 0 ? undefined : get(configs[0], "encryptionType");
            if (isUnknown(t) || t === "KMS" || t === "KMS_DSSE") return [];
            return [
                `encryptionConfigurations[0].encryptionType must be "KMS" (got ${t === undefined ? "unset, default AES256" : `"${show(t)}"`}).`,
            ];
        },
    },
];
