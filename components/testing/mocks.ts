/**
 * Pulumi test kit: a mocked runtime that records every registered resource (with its parent and
 * dependencies) and answers as the real providers do — ids and computed attributes in the providers' own
 * formats, computed attributes *unknown* in a preview, empty invoke results as the provider shapes them
 * (`null`, not `[]`, where it does) — from the table in ./provider-model.ts. A resource type or invoke that
 * table lacks is refused, so new code cannot get a friendlier answer than the provider would give.
 *
 * Used by every component/stack test and by `scripts/offline-preview.ts`, and shipped in the package as
 * `serverless-containers/testing` (./index.ts) for programs built on it.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { hasUnknown } from "../dynamic-aws";
import {
    INVOKES,
    REMOTE_COMPONENTS,
    resourceModel,
    providerError,
    type EcrContents,
    type ModelContext,
    type PropertyBag,
    type ResourceModel,
} from "./provider-model";

export { availabilityZones } from "./provider-model";
export type { EcrContents, PropertyBag } from "./provider-model";

export const ACCOUNT_ID = "123456789012";
export const DEFAULT_REGION = "us-east-1";

/**
 * The engine's marker for a value not known until the resource exists (`rpc.unknownValue` in @pulumi/pulumi,
 * the same UUID the policy SDK hands a policy during a preview). Recorded inputs and preview states carry it.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Prefix of the value a computed attribute gets when the provider model does not define it (see `computedOnly`). */
export const UNMODELLED_OUTPUT = "unmodelled-output:";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    /** The URN the engine gives the resource (see `engineUrn`). */
    readonly urn: string;
    /** URN of the parent resource, if any. */
    readonly parent?: string;
    /**
     * The `aliases` option, each resolved to the URN the engine looks up in the prior state (see `resolveAlias`);
     * aliases the engine adds from a parent's matched alias depend on that state and are not listed here.
     */
    readonly aliases?: string[];
    /** URNs this resource depends on: its `dependsOn` plus the resources its input values came from. */
    readonly dependsOn: string[];
    /** Resource inputs as the program passed them (secrets unwrapped; see `secretInputs`; unknowns as `UNKNOWN`). */
    readonly inputs: PropertyBag;
    /** Top-level input keys whose value was (or contained) a Pulumi secret. */
    readonly secretInputs: string[];
    /** Inputs plus the outputs the mock computed (computed ones are `UNKNOWN` in a preview). */
    readonly state: PropertyBag;
    readonly custom: boolean;
    readonly provider?: string;
    /** The `transforms` resource option (functions the engine would run on this resource's children). */
    readonly transforms?: pulumi.ResourceTransform[];
    /** Resource options the engine reads for replacement (recorded for the replacement model). */
    readonly options?: {
        readonly replaceOnChanges: string[];
        readonly deleteBeforeReplace: boolean;
        readonly protect: boolean;
        /** The engine chose the name (the type's auto-named input was left out): a replacement gets a new one. */
        readonly autoNamed?: boolean;
    };
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

/** Secrets unwrapped and the SDK's unknown marker (a preview) turned into the engine's `UNKNOWN` string. */
function plain(v: unknown): unknown {
    if (pulumi.isUnknown(v)) return UNKNOWN;
    if (isSecretValue(v)) return plain(v.value);
    if (Array.isArray(v)) return v.map(plain);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    return v;
}

/** True when `v` is, or contains, a value unknown until apply (the package's own check, dynamic-aws.ts). */
export const containsUnknown = hasUnknown;

/** A seed that is unique per stack, for ids and auto-name suffixes (stable across runs of one stack). */
function stackSeed(name: string): string {
    return `${pulumi.getStack()}/${name}`;
}

/** Deterministic short hex from a seed, so ids and digests are stable across runs. */
export function hex(seed: string, length = 12): string {
    let out = "";
    for (let i = 0; out.length < length; i++)
        out += createHash("sha256")
            .update(i === 0 ? seed : `${seed}#${i}`)
            .digest("hex");
    return out.slice(0, length);
}

