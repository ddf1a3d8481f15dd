// Builds response objects from GitHub's (dereferenced) response schemas: every required field gets a value that
// satisfies its schema, and callers override the fields that carry real state. GitHub's own examples fail its
// schemas, so the schemas, not the examples, are the source of truth.

export interface Schema {
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}

export interface FillContext {
  /** Base for placeholder URLs of fields nobody reads (e.g. `stargazers_url`). */
  urlBase: string;
  /** Timestamp for date-time fields left to the filler. */
  now: string;
}

const MAX_DEPTH = 12;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function acceptsNull(schema: Schema): boolean {
  if (schema.nullable === true) return true;
  if (schema.enum?.includes(null) && schema.type === undefined) return true;
  return (schema.anyOf ?? schema.oneOf ?? []).some((branch) => branch.enum?.length === 1 && branch.enum[0] === null);
}

function scalar(schema: Schema, name: string, ctx: FillContext): unknown {
  if (schema.enum && schema.enum.length > 0) return schema.enum.find((v) => v !== null) ?? null;
  switch (schema.type) {
    case 'string':
      if (schema.format === 'date-time') return ctx.now;
      if (schema.format === 'uri' || name === 'url' || name.endsWith('_url')) return `${ctx.urlBase}/${name || 'resource'}`;
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return {};
  }
}

/** One object schema with the properties and required fields of every allOf branch (nested allOfs included). */
function mergeAllOf(schema: Schema): Schema {
  const parts = (schema.allOf ?? []).map((branch) => (branch.allOf ? mergeAllOf(branch) : branch));
  const { allOf: _allOf, ...own } = schema;
  return {
    ...own,
    type: 'object',
    properties: Object.assign({}, own.properties, ...parts.map((part) => part.properties ?? {})),
    required: [...new Set([...(own.required ?? []), ...parts.flatMap((part) => part.required ?? [])])],
  };
}

/**
 * A value for `schema`: `overrides` wins where given (objects merge field by field), required fields are filled,
 * nullable ones become null, optional ones are left out.
 */
export function fillFromSchema(schema: Schema, overrides: unknown, ctx: FillContext, name = '', depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new Error(`fillFromSchema: schema for ${name} nests too deep (cycle?)`);
  const isObjectSchema = schema.type === 'object' || schema.properties !== undefined || schema.allOf !== undefined;
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(overrides) && schema.items) {
    const items = schema.items;
    return overrides.map((item) => fillFromSchema(items, item, ctx, name, depth + 1));
  }
  if (overrides !== undefined && !(isPlainObject(overrides) && (isObjectSchema || branches))) return overrides;
  if (overrides === undefined && acceptsNull(schema)) return null;

  if (schema.allOf) return fillFromSchema(mergeAllOf(schema), overrides, ctx, name, depth + 1);
  if (branches) {
    const first = branches.find((branch) => !(branch.enum?.length === 1 && branch.enum[0] === null)) ?? branches[0];
    return fillFromSchema(first, overrides, ctx, name, depth + 1);
  }
  if (!isObjectSchema) return scalar(schema, name, ctx);

  const given = isPlainObject(overrides) ? overrides : {};
  const out: Record<string, unknown> = {};
  for (const key of schema.required ?? []) {
    const property = schema.properties?.[key] ?? {};
    out[key] = fillFromSchema(property, given[key], ctx, key, depth + 1);
  }
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined || key in out) continue;
    const property = schema.properties?.[key];
    out[key] = property ? fillFromSchema(property, value, ctx, key, depth + 1) : value;
  }
  return out;
}
