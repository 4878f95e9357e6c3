/**
 * The AWS provider settings a component's own AWS SDK calls must honour, so they act as the same identity,
 * in the same region and at the same endpoints as the resources the AWS provider creates.
 *
 * Why: the database bootstrap (database-user.ts) calls the RDS Data API itself, from a Pulumi dynamic
 * provider. It used to take the ambient credential chain and the region of the cluster's ARN, so a stack that
 * deploys with `aws:profile`, `aws:assumeRoles` or custom endpoints ran its bootstrap as someone else (or
 * failed). Here the settings come from either source the AWS provider itself reads:
 *   - the stack's `aws:` config (the default provider), which the engine hands to dynamic providers whole
 *     (pulumi/pulumi pkg/resource/deploy/target.go, GetPackageConfig: "For dynamic providers, we always pass
 *     the full configuration", Pulumi CLI 3.139+), read in the provider's `configure`;
 *   - an explicit `aws.Provider` given to the component, whose non-credential settings travel as inputs.
 * Keys and shapes are pulumi-aws 7's provider config (node_modules/@pulumi/aws/config/vars.d.ts, types
 * `config.AssumeRoles`, `config.AssumeRoleWithWebIdentity`, `config.Endpoints`). A setting that changes where
 * requests go or who sends them and that the bootstrap cannot reproduce is refused by name, never ignored.
 *
 * Nothing here imports at module level (the dynamic provider serializes these functions and loads the SDK in
 * the deployment's process).
 */

/** Reads one raw setting by its pulumi-aws name (`region`, `assumeRoles`…): a config string or a provider output. */
export type AwsSettingSource = (key: string) => unknown;

export interface AssumeRoleSettings {
    readonly roleArn: string;
    readonly sessionName?: string;
    readonly externalId?: string;
    readonly durationSeconds?: number;
    readonly policy?: string;
    readonly policyArns?: string[];
    readonly tags?: Record<string, string>;
    readonly transitiveTagKeys?: string[];
    readonly sourceIdentity?: string;
}

export interface WebIdentitySettings {
    readonly roleArn: string;
    readonly sessionName?: string;
    readonly webIdentityToken?: string;
    readonly webIdentityTokenFile?: string;
    readonly durationSeconds?: number;
    readonly policy?: string;
    readonly policyArns?: string[];
}

export interface AwsSettings {
    /** Where the settings came from, as error messages name it. */
    readonly source: string;
    readonly region?: string;
    readonly profile?: string;
    readonly sharedConfigFile?: string;
    readonly sharedCredentialsFile?: string;
    /** Only from the stack's config (read in the deployment's process, never an input). */
    readonly staticCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
    readonly webIdentity?: WebIdentitySettings;
    /** Assumed in order, each with the previous credentials (the provider's role chaining). */
    readonly assumeRoles: readonly AssumeRoleSettings[];
    readonly rdsDataEndpoint?: string;
    /** `endpoints[].ecs`: where the Express drain wait (express-service-drain.ts) calls ECS. */
    readonly ecsEndpoint?: string;
    readonly stsEndpoint?: string;
    readonly stsRegion?: string;
    readonly useFipsEndpoint?: boolean;
    readonly useDualstackEndpoint?: boolean;
    readonly allowedAccountIds?: readonly string[];
    readonly forbiddenAccountIds?: readonly string[];
}

/** The pulumi-aws settings the bootstrap reproduces. Any other key is irrelevant to its calls (tags, S3, retries…). */
export const HONOURED_AWS_SETTINGS = [
    "region",
    "profile",
    "sharedConfigFiles",
    "sharedCredentialsFiles",
    "accessKey",
    "secretKey",
    "token",
    "assumeRoles",
    "assumeRoleWithWebIdentity",
    "endpoints",
    "stsRegion",
    "useFipsEndpoint",
    "useDualstackEndpoint",
    "allowedAccountIds",
    "forbiddenAccountIds",
] as const;

/** Settings that change the transport or the identity in ways the bootstrap does not reproduce: set, they stop it. */
export const UNSUPPORTED_AWS_SETTINGS: Readonly<Record<string, string>> = {
    customCaBundle: "the bootstrap's HTTPS client trusts Node's CA store only",
    httpProxy: "the bootstrap's HTTPS client does not go through a proxy",
    httpsProxy: "the bootstrap's HTTPS client does not go through a proxy",
    insecure: "the bootstrap always verifies TLS certificates",
    ec2MetadataServiceEndpoint: "the bootstrap's credential chain uses the default instance metadata endpoint",
    ec2MetadataServiceEndpointMode: "the bootstrap's credential chain uses the default instance metadata endpoint",
};

