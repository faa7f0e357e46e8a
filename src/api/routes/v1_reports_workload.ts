import type { OpenAPIHono } from '@hono/zod-openapi';
import { WorkloadReport } from '../../domain/schemas/workload.js';
import { reportWorkload } from '../services/reports.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { guardedRoute } from './guarded.js';
import { WorkloadQuery, jsonContent } from '../schemas.js';

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/reports/workload',
      operationId: 'getWorkloadReport',
      summary: 'Workload report',
      description:
        'Open work now: per agent (and the unassigned queue) the open cases, the oldest, how many are due within `dueSoonSeconds` and how many are breached; per department the same over open escalations. A report across all business lines needs the `*` scope.',
      tags: ['reports'],
      permission: 'reports.read',
      request: { query: WorkloadQuery },
      responses: {
        200: jsonContent(WorkloadReport, 'the report'),
        ...problems(400, 401, 403, 429, 503),
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const report = await reportWorkload(db, c.get('actor'), c.req.valid('query').businessLine);
      return c.json(report, 200);
    },
  );
}
