import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { EntityId, text } from '../../domain/schemas/actions.js';
import { DeliveryState, NotificationDelivery } from '../../domain/schemas/notifications.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { listOutbox, retryOutbox } from '../services/outbox.js';
import { jsonBody, jsonContent } from '../schemas.js';
import { guardedRoute } from './guarded.js';

const NotificationList = z
  .object({
    items: z.array(NotificationDelivery),
    nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last'),
  })
  .meta({ id: 'NotificationList' });

const ListQuery = z.strictObject({
  state: DeliveryState.optional().describe('only deliveries in this state'),
  caseId: EntityId.optional().describe('only the deliveries of this case'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
});

const NotificationParams = z.object({
  id: z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .meta({ param: { name: 'id', in: 'path' }, examples: [42] }),
});

const RetryInput = z
  .strictObject({ comment: text(2_000).optional().describe('why, for the audit row') })
  .meta({ id: 'NotificationRetry', examples: [{ comment: 'The help centre fixed its endpoint.' }] });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/admin/notifications',
      operationId: 'listNotifications',
      summary: 'List notification deliveries',
      description:
        'The outbox, newest first: one entry per delivery (a notification mailed and sent to a webhook is ' +
        'two), each `queued`, `delivered`, `failing` (retried with backoff; `lastError` says why) or ' +
        '`given_up` (after `NOTIFY_MAX_ATTEMPTS` tries; waits for a retry). Pass `nextCursor` as `cursor` ' +
        'for the next page.',
      tags: ['admin'],
      permission: 'admin.users',
      request: { query: ListQuery },
      responses: {
        200: jsonContent(NotificationList, 'a page of deliveries, newest first'),
        ...problems(400, 401, 403, 429, 503),
      },
    }),
    async (c) => {
      const { state, caseId, limit, cursor } = c.req.valid('query');
      return c.json(await listOutbox(c.get('deps').db, { state, caseId }, limit, cursor), 200);
    },
  );

  app.openapi(
    guardedRoute({
      method: 'post',
      path: '/v1/admin/notifications/{id}/retry',
      operationId: 'retryNotification',
      summary: 'Retry a delivery',
      description:
        'Puts a failing or given-up delivery back in the queue, due now, with a fresh allowance of tries. ' +
        'It keeps its `webhook-id`, so a receiver that got an earlier attempt drops the repeat. Audited on ' +
        'the case’s trail (`notification.retried`), or on the `access` stream for a delivery of no case. A ' +
        'delivered one is 409 `already_delivered`.',
      tags: ['admin'],
      permission: 'admin.users',
      request: { params: NotificationParams, body: jsonBody(RetryInput, false) },
      responses: {
        200: jsonContent(NotificationDelivery, 'the delivery, queued again'),
        ...problems(400, 401, 403, 404, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const comment = c.req.valid('json')?.comment ?? null;
      return c.json(await retryOutbox(c.get('deps').db, c.get('actor'), id, comment), 200);
    },
  );
}
