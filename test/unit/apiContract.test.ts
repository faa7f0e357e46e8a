import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/api/app.js';
import { errorCodes } from '../../src/domain/errors.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema: { [key: string]: Json } }[];
  security?: { [scheme: string]: string[] }[];
  requestBody?: { content: { [type: string]: { schema: { [key: string]: Json } } } };
  responses: {
    [status: string]: {
      headers?: { [name: string]: { [key: string]: Json } };
      content?: { [type: string]: { schema: { [key: string]: Json } } };
    };
  };
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

  it('marks the public routes public, sign-in as needing a bearer token and every other /v1 and /codec route either', () => {
    const either = [{ bearer: [] }, { session: [] }];
    for (const { route, path, operation } of operations) {
      const signedIn = path.startsWith('/v1/') || path.startsWith('/codec/');
      expect({ route, security: operation.security }).toEqual({
        route,
        security: route === 'POST /v1/session' ? [{ bearer: [] }] : signedIn ? either : [],
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

describe('the OpenAPI document, to the letter a generated client trusts', () => {
  const component = (ref: Json | undefined) =>
    typeof ref === 'string' ? doc.components.schemas[ref.split('/').at(-1)!] : undefined;
  // A sign-in is not kept under a key (a replay would set no cookies); every other POST is.
  const posts = operations.filter((o) => o.route.startsWith('POST /v1/') && o.route !== 'POST /v1/session');

  it('documents the Idempotency-Key header, its shape, on every POST under /v1', () => {
    expect(posts.map((o) => o.operation.operationId)).toEqual(
      expect.arrayContaining([
        'createUser',
        'revokeAccess',
        'issueToken',
        'createGrant',
        'approveGrant',
        'rejectGrant',
      ]),
    );
    for (const { route, operation } of posts) {
      const header = operation.parameters?.find(
        (p) => p.in === 'header' && /^idempotency-key$/i.test(p.name),
      );
      expect(header, route).toBeDefined();
      expect(header?.required, route).toBe(false);
      expect(component(header?.schema.$ref), route).toMatchObject({
        type: 'string',
        minLength: 1,
        maxLength: 200,
        pattern: '^[A-Za-z0-9._:-]{1,200}$',
      });
    }
  });

  it('documents idempotent-replayed on the answers a key keeps, and Retry-After on a 409', () => {
    for (const { route, operation } of posts) {
      const statuses = Object.keys(operation.responses);
      for (const status of statuses.filter((s) => /^2/.test(s))) {
        expect(
          operation.responses[status]?.headers?.['idempotent-replayed'],
          `${route} ${status}`,
        ).toBeDefined();
      }
      for (const status of statuses.filter((s) => ['401', '403', '429'].includes(s))) {
        expect(
          operation.responses[status]?.headers?.['idempotent-replayed'],
          `${route} ${status}`,
        ).toBeUndefined();
      }
      expect(operation.responses['409']?.headers?.['retry-after'], route).toBeDefined();
    }
  });

  it("types a problem's code as the closed set of error codes", () => {
    const problem = doc.components.schemas.Problem!;
    const code = component((problem.properties as { [key: string]: { [key: string]: Json } }).code?.$ref);
    expect(code).toEqual(expect.objectContaining({ type: 'string', enum: [...errorCodes] }));
    expect(errorCodes).toContain('idempotency_in_progress');
  });

  it('writes each named schema once: uses of it are references, not inline copies', () => {
    const shape = (schema: { [key: string]: Json }) =>
      JSON.stringify(
        Object.fromEntries(
          Object.entries(schema).filter(
            ([key]) => !['description', 'default', 'examples', 'title'].includes(key),
          ),
        ),
      );
    const named = new Map(
      Object.entries(doc.components.schemas)
        .filter(([, schema]) => 'enum' in schema || 'properties' in schema)
        .map(([name, schema]) => [shape(schema), name]),
    );
    const inline = [...schemas(doc as unknown as Json, '')].filter(
      ({ at, schema }) => !/^\.components\.schemas\.\w+$/.test(at) && named.has(shape(schema)),
    );
    expect(inline.map(({ at, schema }) => `${at} copies ${named.get(shape(schema))}`)).toEqual([]);
    expect(Object.keys(doc.components.schemas).filter((name) => /^CreatedUser./.test(name))).toEqual([]);
  });

  it('declares every enum used in more than one place as one component', () => {
    const uses = new Map<string, string[]>();
    for (const { at, schema } of schemas(doc as unknown as Json, '')) {
      if (!Array.isArray(schema.enum) || schema.enum.length < 2) continue;
      const values = JSON.stringify([...schema.enum].sort());
      uses.set(values, [...(uses.get(values) ?? []), at]);
    }
    const repeatedInline = [...uses.values()]
      .filter((at) => at.length > 1)
      .flat()
      .filter((at) => !/^\.components\.schemas\.\w+$/.test(at));
    expect(repeatedInline).toEqual([]);
    const source = doc.components.schemas.Control?.properties as { [key: string]: { [key: string]: Json } };
    expect(source.source?.$ref).toBe('#/components/schemas/ControlSource');
  });

  it("types the reason-code matrix's entries", () => {
    const matrix = doc.components.schemas.ReasonCodeMatrix!.properties as {
      [key: string]: { [key: string]: Json };
    };
    for (const type of ['complaint', 'unfreeze', 'unbind']) {
      expect(matrix[type]?.additionalProperties, type).toEqual({
        $ref: '#/components/schemas/ReasonCodeRule',
      });
    }
    expect(Object.keys(doc.components.schemas.ReasonCodeRule!.properties as object)).toEqual(
      expect.arrayContaining(['description', 'evidence', 'approverRole', 'monitoringWindow', 'coolingOff']),
    );
  });

  it('gives every operation a 4xx answer and the document a licence, as Redocly asks', () => {
    for (const { route, operation } of operations) {
      expect(
        Object.keys(operation.responses).some((s) => /^4/.test(s)),
        route,
      ).toBe(true);
    }
    expect((doc as unknown as { info: { license?: { name: string } } }).info.license?.name).toBeDefined();
  });
});
