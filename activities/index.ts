import { heartbeat } from '@temporalio/activity';
import type { Database } from '../src/db/client.js';
import type { OutboxRouting } from '../src/db/outbox.js';
import type { AccountControls } from '../src/domain/controls.js';
import { asFailure } from '../src/domain/failures.js';
import { ACTIVITY_HEARTBEAT_EVERY_MS } from '../src/domain/heartbeats.js';
import { createCampaignActivities } from './campaigns.js';
import { createCaseRecordActivities } from './caseRecords.js';
import { createControlActivities } from './controls.js';
import { createNotificationActivities } from './notifications.js';
import { createRoutingActivities } from './routing.js';

export interface ActivityDeps {
  db: Database;
  controls: AccountControls;
  /** Who gets which notification; without it every notification goes to the log. */
  notifications?: OutboxRouting | undefined;
}

type AnyActivity = (...args: never[]) => Promise<unknown>;

/**
 * Business refusals (a DomainError) become non-retryable ApplicationFailures carrying the error code as
 * their type, so the workflow can react to them; a dependency being unavailable, and anything else, is a
 * passing fault and is retried. While one runs it heartbeats (`src/domain/heartbeats.ts`), so a worker
 * that dies mid-attempt has it retried elsewhere within seconds.
 */
function asActivities<T extends Record<string, AnyActivity>>(activities: T): T {
  const wrapped: Record<string, AnyActivity> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      const beating = setInterval(() => heartbeat(), ACTIVITY_HEARTBEAT_EVERY_MS);
      try {
        return await fn(...args);
      } catch (error) {
        throw asFailure(error);
      } finally {
        clearInterval(beating);
      }
    };
  }
  return wrapped as T;
}

export function createActivities(deps: ActivityDeps) {
  return asActivities({
    ...createCaseRecordActivities(deps),
    ...createControlActivities(deps),
    ...createNotificationActivities(deps),
    ...createCampaignActivities(deps),
    ...createRoutingActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
