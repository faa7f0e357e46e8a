import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { permissionsOf } from '../../domain/permissions.js';
import { Actor, Permission } from '../../domain/schemas/permissions.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { bearer, jsonContent } from '../schemas.js';

export const Me = Actor.extend({
  permissions: z
    .array(Permission)
    .describe('what the roles add up to, so a client offers only the views its user can use'),
}).meta({ id: 'Me' });

/** The caller as `Me` describes them: who they are, and what their roles let them do. */
export function meOf(actor: Actor): z.infer<typeof Me> {
  return { ...actor, permissions: [...permissionsOf(actor.roles)] };
}

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me',
      operationId: 'getMe',
      summary: 'Who am I',
      description:
        'The caller’s identity, roles, business-line scopes, departments and the permissions their roles give.\n\nPermission: none (any valid token).',
      tags: ['identity'],
      security: bearer,
      responses: { 200: jsonContent(Me, 'the caller'), ...problems(401, 429) },
    }),
    (c) => c.json(meOf(c.get('actor')), 200),
  );
}
