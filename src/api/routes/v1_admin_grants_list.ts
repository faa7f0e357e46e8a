import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import { GrantStatus } from '../../domain/grants.js';
import { ApiGrant, toApiGrant } from '../accessSchemas.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { requirePermission } from '../middleware/auth.js';
import { bearer, jsonContent } from '../schemas.js';

const GrantList = z.object({ items: z.array(ApiGrant) }).meta({ id: 'GrantList' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/grants',
      operationId: 'listGrants',
      summary: 'List grants',
      description:
        'The newest 500 grants, optionally of one status; `status=pending` is the inbox of grants ' +
        'waiting for a second admin. Grants past their deadline are expired first.\n\nPermission: `admin.users`.',
      tags: ['admin'],
      security: bearer,
      middleware: [requirePermission('admin.users')] as const,
      request: {
        query: z.strictObject({
          status: GrantStatus.optional(),
        }),
      },
      responses: {
        200: jsonContent(GrantList, 'the grants, newest first'),
        ...problems(400, 401, 403, 429, 503),
      },
    }),
    async (c) => {
      const { status } = c.req.valid('query');
      const grants = await c.get('deps').access.grants(status);
      return c.json({ items: grants.map(toApiGrant) }, 200);
    },
  );
}
