import type { OpenAPIHono } from '@hono/zod-openapi';

import type { AppEnv } from '../context.js';
import { registerCaseAction } from './caseAction.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerCaseAction(app, {
    path: '/v1/cases/{caseId}/release',
    summary: 'Release a claimed case',
    description: 'Unassigns the case. Only the assignee, or a senior, may release it.',
    permission: 'case.review',
    action: 'release',
    status: 200,
    toPayload: () => ({}),
  });
}
