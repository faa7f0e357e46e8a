import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../context.js';
import { registerGrantDecision } from './grantDecision.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerGrantDecision(app, 'reject', {
    summary: 'Reject a grant',
    description:
      'Refuses the grant; the user’s access does not change. The admin who asked may reject (withdraw) ' +
      'their own grant.',
    answer: 'the rejected grant',
  });
}
