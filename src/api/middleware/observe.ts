import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { ApiDeps, AppEnv } from '../context.js';

const safeRequestId = /^[A-Za-z0-9._:-]{1,100}$/;

/** Request id, one structured log line per request, and the request counter and latency histogram. */
export function observe(deps: ApiDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && safeRequestId.test(incoming) ? incoming : randomUUID();
    c.set('deps', deps);
    c.set('requestId', requestId);
    await next();
    c.header('x-request-id', requestId);

    const endpoint = routePath(c, -1);
    const route = endpoint === '*' || endpoint === '/*' ? 'unmatched' : endpoint;
    const labels = { method: c.req.method, route, status: String(c.res.status) };
    const seconds = (performance.now() - started) / 1_000;
    deps.metrics.requests.inc(labels);
    deps.metrics.latency.observe(labels, seconds);
    const caseId = c.get('caseId');
    deps.log.info(
      {
        requestId,
        method: c.req.method,
        // A respond link's token is a credential until used: the log keeps the route, not the token.
        path: route === '/respond/:token' ? route : c.req.path,
        route,
        status: c.res.status,
        ms: Math.round(seconds * 1_000),
        actor: c.get('actor')?.id,
        ...(caseId ? { caseId, workflowId: `case-${caseId}` } : {}),
      },
      'request',
    );
  };
}
