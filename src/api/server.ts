import { serve } from '@hono/node-server';
import type { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import type { DatabaseHandle } from '../db/client.js';
import type { AccountControls } from '../domain/controls.js';
import type { Policy } from '../domain/policy.js';
import { uiUrl } from '../runtime/wiring.js';
import { createApp } from './app.js';
import type { ApiDeps } from './context.js';
import { createApiMetrics } from './metrics.js';
import type { DemoUser } from './routes/demoUsers.js';
import { CaseFeed } from './services/caseFeed.js';
import { CaseService } from './services/cases.js';

export interface ApiServer {
  url: string;
  deps: ApiDeps;
  close(): Promise<void>;
}

export function buildApiDeps(options: {
  env: Env;
  database: DatabaseHandle;
  temporal: { client: Client; connection: Connection };
  controls: AccountControls;
  policy: Policy;
  log: Logger;
  demoUsers?: readonly DemoUser[];
}): ApiDeps {
  const { env, database, temporal, controls, policy, log, demoUsers } = options;
  return {
    db: database.db,
    pool: database.pool,
    temporal,
    controls,
    policy,
    log,
    metrics: createApiMetrics(),
    feed: new CaseFeed(database.pool),
    cases: new CaseService({
      db: database.db,
      client: temporal.client,
      controls,
      policy,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      updateTimeoutMs: env.UPDATE_TIMEOUT_MS,
    }),
    settings: {
      namespace: env.TEMPORAL_NAMESPACE,
      temporalUiUrl: uiUrl(env),
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      riskSignalHmacSecret: env.RISK_SIGNAL_HMAC_SECRET,
      demoUsers,
    },
  };
}

export async function startApiServer(deps: ApiDeps, host: string, port: number): Promise<ApiServer> {
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${boundPort}`,
    deps,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      deps.feed.close();
    },
  };
}
