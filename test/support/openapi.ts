import { expect } from 'vitest';
import type { Permission } from '../../src/domain/permissions.js';
import { Permission as PermissionSchema } from '../../src/domain/schemas/permissions.js';
import type { ApiHarness } from './api.js';

/** Routes that answer without a token; everything else must name its permission. */
export const publicPaths: ReadonlySet<string> = new Set([
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
  '/docs',
  '/',
  '/console',
  '/demo-users',
  '/auth/config',
  // The account owner's answer page: its single-use token is the credential, tested in notifications.test.ts.
  '/respond/{token}',
]);

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  [key: string]: unknown;
}

interface Operation {
  description?: string;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** One operation of the served document, with what the tests need to call it. */
export interface DocumentedRoute {
  method: string;
  /** OpenAPI form: `/v1/cases/{caseId}`. */
  path: string;
  /** `none` for a route any valid token may call; undefined when the description names nothing. */
  permission: Permission | 'none' | undefined;
  /** The JSON request body schema, `$ref`s resolved at the top level. */
  body: JsonSchema | undefined;
}

const permissionLine = /Permission: (?:`([^`]+)`|none\b[^\n]*)\.\s*$/;

/** Reads the permission a route declares at the end of its OpenAPI description. */
export function declaredPermission(description: string | undefined): Permission | 'none' | undefined {
  const match = permissionLine.exec(description ?? '');
  if (!match) return undefined;
  if (match[1] === undefined) return 'none';
  const parsed = PermissionSchema.safeParse(match[1]);
  return parsed.success ? parsed.data : undefined;
}

export function resolveSchema(doc: OpenApiDocument, schema: JsonSchema | undefined): JsonSchema | undefined {
  let current = schema;
  for (let depth = 0; current?.$ref && depth < 10; depth++) {
    const name = current.$ref.replace('#/components/schemas/', '');
    current = doc.components?.schemas?.[name];
  }
  return current;
}

export async function openApiDocument(api: ApiHarness): Promise<OpenApiDocument> {
  const response = await api.call('GET', '/openapi.json');
  expect(response.status).toBe(200);
  return response.body as unknown as OpenApiDocument;
}

/** Every operation the served OpenAPI document describes, public ones included. */
export function documentedRoutes(doc: OpenApiDocument): DocumentedRoute[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      permission: declaredPermission(operation.description),
      body: resolveSchema(doc, operation.requestBody?.content?.['application/json']?.schema),
    })),
  );
}

/** `/v1/cases/{caseId}` with `{ caseId: 'X' }` → `/v1/cases/X`; fails on a parameter nobody supplied. */
export function fillPath(path: string, ids: Readonly<Record<string, string>>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = ids[name];
    if (value === undefined) throw new Error(`no value for path parameter ${name} in ${path}`);
    return encodeURIComponent(value);
  });
}

export function routeKey(route: Pick<DocumentedRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** Asserts an answer is an RFC 9457 problem document with this status and code. */
export function expectProblem(
  response: { status: number; body: Record<string, unknown>; headers: Headers },
  status: number,
  code?: string,
): void {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({
    type: expect.any(String) as unknown,
    title: expect.any(String) as unknown,
    status,
    detail: expect.any(String) as unknown,
    code: code ?? (expect.any(String) as unknown),
  });
}
