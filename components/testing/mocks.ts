/**
 * Pulumi test kit: a mocked runtime that records every registered resource (with its parent and
 * dependencies), answers with realistic ids/ARNs/endpoints, returns the outputs of the remote
 * components we use, and mocks exactly the invokes our code calls — any other invoke throws, so a new
 * data-source call can never silently resolve to `undefined` in a test or in the offline preview.
 *
 * Used by every component/stack test and by `scripts/offline-preview.ts`.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";

export const ACCOUNT_ID = "123456789012";
export const DEFAULT_REGION = "us-east-1";

/**
 * Resource properties as the engine hands them to the mocks: JSON-like values of no declared type. Tests read
 * deep paths whose shape each test knows (`r.inputs.spec.template.spec…`); with `unknown` every read would need
 * a cast, which states nothing more.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one untyped shape, explained above
export type PropertyBag = Record<string, any>;

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** URN of the parent resource, if any. */
    readonly parent?: string;
    /** URNs this resource depends on: its `dependsOn` plus the resources its input values came from. */
    readonly dependsOn: string[];
    /** Resource inputs as the program passed them (secrets unwrapped; see `secretInputs`). */
    readonly inputs: PropertyBag;
    /** Top-level input keys whose value was (or contained) a Pulumi secret. */
    readonly secretInputs: string[];
    /** Inputs plus the outputs the mock computed. */
    readonly state: PropertyBag;
    readonly custom: boolean;
    readonly provider?: string;
    /** The `transforms` resource option (functions the engine would run on this resource's children). */
    readonly transforms?: pulumi.ResourceTransform[];
}

/** Signature key the SDK uses to mark a serialized secret value. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function isSecretValue(v: unknown): v is { value: unknown } {
    return v !== null && typeof v === "object" && Object.values(v).includes(SECRET_SIG) && "value" in v;
}

function containsSecret(v: unknown): boolean {
    if (isSecretValue(v)) return true;
    if (Array.isArray(v)) return v.some(containsSecret);
    if (v !== null && typeof v === "object") return Object.values(v).some(containsSecret);
    return false;
}

function unwrapSecrets(v: unknown): unknown {
    if (isSecretValue(v)) return unwrapSecrets(v.value);
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
    return v;
}

/** A seed that is unique per stack, for ids and auto-name suffixes (stable across runs of one stack). */
function stackSeed(name: string): string {
    return `${pulumi.getStack()}/${name}`;
}

/** Deterministic short hex from a seed, so ids and digests are stable across runs. */
export function hex(seed: string, length = 12): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

type OutputFn = (name: string, inputs: PropertyBag, ctx: MockContext) => PropertyBag;

interface MockContext {
    readonly region: string;
    readonly id: string;
}

const engineDefaultPort: Record<string, number> = { "aurora-mysql": 3306, "aurora-postgresql": 5432 };

/**
 * Outputs of the resource types whose computed attributes our code reads. Everything not listed gets
 * its inputs echoed back plus a generic `arn`/`id`, which is what a real provider does for plain inputs.
 */
