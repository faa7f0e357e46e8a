import type { OpenAPIHono } from '@hono/zod-openapi';

import type { AppEnv } from '../context.js';
import { registerCaseAction } from './caseAction.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerCaseAction(app, {
    path: '/v1/cases/{caseId}/claim',
    summary: 'Claim a case',
    description: 'Assigns the case to the caller; an open case moves to in_review.',
    permission: 'case.review',
    action: 'claim',
    status: 200,
    toPayload: () => ({}),
  });
}
