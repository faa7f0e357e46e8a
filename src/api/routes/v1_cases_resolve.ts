import type { OpenAPIHono } from '@hono/zod-openapi';
import { ResolveInput } from '../../domain/actions.js';
import type { AppEnv } from '../context.js';
import { registerCaseAction } from './caseAction.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerCaseAction(app, {
    path: '/v1/cases/{caseId}/resolve',
    summary: 'Resolve and close a case',
    description:
      'Closes the case with an outcome. Assignee only; a pending proposal is withdrawn. A case whose lift was reverted closes with outcome reverted.',
    permission: 'case.review',
    action: 'resolve',
    status: 200,
    body: ResolveInput,
    toPayload: (body) => body,
  });
}
