import { serve } from '@hono/node-server';
import type { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import type { DatabaseHandle } from '../db/client.js';
import type { AccountControls } from '../domain/controls.js';
import type { Policy } from '../domain/policy.js';
import { codecOrigins, uiUrl } from '../runtime/wiring.js';
import type { EncryptionCodec } from '../temporal/codec/codec.js';
import { createApp } from './app.js';
import type { ApiDeps } from './context.js';
import { createApiMetrics } from './metrics.js';
import { loadSsoMapping } from '../config/ssoMapping.js';
import type { DemoUser } from './routes/demoUsers.js';
import { AccessService } from './services/access.js';
import { CaseFeed } from './services/caseFeed.js';
import { CampaignService } from './services/campaigns.js';
import { CaseService } from './services/cases.js';
import { PayloadDecoding } from './services/codec.js';
import type { SsoSettings } from './services/sso.js';
import { SsoVerifier } from './services/sso.js';
import { ApiTokens } from './services/tokens.js';

export interface ApiServer {
  url: string;
  deps: ApiDeps;
  close(): Promise<void>;
}

/** SSO settings from the environment, or null when no identity provider is configured. */
export function ssoSettings(env: Env): SsoSettings | null {
  if (!env.OIDC_ISSUER || !env.OIDC_AUDIENCE || !env.DUALKEY_SSO_MAPPING) return null;
  return {
    issuer: env.OIDC_ISSUER,
    audience: env.OIDC_AUDIENCE,
    jwksUrl: env.OIDC_JWKS_URL,
    algorithms: env.OIDC_ALGORITHMS,
    clockToleranceSeconds: env.OIDC_CLOCK_TOLERANCE_SECONDS,
    groupsClaim: env.OIDC_GROUPS_CLAIM,
    consoleClientId: env.OIDC_CONSOLE_CLIENT_ID,
    scopes: env.OIDC_SCOPES,
    mapping: loadSsoMapping(env.DUALKEY_SSO_MAPPING),
  };
}

export function buildApiDeps(options: {
  env: Env;
  database: DatabaseHandle;
  temporal: { client: Client; connection: Connection };
  controls: AccountControls;
  policy: Policy;
  log: Logger;
  /** The payload codec the Temporal client uses; undefined when encryption is off. */
  codec: EncryptionCodec | undefined;
  demoUsers?: readonly DemoUser[];
}): ApiDeps {
  const { env, database, temporal, controls, policy, log, codec, demoUsers } = options;
  const sso = ssoSettings(env);
  const tokens = new ApiTokens(database.db);
  return {
    db: database.db,
    pingDatabase: database.ping,
    temporal,
    controls,
    policy,
    log,
    metrics: createApiMetrics(),
    feed: new CaseFeed(database),
    cases: new CaseService({
      db: database.db,
      client: temporal.client,
      controls,
      policy,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      updateTimeoutMs: env.UPDATE_TIMEOUT_MS,
      databasePoolSize: env.DATABASE_POOL_SIZE,
    }),
    campaigns: new CampaignService({
      db: database.db,
      client: temporal.client,
      policy,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      updateTimeoutMs: env.UPDATE_TIMEOUT_MS,
    }),
    decoding: new PayloadDecoding({ db: database.db, codec, namespace: env.TEMPORAL_NAMESPACE }),
    access: new AccessService(database.db, policy, () => tokens.forget()),
    tokens,
    sso: sso ? new SsoVerifier(database.db, sso, log) : null,
    settings: {
      namespace: env.TEMPORAL_NAMESPACE,
      temporalUiUrl: uiUrl(env),
      codecOrigins: codecOrigins(env),
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      sessionTtlMs: env.SESSION_TTL,
      riskSignalHmacSecret: env.RISK_SIGNAL_HMAC_SECRET,
      demoUsers,
      // An action waits for a live read, then for the update, then for an earlier outcome: three bounds.
      idempotencyLeaseMs: 3 * env.UPDATE_TIMEOUT_MS + 15_000,
    },
  };
}

/** How often the API expires grants nobody read or decided after their deadline. */
const GRANT_SWEEP_MS = 60_000;

export async function startApiServer(deps: ApiDeps, host: string, port: number): Promise<ApiServer> {
  const app = createApp(deps);
  const sweep = setInterval(() => {
    deps.access.expireDue().catch((error: unknown) => deps.log.warn({ err: error }, 'grant sweep failed'));
  }, GRANT_SWEEP_MS);
  sweep.unref();
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
      clearInterval(sweep);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      deps.feed.close();
    },
  };
}
