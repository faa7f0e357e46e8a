import type { OpenAPIHono } from '@hono/zod-openapi';
import { ProposeInput } from '../../domain/actions.js';
import type { AppEnv } from '../context.js';
import { registerCaseAction } from './caseAction.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerCaseAction(app, {
    path: '/v1/cases/{caseId}/proposals',
    summary: 'Propose lifting controls',
    description:
      'The maker (the case’s assignee) proposes lifting some of the case’s controls. The case moves to awaiting_approval; the proposal needs the risk tier’s quorum of checkers and expires after the policy’s time.',
    permission: 'removal.propose',
    action: 'propose',
    status: 201,
    body: ProposeInput,
    toPayload: (body) => body,
  });
}
