import type { RouteConfig } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Permission } from '../../domain/permissions.js';
import type { AppEnv } from '../context.js';
import { forCase, requirePermission } from '../middleware/auth.js';
import { problems } from '../errors.js';
import type { jsonContent } from '../schemas.js';
import { CaseParams, PostHeaders, bearer, conflictHeaders, replayableHeaders } from '../schemas.js';

type GuardedRoute = Omit<RouteConfig, 'security' | 'middleware' | 'description'> & {
  description: string;
  permission: Permission;
  /** On a case path: the audit action a refusal is recorded under, on that case's own chain. */
  caseAction?: string;
  /** Run after the permission check. */
  middleware?: MiddlewareHandler<AppEnv>[];
};

/** Answers an Idempotency-Key keeps: everything but 401, 403, 429 and 5xx (see the middleware). */
const kept = (status: string) => /^[24]/.test(status) && !['401', '403', '429'].includes(status);

/**
 * Every POST under /v1 passes the idempotency middleware, so its contract says so: the request header, the
 * replay marker on the answers a key keeps, and when to retry a 409 that found the first request running.
 */
function idempotent(route: {
  request?: RouteConfig['request'] | undefined;
  responses: RouteConfig['responses'];
}) {
  const headers = route.request?.headers;
  // Any POST can meet a key used for another request, or one still running.
  const withConflict: RouteConfig['responses'] = {
    ...route.responses,
    ...('409' in route.responses ? {} : problems(409)),
  };
  const responses = Object.fromEntries(
    Object.entries(withConflict).map(([status, response]) => {
      const extra = {
        ...(kept(status) ? replayableHeaders : {}),
        ...(status === '409' ? conflictHeaders : {}),
      };
      return [
        status,
        Object.keys(extra).length === 0 || '$ref' in response
          ? response
          : { ...response, headers: { ...(response.headers as object | undefined), ...extra } },
      ];
    }),
  );
  return {
    request: {
      ...route.request,
      headers: headers instanceof z.ZodObject ? PostHeaders.extend(headers.shape) : PostHeaders,
    },
    responses,
  };
}

/**
 * A route behind a bearer token and one permission. The permission is checked before anything else the
 * route does and is stated in its description, so the contract and the check cannot drift apart.
 */
export function guardedRoute<R extends GuardedRoute>({
  permission,
  caseAction,
  middleware = [],
  ...route
}: R): Omit<R, 'permission' | 'caseAction' | 'middleware'> & {
  security: typeof bearer;
  middleware: MiddlewareHandler<AppEnv>[];
} {
  return {
    ...route,
    ...(route.method === 'post' ? idempotent(route) : {}),
    description: `${route.description}\n\nPermission: \`${permission}\`.`,
    security: bearer,
    middleware: [
      ...(caseAction === undefined ? [] : [forCase(caseAction)]),
      requirePermission(permission),
      ...middleware,
    ],
  };
}

/**
 * A read of one case. A refusal is audited on that case's own chain under the operation's name, like a
 * refused action.
 */
export function caseRead<T extends z.ZodType>({
  path,
  operationId,
  summary,
  description,
  tags = ['cases'],
  permission,
  answer,
}: {
  path: '' | `/${string}`;
  operationId: string;
  summary: string;
  description: string;
  /** `cases` unless the read belongs with another group in the reference. */
  tags?: string[];
  permission: Permission;
  answer: ReturnType<typeof jsonContent<T>>;
}) {
  return guardedRoute({
    method: 'get',
    path: `/v1/cases/{caseId}${path}`,
    operationId,
    summary,
    description,
    tags,
    permission,
    caseAction: operationId,
    request: { params: CaseParams },
    responses: { 200: answer, ...problems(400, 401, 403, 404, 429, 503) },
  });
}
