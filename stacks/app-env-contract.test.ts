/**
 * The stack ↔ app environment contract. For every container the program runs, the environment the stack gives
 * it (plain variables, the names of injected secrets with placeholder values, and what the platform sets
 * itself) is fed to that app's OWN config loader (apps/<app>/src/config.ts), and the values the app will use
 * are compared with the resources the stack created: the port the platform routes to, the RDS Proxy, its
 * cluster's database and port, the bootstrap's app user, the proxy's TLS/IAM rules, the DynamoDB table and its
 * key, the private service's URL. Every variable the stack sets must change what the app loads (a renamed key
 * the app no longer reads fails here even when the app's default happens to match).
 *
 * Containers are matched to apps by image: each app's ContainerImage is built with `--build-arg APP=<app>`.
 */
import { ResourceNotFoundException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { loadCatalogueConfig } from "../apps/catalogue-api/src/config";
import { ensureLocalTable } from "../apps/products-api/src/data/dynamo";
import { loadProductsConfig } from "../apps/products-api/src/config";
import { loadPrivateServiceConfig } from "../apps/private-service/src/config";
import { loadVisitsConfig } from "../apps/visits-api/src/config";
import type { DbSettings } from "@serverless-containers/service-kit";
import type { RecordedResource } from "../components/testing";
import { resolveStackConfig } from "../scripts/lib/stack-config";
import { evaluateProgram } from "./testing";

type Env = Record<string, string>;

/** One container as the platform will start it. */
interface Container {
    /** The resource that runs it (type and logical name), for messages. */
    readonly where: string;
    readonly image: string;
    /** Plain variables, injected secrets (placeholder values) and what the platform sets itself. */
    readonly env: Env;
    /** Names of the variables that are injected secrets. */
    readonly secretNames: string[];
    /** The port the platform sends traffic to. */
    readonly port: number;
}

const APPS = ["catalogue-api", "visits-api", "products-api", "private-service"] as const;
type App = (typeof APPS)[number];

/**
 * Variables the stack sets that the config loader does not read, each with who does. Anything else the
 * stack sets and the app ignores is a contract break (a renamed or misspelt key).
 */
const READ_OUTSIDE_CONFIG: Readonly<Record<string, string>> = {
    NODE_ENV: "Express itself (app.get('env')) and Node libraries",
    EXPRESS_SCALING_TARGET:
        "the AWS provider's diff (components/ecs-express-service.ts: a scaling change must change a field its Update does not ignore)",
};

const named = (list: { name: string; value?: string; valueFrom?: string }[] | undefined, key: "value" | "valueFrom"): Env =>
    Object.fromEntries((list ?? []).map((e) => [e.name, String(e[key])]));

const placeholders = (names: string[]): Env => Object.fromEntries(names.map((n) => [n, `placeholder-for-injected-secret-${n}`]));

/** Every container the recorded program runs, with its environment as the running process will see it. */
function containersOf(resources: readonly RecordedResource[]): Container[] {
    const out: Container[] = [];
    for (const r of resources) {
        const where = `${r.type} ${r.name}`;
        if (r.type === "aws:apprunner/service:Service") {
            const image = r.inputs.sourceConfiguration.imageRepository;
            const config = image.imageConfiguration;
            const secretNames = Object.keys(config.runtimeEnvironmentSecrets ?? {});
            // App Runner reserves PORT and sets it to the configured port; a service may not set it
            // (https://docs.aws.amazon.com/apprunner/latest/dg/env-variable-manage.html).
            const port = Number(config.port);
            out.push({
                where,
                image: image.imageIdentifier,
                env: { ...config.runtimeEnvironmentVariables, ...placeholders(secretNames), PORT: String(port) },
                secretNames,
                port,
            });
        } else if (r.type === "aws:ecs/expressGatewayService:ExpressGatewayService") {
            const c = r.inputs.primaryContainer;
            const secretNames = Object.keys(named(c.secrets, "valueFrom"));
            out.push({
                where,
                image: c.image,
                env: { ...named(c.environments, "value"), ...placeholders(secretNames) },
                secretNames,
                port: c.containerPort,
            });
        } else if (r.type === "aws:ecs/taskDefinition:TaskDefinition") {
            for (const c of JSON.parse(r.inputs.containerDefinitions)) {
                const secretNames = Object.keys(named(c.secrets, "valueFrom"));
                out.push({
                    where,
                    image: c.image,
                    env: { ...named(c.environment, "value"), ...placeholders(secretNames) },
                    secretNames,
                    port: c.portMappings[0].containerPort,
                });
            }
        } else if (r.type === "kubernetes:apps/v1:Deployment") {
            for (const c of r.inputs.spec.template.spec.containers) {
                out.push({ where, image: c.image, env: named(c.env, "value"), secretNames: [], port: c.ports?.[0]?.containerPort });
            }
        }
    }
    return out;
}

/** What each app's config loader returns, reduced to comparable data (functions such as token providers dropped). */
const loaders: Readonly<Record<App, (env: Env) => unknown>> = {
    "catalogue-api": (env) => loadCatalogueConfig(env),
    "visits-api": (env) => loadVisitsConfig(env),
    "products-api": (env) => loadProductsConfig(env),
    "private-service": (env) => loadPrivateServiceConfig(env),
};

/** The loaded config as JSON, or the loader's error: what "the app's behaviour" is for the observed-key check. */
function outcome(app: App, env: Env): string {
    try {
        return JSON.stringify(loaders[app](env));
    } catch (e) {
        return `error: ${(e as Error).message}`;
    }
}

/** A different value of the same kind, so a key the loader reads changes its result. */
function perturb(value: string): string {
    if (value === "true") return "false";
    if (value === "false") return "true";
    if (/^\d+$/.test(value)) return String(Number(value) + 1);
    return `${value}x`;
}

/** Keys the stack sets that neither removing nor changing alters what the app loads. */
function unreadKeys(app: App, container: Container): string[] {
    const base = outcome(app, container.env);
    return Object.keys(container.env)
        .filter((k) => !container.secretNames.includes(k) && !(k in READ_OUTSIDE_CONFIG))
        .filter((k) => {
            const { [k]: _removed, ...without } = container.env;
            return outcome(app, without) === base && outcome(app, { ...container.env, [k]: perturb(container.env[k]) }) === base;
        });
}

interface Program {
    readonly resources: RecordedResource[];
    readonly region: string;
    /** Containers by the app their image was built from. */
    readonly byApp: ReadonlyMap<App, Container[]>;
}

async function evaluate(overrides: Record<string, string>): Promise<Program> {
    const resources = await evaluateProgram("dev", "dev", overrides);
    const images = resources.filter((r) => r.type === "docker:index/image:Image");
    const appOf = (image: string): App | undefined => {
        const built = images.find((i) => i.state.repoDigest === image);
        return built?.inputs.build.args.APP as App | undefined;
    };
    const byApp = new Map<App, Container[]>();
    for (const c of containersOf(resources)) {
        const app = appOf(c.image);
        if (app) byApp.set(app, [...(byApp.get(app) ?? []), c]);
    }
    return { resources, region: resolveStackConfig("dev").values["aws:region"], byApp };
}

const ofType = (p: Program, type: string) => p.resources.filter((r) => r.type === type);
const childOf = (p: Program, parent: string | undefined, type: string) => {
    const found = p.resources.filter((r) => r.type === type && r.parent === parent);
    if (found.length !== 1) throw new Error(`expected one ${type} under ${parent}, found ${found.length}`);
    return found[0];
};

/** The database a container's DB_HOST names, from the stack's own resources: what the app must end up using. */
function databaseBehind(p: Program, host: string | undefined) {
    const proxy = ofType(p, "aws:rds/proxy:Proxy").find((r) => r.state.endpoint === host);
    if (!proxy) throw new Error(`DB_HOST ${host} is not the endpoint of any RDS Proxy in the stack`);
    const cluster = childOf(p, proxy.parent, "aws:rds/cluster:Cluster");
    const user = childOf(p, proxy.parent, "pulumi-nodejs:dynamic/serverless-containers:DatabaseUser");
    return {
        host: proxy.state.endpoint as string,
        port: cluster.state.port as number,
        database: cluster.inputs.databaseName as string,
        user: user.inputs.username as string,
        tls: proxy.inputs.requireTls === true,
        iam: proxy.inputs.defaultAuthScheme === "IAM_AUTH",
    };
}

function expectDatabaseContract(p: Program, container: Container, db: DbSettings): void {
    const expected = databaseBehind(p, container.env.DB_HOST);
    expect({
        host: db.host,
        port: db.port,
        database: db.database,
        user: db.user,
        tls: db.tls,
        iam: db.credentials?.kind === "iam",
    }).toEqual(expected);
    // IAM auth tokens are signed for this region; the proxy lives in the stack's region.
    expect(container.env.AWS_REGION).toBe(p.region);
}

/** The key schema products-api creates its table with (its own local-development code path), read through a fake client. */
async function productsAppKeySchema(): Promise<unknown> {
    let created: { KeySchema?: unknown } | undefined;
    const client = {
        send: async (command: { constructor: { name: string }; input: { KeySchema?: unknown } }) => {
            if (command.constructor.name === "DescribeTableCommand")
                throw new ResourceNotFoundException({ message: "no table", $metadata: {} });
            created = command.input;
            return {};
        },
    } as unknown as DynamoDBClient;
    await ensureLocalTable(client, "contract");
    return created?.KeySchema;
}

// Both hosting platforms of the three web services: the stack files choose ecs-express; accounts that had
// App Runner before 2026-04-30 may choose app-runner.
describe.each([
    ["ecs-express", { appRunnerPlatform: "ecs-express", appRunnerVpcPlatform: "ecs-express", visitsDemoPlatform: "ecs-express" }],
    ["app-runner", { appRunnerPlatform: "app-runner", appRunnerVpcPlatform: "app-runner", visitsDemoPlatform: "app-runner" }],
])("the environment each container gets on %s loads in the app's own config, as the stack means it", (_platform, overrides) => {
    let p: Program;
    beforeAll(async () => {
        p = await evaluate(overrides);
    }, 120_000); // the whole program (four stacks, the EKS cluster, two DB bootstraps) on a loaded machine

    it("should run every app (products-api twice: App Runner/Express and EKS)", () => {
        expect(APPS.map((app) => [app, p.byApp.get(app)?.length ?? 0])).toEqual([
            ["catalogue-api", 1],
            ["visits-api", 1],
            ["products-api", 2],
            ["private-service", 1],
        ]);
    });

    it.each(APPS)("should set only variables %s reads (or that a named consumer reads)", (app) => {
        for (const container of p.byApp.get(app) ?? []) {
            expect([container.where, unreadKeys(app, container)]).toEqual([container.where, []]);
        }
    });

    it("should give catalogue-api its proxy, port, database and app user, with TLS and IAM auth", () => {
        for (const container of p.byApp.get("catalogue-api") ?? []) {
            const config = loadCatalogueConfig(container.env);
            expect(config.port).toBe(container.port);
            expectDatabaseContract(p, container, config.db);
        }
    });

    it("should give visits-api its database and the URL private-service listens on", () => {
        const [privateService] = p.byApp.get("private-service") ?? [];
        const namespace = ofType(p, "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace")[0].inputs.name;
        const discovery = ofType(p, "aws:servicediscovery/service:Service")[0].inputs.name;
        for (const container of p.byApp.get("visits-api") ?? []) {
            const config = loadVisitsConfig(container.env);
            expect(config.port).toBe(container.port);
            expectDatabaseContract(p, container, config.db);
            // The name Cloud Map registers and the port the private service's container listens on.
            expect(config.privateServiceUrl).toBe(`http://${discovery}.${namespace}:${privateService.port}`);
        }
    });

    it("should give products-api a table the stack created, keyed as the app reads it, in the stack's region", async () => {
        const tables = ofType(p, "aws:dynamodb/table:Table");
        const appKeys = await productsAppKeySchema();
        for (const container of p.byApp.get("products-api") ?? []) {
            const config = loadProductsConfig(container.env);
            expect(config.port).toBe(container.port);
            expect(config.region).toBe(p.region);
            expect(config.endpoint).toBeUndefined(); // local development only
            const table = tables.find((t) => t.state.name === config.tableName);
            expect(table && [{ AttributeName: table.inputs.hashKey, KeyType: "HASH" }]).toEqual(appKeys);
        }
    });

    it("should start private-service on the port its task routes to", () => {
        for (const container of p.byApp.get("private-service") ?? []) {
            expect(loadPrivateServiceConfig(container.env).port).toBe(container.port);
        }
    });
});
