import type { OpenAPIHono } from '@hono/zod-openapi';
import { InfoRequestInput } from '../../domain/actions.js';
import type { AppEnv } from '../context.js';
import { registerCaseAction } from './caseAction.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerCaseAction(app, {
    path: '/v1/cases/{caseId}/info-requests',
    summary: 'Ask the user for information',
    description:
      'Moves the case to awaiting_info. If the user does not answer within the policy wait, the case closes as expired. Assignee only.',
    permission: 'case.review',
    action: 'requestInfo',
    status: 200,
    body: InfoRequestInput,
    toPayload: (body) => body,
  });
}
