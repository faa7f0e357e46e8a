import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { RiskSignalInput } from '../../domain/schemas/actions.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { verifySignature } from '../signature.js';
import { jsonBody, jsonContent } from '../schemas.js';

const Signalled = z
  .object({
    signalledCases: z.array(z.string()).describe('open cases on the account that received the signal'),
  })
  .meta({ id: 'SignalledCases' });

/** When a webhook secret is configured, the body must carry a valid, fresh signature as well as a token. */
function signed(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const secret = c.get('deps').settings.riskSignalHmacSecret;
    if (secret) verifySignature(secret, c.req.header('x-dualkey-signature'), await c.req.text());
    return next();
  };
}

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'post',
      path: '/v1/risk-signals',
      operationId: 'ingestRiskSignal',
      summary: 'Report a risk signal',
      description:
        'Delivered as a Temporal signal to every open case on the account, accepted even while no worker runs. A high or critical signal on an account whose lift is being monitored reverts the lift. If the server is configured with a webhook secret, `X-Dualkey-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` is required and signatures older than five minutes are refused.',
      tags: ['risk engine'],
      permission: 'signals.ingest',
      middleware: [signed()],
      request: {
        body: jsonBody(RiskSignalInput.meta({ id: 'RiskSignal' })),
        headers: z.object({ 'x-dualkey-signature': z.string().optional() }),
      },
      responses: {
        202: jsonContent(Signalled, 'accepted'),
        ...problems(400, 401, 403, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { cases, campaigns } = c.get('deps');
      const signal = c.req.valid('json');
      const signalledCases = await cases.signalRisk(c.get('actor'), signal);
      await campaigns.signalRisk(signal);
      return c.json({ signalledCases }, 202);
    },
  );
}