export interface MockOptions {
    /** Stack name; default "test". */
    readonly stack?: string;
    /** Project name; default "serverless-containers". */
    readonly project?: string;
    /**
     * Run as a preview of a new stack: every computed attribute and id is unknown (`UNKNOWN`), as the engine
     * reports a create it has not done yet, so `apply` callbacks on them do not run. Default false: outputs
     * resolve as after `pulumi up`.
     */
    readonly preview?: boolean;
    /** Region the mocks answer with; default us-east-1. */
    readonly region?: string;
    /** What the registry holds (repository → images); default nothing (a fresh account: `getRepositories` gives `names: null`). */
    readonly ecr?: EcrContents;
    /** Subnets that exist outside the program (id → IPv4 CIDR), e.g. a test's stand-in network; the program's own are known anyway. */
    readonly subnets?: Record<string, string>;
    /** Answers for invokes the kit does not model; keys are invoke tokens. A modelled invoke is refused here (as `resources`). */
    readonly invokes?: Record<string, (inputs: PropertyBag) => PropertyBag>;
    /**
     * Rows for resource types the kit does not model (a program's own S3 bucket, say), in the provider model's
     * shape (provider-model.ts `ResourceModel`); keys are type tokens. A type the kit models is refused here: its
     * provider's behaviour is modelled once. Give the same rows to `planChanges` to plan changes of these types.
     */
    readonly resources?: Readonly<Record<string, ResourceModel>>;
}

/** The separate security group rule resources, by direction (see `refuseDuplicateRule`). */
const RULE_TYPES: Readonly<Record<string, "ingress" | "egress">> = {
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "ingress",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "egress",
};

