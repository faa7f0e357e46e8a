import type { OpenAPIHono } from '@hono/zod-openapi';
import { EscalateInput } from '../../domain/actions.js';
import type { AppEnv } from '../context.js';
import { registerCaseAction } from './caseAction.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerCaseAction(app, {
    path: '/v1/cases/{caseId}/escalations',
    summary: 'Escalate to a department',
    description:
      'Opens an escalation with an SLA (slaMinutes, or the policy default for the department). A reminder goes out at half time; at the deadline the case is flagged slaBreached and the department lead is notified. Several escalations can be open at once.',
    permission: 'case.escalate',
    action: 'escalate',
    status: 201,
    body: EscalateInput,
    toPayload: (body) => body,
  });
}
