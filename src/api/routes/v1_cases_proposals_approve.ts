import type { OpenAPIHono } from '@hono/zod-openapi';
import { ApproveInput } from '../../domain/actions.js';
import { ProposalParams } from '../schemas.js';
import type { AppEnv } from '../context.js';
import { registerCaseAction } from './caseAction.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerCaseAction(app, {
    path: '/v1/cases/{caseId}/proposals/{proposalId}/approve',
    summary: 'Approve a proposal',
    description:
      'Adds the caller’s approval. The maker, the case’s creator and anyone who already approved are refused (separation_of_duties); high-tier proposals need a senior and critical ones a compliance approval among their checkers. Once the quorum is reached the case moves to executing, then monitoring. If the controls changed since the proposal, it is void (409 controls_changed) and the case returns to review.',
    permission: 'removal.approve',
    action: 'approve',
    status: 200,
    body: ApproveInput,
    params: ProposalParams,
    toPayload: (body, params) => ({ ...body, proposalId: params.proposalId }),
  });
}
