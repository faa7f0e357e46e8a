import type { OpenAPIHono } from '@hono/zod-openapi';
import { InfoResponseInput } from '../../domain/actions.js';
import type { AppEnv } from '../context.js';
import { registerCaseAction } from './caseAction.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerCaseAction(app, {
    path: '/v1/cases/{caseId}/info-responses',
    summary: 'Record the user’s answer',
    description: 'Records the answer to the open information request and returns the case to in_review.',
    permission: 'case.review',
    action: 'respondInfo',
    status: 200,
    body: InfoResponseInput,
    toPayload: (body) => body,
  });
}
