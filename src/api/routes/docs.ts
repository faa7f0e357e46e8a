import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ZodType } from 'zod';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { rolePermissions } from '../../domain/permissions.js';
import { Permission, PrivilegedRole, Role } from '../../domain/schemas/permissions.js';
import { ControlSource, ReverificationMethod } from '../../domain/schemas/vocabulary.js';
import type { AppEnv } from '../context.js';
import { errorStatus, refusedRequest } from '../errors.js';

const swaggerDir = (
  createRequire(import.meta.url)('swagger-ui-dist') as { getAbsoluteFSPath(): string }
).getAbsoluteFSPath();
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

/** The role table, printed from the same object the permission checks use. */
export function roleTableMarkdown(): string {
  const header = `| role | ${Permission.options.map((p) => `\`${p}\``).join(' | ')} |`;
  const divider = `|---|${Permission.options.map(() => ':-:').join('|')}|`;
  const rows = Role.options.map(
    (role) =>
      `| \`${role}\` | ${Permission.options.map((p) => (rolePermissions[role].includes(p) ? '✓' : '')).join(' | ')} |`,
  );
  return [header, divider, ...rows].join('\n');
}

function errorTableMarkdown(): string {
  return [
    '| code | status |',
    '|---|---|',
    ...Object.entries(errorStatus).map(([code, status]) => `| \`${code}\` | ${status} |`),
  ].join('\n');
}

const description = `dualkey is a durable case and approval engine for risk operations. Every complaint, unfreeze and unbind request is a Temporal workflow; no restriction is ever lifted on one person's say.

Authenticate every \`/v1\` route with \`Authorization: Bearer <token>\`: a dualkey API token, or, where single sign-on is configured, an access token from the company's identity provider (\`GET /auth/config\` says which). Every POST under \`/v1\` accepts an \`Idempotency-Key\` header: the same key and body returns the first answer again (\`idempotent-replayed: true\`); the same key with another body is 409 \`idempotency_conflict\`; a retry while the first request still runs is 409 \`idempotency_in_progress\` with \`Retry-After\`. Errors are RFC 9457 problem documents (\`application/problem+json\`).

## Roles and permissions
A user's permissions are the union of their roles'. \`approval.senior\` and \`approval.compliance\` mark whose approval counts as the senior (high tier) or compliance (critical tier) approval; \`case.release_any\` lets a senior release someone else's case. Granting a privileged role (${PrivilegedRole.options.map((r) => `\`${r}\``).join(', ')}), a wider business line or a department takes a second admin's approval.

${roleTableMarkdown()}

## Error codes
${errorTableMarkdown()}
`;

const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>dualkey API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const initScript = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The generator writes a nullable enum as `type: [string, null]` with `null` among its values, and a
 * nullable reference as an `allOf` that no value satisfies; client generators turn the first into one
 * class per use. Both become `anyOf: [<the schema>, { type: null }]`.
 */
function nullableAsAnyOf(schema: JsonObject): JsonObject {
  const { type, enum: values, allOf, ...rest } = schema;
  if (Array.isArray(type) && type.length === 2 && type.includes('null') && Array.isArray(values)) {
    const [base] = type.filter((t) => t !== 'null');
    const options = values.filter((v) => v !== null);
    return { ...rest, anyOf: [{ type: base ?? null, enum: options }, { type: 'null' }] };
  }
  if (Array.isArray(allOf) && allOf.length === 2) {
    const [ref, nullable] = allOf;
    if (
      isObject(ref) &&
      isObject(nullable) &&
      Array.isArray(nullable.type) &&
      nullable.type.includes('null')
    ) {
      return { ...rest, anyOf: [ref, { type: 'null' }] };
    }
  }
  return schema;
}

function normalize(value: Json): Json {
  if (Array.isArray(value)) return value.map(normalize);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(nullableAsAnyOf(value))) out[key] = normalize(child);
  return out;
}

/** What a schema is, whatever a use of it says about it: the keys a generated client builds a type from. */
const annotations = new Set(['description', 'default', 'examples', 'example', 'title']);
const shapeOf = (schema: JsonObject): string =>
  JSON.stringify(Object.fromEntries(Object.entries(schema).filter(([key]) => !annotations.has(key))));
const isModel = (schema: JsonObject): boolean => 'enum' in schema || 'properties' in schema;
const keptAnnotations = (schema: JsonObject): JsonObject =>
  Object.fromEntries(Object.entries(schema).filter(([key]) => annotations.has(key)));

/**
 * A use of a registered schema that adds a description or a default (`User.describe(…)`, `ControlSource.default(…)`)
 * comes out of the generator as an inline copy, and a client generator makes a type of each copy
 * (`CreatedUserUser` beside `User`). Each copy becomes a `$ref` to its component, keeping what the use says.
 * A shape two components share (a tier and a severity) stays as written: the reference would be a guess.
 */
function referenceComponents(document: JsonObject): JsonObject {
  const components = isObject(document.components) ? document.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  const byShape = new Map<string, string | null>();
  for (const [name, schema] of Object.entries(schemas)) {
    if (!isObject(schema) || !isModel(schema)) continue;
    const shape = shapeOf(schema);
    byShape.set(shape, byShape.has(shape) ? null : name);
  }
  const componentFor = (schema: JsonObject): string | undefined => {
    if (!isModel(schema)) return undefined;
    return byShape.get(shapeOf(schema)) ?? undefined;
  };
  const visit = (value: Json, isComponent = false): Json => {
    if (Array.isArray(value)) return value.map((item) => visit(item));
    if (!isObject(value)) return value;
    if (!isComponent) {
      const name = componentFor(value);
      if (name) return { $ref: `#/components/schemas/${name}`, ...keptAnnotations(value) };
      const { type } = value;
      if (Array.isArray(type) && type.length === 2 && type.includes('null')) {
        const nullableOf = componentFor({ ...value, type: type.find((t) => t !== 'null') ?? null });
        if (nullableOf) {
          return {
            anyOf: [{ $ref: `#/components/schemas/${nullableOf}` }, { type: 'null' }],
            ...keptAnnotations(value),
          };
        }
      }
    }
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, visit(child)]));
  };
  return {
    ...Object.fromEntries<Json>(
      Object.entries(document).map(([key, value]) => [key, key === 'components' ? value : visit(value)]),
    ),
    components: {
      ...components,
      schemas: Object.fromEntries(
        Object.entries(schemas).map(([name, schema]) => [name, visit(schema, true)]),
      ),
    },
  };
}

