import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { OperationsReport } from '../../db/reports.js';
import { reportOperations } from '../services/reports.js';
import { isStorableInstant } from '../../domain/actions.js';
import { BusinessLine } from '../../domain/schemas/vocabulary.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { jsonContent } from '../schemas.js';

const ReportQuery = z
  .strictObject({
    from: z.iso.datetime({ offset: true }).describe('start of the window, inclusive'),
    to: z.iso.datetime({ offset: true }).describe('end of the window, exclusive'),
    businessLine: BusinessLine.optional(),
  })
  .refine((q) => isStorableInstant(q.from), { path: ['from'], message: 'must be within years 1 to 9999' })
  .refine((q) => isStorableInstant(q.to), { path: ['to'], message: 'must be within years 1 to 9999' })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'must be after from' });

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/reports/operations',
      operationId: 'getOperationsReport',
      summary: 'Operations report',
      description:
        'Cases opened and closed by type and business line, median and p90 time to first claim and to close, SLA breach rate per department, lifts, reverts and the revert (wrong-unfreeze) rate over [from, to). A report across all business lines needs the `*` scope.',
      tags: ['reports'],
      permission: 'reports.read',
      request: { query: ReportQuery },
      responses: {
        200: jsonContent(OperationsReport.meta({ id: 'OperationsReport' }), 'the report'),
        ...problems(400, 401, 403, 429, 503),
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const query = c.req.valid('query');
      const report = await reportOperations(db, c.get('actor'), {
        from: new Date(query.from),
        to: new Date(query.to),
        businessLine: query.businessLine,
      });
      return c.json(report, 200);
    },
  );
}
