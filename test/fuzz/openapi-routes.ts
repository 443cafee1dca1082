import { Face, faceOfPath } from '../support/face-requests';

/** The part of an OpenAPI schema object the fuzzer reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  example?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  maxItems?: number;
  format?: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}

interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

export type RouteFace = Face | 'service';

export interface QueryParam {
  name: string;
  schema: Schema;
}

/** One method of one path of /docs-json, with what the fuzzer needs to build requests for it. */
export interface Route {
  method: string;
  path: string;
  face: RouteFace;
  query: QueryParam[];
  headers: QueryParam[];
  body: RouteBody | null;
}

export interface RouteBody {
  contentTypes: string[];
  /** The declared examples, then one built from the schema's property examples. */
  examples: unknown[];
  schema: Schema | null;
  /** Each member's schema by name, anywhere in the body: mutations pick edge values by name. */
  fields: Map<string, Schema>;
}

/** Every route of the document, in document order (so a seed picks the same routes every run). */
export function routesOf(document: OpenApiDocument): Route[] {
  const resolve = refResolver(document);
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]): Route => {
      const params = operation.parameters ?? [];
      const of = (where: Parameter['in']) =>
        params.filter((p) => p.in === where).map((p) => ({ name: p.name, schema: resolve(p.schema ?? {}) }));
      const content = Object.entries(operation.requestBody?.content ?? {});
      const schema = content.length && content[0][1].schema ? resolve(content[0][1].schema) : null;
      const body: RouteBody | null = content.length
        ? {
            contentTypes: content.map(([type]) => type),
            examples: content.flatMap(([, media]) => examplesOf(media, resolve)),
            schema,
            fields: fieldSchemas(schema, resolve),
          }
        : null;
      return {
        method,
        path,
        face: faceOfPath(path) ?? 'service',
        query: of('query'),
        headers: of('header'),
        body,
      };
    }),
  );
}

function examplesOf(media: MediaType, resolve: (schema: Schema) => Schema): unknown[] {
  const declared = [
    ...Object.values(media.examples ?? {}).map((e) => e.value),
    ...(media.example === undefined ? [] : [media.example]),
  ];
  const built = media.schema ? exampleFromSchema(resolve(media.schema), resolve, 0) : undefined;
  return built === undefined ? declared : [...declared, built];
}

/** Resolves `$ref`s (one level at a time, lazily, so recursive schemas are fine). */
function refResolver(document: OpenApiDocument): (schema: Schema) => Schema {
  return (schema) => {
    let current = schema;
    for (let hops = 0; current.$ref && hops < 10; hops++) {
      const name = current.$ref.replace('#/components/schemas/', '');
      current = document.components.schemas[name] ?? {};
    }
    return current;
  };
}

/** A value made of the schema's own examples: every property that has one, nested. */
function exampleFromSchema(schema: Schema, resolve: (schema: Schema) => Schema, depth: number): unknown {
  const s = resolve(schema);
  if (s.example !== undefined) return s.example;
  if (depth > 6) return undefined;
  const variant = s.oneOf?.[0] ?? s.anyOf?.[0];
  if (variant) return exampleFromSchema(variant, resolve, depth + 1);
  if (s.enum?.length) return s.enum[0];
  if (s.properties) {
    const value: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(s.properties)) {
      const example = exampleFromSchema(property, resolve, depth + 1);
      if (example !== undefined) value[key] = example;
    }
    return value;
  }
  if (s.type === 'array' && s.items) {
    const item = exampleFromSchema(s.items, resolve, depth + 1);
    return item === undefined ? [] : [item];
  }
  return undefined;
}

/** Every property schema by name, anywhere in the body schema: the fuzzer picks values by field name. */
function fieldSchemas(schema: Schema | null, resolve: (schema: Schema) => Schema): Map<string, Schema> {
  const fields = new Map<string, Schema>();
  const walk = (s: Schema, depth: number) => {
    const r = resolve(s);
    if (depth > 6) return;
    for (const [name, property] of Object.entries(r.properties ?? {})) {
      if (!fields.has(name)) fields.set(name, resolve(property));
      walk(property, depth + 1);
    }
    for (const variant of [...(r.oneOf ?? []), ...(r.anyOf ?? []), ...(r.allOf ?? [])])
      walk(variant, depth + 1);
    if (r.items) walk(r.items, depth + 1);
  };
  if (schema) walk(schema, 0);
  return fields;
}
