import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { AccountId, text } from '../../domain/schemas/actions.js';
import type { Case } from '../../domain/case.js';
import { Timestamp } from '../../domain/schemas/case.js';
import { BusinessLine, CaseStatus, CaseType, RiskTier } from '../../domain/schemas/vocabulary.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import type { CaseView } from '../schemas.js';
import { ApiCase, apiCaseViewer, jsonContent, toApiCase, viewOf } from '../schemas.js';
import { caseRead, guardedRoute } from './guarded.js';
import { AuditOutcome } from '../../domain/schemas/vocabulary.js';

const ListQuery = z.strictObject({
  status: CaseStatus.optional(),
  type: CaseType.optional(),
  assignee: text(100).optional(),
  accountId: AccountId.optional(),
  businessLine: BusinessLine.optional(),
  riskTier: RiskTier.optional(),
  slaBreached: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
});

const CaseList = z
  .object({ items: z.array(ApiCase), nextCursor: z.string().nullable().describe('null on the last page') })
  .meta({ id: 'CaseList' });

const AuditRow = z
  .object({
    seq: z.number().int(),
    at: Timestamp,
    actor: z.string(),
    action: z.string(),
    outcome: AuditOutcome,
    details: z.unknown(),
    hash: z.string(),
    prevHash: z.string(),
  })
  .meta({ id: 'AuditRow' });

const AuditTrail = z
  .object({
    items: z.array(AuditRow),
    verified: z.boolean().describe('true when every hash in the chain recomputes'),
    problem: z.object({ seq: z.number().int(), problem: z.string() }).nullable(),
  })
  .meta({ id: 'AuditTrail' });

const AccountParams = z.object({ accountId: AccountId.meta({ param: { name: 'accountId', in: 'path' } }) });
const HistoryQuery = ListQuery.pick({ limit: true, cursor: true });

function casePage(page: { items: Case[]; nextCursor: string | null }, view: CaseView) {
  return { items: page.items.map(apiCaseViewer(view)), nextCursor: page.nextCursor };
}

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/accounts/{accountId}/cases',
      operationId: 'listAccountCases',
      summary: 'An account’s case history',
      description:
        'Every case on the account in the caller’s business lines, newest first, with its lifts and their reverts (a revert after closure has `late: true`). Pass `nextCursor` as `cursor` for the next page.',
      tags: ['cases'],
      permission: 'case.read',
      request: { params: AccountParams, query: HistoryQuery },
      responses: {
        200: jsonContent(CaseList, 'a page of the account’s cases'),
        ...problems(400, 401, 403, 429, 503),
      },
    }),
    async (c) => {
      const { cases } = c.get('deps');
      const { accountId } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      const page = await cases.list(c.get('actor'), { accountId }, limit, cursor);
      return c.json(casePage(page, viewOf(c)), 200);
    },
  );

  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/cases',
      operationId: 'listCases',
      summary: 'List and search cases',
      description:
        'Newest first, from the case projection, limited to the caller’s business lines. Pass `nextCursor` as `cursor` for the next page.',
      tags: ['cases'],
      permission: 'case.read',
      request: { query: ListQuery },
      responses: { 200: jsonContent(CaseList, 'a page of cases'), ...problems(400, 401, 403, 429, 503) },
    }),
    async (c) => {
      const { cases } = c.get('deps');
      const { limit, cursor, ...filters } = c.req.valid('query');
      const page = await cases.list(c.get('actor'), filters, limit, cursor);
      return c.json(casePage(page, viewOf(c)), 200);
    },
  );

  app.openapi(
    caseRead({
      path: '',
      operationId: 'getCase',
      summary: 'Get a case',
      description: 'The case as its workflow holds it now (from the projection when no worker answers).',
      permission: 'case.read',
      answer: jsonContent(ApiCase, 'the case'),
    }),
    async (c) => {
      const { cases } = c.get('deps');
      const { caseId } = c.req.valid('param');
      return c.json(toApiCase(await cases.get(c.get('actor'), caseId), viewOf(c)), 200);
    },
  );

  app.openapi(
    caseRead({
      path: '/audit',
      operationId: 'getCaseAudit',
      summary: 'A case’s audit trail',
      description:
        'Every accepted action and every denied attempt on the case, hash-chained; `verified` says whether the chain recomputes.',
      tags: ['audit'],
      permission: 'audit.read',
      answer: jsonContent(AuditTrail, 'the audit trail'),
    }),
    async (c) => {
      const { cases } = c.get('deps');
      const { caseId } = c.req.valid('param');
      const { events, verdict } = await cases.auditTrail(c.get('actor'), caseId);
      return c.json(
        {
          items: events.map(({ stream: _stream, ...event }) => event),
          verified: verdict.ok,
          problem: verdict.ok ? null : { seq: verdict.seq, problem: verdict.problem },
        },
        200,
      );
    },
  );
}
