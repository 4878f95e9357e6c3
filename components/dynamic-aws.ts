/**
 * AWS calls from the package's own dynamic providers (the database bootstrap, the Express drain wait), made as
 * the AWS provider that created the resources would make them: the same identity, region and endpoints.
 *
 * Two halves:
 *   - program side (`awsCallInputs`): what a dynamic resource passes as inputs — the names (never values) of the
 *     stack's `aws:` config keys, or an explicit aws.Provider's non-credential settings — and the resource
 *     options without that aws provider (it is for the AWS calls, not the provider of a pulumi-nodejs resource);
 *   - provider side (`awsCallSettings`): the settings to call with, from those inputs and the stack config the
 *     engine hands the provider's `configure` (pulumi/pulumi pkg/resource/deploy/target.go, GetPackageConfig:
 *     "For dynamic providers, we always pass the full configuration", Pulumi CLI 3.139+).
 * Which settings are honoured and which are refused by name is aws-settings.ts.
 *
 * The provider side is serialized with each dynamic provider, so it imports nothing at module level but types
 * and aws-settings.ts's functions.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    CREDENTIAL_AWS_SETTINGS,
    decodedSetting,
    HONOURED_AWS_SETTINGS,
    parseAwsSettings,
    UNSUPPORTED_AWS_SETTINGS,
    type AwsSettings,
} from "./aws-settings";

/** What the dynamic-provider host gives `configure`: the stack's config, every namespace (Pulumi CLI 3.139+). */
export interface HostConfig {
    get(key: string): string | undefined;
}

/** The inputs a dynamic resource that calls AWS carries (never credentials). */
export interface AwsCallInputs {
    /** Names (never values) of the `aws:` config keys the program saw: the provider checks it was given them. */
    readonly awsConfigKeys?: string[];
    /** An explicit aws.Provider's settings, credentials excluded (explicitProviderInput). */
    readonly awsProvider?: { readonly name: string; readonly settings: Record<string, unknown> };
}

/** Pulumi's marker for a value unknown during preview (@pulumi/pulumi runtime/rpc.js, unknownValue). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const hasUnknown = (v: unknown): boolean =>
    v === UNKNOWN || (v !== null && typeof v === "object" && Object.keys(v).some((k) => hasUnknown((v as Record<string, unknown>)[k])));

/**
 * The settings a dynamic provider calls AWS with: the explicit provider's when the component got one, else the
 * stack's `aws:` config as the host handed it to `configure`. `who` names the caller in the error.
 */
export function awsCallSettings(inputs: AwsCallInputs, config: HostConfig | undefined, who: string): AwsSettings {
    const explicit = inputs.awsProvider;
    if (explicit) return parseAwsSettings({ provider: explicit.name }, (key) => explicit.settings[key]);
    const missing = (inputs.awsConfigKeys ?? []).filter((key) => config?.get(key) === undefined);
    if (missing.length > 0) {
        throw new Error(
            `the program's config sets ${missing.join(", ")}, but the Pulumi engine did not pass them to the ${who} (dynamic providers receive the stack's config from Pulumi CLI 3.139 on); upgrade the Pulumi CLI.`,
        );
    }
    return parseAwsSettings({}, (key) => config?.get(`aws:${key}`));
}

/** A provider's package ("aws", "pulumi-nodejs"): the SDK's own test (resource.ts), absent from its declarations. */
const packageOf = (p: pulumi.ProviderResource): string => (p as unknown as { getPackage(): string }).getPackage();

/**
 * The aws provider the resource's siblings use when it is not the default one: `opts.provider`, else the one
 * the parent component passes to its aws children (its `provider`/`providers` option or an ancestor's).
 */
export function explicitAwsProvider(opts?: pulumi.CustomResourceOptions): pulumi.ProviderResource | undefined {
    const isAws = (p: pulumi.ProviderResource | undefined) => (p && packageOf(p) === "aws" ? p : undefined);
    return isAws(opts?.provider) ?? isAws(opts?.parent?.getProvider("aws:rds/cluster:Cluster"));
}

/**
 * An explicit provider's settings as the provider keeps them: JSON-encoded values decoded, unset ones dropped.
 * Checked here, so a preview names what cannot be honoured (credentials only count as "set"), and again in the
 * provider. Throws naming the provider and the setting.
 */
export function explicitProviderSettings(
    name: string,
    raw: Record<string, unknown>,
    hasCredentials: boolean,
): { name: string; settings: Record<string, unknown> } {
    const settings: Record<string, unknown> = {};
    for (const key of Object.keys(raw)) {
        const value = decodedSetting(raw[key]);
        if (value !== undefined && value !== null && value !== "") settings[key] = value;
    }
    parseAwsSettings({ provider: name }, (key) => (key === "accessKey" && hasCredentials ? "(set)" : settings[key]));
    return { name, settings };
}

/**
 * An explicit aws.Provider's settings as an input: every setting honoured or refused, never credentials (only
 * whether the provider has any). A provider the program cannot read — a reference, as a component hosted by
 * `pulumi package add` receives it — is refused rather than silently replaced.
 */
export function explicitProviderInput(
    p: pulumi.ProviderResource,
    who: string,
): pulumi.Output<{ name: string; settings: Record<string, unknown> }> {
    const props = p as unknown as Record<string, unknown>;
    if (!pulumi.Output.isInstance(props.region)) {
        throw new Error(
            `${who} cannot read the settings of an explicit aws provider that reached the component as a reference (as in a component hosted by \`pulumi package add\`), so it cannot call AWS as that provider would; pass the provider from a TypeScript program, or use the default provider (aws: config).`,
        );
    }
    const keys = [
        ...HONOURED_AWS_SETTINGS.filter((k) => !(CREDENTIAL_AWS_SETTINGS as readonly string[]).includes(k)),
        ...Object.keys(UNSUPPORTED_AWS_SETTINGS),
    ];
    const values: Record<string, pulumi.Input<unknown>> = {};
    for (const key of keys) values[key] = props[key];
    // Only whether credentials are set leaves the secret outputs; the flag itself is no secret.
    const hasCredentials = pulumi.unsecret(
        pulumi.all(CREDENTIAL_AWS_SETTINGS.map((k) => props[k])).apply((v) => v.some((x) => x !== undefined && x !== "")),
    );
    const name = p.urn.apply((urn) => urn.split("::").pop() ?? urn);
    return pulumi
        .all([name, pulumi.all(values), hasCredentials])
        .apply(([n, raw, credentials]) => explicitProviderSettings(n, raw, credentials));
}

/** The inputs that tell a dynamic provider how to call AWS, for a resource created with `opts`. */
export function awsCallInputs(
    opts: pulumi.CustomResourceOptions | undefined,
    who: string,
): Record<keyof AwsCallInputs, pulumi.Input<unknown>> {
    const aws = explicitAwsProvider(opts);
    return {
        // Key names only: the values are read by the provider from the config the engine hands it.
        awsConfigKeys: Object.keys(pulumi.runtime.allConfig())
            .filter((key) => key.startsWith("aws:"))
            .sort(),
        awsProvider: aws ? explicitProviderInput(aws, who) : undefined,
    };
}

/** `opts` without an aws provider: that one is for the AWS calls, not the provider of a pulumi-nodejs resource. */
export function withoutAwsProvider(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions | undefined {
    return opts?.provider && packageOf(opts.provider) !== "pulumi-nodejs" ? { ...opts, provider: undefined } : opts;
}
