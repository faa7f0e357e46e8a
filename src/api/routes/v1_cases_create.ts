import type { OpenAPIHono } from '@hono/zod-openapi';
import { CreateCaseInput } from '../../domain/schemas/actions.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { ApiCase, jsonBody, jsonContent, toApiCase, viewOf } from '../schemas.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'post',
      path: '/v1/cases',
      operationId: 'createCase',
      summary: 'Open a case',
      description:
        'Opens a complaint, unfreeze or unbind case and starts its workflow `case-<id>`. Unfreeze and unbind cases must name the active controls of that account they ask to lift; a control named by another open case is refused (409 control_conflict). The risk tier is set here by rule. Keep personal data out of `subject`: it is shown in the Temporal Web UI.',
      tags: ['cases'],
      permission: 'case.create',
      request: {
        body: jsonBody(CreateCaseInput.meta({ id: 'CreateCase' })),
      },
      responses: {
        201: jsonContent(ApiCase, 'the new case'),
        ...problems(400, 401, 403, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { cases } = c.get('deps');
      const created = await cases.create(
        c.get('actor'),
        c.req.valid('json'),
        c.req.header('idempotency-key'),
      );
      c.set('caseId', created.id);
      return c.json(toApiCase(created, viewOf(c)), 201);
    },
  );
}
