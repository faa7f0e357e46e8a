import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { ProposalView, ProposalViewKind } from '../../domain/schemas/fourEyes.js';
import { recordView } from '../services/fourEyes.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { ProposalParams, jsonBody, jsonContent } from '../schemas.js';

const ViewBody = z.strictObject({ what: ProposalViewKind }).meta({ examples: [{ what: 'proposal' }] });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'post',
      path: '/v1/cases/{caseId}/proposals/{proposalId}/views',
      operationId: 'recordProposalView',
      summary: 'Record that the caller opened a proposal or its evidence',
      description:
        'The console calls this when a person first sees a proposal (`what: proposal`) and when they open its evidence (`what: evidence`); the four-eyes report measures a checker’s decision from that first view. Only the first view per person counts: it answers 201 the first time and 200 with the first view’s time after that. Recorded in PostgreSQL, not in the case’s workflow.',
      tags: ['cases'],
      permission: 'case.read',
      caseAction: 'proposal.viewed',
      request: { params: ProposalParams, body: jsonBody(ViewBody) },
      responses: {
        201: jsonContent(ProposalView, 'the first view, recorded now'),
        200: jsonContent(ProposalView, 'the first view, recorded before'),
        ...problems(400, 401, 403, 404, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { db, cases } = c.get('deps');
      const { caseId, proposalId } = c.req.valid('param');
      const { what } = c.req.valid('json');
      const view = await recordView({ db, cases }, c.get('actor'), { caseId, proposalId, what });
      return view.first ? c.json(view, 201) : c.json(view, 200);
    },
  );
}
