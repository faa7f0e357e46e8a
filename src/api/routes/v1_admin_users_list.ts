import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { ApiUser } from '../accessSchemas.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { jsonContent } from '../schemas.js';

const UserList = z.object({ items: z.array(ApiUser) }).meta({ id: 'UserList' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/admin/users',
      operationId: 'listUsers',
      summary: 'List users',
      description: 'Every user with their roles, business-line scopes, departments and status.',
      tags: ['admin'],
      permission: 'admin.users',
      responses: { 200: jsonContent(UserList, 'the users'), ...problems(401, 403, 429, 503) },
    }),
    async (c) => c.json({ items: await c.get('deps').access.users() }, 200),
  );
}
