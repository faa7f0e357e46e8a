import type { OpenAPIHono } from '@hono/zod-openapi';
import { FourEyesReport } from '../../domain/schemas/fourEyes.js';
import { reportFourEyes } from '../services/fourEyes.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { ReportQuery, jsonContent } from '../schemas.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/reports/four-eyes',
      operationId: 'getFourEyesReport',
      summary: 'Four-eyes report',
      description:
        'How real the second look was, over approvals and rejections taken in [from, to): per checker and per maker–checker pair, the time from the checker’s first view of the proposal to the decision (median, and the share under the policy’s `fourEyes.quickDecision`), decisions taken without a recorded view, the approval rate against the team’s, checkers who rejected nothing, approvals after a reminder and decisions on proposals whose evidence the checker never opened; per maker, the share of their proposals one checker decided, flagged above `fourEyes.concentration`. A report across all business lines needs the `*` scope.',
      tags: ['reports'],
      permission: 'reports.read',
      request: { query: ReportQuery },
      responses: {
        200: jsonContent(FourEyesReport, 'the report'),
        ...problems(400, 401, 403, 429, 503),
      },
    }),
    async (c) => {
      const { db, policy } = c.get('deps');
      const query = c.req.valid('query');
      const report = await reportFourEyes(db, policy, c.get('actor'), {
        from: new Date(query.from),
        to: new Date(query.to),
        businessLine: query.businessLine,
      });
      return c.json(report, 200);
    },
  );
}
