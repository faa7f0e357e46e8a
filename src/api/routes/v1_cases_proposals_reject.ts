import type { OpenAPIHono } from '@hono/zod-openapi';
import { RejectInput } from '../../domain/actions.js';
import { ProposalParams } from '../schemas.js';
import type { AppEnv } from '../context.js';
import { registerCaseAction } from './caseAction.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerCaseAction(app, {
    path: '/v1/cases/{caseId}/proposals/{proposalId}/reject',
    summary: 'Reject a proposal',
    description: 'Rejects the proposal with a comment (kept on record) and returns the case to in_review.',
    permission: 'removal.approve',
    action: 'reject',
    status: 200,
    body: RejectInput,
    params: ProposalParams,
    toPayload: (body, params) => ({ ...body, proposalId: params.proposalId }),
  });
}
