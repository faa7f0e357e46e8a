import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { ActionName } from '../../domain/caseActions.js';
import type { TargetIds } from '../../domain/schemas/caseActions.js';
import { httpActions, payloadOf, publicActionNames } from '../../domain/schemas/caseActions.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import {
  ApiCase,
  CaseParams,
  EscalationParams,
  ProposalParams,
  jsonBody,
  jsonContent,
  toApiCase,
  viewOf,
} from '../schemas.js';

const CompensationUnderWay = z
  .object({
    caseId: z.string(),
    liftId: z.string(),
    followUpCaseId: z.string().describe('the review case the compensation opens, linked to the lift'),
    workflowId: z.string().describe('the compensation run; a second request joins it'),
  })
  .meta({ id: 'CompensationUnderWay' });

const underWay = jsonContent(
  CompensationUnderWay,
  'a closed case’s compensation is still putting the controls back after the update timeout',
);

const paramsOf = { case: CaseParams, proposal: ProposalParams, escalation: EscalationParams } as const;

/**
 * One route per declared action: path params, an optional or required JSON body, the rule's permission,
 * then the action carried to the workflow as an update; the answer is the case after the action.
 */
function registerAction<A extends ActionName>(app: OpenAPIHono<AppEnv>, name: A): void {
  const action = httpActions[name];
  const { route: spec, rule } = action;
  if (!spec || !rule.permission) return;
  const route = guardedRoute({
    method: 'post',
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description,
    tags: ['cases'],
    permission: rule.permission,
    caseAction: rule.action,
    request: {
      params: paramsOf[action.target],
      body: jsonBody(action.body, action.bodyRequired),
    },
    responses: {
      // Typed as 200 so the handler's answer is checked against ApiCase; 201 documents the same body.
      [spec.status as 200]: jsonContent(ApiCase, 'the case after the action'),
      // Only a revert can answer 202; typed on every action so the handler's branch for it type-checks.
      ...(name === 'revert' ? { 202: underWay } : ({} as { 202?: typeof underWay })),
      ...problems(400, 401, 403, 404, 409, 413, 415, 429, 503),
    },
  });
  app.openapi(route, async (c) => {
    const { cases } = c.get('deps');
    const params: { caseId: string } & TargetIds = c.req.valid('param');
    // The route has validated both already; parsing them together gives the payload its declared type.
    const payload = payloadOf(name, c.req.valid('json'), params);
    if (name === 'revert') {
      const answer = await cases.revert(
        c.get('actor'),
        params.caseId,
        payloadOf('revert', c.req.valid('json'), params),
        c.req.header('idempotency-key'),
      );
      if ('accepted' in answer) return c.json(answer.accepted, 202);
      return c.json(toApiCase(answer.case, viewOf(c)), 200);
    }
    if (name === 'assign') {
      const assigned = await cases.assign(
        c.get('actor'),
        params.caseId,
        payloadOf('assign', c.req.valid('json'), params),
        c.req.header('idempotency-key'),
      );
      return c.json(toApiCase(assigned, viewOf(c)), 200);
    }
    const result = await cases.act(
      c.get('actor'),
      params.caseId,
      name,
      payload,
      c.req.header('idempotency-key'),
    );
    return c.json(toApiCase(result, viewOf(c)), spec.status as 200);
  });
}

export function register(app: OpenAPIHono<AppEnv>): void {
  for (const name of publicActionNames) registerAction(app, name);
}
