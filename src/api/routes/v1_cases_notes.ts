import type { OpenAPIHono } from '@hono/zod-openapi';
import { NoteInput } from '../../domain/actions.js';
import type { AppEnv } from '../context.js';
import { registerCaseAction } from './caseAction.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  registerCaseAction(app, {
    path: '/v1/cases/{caseId}/notes',
    summary: 'Add a note',
    description: 'Adds a note to the case record.',
    permission: 'case.review',
    action: 'addNote',
    status: 200,
    body: NoteInput,
    toPayload: (body) => body,
  });
}
