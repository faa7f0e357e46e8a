import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';

const EventsQuery = z.strictObject({
  lifetime: z.coerce
    .number()
    .int()
    .min(1)
    .max(3_600)
    .default(300)
    .describe(
      'seconds before the server ends the stream; clients reconnect, so a revoked token stops hearing within this time',
    ),
});

const keepAliveMs = 15_000;

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/events',
      operationId: 'streamEvents',
      summary: 'Live case changes (server-sent events)',
      description:
        'A `text/event-stream` of the cases in the caller’s business lines as they change: `event: case` with `{ "type": "case", "caseId", "revision", "status" }`, and `event: resync` (`{ "type": "resync" }`) when changes may have been missed, so read again. The first event is `ready`. Events carry ids only; read the case for the rest. Authenticate with the bearer token in the `Authorization` header (read the stream with `fetch`, not `EventSource`) or, in a browser, with the session cookie.',
      tags: ['cases'],
      permission: 'case.read',
      request: { query: EventsQuery },
      responses: {
        200: {
          description: 'the stream; ends after `lifetime` seconds',
          content: { 'text/event-stream': { schema: z.string() } },
        },
        ...problems(400, 401, 403, 429),
      },
    }),
    (c) => {
      const { lifetime } = c.req.valid('query');
      const { feed } = c.get('deps');
      const actor = c.get('actor');
      // Buffering proxies (nginx) would hold events back until the stream ends.
      c.header('x-accel-buffering', 'no');
      return streamSSE(c, async (stream) => {
        const aborted = new Promise<void>((resolve) => stream.onAbort(resolve));
        const unsubscribe = feed.subscribe(actor, (event) => {
          void stream.writeSSE({ event: event.type, data: JSON.stringify(event) }).catch(() => undefined);
        });
        try {
          await stream.writeSSE({ event: 'ready', data: JSON.stringify({ type: 'ready' }), retry: 1_000 });
          const until = Date.now() + lifetime * 1_000;
          while (!stream.aborted && Date.now() < until) {
            await Promise.race([stream.sleep(Math.min(keepAliveMs, until - Date.now())), aborted]);
            if (!stream.aborted && Date.now() < until) await stream.write(': keep-alive\n\n');
          }
        } finally {
          unsubscribe();
        }
      });
    },
  );
}
