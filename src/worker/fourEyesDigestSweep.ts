import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import type { OutboxRouting } from '../db/outbox.js';
import type { DigestSchedule } from '../domain/fourEyesDigest.js';
import { dueDigestWeek } from '../domain/fourEyesDigest.js';
import type { Policy } from '../domain/policy.js';
import type { Department } from '../domain/vocabulary.js';
import { sendFourEyesDigest } from '../notify/fourEyesDigest.js';
import { startLoop } from './loop.js';

/** Often enough that a digest goes out within minutes of its time, or of a worker coming back. */
const CHECK_EVERY_MS = 5 * 60_000;

/**
 * Sends the four-eyes digest of the week before once its weekly moment has passed. Each check asks the
 * outbox whether the week's digests are queued already, so a restart, a second worker or a late start
 * after the moment still sends each lead one digest a week.
 */
export function startFourEyesDigestSweep(options: {
  db: Database;
  outbox: OutboxRouting;
  policy: Policy;
  schedule: DigestSchedule;
  leads: readonly Department[];
  log: Logger;
  intervalMs?: number;
}): { stop(): Promise<void> } {
  return startLoop({
    intervalMs: options.intervalMs ?? CHECK_EVERY_MS,
    tick: async () => {
      const week = dueDigestWeek(new Date(), options.schedule);
      if (week === undefined) return 'idle';
      const { queued } = await sendFourEyesDigest(options, week, options.leads);
      if (queued.length > 0) options.log.info({ week, queued }, 'four-eyes digest queued');
      return 'idle';
    },
    onError: (error) => options.log.warn({ err: error }, 'four-eyes digest check failed; retrying'),
  });
}