export class PulumiMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    readonly invokes: { token: string; inputs: PropertyBag }[] = [];
    /** Tokens of invokes that were called but not mocked (each also threw). */
    readonly unmockedInvokes: string[] = [];
    /** Resource types that were registered but have no row in the provider model (each registration failed). */
    readonly unmodelledResources: string[] = [];
    /** What the mocked registry holds; tests may change it between programs. */
    ecr: EcrContents;
    readonly preview: boolean;
    private readonly pending = new Map<
        string,
        {
            parent?: string;
            dependsOn: string[];
            replaceOnChanges: string[];
            deleteBeforeReplace: boolean;
            protect: boolean;
            aliases: AliasSpec[];
        }
    >();
    /** The URN the SDK's mock monitor handed the program for a resource → the URN the engine gives it. */
    private readonly engineUrns = new Map<string, string>();
    private readonly region: string;
    private readonly extraInvokes: Record<string, (inputs: PropertyBag) => PropertyBag>;
    private readonly extraResources: Readonly<Record<string, ResourceModel>>;
    private readonly outsideSubnets: Record<string, string>;

    constructor(options: MockOptions = {}) {
        this.outsideSubnets = options.subnets ?? {};
        this.region = options.region ?? DEFAULT_REGION;
        this.preview = options.preview ?? false;
        this.ecr = options.ecr ?? {};
        this.extraInvokes = options.invokes ?? {};
        this.extraResources = options.resources ?? {};
        for (const token of Object.keys(this.extraInvokes)) {
            const model = INVOKES[token];
            if (model)
                throw new Error(
                    `setupMocks({ invokes }) may add invokes the test kit does not model, not replace its answers: "${token}" is modelled (${model.source}).`,
                );
        }
        for (const type of Object.keys(this.extraResources)) {
            const row = resourceModel(type);
            if (row)
                throw new Error(
                    `setupMocks({ resources }) may add types the test kit does not model, not replace its rows: "${type}" is modelled (${row.source}).`,
                );
        }
    }

    /** Forget what was recorded (call in `beforeEach`). */
    reset(): void {
        this.resources.length = 0;
        this.invokes.length = 0;
        this.unmockedInvokes.length = 0;
        this.unmodelledResources.length = 0;
        this.pending.clear();
        this.engineUrns.clear();
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: PropertyBag } {
        const raw = (args.inputs ?? {}) as PropertyBag;
        const secretInputs = Object.keys(raw).filter((k) => containsSecret(raw[k]));
        const inputs = plain(raw) as PropertyBag;
        const key = `${args.type}::${args.name}`;
        const meta = this.pending.get(key) ?? {
            dependsOn: [],
            replaceOnChanges: [],
            deleteBeforeReplace: false,
            protect: false,
            aliases: [],
        };
        this.pending.delete(key);
        const ctx: ModelContext = {
            name: args.name,
            inputs,
            region: this.region,
            account: ACCOUNT_ID,
            hex: (length, salt = "") => hex(stackSeed(`${args.type}/${args.name}${salt}`), length),
        };
        let id: string | undefined;
        let state: PropertyBag;
        let autoNamed = false;
        if (args.custom === false) {
            const remote = REMOTE_COMPONENTS[args.type];
            state = remote ? { ...inputs, ...this.computed(inputs, remote(ctx)) } : inputs;
        } else {
            const model = resourceModel(args.type, this.extraResources);
            if (!model) {
                this.unmodelledResources.push(args.type);
                throw new Error(
                    `Unmodelled resource type "${args.type}": the test kit answers only for types whose provider behaviour it models. Give the mocks a row for it: setupMocks({ resources: { "${args.type}": { id, outputs, replaceOn, source } } }) (in this repository: RESOURCES in components/testing/provider-model.ts).`,
                );
            }
            // Pulumi auto-names the field the program leaves out: `<logical name>-<random suffix>`, known in a
            // preview (the engine names it in Check). The suffix (like every id here) differs between stacks, as
            // real ones do: two stacks of one account never get the same auto-name or id.
            if (model.autoName && inputs[model.autoName] === undefined) {
                autoNamed = true;
                inputs[model.autoName] = `${args.name}-${hex(stackSeed(args.name), 7)}`;
            }
            const outputs = { ...(model.outputs?.(ctx) ?? {}), ...computedOnlyPlaceholders(args.type, inputs, model.outputs?.(ctx) ?? {}) };
            state = { ...inputs, ...this.computed(inputs, outputs) };
            id = this.preview ? undefined : model.id(ctx);
            state.id = id ?? UNKNOWN;
        }
        this.refuseDuplicateRule(args.type, inputs);
        // The program knows the resource by the SDK mock monitor's URN (runtime/mocks.js newUrn: the parent's last
        // type only, the root stack's type kept); the record carries the engine's, and parents and dependencies by theirs.
        const sdkParentType = meta.parent?.split("::")[2]?.split("$").pop();
        const sdkUrn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${sdkParentType ? `${sdkParentType}$` : ""}${args.type}::${args.name}`;
        const toEngine = (urn: string) => this.engineUrns.get(urn) ?? urn;
        const parent = meta.parent === undefined ? undefined : toEngine(meta.parent);
        const urn = engineUrn(args.name, args.type, parent, pulumi.getProject(), pulumi.getStack());
        this.engineUrns.set(sdkUrn, urn);
        this.resources.push({
            type: args.type,
            name: args.name,
            urn,
            parent,
            aliases: meta.aliases.map((a) =>
                resolveAlias(a, { name: args.name, type: args.type, parent, parentOf: (u) => (u === undefined ? undefined : toEngine(u)) }),
            ),
            dependsOn: meta.dependsOn.map(toEngine),
            inputs,
            secretInputs,
            state,
            custom: args.custom !== false,
            provider: args.provider,
            transforms: args.transforms ?? [],
            options: {
                replaceOnChanges: meta.replaceOnChanges,
                deleteBeforeReplace: meta.deleteBeforeReplace,
                protect: meta.protect,
                autoNamed,
            },
        });
        // The engine reports an unknown id as "" (the SDK then resolves `id` as unknown: @pulumi/pulumi
        // runtime/resource.js, `const id = resp.getId() || undefined; resolveID(id, id !== undefined)`).
        return { id: id ?? "", state };
    }

    /**
     * EC2 refuses a second security group rule identical to one the group has (same direction, protocol, ports and
     * peer): `InvalidPermission.Duplicate` (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html;
     * seen with the provider in hashicorp/terraform-provider-aws#12450). Two rule resources of one program that say
     * the same thing fail the deployment, e.g. a group admitted both by `allowFrom` and by a database link. Only rules
     * whose every part is known are compared (a preview cannot tell).
     */
    private refuseDuplicateRule(type: string, inputs: PropertyBag): void {
        const direction = RULE_TYPES[type];
        if (!direction) return;
        const peer = inputs.referencedSecurityGroupId ?? inputs.cidrIpv4 ?? inputs.cidrIpv6 ?? inputs.prefixListId;
        const parts = [inputs.securityGroupId, inputs.ipProtocol, inputs.fromPort, inputs.toPort, peer];
        if (parts.some((p) => p === undefined || containsUnknown(p))) return;
        const twin = this.resources.find((r) => {
            if (RULE_TYPES[r.type] !== direction) return false;
            const i = r.inputs;
            const theirs = [
                i.securityGroupId,
                i.ipProtocol,
                i.fromPort,
                i.toPort,
                i.referencedSecurityGroupId ?? i.cidrIpv4 ?? i.cidrIpv6 ?? i.prefixListId,
            ];
            return theirs.every((v, k) => v === parts[k]);
        });
        if (twin)
            throw new Error(
                `InvalidPermission.Duplicate: the ${direction} rule (${String(inputs.ipProtocol)} ${String(inputs.fromPort)}-${String(inputs.toPort)}, peer ${String(peer)}) on ${String(inputs.securityGroupId)} already exists as "${twin.name}": EC2 refuses a second identical rule.`,
            );
    }

    /**
     * The subnets a getSubnet can find: those outside the program, and those of the awsx VPCs the program created —
     * each in its VPC's CIDR, public ones from the upper half (the mock does not model awsx's exact layout).
     */
    private subnets(): Record<string, string> {
        const own = this.resources.flatMap((r): [string, string][] => {
            if (r.type !== "awsx:ec2:Vpc") return [];
            const [a, b] = String(r.inputs.cidrBlock ?? "10.0.0.0/16").split(".");
            const list = (ids: unknown, base: number): [string, string][] =>
                Array.isArray(ids) ? ids.map((id, i): [string, string] => [String(id), `${a}.${b}.${base + 4 * i}.0/22`]) : [];
            return [...list(r.state.privateSubnetIds, 0), ...list(r.state.publicSubnetIds, 128)];
        });
        return { ...this.outsideSubnets, ...Object.fromEntries(own) };
    }

    /** The computed attributes as the engine reports them: values after an update, `UNKNOWN` in a preview of a create. */
    private computed(inputs: PropertyBag, outputs: PropertyBag): PropertyBag {
        if (!this.preview) return outputs;
        return Object.fromEntries(
            Object.entries(outputs)
                .filter(([k, v]) => !(k in inputs && JSON.stringify(inputs[k]) === JSON.stringify(v)))
                .map(([k]) => [k, k in inputs ? inputs[k] : UNKNOWN]),
        );
    }

    call(args: pulumi.runtime.MockCallArgs): PropertyBag {
        const extra = this.extraInvokes[args.token];
        const model = INVOKES[args.token];
        if (!extra && !model) {
            const message = `Unmocked invoke "${args.token}": the test kit answers only invokes whose provider answers it models. Give the mocks an answer: setupMocks({ invokes: { "${args.token}": (inputs) => ({ … }) } }) (in this repository: INVOKES in components/testing/provider-model.ts).`;
            this.unmockedInvokes.push(args.token);
            throw providerError(message);
        }
        this.invokes.push({ token: args.token, inputs: args.inputs });
        const inputs = (args.inputs ?? {}) as PropertyBag;
        return extra
            ? extra(inputs)
            : model.answer(inputs, { region: this.region, account: ACCOUNT_ID, ecr: this.ecr, subnets: this.subnets() });
    }

    /** Called by the monitor hook before `newResource` to remember parent and dependsOn. */
    noteRegistration(
        type: string,
        name: string,
        parent: string | undefined,
        dependsOn: string[],
        options: { replaceOnChanges: string[]; deleteBeforeReplace: boolean; protect: boolean; aliases?: AliasSpec[] },
    ): void {
        this.pending.set(`${type}::${name}`, { parent: parent || undefined, dependsOn, ...options, aliases: options.aliases ?? [] });
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
    getReplaceonchangesList(): string[];
    getDeletebeforereplace(): boolean;
    getProtect?(): boolean;
    /** The `aliases` option as the SDK sends it to a monitor that supports alias specs (the mock monitor does). */
    getAliasesList?(): AliasProto[];
}

/** pulumirpc.Alias (proto/alias_pb.js): a whole URN, or a spec whose empty fields default to the resource's. */
interface AliasProto {
    hasUrn(): boolean;
    getUrn(): string;
    getSpec():
        | { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean }
        | undefined;
}

function hookMonitor(mocks: PulumiMocks): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource: (req: RegisterResourceRequest, callback: unknown) => unknown;
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        mocks.noteRegistration(req.getType(), req.getName(), req.getParent(), req.getDependenciesList(), {
            replaceOnChanges: req.getReplaceonchangesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            protect: req.getProtect?.() ?? false,
            aliases: (req.getAliasesList?.() ?? []).map((a): AliasSpec => {
                if (a.hasUrn()) return { urn: a.getUrn() };
                const spec = a.getSpec();
                return {
                    name: spec?.getName() || undefined,
                    type: spec?.getType() || undefined,
                    stack: spec?.getStack() || undefined,
                    project: spec?.getProject() || undefined,
                    parentUrn: spec?.getParenturn() || undefined,
                    noParent: spec?.getNoparent() ?? false,
                };
            }),
        });
        return original(req, callback);
    };
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The qualified type of a URN: its parents' types and its own, joined by `$`. */
export function qualifiedType(urn: string): string {
    return urn.split("::")[2];
}

/**
 * The URN the engine gives a resource: the parent's whole qualified type, then `$` and the resource's type — the
 * root stack's type left out (NewURN and CreateURN, sdk/go/common/resource/urn.go in pulumi/pulumi).
 */
export function engineUrn(name: string, type: string, parent: string | undefined, project: string, stack: string): string {
    const parentType = parent === undefined ? "" : qualifiedType(parent);
    const prefix = parentType === "" || parentType === ROOT_STACK_TYPE ? "" : `${parentType}$`;
    return `urn:pulumi:${stack}::${project}::${prefix}${type}::${name}`;
}

/** One entry of the `aliases` option as the engine receives it (pulumirpc.Alias). */
export type AliasSpec =
    | { readonly urn: string }
    | {
          readonly name?: string;
          readonly type?: string;
          readonly stack?: string;
          readonly project?: string;
          /** The parent the alias names (the SDK fills in the resource's own parent when the alias names none). */
          readonly parentUrn?: string;
          /** The alias is of the resource without a parent (`parent: pulumi.rootStackResource`). */
          readonly noParent: boolean;
      };

/**
 * An alias as the URN the engine looks up in the prior state (collapseAliasToUrn, pkg/resource/deploy/step_generator.go
 * in pulumi/pulumi): a URN as given; a spec's empty name, type, parent, stack and project taken from the resource, and a
 * root-stack parent or `noParent` giving a URN without a parent. `parentOf` maps a parent URN the SDK sent to the
 * engine's. (The engine also swaps a named parent for that parent's own matched alias: that needs the prior state.)
 */
export function resolveAlias(
    alias: AliasSpec,
    resource: { name: string; type: string; parent?: string; parentOf?: (urn: string | undefined) => string | undefined },
): string {
    if ("urn" in alias) return alias.urn;
    const parent = alias.noParent
        ? undefined
        : alias.parentUrn !== undefined
          ? (resource.parentOf?.(alias.parentUrn) ?? alias.parentUrn)
          : resource.parent;
    return engineUrn(
        alias.name ?? resource.name,
        alias.type ?? resource.type,
        parent,
        alias.project ?? pulumi.getProject(),
        alias.stack ?? pulumi.getStack(),
    );
}

/** Resolve an Output in a test (non-preview mocks resolve every output; in a preview an unknown one never resolves). */
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

/** The `XArgs` interface and the class body of an @pulumi/aws resource type, read from its type declarations. */
function awsDeclarations(type: string): { args: string; outputs: string } | undefined {
    const m = /^aws:([^/]+)\/([^:]+):(\w+)$/.exec(type);
    if (!m) return undefined;
    const file = require.resolve("@pulumi/aws/package.json").replace(/package\.json$/, `${m[1]}/${m[2]}.d.ts`);
    if (!existsSync(file)) return undefined;
    const source = readFileSync(file, "utf8");
    const section = (marker: string) => {
        const at = source.indexOf(marker);
        return at < 0 ? "" : source.slice(at, source.indexOf("\n}", at));
    };
    return { args: section(`export interface ${m[3]}Args`), outputs: section(`export declare class ${m[3]} `) };
}

const computedOnlyCache = new Map<string, string[]>();

/**
 * Attributes the provider always computes (declared outputs that are not arguments) and the model leaves out:
 * they get a recognisable placeholder instead of `undefined`, so a program that reads one shows it (the
 * preview-parity test refuses the placeholder anywhere in an input or a stack output).
 */
function computedOnlyPlaceholders(type: string, inputs: PropertyBag, modelled: PropertyBag): PropertyBag {
    let names = computedOnlyCache.get(type);
    if (!names) {
        const declarations = awsDeclarations(type);
        const fields = (body: string) => [...body.matchAll(/\n\s{4}(?:readonly )?(\w+)\??: pulumi\.(?:Output|Input)</g)].map((x) => x[1]);
        names = declarations
            ? fields(declarations.outputs).filter((f) => !fields(declarations.args).includes(f) && f !== "urn" && f !== "id")
            : [];
        computedOnlyCache.set(type, names);
    }
    return Object.fromEntries(names.filter((n) => !(n in modelled) && !(n in inputs)).map((n) => [n, `${UNMODELLED_OUTPUT}${type}.${n}`]));
}

const taggableCache = new Map<string, boolean>();

/**
 * Whether an AWS resource type accepts `tags`, read from the installed @pulumi/aws type declarations
 * (so the answer tracks the provider version instead of a hand-kept list).
 */
export function isTaggableAwsType(type: string): boolean {
    const cached = taggableCache.get(type);
    if (cached !== undefined) return cached;
    const declarations = awsDeclarations(type);
    const taggable = declarations !== undefined && /\n\s{4}tags\?:/.test(declarations.args);
    taggableCache.set(type, taggable);
    return taggable;
}
