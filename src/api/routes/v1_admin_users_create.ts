import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { issueToken } from '../../db/users.js';
import { text } from '../../domain/schemas/actions.js';
import { BusinessLineScope, Role } from '../../domain/schemas/permissions.js';
import { Department } from '../../domain/schemas/vocabulary.js';
import { ApiGrant, ApiUser, toApiGrant, unique } from '../accessSchemas.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { jsonBody, jsonContent } from '../schemas.js';

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
      { name: 'Lee Okafor', roles: ['agent', 'checker'], businessLines: ['spot', 'margin'], departments: [] },
    ],
  });

const CreatedUser = z
  .object({
    user: ApiUser.describe('the user as created: unprivileged roles and the scopes, at once'),
    token: z.string().describe('shown once; only its hash is stored'),
    tokenId: z.string(),
    pendingGrant: ApiGrant.nullable().describe(
      'the privileged roles (checker, senior, compliance, admin), waiting for a second admin; null when none',
    ),
  })
  .meta({ id: 'CreatedUser' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'post',
      path: '/v1/admin/users',
      operationId: 'createUser',
      summary: 'Create a user',
      description:
        'Creates a user with their business-line scopes, departments and unprivileged roles at once, and ' +
        'issues their first token. Privileged roles (`checker`, `senior`, `compliance`, `admin`) become a ' +
        'pending grant that another admin approves (`pendingGrant` in the answer).',
      tags: ['admin'],
      permission: 'admin.users',
      request: { body: jsonBody(CreateUserInput) },
      responses: {
        201: jsonContent(CreatedUser, 'the user, a token shown once, and the grant still pending'),
        ...problems(400, 401, 403, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { db, access } = c.get('deps');
      const { user, grant } = await access.createUser(c.get('actor'), c.req.valid('json'));
      const issued = await issueToken(db, user.id, { label: 'first' });
      return c.json(
        { user, token: issued.token, tokenId: issued.id, pendingGrant: grant && toApiGrant(grant) },
        201,
      );
    },
  );
}
