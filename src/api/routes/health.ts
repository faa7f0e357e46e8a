import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps, AppEnv } from '../context.js';
import { jsonContent } from '../schemas.js';
import { refusedRequest } from '../errors.js';

const DependencyStatus = z.enum(['ok', 'down']).meta({ id: 'DependencyStatus' });
const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
const Readiness = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.object({
      postgres: DependencyStatus,
      temporal: DependencyStatus,
      workers: z
        .enum(['polling', 'none', 'unknown'])
        .describe('whether a worker polled the case task queue in the last 90 s'),
    }),
  })
  .meta({ id: 'Readiness' });

const CHECK_TIMEOUT_MS = 2_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function readiness(
  deps: Pick<ApiDeps, 'pingDatabase' | 'temporal' | 'cases'>,
): Promise<z.infer<typeof Readiness>> {
  const [postgres, temporal, workers] = await Promise.all([
    within(deps.pingDatabase(), CHECK_TIMEOUT_MS).then(
      () => 'ok' as const,
      () => 'down' as const,
    ),
    within(deps.temporal.connection.workflowService.getSystemInfo({}), CHECK_TIMEOUT_MS).then(
      () => 'ok' as const,
      () => 'down' as const,
    ),
    within(deps.cases.workersPolling(), CHECK_TIMEOUT_MS).then(
      (polling) => (polling ? ('polling' as const) : ('none' as const)),
      () => 'unknown' as const,
    ),
  ]);
  return {
    status: postgres === 'ok' && temporal === 'ok' && workers === 'polling' ? 'ready' : 'unavailable',
    checks: { postgres, temporal, workers },
  };
}

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'getHealth',
      summary: 'Liveness',
      description: '200 whenever the process is up; it checks nothing else.',
      tags: ['operations'],
      security: [],
      responses: { 200: jsonContent(Health, 'the process is up'), ...refusedRequest },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      summary: 'Readiness',
      description:
        '200 only when Temporal and PostgreSQL answer and a worker polls the case task queue; 503 otherwise, naming what is missing. Without a worker, reads still answer from the projection but actions wait and then answer 503.',
      tags: ['operations'],
      security: [],
      responses: {
        200: jsonContent(Readiness, 'ready to serve'),
        503: jsonContent(Readiness, 'a dependency is down'),
        ...refusedRequest,
      },
    }),
    async (c) => {
      const result = await readiness(c.get('deps'));
      return result.status === 'ready' ? c.json(result, 200) : c.json(result, 503);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      summary: 'Prometheus metrics',
      description: 'Request counts and latency by route and status, plus process metrics. Bind privately.',
      tags: ['operations'],
      security: [],
      responses: {
        200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
        ...refusedRequest,
      },
    }),
    async (c) => {
      const { registry } = c.get('deps').metrics;
      return c.text(await registry.metrics(), 200, { 'content-type': registry.contentType });
    },
  );
}
