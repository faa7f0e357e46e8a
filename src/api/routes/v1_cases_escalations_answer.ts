import type { OpenAPIHono } from '@hono/zod-openapi';
import { AnswerEscalationInput } from '../../domain/actions.js';
import { EscalationParams } from '../schemas.js';
import type { AppEnv } from '../context.js';
import { registerCaseAction } from './caseAction.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerCaseAction(app, {
    path: '/v1/cases/{caseId}/escalations/{escalationId}/answer',
    summary: 'Answer an escalation',
    description: 'Only members of the escalation’s department may answer it.',
    permission: 'department.respond',
    action: 'answerEscalation',
    status: 200,
    body: AnswerEscalationInput,
    params: EscalationParams,
    toPayload: (body, params) => ({ ...body, escalationId: params.escalationId }),
  });
}
