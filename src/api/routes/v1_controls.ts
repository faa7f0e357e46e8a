import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { AccountId, EntityId, text } from '../../domain/schemas/actions.js';
import { categoryOf } from '../../domain/vocabulary.js';
import {
  BusinessLine,
  ControlCategory,
  ControlKind,
  ControlSource,
} from '../../domain/schemas/vocabulary.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { ApiControl, jsonBody, jsonContent } from '../schemas.js';
import { applyControl, listControls } from '../services/controls.js';

const AccountParams = z.object({
  accountId: AccountId.meta({ param: { name: 'accountId', in: 'path' }, examples: ['acct-20417'] }),
});

export const ApplyControlInput = z
  .strictObject({
    category: ControlCategory,
    kind: ControlKind,
    businessLine: BusinessLine,
    reason: text(1_000),
    source: ControlSource.default('manual_review').describe(
      'who puts the control on, and so who owns lifting it: a law_enforcement hold is lifted only on a legal release, a compliance control only with a compliance approval',
    ),
    externalRef: text(200).optional().describe('the owner’s reference: a rule id, a legal order number'),
    caseId: EntityId.optional().describe(
      'case that should carry the after-review of a restriction applied by hand',
    ),
  })
  .refine((body) => categoryOf(body.kind) === body.category, {
    path: ['kind'],
    message: 'this kind does not belong to that category',
  })
  .meta({
    id: 'ApplyControl',
    examples: [
      {
        category: 'restriction',
        kind: 'withdrawal_lock',
        businessLine: 'spot',
        reason: 'Three withdrawals to a new address within ten minutes of a password reset.',
      },
    ],
  });

const AppliedControl = ApiControl.extend({
  afterReviewCaseId: z
    .string()
    .nullable()
    .describe('the case that carries the mandatory after-review of a restriction a person applied'),
}).meta({ id: 'AppliedControl' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'post',
      path: '/v1/accounts/{accountId}/controls',
      operationId: 'applyControl',
      summary: 'Apply a control',
      description:
        'Applies a restriction or binding at once. Applying a restriction is always allowed to whoever holds the permission: it makes things safer. When a person (not the risk engine) applies a restriction, a mandatory after-review is opened on the named case, or on a new internal case.',
      tags: ['controls'],
      permission: 'controls.apply',
      request: {
        params: AccountParams,
        body: jsonBody(ApplyControlInput),
      },
      responses: {
        201: jsonContent(AppliedControl, 'the control as applied'),
        ...problems(400, 401, 403, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const { accountId } = c.req.valid('param');
      const { category: _category, ...input } = c.req.valid('json');
      const applied = await applyControl(
        deps,
        c.get('actor'),
        { ...input, accountId },
        c.req.header('idempotency-key'),
      );
      if (applied.afterReviewCaseId) c.set('caseId', applied.afterReviewCaseId);
      return c.json({ ...applied.control, afterReviewCaseId: applied.afterReviewCaseId }, 201);
    },
  );

  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/accounts/{accountId}/controls',
      operationId: 'listControls',
      summary: 'List an account’s controls',
      description:
        'Restrictions and bindings of the account in the caller’s business lines, active and lifted.',
      tags: ['controls'],
      permission: 'case.read',
      request: { params: AccountParams },
      responses: {
        200: jsonContent(
          z.object({ items: z.array(ApiControl) }).meta({ id: 'ControlList' }),
          'the controls',
        ),
        ...problems(400, 401, 403, 429, 503),
      },
    }),
    async (c) => {
      const { controls } = c.get('deps');
      const { accountId } = c.req.valid('param');
      return c.json({ items: await listControls(controls, c.get('actor'), accountId) }, 200);
    },
  );
}