/** The document `/openapi.json` serves: the routes registered on `app`, under this header. */
export function openApiDocumentOf(app: OpenAPIHono<AppEnv>, origin: string): JsonObject {
  const generated = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'dualkey API',
      version: '1.0.0',
      description,
    },
    servers: [{ url: origin }],
    tags: [
      { name: 'cases', description: 'intake, review, escalation, maker-checker, lift and revert' },
      { name: 'controls', description: 'restrictions and bindings on accounts' },
      { name: 'risk engine', description: 'signals about accounts' },
      { name: 'audit', description: 'the hash-chained record of every accepted and denied action' },
      { name: 'reports', description: 'operations figures over a time window' },
      { name: 'admin', description: 'users and tokens' },
      { name: 'identity', description: 'who the caller is' },
      { name: 'operations', description: 'health, readiness, metrics and this document' },
    ],
  });
  const document = normalize(JSON.parse(JSON.stringify(generated)) as Json) as JsonObject;
  // In-house software, not published under an open licence: SPDX's form for that (OpenAPI 3.1's
  // `identifier`, which the generator's 3.0-shaped types do not know).
  const license = { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' };
  return referenceComponents({ ...document, info: { ...(document.info as JsonObject), license } });
}

/** Where `GET /` sends a browser: the risk-ops console (the API reference is one link away, at /docs). */
export const homePath = '/console';

/**
 * The same schema, built again now. Registering a schema calls a method that zod-to-openapi gives every
 * schema built after its first import; one the domain built before that (the API's entry point loads the
 * domain's schemas first) lacks it.
 */
function rebuilt<T extends ZodType>(schema: T): T {
  return schema.meta({ ...schema.meta() });
}

export function register(app: OpenAPIHono<AppEnv>): void {
  // Every use of a control's source adds a default or a description, so nothing references it as it is;
  // registered, it is one type that those uses point at (see referenceComponents). A reverification's
  // method is first met nullable, and the generator would make the component itself nullable.
  app.openAPIRegistry.register('ControlSource', rebuilt(ControlSource));
  app.openAPIRegistry.register('ReverificationMethod', rebuilt(ReverificationMethod));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'a dualkey API token (`dk_…`), or an access token of the identity provider',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'dualkey_session',
    description:
      'the browser session `POST /v1/session` starts; a request that changes something also sends `X-CSRF-Token`',
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI 3.1 document',
    description: 'The contract, generated from the same schemas that validate requests.',
    tags: ['operations'],
    security: [],
    responses: {
      200: {
        description: 'an OpenAPI 3.1 document',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              description: 'an OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0)',
              additionalProperties: true,
            },
          },
        },
      },
      ...refusedRequest,
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/docs',
    operationId: 'getApiReference',
    summary: 'Interactive API reference',
    description: 'Swagger UI over `/openapi.json`, served from the installed package so it works offline.',
    tags: ['operations'],
    security: [],
    responses: {
      200: { description: 'an HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
      ...refusedRequest,
    },
  });
  app.get('/openapi.json', (c) => c.json(openApiDocumentOf(app, new URL(c.req.url).origin)));
  app.get('/', (c) => c.redirect(homePath, 302));
  // Served from the installed swagger-ui-dist, so the reference works offline.
  app.get('/docs', (c) => c.html(docsPage));
  app.get('/docs/init.js', (c) =>
    c.body(initScript, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = assets[file];
    if (!type) return c.notFound();
    return c.body(await readFile(join(swaggerDir, file)), 200, {
      'content-type': type,
      'cache-control': 'public, max-age=86400',
    });
  });
}
