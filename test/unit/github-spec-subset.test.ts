// The committed GitHub description subset must be exactly what the installed @octokit/openapi yields, so it
// cannot go stale silently; and the subset's Ajv fixes must behave.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { GITHUB_OPERATION_IDS } from '../../src/standin/github/operations.js';
import { buildSpecSubset, type OpenApiDocument } from '../../src/standin/github/spec-subset.js';

const root = new URL('../../../', import.meta.url); // dist/test/unit → repository root
const committedPath = new URL('src/standin/github/github-api-subset.json', root);

describe('buildSpecSubset', () => {
  test('regenerating from the installed @octokit/openapi equals the committed subset', () => {
    const require = createRequire(import.meta.url);
    const fullSpec = require('@octokit/openapi/generated/api.github.com.json') as OpenApiDocument;
    const regenerated = `${JSON.stringify(buildSpecSubset(fullSpec, GITHUB_OPERATION_IDS), null, 2)}\n`;
    // Compare text, not just structure: the generator must be deterministic. On failure: npm run gen:github-spec.
    expect(regenerated === readFileSync(committedPath, 'utf8')).toBe(true);
  });

  test('the committed subset has no construct Ajv refuses', () => {
    const text = readFileSync(committedPath, 'utf8');
    const offenders: string[] = [];
    JSON.parse(text, (_key, value: unknown) => {
      const schema = value as { nullable?: unknown; type?: unknown; enum?: unknown[] } | null;
      if (schema && typeof schema === 'object' && schema.nullable === true) {
        if (schema.type === undefined) offenders.push(`nullable without type: ${JSON.stringify(schema).slice(0, 80)}`);
        if (schema.enum && !schema.enum.includes(null)) offenders.push(`nullable enum without null: ${JSON.stringify(schema.enum)}`);
      }
      return value;
    });
    expect(offenders).toEqual([]);
    expect(text).not.toContain('#/components/examples/');
  });

  const tiny: OpenApiDocument = {
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    paths: {
      '/things/{id}': {
        parameters: [{ $ref: '#/components/parameters/id' }],
        get: { operationId: 'things/get', responses: { '200': { $ref: '#/components/responses/thing' } } },
        delete: { operationId: 'things/delete', responses: { '204': { description: 'gone' } } },
      },
      '/other': { get: { operationId: 'other/get', responses: { '200': { description: 'x' } } } },
    },
    components: {
      parameters: { id: { name: 'id', in: 'path', required: true, schema: { type: 'integer' } } },
      responses: {
        thing: {
          description: 'ok',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/thing' }, examples: { default: { $ref: '#/components/examples/thing' } } } },
        },
      },
      schemas: {
        thing: {
          type: 'object',
          properties: {
            owner: { nullable: true, allOf: [{ $ref: '#/components/schemas/user' }] },
            kind: { type: 'string', nullable: true, enum: ['a', 'b'] },
            level: { nullable: true, enum: [1, 2] },
            anything: { nullable: true, description: 'free' },
          },
        },
        user: { type: 'object', properties: { login: { type: 'string' } } },
        unused: { type: 'string' },
      },
      examples: { thing: { value: { owner: null } } },
    },
  };

  test('keeps only the named operations and the components they reach, transitively', () => {
    const subset = buildSpecSubset(tiny, ['things/get']);
    expect(Object.keys(subset.paths)).toEqual(['/things/{id}']);
    expect(Object.keys(subset.paths['/things/{id}']).sort()).toEqual(['get', 'parameters']);
    expect(Object.keys(subset.components ?? {}).sort()).toEqual(['parameters', 'responses', 'schemas']);
    expect(Object.keys(subset.components?.schemas ?? {})).toEqual(['thing', 'user']);
    expect(tiny.components?.schemas.thing).toHaveProperty('properties.owner.nullable', true); // input untouched
  });

  test('rewrites nullable forms Ajv refuses into equivalent ones', () => {
    const thing = buildSpecSubset(tiny, ['things/get']).components?.schemas.thing as { properties: Record<string, unknown> };
    expect(thing.properties.owner).toEqual({ anyOf: [{ enum: [null] }, { allOf: [{ $ref: '#/components/schemas/user' }] }] });
    expect(thing.properties.kind).toEqual({ type: 'string', nullable: true, enum: ['a', 'b', null] });
    expect(thing.properties.level).toEqual({ type: 'integer', nullable: true, enum: [1, 2, null] });
    expect(thing.properties.anything).toEqual({ description: 'free' });
  });

  test('names operations that are not in the description', () => {
    expect(() => buildSpecSubset(tiny, ['things/get', 'nope/nothing'])).toThrow(/nope\/nothing/);
  });
});
