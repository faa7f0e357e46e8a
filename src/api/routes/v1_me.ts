import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import { Actor } from '../../domain/schemas/permissions.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { bearer, jsonContent } from '../schemas.js';

export const Me = Actor.meta({ id: 'Me' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me',
      operationId: 'getMe',
      summary: 'Who am I',
      description:
        'The caller’s identity, roles, business-line scopes and departments.\n\nPermission: none (any valid token).',
      tags: ['identity'],
      security: bearer,
      responses: { 200: jsonContent(Me, 'the caller'), ...problems(401, 429) },
    }),
    (c) => c.json(c.get('actor'), 200),
  );
}
