/**
 * The environment and image rules of every service: variable names, secrets kept out of plain env, and the
 * digest pin.
 */
import * as pulumi from "@pulumi/pulumi";
import { describeValue } from "../limits";
import { isInputValue, mapProblem } from "./shapes";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names valid for a process environment, no name in both maps, and no secret-looking name in plain env. */
export function environmentProblems(environment: unknown, secrets?: unknown): (string | undefined)[] {
    const shapes = [mapProblem("environment", environment), mapProblem("secrets", secrets)];
    if (shapes.some((p) => p !== undefined)) return shapes;
    const plain = Object.keys((environment as Record<string, unknown> | undefined) ?? {});
    const secret = Object.keys((secrets as Record<string, unknown> | undefined) ?? {});
    const problems: string[] = [];
    for (const key of [...plain, ...secret]) {
        if (!ENV_NAME.test(key))
            problems.push(`Environment variable name "${key}" is not valid: use letters, digits and _ and do not start with a digit.`);
    }
    for (const key of plain.filter((k) => secret.includes(k))) {
        problems.push(`\`${key}\` is in both \`environment\` and \`secrets\`; keep it in one.`);
    }
    for (const key of plain) {
        if (/PASSWORD|SECRET|TOKEN|PRIVATE_KEY/i.test(key)) {
            problems.push(`\`environment.${key}\` looks like a secret; pass it in \`secrets\` as a Secrets Manager ARN instead.`);
        }
    }
    return problems;
}

// ---- image -------------------------------------------------------------------------------------------

const DIGEST_PINNED = /^[^\s@]+@sha256:[a-f0-9]{64}$/;

/**
 * The message for an image that is not digest-pinned, or undefined when it is (or is not known yet: an
 * output is checked once it resolves, by `requireDigest`). A tag can move under a running service, a digest
 * cannot, and Pulumi rolls out only when the digest changes.
 */
export function imageProblem(label: string, image: unknown): string | undefined {
    if (image === undefined || image === null)
        return `\`${label}\` is required: a digest-pinned image (repository@sha256:<64 hex>), e.g. ContainerImage.imageUri.`;
    if (isInputValue(image)) return undefined;
    if (typeof image !== "string") return `\`${label}\` must be a string (got ${describeValue(image)}).`;
    if (DIGEST_PINNED.test(image)) return undefined;
    const lastSegment = image.split("/").pop() ?? image;
    const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":")) : undefined;
    const what = tag === ":latest" ? "the mutable tag :latest" : tag ? `the tag ${tag}` : "no tag or digest";
    return `\`${label}\` must be pinned by digest (repository@sha256:<64 hex>), not ${what} (got "${image}"); pass ContainerImage.imageUri.`;
}

/** The image as an output that fails the deployment, naming the component, when it resolves to an unpinned reference. */
export function requireDigest(
    component: string,
    name: string,
    image: pulumi.Input<string>,
    resource: pulumi.Resource,
): pulumi.Output<string> {
    return pulumi.output(image).apply((value) => {
        const problem = imageProblem("image", value);
        if (problem) throw new pulumi.ResourceError(`${component} "${name}": ${problem}`, resource);
        return value;
    });
}