/** Settings that are credentials: read from the stack's config in the deployment's process, never passed as inputs. */
export const CREDENTIAL_AWS_SETTINGS = ["accessKey", "secretKey", "token"] as const;

/** Config strings hold lists, objects and booleans as JSON (how the CLI passes `aws:assumeRoles` etc.). */
export function decodedSetting(value: unknown): unknown {
    if (typeof value !== "string") return value;
    const text = value.trim();
    if (!/^[[{]|^(true|false)$/.test(text)) return value;
    try {
        return JSON.parse(text);
    } catch {
        return value;
    }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const present = (v: unknown): boolean => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);

/** Go duration strings as the provider takes them for role sessions ("1h", "15m", "1h30m", "900s"). */
export function durationSeconds(text: string): number | undefined {
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
    if (!m || text.trim() === "") return undefined;
    return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/**
 * Parse and check the settings. `source` names them in messages: "config" (keys shown as `aws:profile`) or an
 * explicit provider's name (keys shown as `profile` of the aws.Provider "eu"). Throws one error listing every
 * problem, each naming its key.
 */
export function parseAwsSettings(source: { readonly provider?: string }, get: AwsSettingSource): AwsSettings {
    const label = (key: string) =>
        source.provider === undefined ? `\`aws:${key}\`` : `\`${key}\` of the aws.Provider "${source.provider}"`;
    const problems: string[] = [];
    const read = (key: string) => decodedSetting(get(key));
    const text = (key: string): string | undefined => {
        const v = read(key);
        if (!present(v)) return undefined;
        if (typeof v !== "string") problems.push(`${label(key)} must be a string (got ${JSON.stringify(v)}).`);
        return typeof v === "string" ? v : undefined;
    };
    const list = (key: string): string[] | undefined => {
        const v = read(key);
        if (!present(v)) return undefined;
        if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
            problems.push(`${label(key)} must be a list of strings (got ${JSON.stringify(v)}).`);
            return undefined;
        }
        return v;
    };
    const flag = (key: string): boolean | undefined => {
        const v = read(key);
        if (!present(v)) return undefined;
        if (typeof v !== "boolean") problems.push(`${label(key)} must be true or false (got ${JSON.stringify(v)}).`);
        return v === true;
    };
    const oneFile = (key: string): string | undefined => {
        const files = list(key);
        if (files && files.length > 1) {
            problems.push(
                `${label(key)} lists ${files.length} files; the bootstrap's SDK reads one, so list only the file that holds the profile.`,
            );
        }
        return files?.[0];
    };
    const session = (key: string, v: unknown, i?: number) => {
        const where = i === undefined ? label(key) : `${label(key)}[${i}]`;
        if (!isObject(v) || typeof v.roleArn !== "string" || v.roleArn === "") {
            problems.push(`${where} must name a roleArn (got ${JSON.stringify(v)}).`);
            return undefined;
        }
        const duration = typeof v.duration === "string" && v.duration !== "" ? durationSeconds(v.duration) : undefined;
        if (typeof v.duration === "string" && v.duration !== "" && duration === undefined) {
            problems.push(`${where}.duration must be a duration such as "1h" or "15m" (got ${JSON.stringify(v.duration)}).`);
        }
        const str = (k: string) => (typeof v[k] === "string" && v[k] !== "" ? v[k] : undefined);
        const strs = (k: string) => (Array.isArray(v[k]) && (v[k] as unknown[]).length > 0 ? (v[k] as string[]) : undefined);
        return { v, str, strs, duration, roleArn: v.roleArn };
    };

    for (const [key, reason] of Object.entries(UNSUPPORTED_AWS_SETTINGS)) {
        const v = read(key);
        if (present(v) && v !== false)
            problems.push(`${label(key)} is set, but ${reason}, so it cannot call AWS the way the provider does; unset it for this stack.`);
    }

    const accessKey = text("accessKey");
    const secretKey = text("secretKey");
    const token = text("token");
    if (source.provider !== undefined && (accessKey || secretKey || token)) {
        problems.push(
            `${label("accessKey")} (static credentials) cannot reach the bootstrap without writing them into the state; give the provider a profile or assumeRoles.`,
        );
    } else if ((accessKey === undefined) !== (secretKey === undefined)) {
        problems.push(`${label("accessKey")} and ${label("secretKey")} must be set together.`);
    }

    const roles = read("assumeRoles");
    const assumeRoles: AssumeRoleSettings[] = [];
    if (present(roles)) {
        (Array.isArray(roles) ? roles : [roles]).forEach((r, i) => {
            const s = session("assumeRoles", r, i);
            if (!s) return;
            const tags = isObject(s.v.tags) ? (s.v.tags as Record<string, string>) : undefined;
            assumeRoles.push({
                roleArn: s.roleArn,
                sessionName: s.str("sessionName"),
                externalId: s.str("externalId"),
                durationSeconds: s.duration,
                policy: s.str("policy"),
                policyArns: s.strs("policyArns"),
                tags: tags && Object.keys(tags).length > 0 ? tags : undefined,
                transitiveTagKeys: s.strs("transitiveTagKeys"),
                sourceIdentity: s.str("sourceIdentity"),
            });
        });
    }

    let webIdentity: WebIdentitySettings | undefined;
    const web = read("assumeRoleWithWebIdentity");
    if (present(web) && !(isObject(web) && Object.values(web).every((x) => !present(x)))) {
        const s = session("assumeRoleWithWebIdentity", web);
        if (s) {
            const inline = s.str("webIdentityToken");
            if (inline && source.provider !== undefined) {
                problems.push(
                    `${label("assumeRoleWithWebIdentity")}.webIdentityToken is a credential and cannot reach the bootstrap; use webIdentityTokenFile.`,
                );
            }
            webIdentity = {
                roleArn: s.roleArn,
                sessionName: s.str("sessionName"),
                webIdentityToken: inline,
                webIdentityTokenFile: s.str("webIdentityTokenFile"),
                durationSeconds: s.duration,
                policy: s.str("policy"),
                policyArns: s.strs("policyArns"),
            };
            if (!webIdentity.webIdentityToken && !webIdentity.webIdentityTokenFile) {
                problems.push(`${label("assumeRoleWithWebIdentity")} must give webIdentityToken or webIdentityTokenFile.`);
            }
        }
    }

    let rdsDataEndpoint: string | undefined;
    let ecsEndpoint: string | undefined;
    let stsEndpoint: string | undefined;
    const endpoints = read("endpoints");
    if (present(endpoints)) {
        const entries = Array.isArray(endpoints) ? endpoints : [endpoints];
        if (!entries.every(isObject)) problems.push(`${label("endpoints")} must be a list of objects such as [{"rdsdata": "https://…"}].`);
        // `rdsdataservice` is the provider's older alias of `rdsdata` (its Endpoints type lists both).
        const first = (...keys: string[]) =>
            entries
                .filter(isObject)
                .flatMap((e) => keys.map((k) => e[k]))
                .find((u): u is string => typeof u === "string" && u !== "");
        rdsDataEndpoint = first("rdsdata", "rdsdataservice");
        ecsEndpoint = first("ecs");
        stsEndpoint = first("sts");
    }

    const settings: AwsSettings = {
        source: source.provider === undefined ? "the stack's aws: config" : `the aws.Provider "${source.provider}"`,
        region: text("region"),
        profile: text("profile"),
        sharedConfigFile: oneFile("sharedConfigFiles"),
        sharedCredentialsFile: oneFile("sharedCredentialsFiles"),
        staticCredentials:
            source.provider === undefined && accessKey && secretKey
                ? { accessKeyId: accessKey, secretAccessKey: secretKey, sessionToken: token }
                : undefined,
        webIdentity,
        assumeRoles,
        rdsDataEndpoint,
        ecsEndpoint,
        stsEndpoint,
        stsRegion: text("stsRegion"),
        useFipsEndpoint: flag("useFipsEndpoint"),
        useDualstackEndpoint: flag("useDualstackEndpoint"),
        allowedAccountIds: list("allowedAccountIds"),
        forbiddenAccountIds: list("forbiddenAccountIds"),
    };
    if (problems.length > 0) throw new Error(`${settings.source} cannot be honoured by the database bootstrap: ${problems.join(" ")}`);
    return settings;
}

/**
 * The region the calls go to, checked against the resource's ARN (arn:<partition>:<service>:<region>:<account>:…):
 * the settings' region (else AWS_REGION / AWS_DEFAULT_REGION, as the provider falls back) must be the resource's,
 * and the resource's account must pass allowedAccountIds / forbiddenAccountIds. Throws naming the setting.
 * `what` names the resource and the call in the message (default: the database bootstrap's cluster).
 */
export function regionForCluster(
    settings: AwsSettings,
    clusterArn: string,
    env: NodeJS.ProcessEnv = process.env,
    what: { readonly resource: string; readonly call: string } = { resource: "cluster", call: "the bootstrap would call the Data API" },
): string {
    const [, , , arnRegion, account] = clusterArn.split(":");
    const configured: [string, string | undefined][] = [
        [settings.source.startsWith("the aws.Provider") ? `\`region\` of ${settings.source}` : "`aws:region`", settings.region],
        ["AWS_REGION", env.AWS_REGION],
        ["AWS_DEFAULT_REGION", env.AWS_DEFAULT_REGION],
    ];
    const [key, region] = configured.find(([, r]) => r !== undefined && r !== "") ?? [`the ${what.resource}'s ARN`, arnRegion];
    if (region !== arnRegion) {
        throw new Error(
            `${key} is ${region} but the ${what.resource} ${clusterArn} is in ${arnRegion}: ${what.call} of another region. Give the component the provider that created the ${what.resource}.`,
        );
    }
    if (settings.allowedAccountIds && !settings.allowedAccountIds.includes(account)) {
        throw new Error(
            `The ${what.resource} ${clusterArn} is in account ${account}, which ${settings.source} does not list in allowedAccountIds.`,
        );
    }
    if (settings.forbiddenAccountIds?.includes(account)) {
        throw new Error(
            `The ${what.resource} ${clusterArn} is in account ${account}, which ${settings.source} lists in forbiddenAccountIds.`,
        );
    }
    return region;
}

/**
 * SDK v3 client settings for `region`: credentials built the way the AWS provider builds them (web identity,
 * else static keys, else the profile / shared files, else the default chain; then each assumeRoles entry in
 * order), endpoint overrides, FIPS/dual-stack. Loads @aws-sdk/credential-providers on call.
 * https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-aws-sdk-credential-providers/
 */
export function sdkClientSettings(
    settings: AwsSettings,
    region: string,
    service: "rdsdata" | "ecs" = "rdsdata",
): { region: string; endpoint?: string; useFipsEndpoint?: boolean; useDualstackEndpoint?: boolean; credentials: unknown } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const providers = require("@aws-sdk/credential-providers") as typeof import("@aws-sdk/credential-providers");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { readFileSync } = require("node:fs") as typeof import("node:fs");
    const sts = {
        region: settings.stsRegion ?? region,
        endpoint: settings.stsEndpoint,
        useFipsEndpoint: settings.useFipsEndpoint,
        useDualstackEndpoint: settings.useDualstackEndpoint,
    };
    const arns = (list?: string[]) => list?.map((arn) => ({ arn }));
    let credentials: ReturnType<typeof providers.fromNodeProviderChain>;
    const web = settings.webIdentity;
    if (web) {
        credentials = providers.fromWebToken({
            roleArn: web.roleArn,
            roleSessionName: web.sessionName,
            webIdentityToken: web.webIdentityToken ?? readFileSync(web.webIdentityTokenFile as string, "utf8").trim(),
            durationSeconds: web.durationSeconds,
            policy: web.policy,
            policyArns: arns(web.policyArns),
            clientConfig: sts,
        });
    } else if (settings.staticCredentials) {
        const identity = settings.staticCredentials;
        credentials = async () => identity;
    } else if (settings.profile || settings.sharedConfigFile || settings.sharedCredentialsFile) {
        credentials = providers.fromIni({
            profile: settings.profile,
            filepath: settings.sharedCredentialsFile,
            configFilepath: settings.sharedConfigFile,
            clientConfig: sts,
        });
    } else {
        credentials = providers.fromNodeProviderChain({ clientConfig: sts });
    }
    for (const role of settings.assumeRoles) {
        credentials = providers.fromTemporaryCredentials({
            masterCredentials: credentials,
            params: {
                RoleArn: role.roleArn,
                RoleSessionName: role.sessionName,
                ExternalId: role.externalId,
                DurationSeconds: role.durationSeconds,
                Policy: role.policy,
                PolicyArns: arns(role.policyArns),
                Tags: role.tags
                    ? Object.keys(role.tags).map((Key) => ({ Key, Value: (role.tags as Record<string, string>)[Key] }))
                    : undefined,
                TransitiveTagKeys: role.transitiveTagKeys,
                SourceIdentity: role.sourceIdentity,
            },
            clientConfig: sts,
        });
    }
    return {
        region,
        endpoint: service === "ecs" ? settings.ecsEndpoint : settings.rdsDataEndpoint,
        useFipsEndpoint: settings.useFipsEndpoint,
        useDualstackEndpoint: settings.useDualstackEndpoint,
        credentials,
    };
}
