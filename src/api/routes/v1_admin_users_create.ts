import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import { createUser, issueToken } from '../../db/users.js';
import { text } from '../../domain/actions.js';
import { BusinessLineScope, Role } from '../../domain/permissions.js';
import { Department } from '../../domain/vocabulary.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { requirePermission } from '../middleware/auth.js';
import { bearer, jsonBody, jsonContent } from '../schemas.js';
import { auditAdmin } from './adminAudit.js';
import { Me } from './v1_me.js';

const unique = <T extends z.ZodType>(item: T) =>
  z.array(item).refine((items) => new Set(items).size === items.length, 'must not repeat an entry');

export const CreateUserInput = z
  .strictObject({
    name: text(200),
    roles: unique(Role).min(1, 'give at least one role'),
    businessLines: unique(BusinessLineScope).describe('business lines the user may act on; "*" for all'),
    departments: unique(Department).default([]),
  })
  .refine((u) => !u.roles.includes('department') || u.departments.length > 0, {
    path: ['departments'],
    message: 'a department member needs at least one department',
  })
  .meta({
    id: 'CreateUser',
    examples: [
      { name: 'Lee Okafor', roles: ['checker'], businessLines: ['spot', 'margin'], departments: [] },
    ],
  });

const CreatedUser = z
  .object({
    user: Me,
    token: z.string().describe('shown once; only its hash is stored'),
    tokenId: z.string(),
  })
  .meta({ id: 'CreatedUser' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/users',
      operationId: 'createUser',
      summary: 'Create a user',
      description:
        'Creates a user with roles, business-line scopes and departments, and issues their first token.\n\nPermission: `admin.users`.',
      tags: ['admin'],
      security: bearer,
      middleware: [requirePermission('admin.users')] as const,
      request: { body: jsonBody(CreateUserInput) },
      responses: {
        201: jsonContent(CreatedUser, 'the user and a token, shown once'),
        ...problems(400, 401, 403, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const input = c.req.valid('json');
      const user = await createUser(db, input);
      const issued = await issueToken(db, user.id, { label: 'first' });
      await auditAdmin(db, c.get('actor').id, 'user.created', {
        userId: user.id,
        roles: user.roles,
        businessLines: user.businessLines,
      });
      return c.json({ user, token: issued.token, tokenId: issued.id }, 201);
    },
  );
}