const computedOutputs: Record<string, OutputFn> = {
    // Remote components: under mocks they are one resource with no children; outputs exist only if we
    // return them (README, "How the tests work" and the offline preview's note on remote components).
    "awsx:ec2:Vpc": (logicalName, inputs) => {
        const name = stackSeed(logicalName);
        // awsx takes either explicit zone names or a count (default 3).
        const azs: number = inputs.availabilityZoneNames?.length ?? inputs.numberOfAvailabilityZones ?? 3;
        const ids = (kind: string) => Array.from({ length: azs }, (_, i) => `subnet-${kind}${i}${hex(name, 8)}`);
        return {
            vpcId: `vpc-${hex(name, 17)}`,
            privateSubnetIds: ids("priv"),
            publicSubnetIds: ids("pub"),
            isolatedSubnetIds: [],
            natGateways: [],
        };
    },
    "eks:index:Cluster": (name, _inputs, ctx) => {
        const issuer = `oidc.eks.${ctx.region}.amazonaws.com/id/${hex(name, 32).toUpperCase()}`;
        const kubeconfig = {
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                {
                    name,
                    cluster: {
                        server: `https://${hex(name, 32).toUpperCase()}.gr7.${ctx.region}.eks.amazonaws.com`,
                        "certificate-authority-data": "Q0VSVA==",
                    },
                },
            ],
            contexts: [{ name, context: { cluster: name, user: name } }],
            "current-context": name,
            users: [
                {
                    name,
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "aws",
                            args: ["eks", "get-token", "--cluster-name", `${name}-eksCluster`],
                        },
                    },
                },
            ],
        };
        return {
            kubeconfig,
            kubeconfigJson: JSON.stringify(kubeconfig),
            oidcProviderArn: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${issuer}`,
            oidcProviderUrl: `https://${issuer}`,
            oidcIssuer: issuer,
            clusterSecurityGroupId: `sg-${hex(name + "cluster", 17)}`,
            eksCluster: undefined,
            core: { cluster: { name: `${name}-eksCluster` } },
        };
    },
    "aws:ecr/repository:Repository": (name, inputs, ctx) => ({
        repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${ctx.region}.amazonaws.com/${inputs.name ?? name}`,
        registryId: ACCOUNT_ID,
        name: inputs.name ?? name,
    }),
    "docker:index/image:Image": (name, inputs) => {
        const repo = String(inputs.imageName ?? name).replace(/:[^/:]+$/, "");
        return { repoDigest: `${repo}@sha256:${hex(JSON.stringify(inputs) + name, 64)}`, baseImageName: inputs.imageName };
    },
    "aws:rds/cluster:Cluster": (name, inputs, ctx) => {
        const id = inputs.clusterIdentifier ?? `${name}-${hex(name, 7)}`;
        return {
            clusterIdentifier: id,
            // The cluster's resource id (what rds-db:connect ARNs of IAM database auth name).
            clusterResourceId: `cluster-${hex(name, 26).toUpperCase()}`,
            endpoint: `${id}.cluster-${hex("acct", 12)}.${ctx.region}.rds.amazonaws.com`,
            readerEndpoint: `${id}.cluster-ro-${hex("acct", 12)}.${ctx.region}.rds.amazonaws.com`,
            port: inputs.port ?? engineDefaultPort[inputs.engine] ?? 3306,
            masterUserSecrets: inputs.manageMasterUserPassword
                ? [
                      {
                          secretArn: `arn:aws:secretsmanager:${ctx.region}:${ACCOUNT_ID}:secret:rds!cluster-${hex(name, 8)}-${hex(name, 6)}`,
                          secretStatus: "active",
                          kmsKeyId: "",
                      },
                  ]
                : [],
        };
    },
    "aws:rds/clusterInstance:ClusterInstance": (name, inputs, ctx) => {
        const id = inputs.identifier ?? `${name}-${hex(name, 7)}`;
        return { identifier: id, endpoint: `${id}.${hex("acct", 12)}.${ctx.region}.rds.amazonaws.com` };
    },
    "aws:rds/proxy:Proxy": (name, inputs, ctx) => {
        const proxyName = inputs.name ?? `${name}-${hex(name, 7)}`;
        return {
            name: proxyName,
            endpoint: `${proxyName}.proxy-${hex("acct", 12)}.${ctx.region}.rds.amazonaws.com`,
            arn: `arn:aws:rds:${ctx.region}:${ACCOUNT_ID}:db-proxy:prx-${hex(name, 17)}`,
        };
    },
    "aws:apprunner/service:Service": (name, inputs, ctx) => ({
        serviceId: hex(name, 32),
        serviceUrl: `${hex(name, 10)}.${ctx.region}.awsapprunner.com`,
        status: "RUNNING",
        serviceName: inputs.serviceName ?? name,
    }),
    "aws:ec2/securityGroup:SecurityGroup": (name) => ({ id: `sg-${hex(name, 17)}` }),
    "aws:dynamodb/table:Table": (name, inputs) => ({ name: inputs.name ?? `${name}-${hex(name, 7)}` }),
    "aws:iam/role:Role": (name, inputs) => ({ name: inputs.name ?? `${name}-${hex(name, 7)}` }),
    // ECS Express Mode: the public endpoint is computed (ingressPaths); the ARN is a service ARN in its cluster.
    "aws:ecs/expressGatewayService:ExpressGatewayService": (name, inputs, ctx) => {
        const serviceName = inputs.serviceName ?? `${name}-${hex(name, 7)}`;
        return {
            serviceName,
            serviceArn: `arn:aws:ecs:${ctx.region}:${ACCOUNT_ID}:service/${inputs.cluster ?? "default"}/${serviceName}`,
            ingressPaths: [{ accessType: "PUBLIC", endpoint: `${serviceName.slice(0, 20)}-${hex(name, 12)}.ecs.${ctx.region}.on.aws` }],
        };
    },
    "aws:ecs/cluster:Cluster": (name, inputs) => ({ name: inputs.name ?? `${name}-${hex(name, 7)}` }),
    "aws:ecs/service:Service": (name, inputs) => ({ name: inputs.name ?? `${name}-${hex(name, 7)}` }),
    "aws:cloudwatch/logGroup:LogGroup": (name, inputs) => ({ name: inputs.name ?? `${name}-${hex(name, 7)}` }),
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": (name) => ({ hostedZone: `Z${hex(name, 20).toUpperCase()}` }),
    "aws:kms/key:Key": (name) => ({
        keyId: `${hex(name, 8)}-${hex(name + "1", 4)}-${hex(name + "2", 4)}-${hex(name + "3", 4)}-${hex(name + "4", 12)}`,
    }),
    "kubernetes:core/v1:Service": (name) => ({
        status: { loadBalancer: { ingress: [{ hostname: `k8s-${hex(name, 8)}-${hex(name, 10)}.elb.us-east-1.amazonaws.com` }] } },
    }),
};

function arnFor(type: string, name: string, inputs: PropertyBag, ctx: MockContext): string {
    // "aws:rds/cluster:Cluster" -> service "rds", kind "cluster"
    const m = /^aws:([^/]+)\/([^:]+):/.exec(type);
    const service = m?.[1] ?? "custom";
    const kind = m?.[2] ?? "resource";
    const resourceName = inputs.name ?? name;
    if (service === "iam") return `arn:aws:iam::${ACCOUNT_ID}:${kind}/${resourceName}`;
    return `arn:aws:${service}:${ctx.region}:${ACCOUNT_ID}:${kind}/${resourceName}`;
}

/** Default answers for every invoke our code calls. Anything else throws. */
function invokeResults(region: string): Record<string, (inputs: PropertyBag) => PropertyBag> {
    return {
        "aws:index/getCallerIdentity:getCallerIdentity": () => ({
            accountId: ACCOUNT_ID,
            arn: `arn:aws:iam::${ACCOUNT_ID}:user/offline`,
            userId: "AIDAOFFLINE",
            id: ACCOUNT_ID,
        }),
        // @pulumi/aws 7 renamed `name` to `region`; answer with both so either reader works.
        "aws:index/getRegion:getRegion": () => ({
            name: region,
            region,
            id: region,
            endpoint: `ec2.${region}.amazonaws.com`,
            description: region,
        }),
        "aws:index/getPartition:getPartition": () => ({
            partition: "aws",
            dnsSuffix: "amazonaws.com",
            id: "aws",
            reverseDnsPrefix: "com.amazonaws",
        }),
        "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({ ...availabilityZones(region), id: region }),
        "aws:ecr/getAuthorizationToken:getAuthorizationToken": (inputs) => ({
            authorizationToken: "QVdTOm9mZmxpbmU=",
            userName: "AWS",
            password: "offline-ecr-token",
            proxyEndpoint: `https://${inputs.registryId ?? ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com`,
            expiresAt: "2099-01-01T00:00:00Z",
            id: region,
        }),
        // ContainerImage asks the registry whether its content tag exists (pushing it again fails on an
        // immutable repository). Default: a first deploy — no repository yet, so every image is built.
        "aws:ecr/getRepositories:getRepositories": () => ({ names: [], id: region, region }),
        "aws:ecr/getImages:getImages": (inputs) => ({ repositoryName: inputs.repositoryName, region, imageIds: [] }),
    };
}

