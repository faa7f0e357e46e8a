import type { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type pg from 'pg';
import type { Database } from '../db/client.js';
import type { AccountControls } from '../domain/controls.js';
import type { Actor } from '../domain/permissions.js';
import type { Policy } from '../domain/policy.js';
import type { ApiMetrics } from './metrics.js';
import type { DemoUser } from './routes/demoUsers.js';
import type { CaseFeed } from './services/caseFeed.js';
import type { CaseService } from './services/cases.js';

export interface ApiSettings {
  namespace: string;
  /** Base of links to case runs in the Temporal Web UI; null hides the links. */
  temporalUiUrl: string | null;
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  riskSignalHmacSecret?: string | undefined;
  /** Demo users offered for one-click sign-in; set only when the server seeded them (development). */
  demoUsers?: readonly DemoUser[] | undefined;
}

/** Everything a route may use, wired once by the composition root. */
export interface ApiDeps {
  db: Database;
  pool: pg.Pool;
  temporal: { client: Client; connection: Connection };
  controls: AccountControls;
  cases: CaseService;
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
    /** Set by case routes so the request log, and any refusal's audit row, name the case. */
    caseId?: string;
    /** The audit action name of what the route does, for the row of a refusal. */
    action?: string;
  };
}
