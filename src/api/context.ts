import type { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import type { AccountControls } from '../domain/controls.js';
import type { Actor } from '../domain/permissions.js';
import type { Policy } from '../domain/policy.js';
import type { ApiMetrics } from './metrics.js';
import type { DemoUser } from './routes/demoUsers.js';
import type { AccessService } from './services/access.js';
import type { CampaignService } from './services/campaigns.js';
import type { CaseFeed } from './services/caseFeed.js';
import type { CaseService } from './services/cases.js';
import type { PayloadDecoding } from './services/codec.js';
import type { SsoVerifier } from './services/sso.js';
import type { ApiTokens } from './services/tokens.js';

export interface ApiSettings {
  namespace: string;
  /** Base of links to case runs in the Temporal Web UI; null hides the links. */
  temporalUiUrl: string | null;
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  riskSignalHmacSecret?: string | undefined;
  /** Browser origins (the Temporal Web UI) allowed to call `/codec` with credentials. */
  codecOrigins: string[];
  /** Demo users offered for one-click sign-in; set only when the server seeded them (development). */
  demoUsers?: readonly DemoUser[] | undefined;
  /** How long a browser session lasts from sign-in (`SESSION_TTL`). */
  sessionTtlMs: number;
  /**
   * How long a key may stay "being processed" before a retry takes it over: longer than any request
   * runs, so only a key whose request died with its process (or lost its database) is taken.
   */
  idempotencyLeaseMs?: number | undefined;
}

/** Everything a route may use, wired once by the composition root. */
export interface ApiDeps {
  db: Database;
  /** Answers when PostgreSQL does; for readiness. */
  pingDatabase: () => Promise<void>;
  temporal: { client: Client; connection: Connection };
  controls: AccountControls;
  cases: CaseService;
  campaigns: CampaignService;
  /** The codec endpoint's decoding, within the caller's business lines. */
  decoding: PayloadDecoding;
  access: AccessService;
  /** dualkey's own API tokens, remembered briefly by this replica. */
  tokens: ApiTokens;
  /** Null when no identity provider is configured: only dualkey's own tokens are accepted. */
  sso: SsoVerifier | null;
  /** Live case changes for the console's event stream. */
  feed: CaseFeed;
  policy: Policy;
  settings: ApiSettings;
  log: Logger;
  metrics: ApiMetrics;
}

export interface AppEnv {
  Variables: {
    deps: ApiDeps;
    requestId: string;
    actor: Actor;
    /** The browser session the request came with, when a session cookie authenticated it. */
    session?: { id: string };
    /** Set by case routes so the request log, and any refusal's audit row, name the case. */
    caseId?: string;
    /** The audit action name of what the route does, for the row of a refusal. */
    action?: string;
  };
}
