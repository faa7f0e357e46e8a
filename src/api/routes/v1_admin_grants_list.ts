import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { GrantStatus } from '../../domain/grants.js';
import { ApiGrant, toApiGrant } from '../accessSchemas.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { jsonContent } from '../schemas.js';

const GrantList = z.object({ items: z.array(ApiGrant) }).meta({ id: 'GrantList' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/admin/grants',
      operationId: 'listGrants',
      summary: 'List grants',
      description:
        'The newest 500 grants, optionally of one status; `status=pending` is the inbox of grants ' +
        'waiting for a second admin. Grants past their deadline are expired first.',
      tags: ['admin'],
      permission: 'admin.users',
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
