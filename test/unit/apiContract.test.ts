import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/api/app.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Operation {
  operationId?: string;
  security?: { [scheme: string]: string[] }[];
  requestBody?: { content: { [type: string]: { schema: { [key: string]: Json } } } };
  responses: { [status: string]: { content?: { [type: string]: { schema: { [key: string]: Json } } } } };
}

const doc = openApiDocument('http://127.0.0.1:3000') as unknown as {
  paths: { [path: string]: { [method: string]: Operation } };
  components: { schemas: { [name: string]: { [key: string]: Json } } };
};
const operations = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
  Object.entries(byMethod).map(([method, operation]) => ({
    route: `${method.toUpperCase()} ${path}`,
    path,
    operation,
  })),
);

/** The rows of docs/api.md's route table: `| \`operationId\` | \`METHOD /path\` | … |`. */
function documentedRoutes(): { operationId: string; route: string }[] {
  const markdown = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const section = markdown.split('\n## Routes\n')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/^\| `(\w+)`\s*\| `((?:GET|POST|PUT|PATCH|DELETE) \/[^`]*)`\s*\|/gm)].map(
    (m) => ({ operationId: m[1]!, route: m[2]! }),
  );
}

/** Every schema object in the document, with where it is. */
function* schemas(value: Json, at: string): Generator<{ at: string; schema: { [key: string]: Json } }> {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* schemas(item, `${at}[${i}]`);
  } else if (value !== null && typeof value === 'object') {
    if ('type' in value || 'anyOf' in value || '$ref' in value || 'enum' in value)
      yield { at, schema: value };
    for (const [key, child] of Object.entries(value)) yield* schemas(child, `${at}.${key}`);
  }
}

describe('docs/api.md and the served OpenAPI document', () => {
  const table = documentedRoutes();

  it('docs/api.md lists every operation the API serves, and nothing it does not', () => {
    expect(table.length).toBeGreaterThan(25);
    const served = operations.map((o) => o.route).sort();
    const listed = table.map((row) => row.route).sort();
    expect(served.filter((route) => !listed.includes(route))).toEqual([]);
    expect(listed.filter((route) => !served.includes(route))).toEqual([]);
  });

  it('docs/api.md names each operation as the document does', () => {
    const listed = new Map(table.map((row) => [row.route, row.operationId]));
    for (const { route, operation } of operations) {
      if (operation.operationId)
        expect({ route, operationId: listed.get(route) }).toEqual({
          route,
          operationId: operation.operationId,
        });
    }
  });
});

describe('the OpenAPI document, for generated clients', () => {
  it('gives every operation a unique operationId', () => {
    const ids = operations.map((o) => o.operation.operationId ?? `(none on ${o.route})`);
    expect(ids.filter((id) => id.startsWith('(none'))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('marks the public routes public, sign-in as needing a bearer token and every other /v1 route either', () => {
    const either = [{ bearer: [] }, { session: [] }];
    for (const { route, path, operation } of operations) {
      expect({ route, security: operation.security }).toEqual({
        route,
        security: route === 'POST /v1/session' ? [{ bearer: [] }] : path.startsWith('/v1/') ? either : [],
      });
    }
  });

  it('shows an example of every request body', () => {
    const resolve = (schema: { [key: string]: Json }) =>
      typeof schema.$ref === 'string' ? doc.components.schemas[schema.$ref.split('/').at(-1)!]! : schema;
    for (const { route, operation } of operations) {
      const schema = operation.requestBody?.content['application/json']?.schema;
      if (!schema) continue;
      const resolved = resolve(schema);
      // A body with no fields has nothing to show.
      if (Object.keys((resolved.properties as object | undefined) ?? {}).length === 0) continue;
      expect({ route, examples: Array.isArray(resolved.examples) && resolved.examples.length > 0 }).toEqual({
        route,
        examples: true,
      });
    }
  });

  it('writes every timestamp as date-time', () => {
    const timestamps = [...schemas(doc as unknown as Json, '')].filter(({ at }) =>
      /\.properties\.(\w*At|at|from|to|until)$/.test(at),
    );
    expect(timestamps.length).toBeGreaterThan(20);
    const stringsWithoutFormat = timestamps.filter(({ schema }) => {
      const options = Array.isArray(schema.anyOf) ? (schema.anyOf as { [key: string]: Json }[]) : [schema];
      return options.some((o) => o.type === 'string' && o.format !== 'date-time');
    });
    expect(stringsWithoutFormat.map(({ at }) => at)).toEqual([]);
  });

  it('writes a nullable enum as anyOf, and never makes a named schema nullable', () => {
    const typeListEnums = [...schemas(doc as unknown as Json, '')].filter(
      ({ schema }) => Array.isArray(schema.type) && Array.isArray(schema.enum),
    );
    expect(typeListEnums.map(({ at }) => at)).toEqual([]);
    const nullableComponents = Object.entries(doc.components.schemas).filter(
      ([, schema]) =>
        (Array.isArray(schema.type) && schema.type.includes('null')) ||
        (Array.isArray(schema.anyOf) &&
          (schema.anyOf as { type?: Json }[]).some((option) => option.type === 'null')),
    );
    expect(nullableComponents.map(([name]) => name)).toEqual([]);
  });

  it('describes /openapi.json as an object', () => {
    const schema = doc.paths['/openapi.json']?.get?.responses['200']?.content?.['application/json']?.schema;
    expect(schema?.type).toBe('object');
  });
});
