import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import { Timestamp } from '../../domain/schemas/case.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { forCase, requirePermission } from '../middleware/auth.js';
import { CaseParams, bearer, jsonContent } from '../schemas.js';

const TimelineEvent = z
  .object({
    seq: z.number().int().describe('position in the case’s audit stream'),
    at: Timestamp,
    actor: z.string(),
    action: z.string(),
    outcome: z.enum(['accepted', 'denied']),
    details: z.unknown(),
  })
  .meta({ id: 'TimelineEvent' });

const CaseTimeline = z
  .object({
    items: z.array(TimelineEvent),
    chain: z
      .object({
        verified: z.boolean().describe('true when every hash in the case’s chain recomputes'),
        problem: z.object({ seq: z.number().int(), problem: z.string() }).nullable(),
      })
      .nullable()
      .describe('the hash chain’s verdict; null unless the caller has `audit.read`'),
  })
  .meta({ id: 'CaseTimeline' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/cases/{caseId}/events',
      operationId: 'getCaseEvents',
      summary: 'A case’s timeline',
      description:
        'Who did what on the case and when, oldest first: its accepted audit rows. A caller who also has `audit.read` in the case’s business line sees the denied attempts too, and whether the hash chain verifies.\n\nPermission: `case.read`.',
      tags: ['cases'],
      security: bearer,
      middleware: [forCase('getCaseEvents'), requirePermission('case.read')] as const,
      request: { params: CaseParams },
      responses: {
        200: jsonContent(CaseTimeline, 'the timeline'),
        ...problems(400, 401, 403, 404, 429, 503),
      },
    }),
    async (c) => {
      const { caseId } = c.req.valid('param');
      return c.json(await c.get('deps').cases.timeline(c.get('actor'), caseId), 200);
    },
  );
}
