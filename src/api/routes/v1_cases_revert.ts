import type { OpenAPIHono } from '@hono/zod-openapi';
import { RevertInput } from '../../domain/actions.js';
import type { AppEnv } from '../context.js';
import { registerCaseAction } from './caseAction.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerCaseAction(app, {
    path: '/v1/cases/{caseId}/revert',
    summary: 'Revert a lift',
    description:
      'Runs the compensation: the lifted controls are re-applied exactly as they were, withdrawals are locked if a binding was removed, and the case becomes reverted for review. Needs no checker: making an account safer takes one pair of eyes.',
    permission: 'removal.revert',
    action: 'revert',
    status: 200,
    body: RevertInput,
    toPayload: (body) => body,
  });
}
