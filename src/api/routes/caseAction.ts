import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import type { Permission } from '../../domain/permissions.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { requirePermission } from '../middleware/auth.js';
import { ApiCase, CaseParams, bearer, jsonBody, jsonContent, toApiCase } from '../schemas.js';
import type { CaseActionName, PayloadOf } from '../services/caseActions.js';

export interface CaseActionSpec<A extends CaseActionName, B extends z.ZodType, P extends z.ZodType> {
  path: string;
  summary: string;
  description: string;
  permission: Permission;
  action: A;
  params?: P;
  body?: B;
  status: 200 | 201;
  toPayload: (body: z.output<B>, params: z.output<P>) => PayloadOf<A>;
}

const NoBody = z.strictObject({}).meta({ id: 'Empty' });

/**
 * The shape every case action route shares: path params, an optional JSON body, the route's permission,
 * then the action carried to the workflow as an update; the answer is the case after the action.
 */
export function registerCaseAction<A extends CaseActionName, B extends z.ZodType, P extends z.ZodType>(
  app: OpenAPIHono<AppEnv>,
  spec: CaseActionSpec<A, B, P>,
): void {
  // The generic schemas only type `toPayload`; the route itself is built from their erased forms.
  const params = (spec.params ?? CaseParams) as unknown as typeof CaseParams;
  const body = (spec.body ?? NoBody) as unknown as typeof NoBody;
  const route = createRoute({
    method: 'post',
    path: spec.path,
    summary: spec.summary,
    description: `${spec.description}\n\nPermission: \`${spec.permission}\`.`,
    tags: ['cases'],
    security: bearer,
    middleware: [requirePermission(spec.permission)] as const,
    request: {
      params,
      body: jsonBody(body, spec.body !== undefined),
      headers: z.object({ 'idempotency-key': z.string().optional() }),
    },
    responses: {
      [spec.status as 200]: jsonContent(ApiCase, 'the case after the action'),
      ...problems(400, 401, 403, 404, 409, 413, 415, 429, 503),
    },
  });
  app.openapi(route, async (c) => {
    const { cases, settings } = c.get('deps');
    const pathParams = c.req.valid('param') as { caseId: string } & z.output<P>;
    c.set('caseId', pathParams.caseId);
    const input = (c.req.valid('json') ?? {}) as z.output<B>;
    const result = await cases.act(
      c.get('actor'),
      pathParams.caseId,
      spec.action,
      spec.toPayload(input, pathParams),
      c.req.header('idempotency-key'),
    );
    return c.json(toApiCase(result, settings), spec.status as 200);
  });
}
