/**
 * The apps' schemas reach the database bootstrap as data: stacks/database.ts reads the file each app ships
 * (apps/<app>/src/data/ddl.json) and hands its statements to AuroraWithProxy as `appUser.schema`. The app's own
 * schema init reads the same file; these must be the very statements it runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CATALOGUE_SCHEMA } from "../apps/catalogue-api/src/data/schema";
import { VISITS_SCHEMA } from "../apps/visits-api/src/data/schema";
import { appSchemaFile, CATALOGUE_APP_USER, readAppSchema, VISITS_APP_USER } from "./database";

describe("the apps' schema files", () => {
    it("should give the bootstrap exactly the statements each app's own schema init runs", () => {
        expect(CATALOGUE_APP_USER.schema).toEqual(CATALOGUE_SCHEMA);
        expect(VISITS_APP_USER.schema).toEqual(VISITS_SCHEMA);
        expect(CATALOGUE_SCHEMA[0]).toMatch(/^\nCREATE TABLE IF NOT EXISTS catalogue \(\n {2}id {10}VARCHAR\(36\)/);
        expect(VISITS_SCHEMA).toHaveLength(4);
    });

    it("should name the file and the expected shape when a schema file holds no statements", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "app-schema-"));
        try {
            const file = path.join(dir, "ddl.json");
            writeFileSync(file, JSON.stringify({ statements: ["CREATE TABLE t (id INT)"] }));
            expect(() => readAppSchema(file)).toThrow(`${file} must hold "statements", a list of statements each given as its lines`);
            expect(() => readAppSchema(appSchemaFile("no-such-app"))).toThrow(appSchemaFile("no-such-app"));
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
