import type { OpenAPIHono } from '@hono/zod-openapi';
import { RecordReverificationInput } from '../../domain/lifecycle/reverification.js';
import type { AppEnv } from '../context.js';
import { registerCaseAction } from './caseAction.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerCaseAction(app, {
    path: '/v1/cases/{caseId}/reverification',
    summary: 'Record the user’s re-verification',
    description:
      'Before an approved unbind is carried out, the user must prove again that they own the account. Records the outcome of that check; someone other than the maker records it. A failed check, or none within the policy’s wait, voids the proposal and returns the case to review.',
    permission: 'case.review',
    action: 'recordReverification',
    status: 200,
    body: RecordReverificationInput,
    toPayload: (body) => body,
  });
}
