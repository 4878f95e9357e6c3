/**
 * The one way a service becomes a database client, in every Pulumi language: the database publishes a
 * `link` output (plain values only, so the schema can describe it), and a service takes a map of links as
 * its `databases` input. The service — which owns the client side — creates the three things a client
 * needs: the database's security group admits the service's group on the engine port, the service's group
 * may open connections to it, and the service's role may `rds-db:connect` as the app user. The link's
 * `DB_*` environment is merged into the service's own.
 *
 * No cycle: the service depends on the database (its link), never the other way round, and nothing here is
 * a method, so YAML, Python and Go programs wire it the same way as TypeScript ones.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { iamStatements, policyDocument } from "./iam";
import { describeValue } from "./limits";
import { egressRule, ingressRule } from "./service/network";

/**
 * Everything a client needs from a database: `AuroraWithProxy.link` (or, for a database this package did not
 * create, the same fields written by hand).
 */
export interface DatabaseLink {
    /** The database component's name (rule descriptions name it). */
    readonly name: pulumi.Input<string>;
    /** The security group that must admit clients (the RDS Proxy's). */
    readonly securityGroupId: pulumi.Input<string>;
    /** The engine's port (3306 for mysql, 5432 for postgresql). */
    readonly port: pulumi.Input<number>;
    /** The IAM resource a client role needs `rds-db:connect` on: the app user at the proxy. */
    readonly connectResourceArn: pulumi.Input<string>;
    /** DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_TLS, DB_IAM_AUTH and AWS_REGION, as the apps read them. */
    readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * The database's and its proxy's dashboard sections (a JSON array of CloudWatch dashboard widgets, drawn from
     * the same definitions as its alarms): a linked service's dashboard shows them after its own. @default none
     */
    readonly dashboardWidgets?: pulumi.Input<string>;
}

/**
 * The parts each published link was built from. A link is one output (the schema needs an output), and an
 * output is unknown in a preview as soon as any part is (the proxy endpoint, before the proxy exists). In
 * the same program the parts are at hand, so a service reads each one on its own: the port, the database
 * name and the user stay known in a preview, as they are when a program copies `db.environment`.
 */
const published = new WeakMap<object, DatabaseLink>();

/** The link output of a database, remembering its parts for services in the same program (see `published`). */
export function publishLink(parts: DatabaseLink): pulumi.Output<DatabaseLink> {
    const link = pulumi.output(parts) as pulumi.Output<DatabaseLink>;
    published.set(link, parts);
    return link;
}

/** Each field of a link as its own output: the published parts when known, else the fields of the one output. */
function linkFields(link: pulumi.Input<DatabaseLink>) {
    const own = typeof link === "object" && link !== null ? published.get(link) : undefined;
    const parts = own ?? (pulumi.Output.isInstance(link) || link instanceof Promise ? undefined : link);
    const whole = pulumi.output(link);
    const env = parts?.environment;
    return {
        name: parts ? pulumi.output(parts.name) : whole.name,
        securityGroupId: parts ? pulumi.output(parts.securityGroupId) : whole.securityGroupId,
        port: parts ? pulumi.output(parts.port) : whole.port,
        connectResourceArn: parts ? pulumi.output(parts.connectResourceArn) : whole.connectResourceArn,
        /** One variable: its own output where the environment is a map of outputs, else read from the whole. */
        variable(name: string): pulumi.Output<string | undefined> {
            if (env !== undefined && typeof env === "object" && !pulumi.Output.isInstance(env) && !(env instanceof Promise))
                return pulumi.output(env[name]);
            const all = env !== undefined ? pulumi.output(env) : whole.environment;
            return all.apply((e) => (e as Record<string, string | undefined> | undefined)?.[name]);
        },
    };
}

/** The environment variables every link carries (the contract `environment` must meet). */
export const DATABASE_ENVIRONMENT_KEYS = ["DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_TLS", "DB_IAM_AUTH", "AWS_REGION"] as const;

/** What the service side of a link is: its own security group and the IAM role its code runs as. */
export interface DatabaseClientIdentity {
    readonly securityGroupId: pulumi.Input<string>;
    readonly roleName: pulumi.Input<string>;
}

/** Resource names of one link's three children. */
export interface LinkResourceNames {
    readonly ingress: string;
    readonly egress: string;
    readonly policy: string;
}

/** What creates the children: the component that owns them and the labels its messages use. */
export interface LinkOwner {
    /** The component class, for messages (e.g. `EcsExpressService`). */
    readonly component: string;
    /** The component's name: prefixes the children and names the client in rule descriptions. */
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly tags?: Record<string, string>;
}

const LINK_KEY = /^[a-z][a-z0-9-]{0,30}$/;

/**
 * Problems with a `databases` argument: a map written in the program (its keys name the children, so they
 * must be known when the program runs), each key short and DNS-like, and no `DB_*` name also set by hand.
 */
