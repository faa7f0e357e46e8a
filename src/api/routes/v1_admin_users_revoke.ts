import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { AccessChange, ApiUser, UserParams, hasSomething } from '../accessSchemas.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { jsonBody, jsonContent } from '../schemas.js';

const RevokeInput = AccessChange.extend({
  disable: z.boolean().optional().describe('disable the user and revoke every token of theirs'),
})
  .refine((input) => hasSomething(input) || input.disable === true, {
    message: 'name roles, business lines or departments to remove, or disable: true',
  })
  .meta({
    id: 'RevokeAccess',
    examples: [{ roles: ['checker'], businessLines: ['p2p'] }, { disable: true }],
  });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'post',
      path: '/v1/admin/users/{userId}/revoke',
      operationId: 'revokeAccess',
      summary: 'Revoke access',
      description:
        'Removes roles, business lines or departments, or disables the user, at once: narrowing needs no ' +
        'second admin. Nobody disables themselves (409 `self_lockout`), and the last enabled admin can be ' +
        'neither disabled nor stripped of `admin` (409 `last_admin`). Audited on the `access` stream.',
      tags: ['admin'],
      permission: 'admin.users',
      request: { params: UserParams, body: jsonBody(RevokeInput) },
      responses: {
        200: jsonContent(ApiUser, 'the user as they are now'),
        ...problems(400, 401, 403, 404, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { userId } = c.req.valid('param');
      const user = await c.get('deps').access.revoke(c.get('actor'), userId, c.req.valid('json'));
      return c.json(user, 200);
    },
  );
}
