import type { OpenAPIHono } from '@hono/zod-openapi';
import { OperationsReport } from '../../db/reports.js';
import { reportOperations } from '../services/reports.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { ReportQuery, jsonContent } from '../schemas.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/reports/operations',
      operationId: 'getOperationsReport',
      summary: 'Operations report',
      description:
        'Cases opened and closed by type and business line, median and p90 time to first claim and to close, overall and (as time to first response and to resolution) by channel and risk tier, SLA breach rate per department, lifts, reverts and the revert (wrong-unfreeze) rate over [from, to). A report across all business lines needs the `*` scope.',
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
