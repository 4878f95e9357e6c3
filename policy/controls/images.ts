// Image references and App Runner deployment: a deploy changes only when the image does (DESIGN:
// ContainerImage outputs a digest-pinned `repo@sha256:…` URI).
import { Control, Props, STRICT_FROM_STAGING, STRICT_IN_PROD } from "../types";
import { K8S_WORKLOAD_TYPES, asArray, get, imageRefKind, isUnknown, parseJson, podContainers, podSpec, show } from "../util";

const APP_RUNNER = "aws:apprunner/service:Service";
const DOCKER_IMAGE = "docker:index/image:Image";
const DOCKER_BUILD_IMAGE = "docker-build:index:Image";
const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const EXPRESS = "aws:ecs/expressGatewayService:ExpressGatewayService";

/** Known image references of a resource, each with where it came from. Unknown ones are skipped. */
export function imageReferences(type: string, props: Props): { where: string; ref: string }[] {
    const out: { where: string; ref: string }[] = [];
    const add = (where: string, ref: unknown) => {
        if (typeof ref === "string" && ref.length > 0) out.push({ where, ref });
    };
    switch (type) {
        case DOCKER_IMAGE:
            add("imageName", get(props, "imageName"));
            break;
        case DOCKER_BUILD_IMAGE: {
            const tags = asArray(get(props, "tags"));
            if (!isUnknown(tags)) tags.forEach((t, i) => add(`tags[${i}]`, t));
            break;
        }
        case APP_RUNNER:
            add("sourceConfiguration.imageRepository.imageIdentifier", get(props, "sourceConfiguration.imageRepository.imageIdentifier"));
            break;
        case EXPRESS:
            add("primaryContainer.image", get(props, "primaryContainer.image"));
            break;
        case TASK_DEFINITION: {
            const defs = parseJson(get(props, "containerDefinitions"));
            if (Array.isArray(defs)) defs.forEach((c, i) => add(`container "${c?.name ?? i}" image`, c?.image));
            break;
        }
        default:
            if (K8S_WORKLOAD_TYPES.includes(type)) {
                for (const c of podContainers(podSpec(type, props))) add(`${c.kind} "${c.name}" image`, get(c.spec, "image"));
            }
    }
    return out;
}

export const imageControls: Control[] = [
    {
        id: "image-no-latest-tag",
        description: "Image references name a specific tag or digest, never `:latest` or no tag (which means latest).",
        source: "CKV_K8S_14, CIS Docker Benchmark 5.27",
        resourceTypes: [DOCKER_IMAGE, DOCKER_BUILD_IMAGE, APP_RUNNER, EXPRESS, TASK_DEFINITION, ...K8S_WORKLOAD_TYPES],
        enforcement: STRICT_FROM_STAGING,
        remediation: "Use ContainerImage's imageUri (repo@sha256:…) or a unique per-build tag.",
        check: (type, props) =>
            imageReferences(type, props).flatMap(({ where, ref }) => {
                const kind = imageRefKind(ref);
                if (kind === "latest") return [`${where} "${ref}" uses the mutable tag latest; pin a digest or a unique tag.`];
                if (kind === "untagged") return [`${where} "${ref}" has no tag (resolves to latest); pin a digest or a unique tag.`];
                return [];
            }),
    },
    {
        id: "apprunner-image-digest-pinned",
        description: "App Runner services run a digest-pinned image (`repo@sha256:…`), so a deploy changes only when the image does.",
        source: "DESIGN: ContainerImage imageUri is digest-pinned; SLSA / supply-chain pinning",
        resourceTypes: [APP_RUNNER],
        enforcement: STRICT_IN_PROD,
        remediation: "Pass ContainerImage.imageUri (repo@sha256:…) as the image identifier.",
        check: (_t, props) => {
            const id = get(props, "sourceConfiguration.imageRepository.imageIdentifier");
            if (typeof id !== "string" || imageRefKind(id) === "digest") return []; // unknown or code-based service
            return [`sourceConfiguration.imageRepository.imageIdentifier "${id}" must be digest-pinned (repo@sha256:…).`];
        },
    },
    {
        id: "apprunner-no-auto-deploy",
        description: "App Runner does not redeploy on every push to the repository; Pulumi deploys a pinned image.",
        source: "DESIGN: deploys change only when the image does (change control)",
        resourceTypes: [APP_RUNNER],
        enforcement: STRICT_FROM_STAGING,
        remediation: "Set sourceConfiguration.autoDeploymentsEnabled: false.",
        check: (_t, props) => {
            if (get(props, "sourceConfiguration") === undefined) return [];
            const v = get(props, "sourceConfiguration.autoDeploymentsEnabled");
            if (isUnknown(v) || v === false) return [];
            // App Runner turns automatic deployment on when the field is omitted.
            return [`sourceConfiguration.autoDeploymentsEnabled must be false (got ${show(v ?? "unset, default true")}).`];
        },
    },
];
