import { z } from "zod";
import type { AnyRoute } from "./routes";

export interface OpenApiInfo {
    readonly title: string;
    readonly version: string;
    readonly description?: string;
}

type JsonSchema = Record<string, unknown>;

function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
    return rest;
}

function parametersOf(schema: z.ZodType | undefined, location: "query" | "path"): JsonSchema[] {
    if (!(schema instanceof z.ZodObject)) return [];
    const json = toJsonSchema(schema, "input");
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    return Object.entries(properties).map(([name, propertySchema]) => ({
        name,
        in: location,
        required: location === "path" ? true : required.has(name) && propertySchema.default === undefined,
        schema: propertySchema,
        ...(typeof propertySchema.description === "string" ? { description: propertySchema.description } : {}),
    }));
}

/** OpenAPI 3.1 document generated from the same route table that serves requests, so it cannot drift. */
export function buildOpenApi(info: OpenApiInfo, routes: readonly AnyRoute[]): JsonSchema {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of routes) {
        const openApiPath = route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
        const operation: Record<string, unknown> = {
            summary: route.summary,
            ...(route.description ? { description: route.description } : {}),
            operationId: `${route.method}${openApiPath.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
            parameters: [
                ...parametersOf(route.params, "path"),
                ...parametersOf(route.query, "query"),
                ...(route.headers ?? []).map((header) => ({
                    name: header.name,
                    in: "header",
                    required: false,
                    description: header.description,
                    schema: { type: "string", minLength: 1, maxLength: 257 },
                })),
            ],
            responses: Object.fromEntries(
                Object.entries(route.responses).map(([status, spec]) => [
                    status,
                    {
                        description: spec.description,
                        ...(spec.schema ? { content: { "application/json": { schema: toJsonSchema(spec.schema, "output") } } } : {}),
                    },
                ]),
            ),
        };
        if (route.body !== undefined) {
            operation.requestBody = {
                required: true,
                content: { "application/json": { schema: toJsonSchema(route.body, "input") } },
            };
        }
        paths[openApiPath] = { ...(paths[openApiPath] ?? {}), [route.method]: operation };
    }
    return {
        openapi: "3.1.0",
        info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
        paths,
        components: {
            schemas: {
                Error: {
                    type: "object",
                    required: ["error", "message"],
                    properties: {
                        error: { type: "string" },
                        message: { type: "string" },
                        issues: {
                            type: "array",
                            items: {
                                type: "object",
                                properties: { field: { type: "string" }, location: { type: "string" }, message: { type: "string" } },
                            },
                        },
                    },
                },
            },
        },
    };
}