export function databasesProblems(databases: unknown, environment: unknown): string[] {
    if (databases === undefined) return [];
    if (pulumi.Output.isInstance(databases) || databases instanceof Promise)
        return [
            "`databases` must be a map written in the program (name → a database's `link` output); its keys name the rules and policies the service creates, so the map itself cannot be an output.",
        ];
    if (typeof databases !== "object" || databases === null || Array.isArray(databases))
        return [`\`databases\` must be a map of names to database links (got ${describeValue(databases)}).`];
    const keys = Object.keys(databases);
    const problems: string[] = [];
    for (const key of keys) {
        if (!LINK_KEY.test(key))
            problems.push(`\`databases\` key ${JSON.stringify(key)} must be 1-31 lower-case letters, digits or -, starting with a letter.`);
        const value = (databases as Record<string, unknown>)[key];
        if (value === undefined || value === null)
            problems.push(`\`databases.${key}\` must be a database's \`link\` output (got ${describeValue(value)}).`);
    }
    const own = typeof environment === "object" && environment !== null ? Object.keys(environment) : [];
    for (const name of linkedEnvironmentNames(keys)) {
        if (own.includes(name))
            problems.push(`\`environment.${name}\` is set by the linked database; remove it from \`environment\` (the link provides it).`);
    }
    return problems;
}

/**
 * The variable names a set of links provides. The key `main` gives the plain names (`DB_HOST` …); any other key
 * prefixes them with itself in upper case (`orders` → `ORDERS_DB_HOST`). The name depends on the key alone, never
 * on how many databases are linked, so linking a second database never renames the first one's variables.
 * AWS_REGION is one value for all.
 */
function linkedEnvironmentNames(keys: readonly string[]): string[] {
    return keys.flatMap((key) => DATABASE_ENVIRONMENT_KEYS.map((name) => environmentName(key, name)));
}

/** The key whose database gets the plain `DB_*` names. */
const MAIN_DATABASE_KEY = "main";

function environmentName(key: string, name: string): string {
    if (key === MAIN_DATABASE_KEY || name === "AWS_REGION") return name;
    return `${key.toUpperCase().replace(/-/g, "_")}_${name}`;
}

/**
 * Create the client side of one link: ingress on the database's group from the client's group, the
 * client's egress to it, and `rds-db:connect` for the client's role. `AuroraWithProxy.connect` and the
 * services' `databases` input both come here, so a link is the same three resources whoever asks.
 */
export function linkClient(
    names: LinkResourceNames,
    clientName: string,
    client: DatabaseClientIdentity,
    link: pulumi.Input<DatabaseLink>,
    parent: pulumi.Resource,
    tags: Record<string, string> | undefined,
    extraOpts: {
        ingress?: pulumi.CustomResourceOptions;
        egress?: pulumi.CustomResourceOptions;
        policy?: pulumi.CustomResourceOptions;
    } = {},
): void {
    const l = linkFields(link);
    const port = l.port;
    ingressRule(
        names.ingress,
        l.securityGroupId,
        { port, sourceSecurityGroupId: client.securityGroupId, description: `${clientName} to RDS Proxy` },
        tags,
        parent,
        extraOpts.ingress,
    );
    egressRule(
        names.egress,
        client.securityGroupId,
        { port, securityGroupId: l.securityGroupId, description: pulumi.interpolate`${clientName} to the RDS Proxy of ${l.name}` },
        tags,
        parent,
        extraOpts.egress,
    );
    new aws.iam.RolePolicy(
        names.policy,
        {
            role: client.roleName,
            policy: policyDocument(
                iamStatements([{ sid: "ConnectThroughRdsProxy", actions: ["rds-db:connect"], resources: [l.connectResourceArn] }]),
            ),
        },
        { parent, ...extraOpts.policy },
    );
}

/**
 * The environment a service's `databases` provide, to merge into its own (`withLinkedEnvironment`). Kept
 * apart from `linkDatabases` because some platforms need the environment before the role exists (App Runner
 * creates its instance role inside the service). Call `databasesProblems` first.
 */
export function linkedEnvironment(
    owner: LinkOwner,
    databases: Readonly<Record<string, pulumi.Input<DatabaseLink>>> | undefined,
): Record<string, pulumi.Output<string>> {
    const keys = Object.keys(databases ?? {});
    const environment: Record<string, pulumi.Output<string>> = {};
    for (const key of keys) {
        const link = linkFields(databases![key]);
        for (const name of DATABASE_ENVIRONMENT_KEYS) {
            // Each variable on its own where the link was published in this program, so one unknown value
            // (DB_HOST in a preview) leaves the others known.
            environment[environmentName(key, name)] = link.variable(name).apply((value) => {
                if (typeof value !== "string")
                    throw new pulumi.ResourceError(
                        `${owner.component} "${owner.name}": \`databases.${key}\` has no ${name} in its environment; pass a database's \`link\` output.`,
                        owner.parent,
                    );
                return value;
            });
        }
    }
    return environment;
}

/** A service's `databases`: the client side of each link, children named `<service>-<key>-db-ingress|egress|connect`. */
export function linkDatabases(
    owner: LinkOwner,
    client: DatabaseClientIdentity,
    databases: Readonly<Record<string, pulumi.Input<DatabaseLink>>> | undefined,
): void {
    for (const [key, link] of Object.entries(databases ?? {})) {
        const prefix = `${owner.name}-${key}-db`;
        linkClient(
            { ingress: `${prefix}-ingress`, egress: `${prefix}-egress`, policy: `${prefix}-connect` },
            owner.name,
            client,
            link,
            owner.parent,
            owner.tags,
        );
    }
}

/** The environment of a service: the links' variables, then the caller's own (`databasesProblems` refuses overlaps). */
export function withLinkedEnvironment<T>(
    linked: Record<string, pulumi.Output<string>>,
    own: Record<string, T> | undefined,
): Record<string, T | pulumi.Output<string>> | undefined {
    if (Object.keys(linked).length === 0) return own;
    return { ...linked, ...(own ?? {}) };
}
