import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import { ReasonCodeMatrix } from '../../domain/policy.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { requirePermission } from '../middleware/auth.js';
import { bearer, jsonContent } from '../schemas.js';

/** As served: durations in milliseconds, as the parsed policy holds them. */
const ReasonCodes = z
  .object({
    version: z.string(),
    complaint: z.record(z.string(), z.unknown()),
    unfreeze: z.record(z.string(), z.unknown()),
    unbind: z.record(z.string(), z.unknown()),
  })
  .describe(ReasonCodeMatrix.description ?? '')
  .meta({ id: 'ReasonCodeMatrix' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/policy/reason-codes',
      operationId: 'listReasonCodes',
      summary: 'The reason-code matrix',
      description:
        'For each case type and reason code: the evidence kinds a proposal must carry, any approver role it adds, overrides of the monitoring window and cooling-off (in milliseconds), and whether a high risk signal after the case closed reverts the lift at once. New cases pin this `version`; a case keeps the matrix it started with.\n\nPermission: `case.read`.',
      tags: ['policy'],
      security: bearer,
      middleware: [requirePermission('case.read')] as const,
      responses: { 200: jsonContent(ReasonCodes, 'the matrix new cases follow'), ...problems(401, 403, 429) },
    }),
    (c) => c.json(c.get('deps').policy.reasonCodes, 200),
  );
}
