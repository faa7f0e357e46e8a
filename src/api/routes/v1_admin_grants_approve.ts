import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import { ApiGrant, DecisionInput, GrantParams, toApiGrant } from '../accessSchemas.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { requirePermission } from '../middleware/auth.js';
import { bearer, jsonBody, jsonContent } from '../schemas.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/grants/{grantId}/approve',
      operationId: 'approveGrant',
      summary: 'Approve a grant',
      description:
        'Applies the grant. The admin who asked for it, and the user it widens, cannot approve it (`separation_of_duties`, audited). A grant already decided is `already_decided`, an expired one `invalid_state`.\n\n' +
        'Permission: `admin.users`.',
      tags: ['admin'],
      security: bearer,
      middleware: [requirePermission('admin.users')] as const,
      request: { params: GrantParams, body: jsonBody(DecisionInput, false) },
      responses: {
        200: jsonContent(ApiGrant, 'the approved grant; the user holds its access from now on'),
        ...problems(400, 401, 403, 404, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { grantId } = c.req.valid('param');
      const comment = c.req.valid('json')?.comment ?? null;
      const grant = await c.get('deps').access.decide(c.get('actor'), grantId, 'approve', comment);
      return c.json(toApiGrant(grant), 200);
    },
  );
}
