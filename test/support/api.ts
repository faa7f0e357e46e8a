import type { OpenAPIHono } from '@hono/zod-openapi';
import { pino } from 'pino';
import { createApp } from '../../src/api/app.js';
import type { ApiDeps, ApiSettings, AppEnv } from '../../src/api/context.js';
import { createApiMetrics } from '../../src/api/metrics.js';
import { AccessService } from '../../src/api/services/access.js';
import { CampaignService } from '../../src/api/services/campaigns.js';
import { CaseFeed } from '../../src/api/services/caseFeed.js';
import { PayloadDecoding } from '../../src/api/services/codec.js';
import type { SsoSettings } from '../../src/api/services/sso.js';
import { SsoVerifier } from '../../src/api/services/sso.js';
import { ApiTokens } from '../../src/api/services/tokens.js';
import { issueToken } from '../../src/db/users.js';
import type { Actor, BusinessLineScope, Role } from '../../src/domain/permissions.js';
import type { Department } from '../../src/domain/vocabulary.js';
import type { Services, ServicesOptions } from './services.js';
import { startServices } from './services.js';
import { makeUser } from './world.js';

export interface ApiHarness {
  services: Services;
  app: OpenAPIHono<AppEnv>;
  deps: ApiDeps;
  /** A user with a fresh token. */
  user(
    roles: Role[],
    options?: { businessLines?: BusinessLineScope[]; departments?: Department[]; name?: string },
  ): Promise<Actor & { token: string }>;
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
  stop(): Promise<void>;
}

/** The API's dependencies over real services, as the composition root wires them. */
export function apiDepsFor(
  services: Services,
  settings: Partial<ApiSettings> = {},
  sso?: SsoSettings,
): ApiDeps {
  const tokens = new ApiTokens(services.database.db);
  return {
    db: services.database.db,
    pingDatabase: services.database.ping,
    temporal: { client: services.client, connection: services.connection },
    controls: services.controls,
    cases: services.cases,
    campaigns: new CampaignService({
      db: services.database.db,
      client: services.client,
      policy: services.policy,
      taskQueue: services.taskQueue,
      updateTimeoutMs: 20_000,
    }),
    decoding: new PayloadDecoding({ db: services.database.db, codec: services.codec, namespace: 'default' }),
    access: new AccessService(services.database.db, services.policy, () => tokens.forget()),
    tokens,
    sso: sso ? new SsoVerifier(services.database.db, sso) : null,
    feed: new CaseFeed(services.database),
    policy: services.policy,
    log: pino({ level: 'silent' }),
    metrics: createApiMetrics(),
    settings: {
      namespace: 'default',
      temporalUiUrl: 'http://127.0.0.1:8233',
      rateLimitPerMinute: 100_000,
      bodyLimitBytes: 65_536,
      sessionTtlMs: 3_600_000,
      codecOrigins: ['http://127.0.0.1:8233'],
      ...settings,
    },
  };
}

/** The real app over real services, driven in-process through `app.request` (no mock anywhere). */
export async function startApi(
  options: ServicesOptions & { settings?: Partial<ApiSettings>; sso?: SsoSettings } = {},
): Promise<ApiHarness> {
  const services = await startServices(options);
  const deps = apiDepsFor(services, options.settings, options.sso);
  const app = createApp(deps);
  return {
    services,
    app,
    deps,
    async user(roles, userOptions = {}) {
      const actor = await makeUser(services, roles, userOptions);
      const { token } = await issueToken(services.database.db, actor.id);
      return { ...actor, token };
    },
    async call(method, path, callOptions = {}) {
      const headers: Record<string, string> = { ...callOptions.headers };
      if (callOptions.token) headers.authorization = `Bearer ${callOptions.token}`;
      let body: string | undefined = callOptions.rawBody;
      if (callOptions.body !== undefined) {
        body = JSON.stringify(callOptions.body);
        headers['content-type'] ??= 'application/json';
      }
      if (body !== undefined) headers['content-length'] ??= String(Buffer.byteLength(body));
      const response = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      let parsed: Record<string, unknown>;
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        parsed = { text };
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async stop() {
      deps.feed.close();
      await services.stop();
    },
  };
}
