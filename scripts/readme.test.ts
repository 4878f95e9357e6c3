/**
 * README statements that drift when code changes, checked against their sources: the services' routes, the
 * settings the workflows read, the policy pack's enforcement counts, the quick-start commands and the Node
 * floor. (The environment tables and the preview's counts are generated: see offline-preview.test.ts.)
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { HONOURED_AWS_SETTINGS, UNSUPPORTED_AWS_SETTINGS } from "../components/aws-settings";
import { controls } from "../policy/rules";
import { pinnedNodeVersion, supportedNodeRange } from "./lib/node-version";

const ROOT = path.resolve(__dirname, "..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");

function section(heading: string): string {
    const start = README.indexOf(heading);
    if (start < 0) throw new Error(`README has no "${heading}"`);
    const next = README.indexOf("\n## ", start + heading.length);
    return README.slice(start, next < 0 ? undefined : next);
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
        const health = readFileSync(path.join(ROOT, "packages", "service-kit", "src", "health.ts"), "utf8");
        for (const m of health.matchAll(/method:\s*"(\w+)",\s*path:\s*"([^"]+)"/g)) routes.push(`${m[1].toUpperCase()} ${m[2]}`);
    }
    return routes.sort();
}

/** `METHOD path` pairs the README's services table lists for an app (`GET/POST /x` counts twice). */
function documentedRoutes(app: string): string[] {
    const row = section("## The services")
        .split("\n")
        .find((l) => l.startsWith(`| ${app} |`));
    if (!row) throw new Error(`no README row for ${app}`);
    const routes: string[] = [];
    for (const m of row.split("|")[3].matchAll(/`([A-Z/]+) (\/[^`]*)`/g))
        for (const method of m[1].split("/")) routes.push(`${method} ${m[2]}`);
    return routes.sort();
}

describe("README", () => {
    it.each(["products-api", "catalogue-api", "visits-api", "private-service"])("should list exactly the routes %s declares", (app) => {
        expect(documentedRoutes(app)).toEqual(declaredRoutes(app));
    });

    it("should list every variable and secret the workflows read", () => {
        const dir = path.join(ROOT, ".github", "workflows");
        const used = new Set<string>();
        for (const file of readdirSync(dir)) {
            for (const m of readFileSync(path.join(dir, file), "utf8").matchAll(/\b(?:vars|secrets)\.([A-Z][A-Z0-9_]*)/g))
                if (m[1] !== "GITHUB_TOKEN") used.add(m[1]);
        }
        expect(used.size).toBeGreaterThan(0);
        const settings = section("### CI/CD");
        for (const name of used) expect(settings).toContain(`\`${name}\``);
    });

    it("should name every aws: setting the database bootstrap honours or refuses, as components/aws-settings.ts has them", () => {
        const bullet = /- \*\*Who calls the Data API:\*\*[\s\S]*?\n- /.exec(section("### Databases"))?.[0] ?? "";
        // Listed as `aws:key` or, after a slash, `key` (`aws:accessKey`/`secretKey`/`token`).
        const named = (key: string) => bullet.includes(`\`aws:${key}\``) || bullet.includes(`/\`${key}\``);
        expect([...HONOURED_AWS_SETTINGS, ...Object.keys(UNSUPPORTED_AWS_SETTINGS)].filter((key) => !named(key))).toEqual([]);
    });

    it("should state the policy pack's size and enforcement counts as policy/rules.ts has them", () => {
        const text = section("## Policy pack").replace(/\s+/g, " ");
        const count = (dev: string, staging: string, prod: string) =>
            controls.filter((c) => c.enforcement.dev === dev && c.enforcement.staging === staging && c.enforcement.prod === prod).length;
        expect(text).toContain(`of ${controls.length} controls`);
        expect(text).toContain(
            `${count("mandatory", "mandatory", "mandatory")} never-acceptable controls are mandatory in every environment`,
        );
        expect(text).toContain(
            `${count("advisory", "mandatory", "mandatory")} security controls are advisory in dev and mandatory from staging`,
        );
        expect(text).toContain(`${count("advisory", "advisory", "mandatory")} durability controls`);
        expect(controls.every((c) => c.enforcement.prod === "mandatory")).toBe(true);
    });

    it("should have as many commands in the quick start as its heading says", () => {
        const words: Record<string, number> = { two: 2, three: 3, four: 4 };
        const heading = /^## (\w+) commands$/m.exec(README);
        expect(heading).not.toBeNull();
        const block = /```bash\n([\s\S]*?)```/.exec(README.slice(heading!.index))![1];
        expect(block.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#")).length).toBe(words[heading![1].toLowerCase()]);
    });

    it("should give the pinned Node version and the range package.json's engines declares", () => {
        const engines = supportedNodeRange();
        const pinned = pinnedNodeVersion();
        for (const heading of ["## Three commands", "## Deploying for real"]) {
            expect(section(heading)).toContain(`Node ${pinned} (`);
            expect(section(heading)).toContain(`\`${engines}\``);
        }
    });
});
