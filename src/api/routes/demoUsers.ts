import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context.js';
import { refusedRequest } from '../errors.js';
import { jsonContent } from '../schemas.js';

export const DemoUser = z
  .object({
    userId: z.string(),
    name: z.string(),
    roles: z.array(z.string()),
    token: z.string(),
  })
  .meta({ id: 'DemoUser' });
export type DemoUser = z.infer<typeof DemoUser>;

const DemoUsers = z.object({ items: z.array(DemoUser) }).meta({ id: 'DemoUsers' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/demo-users',
      operationId: 'listDemoUsers',
      summary: 'Demo users and their tokens (development only)',
      description:
        'The demo users `npm start` seeded, with their tokens, so the console can offer one-click sign-in. Always empty unless the server seeded demo users (development, or `DUALKEY_SEED_DEMO`).\n\nPermission: none (public).',
      tags: ['identity'],
      security: [],
      responses: {
        200: jsonContent(DemoUsers, 'the demo users; empty outside development'),
        ...refusedRequest,
      },
    }),
    (c) => c.json({ items: [...(c.get('deps').settings.demoUsers ?? [])] }, 200),
  );
}
