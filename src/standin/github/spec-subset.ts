// Cuts GitHub's OpenAPI description (13 MB) down to the operations the stand-in serves, and patches the few
// constructs Ajv (inside openapi-backend) refuses, so the stand-in can validate against GitHub's own schemas.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface OpenApiDocument {
  openapi: string;
  info: Json;
  paths: Record<string, Record<string, Json>>;
  components?: Record<string, Record<string, Json>>;
  [key: string]: unknown;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep copy that leaves out named example payloads: GitHub's own examples fail its schemas and triple the size. */
function copyWithoutExamples(value: Json, parentKey = ''): Json {
  if (Array.isArray(value)) return value.map((item) => copyWithoutExamples(item));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    // `examples` is a keyword only on media types and parameters, never inside `properties`.
    if (key === 'examples' && parentKey !== 'properties') continue;
    out[key] = copyWithoutExamples(child, key);
  }
  return out;
}

function collectRefs(value: Json, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, into);
  } else if (isObject(value)) {
    if (typeof value.$ref === 'string') into.add(value.$ref);
    for (const child of Object.values(value)) collectRefs(child, into);
  }
}

function parseComponentRef(ref: string): [section: string, name: string] {
  const match = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
  if (!match) throw new Error(`Unsupported $ref ${ref}: only #/components/<section>/<name> is handled`);
  const decode = (part: string) => part.replace(/~1/g, '/').replace(/~0/g, '~');
  return [decode(match[1]), decode(match[2])];
}

/** Infers the JSON type of an untyped schema from its enum values, if they agree. */
function typeFromEnum(values: Json[]): string | undefined {
  const types = new Set(values.filter((v) => v !== null).map((v) => (Number.isInteger(v) ? 'integer' : typeof v)));
  return types.size === 1 ? [...types][0] : undefined;
}

/**
 * Ajv's `nullable` needs `type` next to it, and a nullable `enum` must list null itself. OpenAPI 3.0 allows both
 * omissions, and GitHub's description uses them; rewrite them into equivalent forms Ajv accepts.
 */
function fixNullable(schema: JsonObject): JsonObject {
  if (schema.nullable !== true) return schema;
  const fixed: JsonObject = { ...schema };
  if (fixed.type === undefined) {
    const composition = (['anyOf', 'oneOf', 'allOf'] as const).find((key) => key in fixed);
    const enumType = Array.isArray(fixed.enum) ? typeFromEnum(fixed.enum) : undefined;
    delete fixed.nullable;
    if (composition) {
      // { nullable, oneOf: [...] } ≡ { anyOf: [ null, { oneOf: [...] } ] }; `{ enum: [null] }` is valid in both dialects.
      const inner: JsonObject = { [composition]: fixed[composition] };
      delete fixed[composition];
      fixed.anyOf = [{ enum: [null] }, inner];
    } else if (enumType) {
      fixed.type = enumType;
      fixed.nullable = true;
    }
    // Otherwise the schema has no type constraint at all: it already accepts null.
  }
  if (fixed.nullable === true && Array.isArray(fixed.enum) && !fixed.enum.includes(null)) {
    fixed.enum = [...fixed.enum, null];
  }
  return fixed;
}

function fixSchemas(value: Json): Json {
  if (Array.isArray(value)) return value.map(fixSchemas);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) out[key] = fixSchemas(child);
  return fixNullable(out);
}

function sortedObject(entries: Iterable<[string, Json]>): JsonObject {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Keeps only the named operations (their paths and methods, plus path-level parameters) and every component they
 * reference, transitively. Pure: the input document is not modified. Output key order is deterministic.
 */
export function buildSpecSubset(fullSpec: OpenApiDocument, operationIds: readonly string[]): OpenApiDocument {
  const wanted = new Set(operationIds);
  const found = new Set<string>();
  const paths: Record<string, Record<string, Json>> = {};
  for (const [path, item] of Object.entries(fullSpec.paths)) {
    const kept: Record<string, Json> = {};
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method) || !isObject(operation)) continue;
      const id = operation.operationId;
      if (typeof id !== 'string' || !wanted.has(id)) continue;
      found.add(id);
      kept[method] = copyWithoutExamples(operation);
    }
    if (Object.keys(kept).length === 0) continue;
    if (item.parameters !== undefined) kept.parameters = copyWithoutExamples(item.parameters);
    paths[path] = kept;
  }
  const missing = operationIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new Error(`Operations not in the description: ${missing.join(', ')}`);

  // Breadth-first over $refs: components reference further components.
  const components: Record<string, Map<string, Json>> = {};
  const seen = new Set<string>();
  const pending = new Set<string>();
  collectRefs(paths as Json, pending);
  while (pending.size > 0) {
    const [ref] = pending;
    pending.delete(ref);
    if (seen.has(ref)) continue;
    seen.add(ref);
    const [section, name] = parseComponentRef(ref);
    const target = fullSpec.components?.[section]?.[name];
    if (target === undefined) throw new Error(`Dangling $ref ${ref}`);
    const copy = copyWithoutExamples(target);
    (components[section] ??= new Map()).set(name, copy);
    collectRefs(copy, pending);
  }

  const subset: OpenApiDocument = {
    openapi: fullSpec.openapi,
    info: fullSpec.info,
    paths: fixSchemas(sortedObject(Object.entries(paths) as [string, Json][])) as OpenApiDocument['paths'],
    components: sortedObject(
      Object.entries(components).map(([section, entries]) => [section, fixSchemas(sortedObject(entries))]),
    ) as OpenApiDocument['components'],
  };
  return subset;
}
