import type { OpenAPIHono } from '@hono/zod-openapi';
import type { GrantDecision } from '../../domain/grants.js';
import { ApiGrant, DecisionInput, GrantParams, toApiGrant } from '../accessSchemas.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { jsonBody, jsonContent } from '../schemas.js';

/** Approve and reject differ only in words and in the decision they pass to the access service. */
export function registerGrantDecision(
  app: OpenAPIHono<AppEnv>,
  decision: GrantDecision,
  words: { summary: string; description: string; answer: string },
): void {
  app.openapi(
    guardedRoute({
      method: 'post',
      path: `/v1/admin/grants/{grantId}/${decision}`,
      operationId: `${decision}Grant`,
      summary: words.summary,
      description:
        `${words.description} A grant already decided is \`already_decided\`, an expired one ` +
        '`invalid_state`.',
      tags: ['admin'],
      permission: 'admin.users',
      request: { params: GrantParams, body: jsonBody(DecisionInput, false) },
      responses: {
        200: jsonContent(ApiGrant, words.answer),
        ...problems(400, 401, 403, 404, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { grantId } = c.req.valid('param');
      const comment = c.req.valid('json')?.comment ?? null;
      const grant = await c.get('deps').access.decide(c.get('actor'), grantId, decision, comment);
      return c.json(toApiGrant(grant), 200);
    },
  );
}
