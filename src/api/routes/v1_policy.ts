import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { ReasonCodeMatrix, ReasonCodeRule } from '../../domain/schemas/policy.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { jsonContent } from '../schemas.js';

const Milliseconds = z.number().int().positive();

const LiftTerms = z
  .object({
    monitoringWindowMs: z
      .object({ low: Milliseconds, medium: Milliseconds, high: Milliseconds, critical: Milliseconds })
      .describe('how long an account is watched after a lift, by risk tier'),
    withdrawalLockMs: Milliseconds.describe('the cooling-off withdrawal lock put on after an unbind'),
    approvalExpiryMs: Milliseconds.describe('how long a proposal waits for its approvals'),
  })
  .meta({ id: 'LiftTerms' });

/** As served: durations in milliseconds, as the parsed policy holds them. */
const ServedReasonCodeRule = ReasonCodeRule.extend({
  monitoringWindow: Milliseconds.optional().describe('replaces the tier’s monitoring window'),
  coolingOff: Milliseconds.optional().describe('replaces the withdrawal lock after an unbind'),
}).meta({ id: 'ReasonCodeRule' });
const ServedReasonCodes = z.record(z.string(), ServedReasonCodeRule);

const ReasonCodes = z
  .object({
    version: z.string(),
    complaint: ServedReasonCodes,
    unfreeze: ServedReasonCodes,
    unbind: ServedReasonCodes,
  })
  .describe(ReasonCodeMatrix.description ?? '')
  .meta({ id: 'ReasonCodeMatrix' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/policy/reason-codes',
      operationId: 'listReasonCodes',
      summary: 'The reason-code matrix',
      description:
        'For each case type and reason code: the evidence kinds a proposal must carry, any approver role it adds, overrides of the monitoring window and cooling-off (in milliseconds), and whether a high risk signal after the case closed reverts the lift at once. New cases pin this `version`; a case keeps the matrix it started with.',
      tags: ['policy'],
      permission: 'case.read',
      responses: { 200: jsonContent(ReasonCodes, 'the matrix new cases follow'), ...problems(401, 403, 429) },
    }),
    (c) => c.json(c.get('deps').policy.reasonCodes, 200),
  );

  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/policy/lift-terms',
      operationId: 'getLiftTerms',
      summary: 'What a lift entails under the current policy',
      description:
        'The monitoring window by risk tier, the cooling-off after an unbind and how long a proposal waits, under the policy this API process runs with. A case keeps the policy it started with; this is what a case started now gets.',
      tags: ['cases'],
      permission: 'case.read',
      responses: { 200: jsonContent(LiftTerms, 'the terms'), ...problems(401, 403, 429) },
    }),
    (c) => {
      const { policy } = c.get('deps');
      return c.json(
        {
          monitoringWindowMs: policy.monitoring.window,
          withdrawalLockMs: policy.coolingOff.withdrawalLock,
          approvalExpiryMs: policy.approval.expiry,
        },
        200,
      );
    },
  );
}
