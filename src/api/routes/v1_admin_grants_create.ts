import type { OpenAPIHono } from '@hono/zod-openapi';
import { EntityId } from '../../domain/schemas/actions.js';
import { AccessChange, ApiGrant, hasSomething, toApiGrant } from '../accessSchemas.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { jsonBody, jsonContent } from '../schemas.js';

const CreateGrantInput = AccessChange.extend({ userId: EntityId })
  .refine(hasSomething, { message: 'name at least one role, business line or department to grant' })
  .meta({
    id: 'CreateGrant',
    examples: [{ userId: 'usr_4kQ9vX2mB7pL', roles: ['checker'], businessLines: ['p2p'] }],
  });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'post',
      path: '/v1/admin/grants',
      operationId: 'createGrant',
      summary: 'Ask to widen a user’s access',
      description:
        'Asks for roles, business lines or departments the user lacks. Nothing changes until another ' +
        'admin approves; the grant expires after the policy’s `access.grantExpiry` (24 h by default). ' +
        'The installer’s bootstrap token is the one exception: its grants apply at once.',
      tags: ['admin'],
      permission: 'admin.users',
      request: { body: jsonBody(CreateGrantInput) },
      responses: {
        202: jsonContent(ApiGrant, 'the grant, pending a second admin'),
        ...problems(400, 401, 403, 404, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { userId, ...wanted } = c.req.valid('json');
      const grant = await c.get('deps').access.requestGrant(c.get('actor'), userId, wanted);
      return c.json(toApiGrant(grant), 202);
    },
  );
}