/**
 * The region's zones as one real account sees them. Names map to physical zones per account, so the
 * mock deliberately maps us-east-1a to use1-az3 — the zone EKS and RDS Proxy refuse — as it is in some
 * real accounts: code that takes "the first N names" fails here as it would there.
 */
export function availabilityZones(region: string): { names: string[]; zoneIds: string[] } {
    if (region === "us-east-1") {
        return {
            names: ["a", "b", "c", "d", "e", "f"].map((s) => `${region}${s}`),
            zoneIds: ["use1-az3", "use1-az6", "use1-az1", "use1-az2", "use1-az4", "use1-az5"],
        };
    }
    const m = /^([a-z]{2})-([a-z]+)-(\d+)$/.exec(region);
    const prefix = m ? `${m[1]}${m[2][0]}${m[3]}` : region;
    return { names: ["a", "b", "c"].map((s) => `${region}${s}`), zoneIds: [1, 2, 3].map((n) => `${prefix}-az${n}`) };
}

export interface MockOptions {
    /** Stack name; default "test". */
    readonly stack?: string;
    /** Project name; default "serverless-containers". */
    readonly project?: string;
    /** Run as a preview (outputs of new resources unknown). Default false so outputs resolve. */
    readonly preview?: boolean;
    /** Region the mocks answer with; default us-east-1. */
    readonly region?: string;
    /** Extra invoke answers for a test; keys are invoke tokens. */
    readonly invokes?: Record<string, (inputs: PropertyBag) => PropertyBag>;
}

