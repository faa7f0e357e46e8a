import { z } from '@hono/zod-openapi';
import { isStorableInstant } from '../domain/actions.js';
import { EntityId } from '../domain/schemas/actions.js';
import { BusinessLine } from '../domain/schemas/vocabulary.js';
import { Case, Timestamp } from '../domain/schemas/case.js';
import { PendingItem } from '../domain/schemas/waits.js';
import { nextDueAt, pendingItems } from '../domain/waits.js';
import { Control } from '../domain/schemas/controls.js';
import type { Context } from 'hono';
import { AllowedAction, allowedActionsFor } from '../domain/schemas/caseActions.js';
import type { Actor } from '../domain/permissions.js';
import type { Policy } from '../domain/policy.js';
import type { ApiSettings, AppEnv } from './context.js';

export const ApiCase = Case.extend({
  pending: z
    .array(PendingItem)
    .describe('everything the case waits for now: who must act, and by when, as each step declares it'),
  nextDueAt: Timestamp.nullable().describe('the earliest `dueAt` of `pending`; null when nothing is due'),
  links: z.object({
    temporalUi: z.string().nullable().describe('this case’s workflow run in the Temporal Web UI'),
  }),
  allowedActions: z
    .array(AllowedAction)
    .describe(
      'for the caller: every action a route offers on this case, allowed now or refused with the code and reason the action itself would answer with',
    ),
}).meta({ id: 'Case' });
export type ApiCase = z.infer<typeof ApiCase>;

/** Who is looking, and with which settings: what turns a case into the API's view of it. */
export interface CaseView {
  settings: Pick<ApiSettings, 'temporalUiUrl' | 'namespace'>;
  policy: Policy;
  actor: Actor;
}

export function viewOf(c: Context<AppEnv>): CaseView {
  const { settings, policy } = c.get('deps');
  return { settings, policy, actor: c.get('actor') };
}

export const ApiControl = Control.meta({ id: 'Control' });

export function toApiCase(c: Case, view: CaseView): ApiCase {
  return apiCaseViewer(view)(c);
}

/**
 * `toApiCase` for many cases seen by one caller at one moment (a page of a list): what does not depend
 * on the case, the link's base and what the caller may do in each business line, is worked out once.
 */
export function apiCaseViewer({ settings, policy, actor }: CaseView): (c: Case) => ApiCase {
  const workflows = settings.temporalUiUrl
    ? `${settings.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(settings.namespace)}/workflows/`
    : null;
  const allowed = allowedActionsFor({ actor, policy, now: new Date().toISOString() });
  // Object.assign, not `{ ...c, links, allowedActions }`: V8 takes a slow path for fields added after a
  // spread of an object this size, several microseconds a case.
  return (c) =>
    Object.assign({}, c, {
      pending: pendingItems(c),
      nextDueAt: nextDueAt(c),
      links: { temporalUi: workflows === null ? null : workflows + encodeURIComponent(c.workflowId) },
      allowedActions: allowed(c),
    });
}

/** A path parameter with an example shaped like the ids the API gives out. */
export const pathId = (name: string, example: string) =>
  EntityId.meta({ param: { name, in: 'path' }, examples: [example] });

const caseId = pathId('caseId', 'UNF-20261124-K7M2QX');
export const CaseParams = z.object({ caseId });
export const ProposalParams = z.object({ caseId, proposalId: pathId('proposalId', 'prop-1') });
export const EscalationParams = z.object({ caseId, escalationId: pathId('escalationId', 'esc-1') });

export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  required,
  content: { 'application/json': { schema } },
});

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A bearer token, or in a browser the session cookie `POST /v1/session` sets (with its CSRF header). */
export const bearer = [{ bearer: [] }, { session: [] }];
/** A bearer token only: what starts a session. */
export const bearerOnly = [{ bearer: [] }];

/** What an Idempotency-Key may be: long enough for a UUID or a composite key, and safe in a log line. */
export const idempotencyKeyShape = /^[A-Za-z0-9._:-]{1,200}$/;

export const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(idempotencyKeyShape)
  .meta({
    id: 'IdempotencyKey',
    param: {
      in: 'header',
      description:
        'Makes the POST safe to retry: the same key and body answers with the first answer again (with ' +
        '`idempotent-replayed: true`); the same key with another body is 409 `idempotency_conflict`; while the ' +
        'first request is still running, 409 `idempotency_in_progress` with `Retry-After`. Keys are per caller. ' +
        'Answers of 401, 403, 429 and 5xx are not kept, so a retry after them runs again.',
    },
    examples: ['2f0c9a4e-5d1b-4c7e-9a51-0b6f3e2d8c17'],
  });

/** Headers every POST under /v1 may carry; a route with headers of its own extends these. */
export const PostHeaders = z.object({ 'idempotency-key': IdempotencyKey.optional() });

/** Response headers of an answer an Idempotency-Key may have kept. */
export const replayableHeaders = {
  'idempotent-replayed': {
    description: '`true` when this is the kept answer to an earlier request with the same Idempotency-Key',
    schema: { type: 'string' as const, enum: ['true'] },
  },
};

/** Response headers of a 409 on a POST: `idempotency_in_progress` says when to retry. */
export const conflictHeaders = {
  'retry-after': {
    description: 'with `idempotency_in_progress`: seconds to wait before retrying with the same key',
    schema: { type: 'integer' as const, minimum: 1 },
  },
};

/** The window of a report: [from, to) and, optionally, one business line. */
export const WorkloadQuery = z.strictObject({ businessLine: BusinessLine.optional() });

export const ReportQuery = z
  .strictObject({
    from: z.iso.datetime({ offset: true }).describe('start of the window, inclusive'),
    to: z.iso.datetime({ offset: true }).describe('end of the window, exclusive'),
    businessLine: BusinessLine.optional(),
  })
  .refine((q) => isStorableInstant(q.from), { path: ['from'], message: 'must be within years 1 to 9999' })
  .refine((q) => isStorableInstant(q.to), { path: ['to'], message: 'must be within years 1 to 9999' })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'must be after from' });
