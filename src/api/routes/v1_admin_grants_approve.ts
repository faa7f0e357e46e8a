import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../context.js';
import { registerGrantDecision } from './grantDecision.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerGrantDecision(app, 'approve', {
    summary: 'Approve a grant',
    description:
      'Applies the grant. The admin who asked for it, and the user it widens, cannot approve it ' +
      '(`separation_of_duties`, audited).',
    answer: 'the approved grant; the user holds its access from now on',
  });
}
