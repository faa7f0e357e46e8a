import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { Timestamp } from '../../domain/schemas/case.js';
import type { AppEnv } from '../context.js';
import { jsonContent } from '../schemas.js';
import { caseRead } from './guarded.js';
import { AuditOutcome } from '../../domain/schemas/vocabulary.js';
import { NotificationDelivery } from '../../domain/schemas/notifications.js';

const TimelineEvent = z
  .object({
    seq: z.number().int().describe('position in the case’s audit stream'),
    at: Timestamp,
    actor: z.string(),
    action: z.string(),
    outcome: AuditOutcome,
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
    deliveries: z
      .array(NotificationDelivery)
      .describe(
        'every delivery of the notifications the case sent, oldest first, each queued, delivered, failing (with its last error) or given up',
      ),
  })
  .meta({ id: 'CaseTimeline' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    caseRead({
      path: '/events',
      operationId: 'getCaseEvents',
      summary: 'A case’s timeline',
      description:
        'Who did what on the case and when, oldest first: its accepted audit rows. A caller who also has `audit.read` in the case’s business line sees the denied attempts too, and whether the hash chain verifies. `deliveries` says what became of each notification the case sent.',
      permission: 'case.read',
      answer: jsonContent(CaseTimeline, 'the timeline'),
    }),
    async (c) => {
      const { caseId } = c.req.valid('param');
      return c.json(await c.get('deps').cases.timeline(c.get('actor'), caseId), 200);
    },
  );
}