export class PulumiMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    readonly invokes: { token: string; inputs: PropertyBag }[] = [];
    /** Tokens of invokes that were called but not mocked (each also threw). */
    readonly unmockedInvokes: string[] = [];
    private readonly pending = new Map<string, { parent?: string; dependsOn: string[] }>();
    private readonly region: string;
    private readonly invokeTable: Record<string, (inputs: PropertyBag) => PropertyBag>;

    constructor(options: MockOptions = {}) {
        this.region = options.region ?? DEFAULT_REGION;
        this.invokeTable = { ...invokeResults(this.region), ...(options.invokes ?? {}) };
    }

    /** Forget what was recorded (call in `beforeEach`). */
    reset(): void {
        this.resources.length = 0;
        this.invokes.length = 0;
        this.unmockedInvokes.length = 0;
        this.pending.clear();
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: PropertyBag } {
        const raw = (args.inputs ?? {}) as PropertyBag;
        const secretInputs = Object.keys(raw).filter((k) => containsSecret(raw[k]));
        const inputs = unwrapSecrets(raw) as PropertyBag;
        const key = `${args.type}::${args.name}`;
        const meta = this.pending.get(key) ?? { dependsOn: [] };
        this.pending.delete(key);
        const id = args.custom === false ? undefined : this.idFor(args.type, args.name);
        const ctx: MockContext = { region: this.region, id: id ?? "" };
        const computed = computedOutputs[args.type]?.(args.name, inputs, ctx) ?? {};
        const state: PropertyBag = { ...inputs, ...computed };
        // Pulumi auto-names resources whose name the program leaves out: `<logical name>-<random suffix>`.
        // The suffix (like every id here) differs between stacks, as real ones do: two stacks of one
        // account never get the same auto-name or id, so only names the program fixes can collide.
        if (args.custom !== false && args.type.startsWith("aws:") && state.name === undefined) {
            state.name = `${args.name}-${hex(stackSeed(args.name), 7)}`;
        }
        if (args.custom !== false && args.type.startsWith("aws:") && state.arn === undefined) {
            state.arn = arnFor(args.type, args.name, state, ctx);
        }
        if (state.id === undefined && id !== undefined) state.id = id;
        const parentType = meta.parent?.split("::")[2]?.split("$").pop();
        const qualified = parentType ? `${parentType}$${args.type}` : args.type;
        this.resources.push({
            type: args.type,
            name: args.name,
            urn: `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${args.name}`,
            parent: meta.parent,
            dependsOn: meta.dependsOn,
            inputs,
            secretInputs,
            state,
            custom: args.custom !== false,
            provider: args.provider,
            transforms: args.transforms ?? [],
        });
        return { id: state.id ?? id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): PropertyBag {
        const answer = this.invokeTable[args.token];
        if (!answer) {
            const message = `Unmocked invoke "${args.token}". Add it to components/testing/mocks.ts (invokeResults) so tests and the offline preview know what it returns.`;
            this.unmockedInvokes.push(args.token);
            // The SDK rebuilds invoke errors from the gRPC-style `details` field, not `message`.
            throw Object.assign(new Error(message), { details: message });
        }
        this.invokes.push({ token: args.token, inputs: args.inputs });
        return answer(args.inputs ?? {});
    }

    /** Called by the monitor hook before `newResource` to remember parent and dependsOn. */
    noteRegistration(type: string, name: string, parent: string | undefined, dependsOn: string[]): void {
        this.pending.set(`${type}::${name}`, { parent: parent || undefined, dependsOn });
    }

    private idFor(type: string, name: string): string {
        if (type === "aws:ec2/securityGroup:SecurityGroup") return `sg-${hex(stackSeed(name), 17)}`;
        return `${name}-${hex(stackSeed(type + name), 8)}`;
    }

    // ---- queries used by tests -------------------------------------------------------------

    /** Every recorded resource of a type token (e.g. `aws:iam/role:Role`). */
    byType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The single resource of a type (optionally whose name matches); throws when there is not exactly one. */
    one(type: string, name?: string | RegExp): RecordedResource {
        const found = this.byType(type).filter((r) =>
            name === undefined ? true : typeof name === "string" ? r.name === name : name.test(r.name),
        );
        if (found.length !== 1) {
            throw new Error(
                `expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
            );
        }
        return found[0];
    }

    byUrn(urn: string): RecordedResource | undefined {
        return this.resources.find((r) => r.urn === urn);
    }

    /** True when `resource` lists a resource of `type` (optionally named) in its dependsOn. */
    dependsOn(resource: RecordedResource, type: string, name?: string): boolean {
        return resource.dependsOn.some((urn) => {
            const dep = this.byUrn(urn);
            return dep !== undefined && dep.type === type && (name === undefined || dep.name === name);
        });
    }

    /** Children whose parent is `resource`. */
    childrenOf(resource: RecordedResource): RecordedResource[] {
        return this.resources.filter((r) => r.parent === resource.urn);
    }
}

/**
 * Install the mocks for the current process. Call once per test file (in `beforeAll`), then
 * `await import()` the code under test so it sees the mocked runtime.
 */
export function setupMocks(options: MockOptions = {}): PulumiMocks {
    const mocks = new PulumiMocks(options);
    void pulumi.runtime.setMocks(mocks, options.project ?? "serverless-containers", options.stack ?? "test", options.preview ?? false);
    hookMonitor(mocks);
    return mocks;
}

/**
 * The mock monitor does not pass a resource's parent or `dependsOn` to `newResource`, and those are
 * exactly what reviewers ask about ("attachment before service"), so we observe the raw request first.
 */
/** The getters of the engine's RegisterResourceRequest (protobuf) this hook reads. */
interface RegisterResourceRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
}

function hookMonitor(mocks: PulumiMocks): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource: (req: RegisterResourceRequest, callback: unknown) => unknown;
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        mocks.noteRegistration(req.getType(), req.getName(), req.getParent(), req.getDependenciesList());
        return original(req, callback);
    };
}

/** Resolve an Output in a test (non-preview mocks resolve every output). */
export function promiseOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
    return new Promise<T>((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** Wait until every pending resource registration has reached the mocks. */
export async function settle(): Promise<void> {
    // Not in the SDK's declarations, present at run time in the versions this repository pins.
    const waitForRPCs = (pulumi.runtime as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    for (let i = 0; i < 3; i++) {
        if (waitForRPCs) await waitForRPCs();
        await new Promise((r) => setImmediate(r));
    }
}

/** Assert a function throws synchronously or rejects, and return the message for exact-text checks. */
export async function errorOf(fn: () => unknown): Promise<string> {
    try {
        await fn();
    } catch (e) {
        return e instanceof Error ? e.message : String(e);
    }
    throw new Error("expected an error, none was thrown");
}

const taggableCache = new Map<string, boolean>();

/**
 * Whether an AWS resource type accepts `tags`, read from the installed @pulumi/aws type declarations
 * (so the answer tracks the provider version instead of a hand-kept list).
 */
export function isTaggableAwsType(type: string): boolean {
    const cached = taggableCache.get(type);
    if (cached !== undefined) return cached;
    const m = /^aws:([^/]+)\/([^:]+):(\w+)$/.exec(type);
    let taggable = false;
    if (m) {
        const file = require.resolve("@pulumi/aws/package.json").replace(/package\.json$/, `${m[1]}/${m[2]}.d.ts`);
        if (existsSync(file)) {
            const source = readFileSync(file, "utf8");
            const args = source.slice(source.indexOf(`export interface ${m[3]}Args`));
            taggable = /\n\s{4}tags\?:/.test(args.slice(0, args.indexOf("\n}")));
        }
    }
    taggableCache.set(type, taggable);
    return taggable;
}
