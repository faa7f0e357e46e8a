import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import { markDelivered, markFailed, messageIdOf, takeDue } from '../db/outbox.js';
import type { DeliveryChannel, Notifier } from '../domain/notifications.js';
import { startLoop } from './loop.js';

/**
 * Drains the notification outbox: delivers what is due, reschedules failures with backoff. Several
 * worker processes can run it at once; each row is leased to one of them.
 */
export function startDispatcher(options: {
  db: Database;
  notifier: Notifier;
  log: Logger;
  intervalMs?: number;
  /** Tries before a delivery is given up and left for an admin to retry. */
  maxAttempts?: number | undefined;
  /** Only deliveries of these channels; every channel when unset. */
  channels?: readonly DeliveryChannel[];
}): { stop(): Promise<void> } {
  const intervalMs = options.intervalMs ?? 1_000;
  const maxAttempts = options.maxAttempts ?? 12;
  return startLoop({
    intervalMs,
    tick: async () => {
      const due = await takeDue(options.db, 50, 60_000, options.channels);
      const delivered: number[] = [];
      try {
        for (const row of due) {
          try {
            await options.notifier.deliver({
              id: row.id,
              messageId: messageIdOf(row.key),
              recipient: row.recipient,
              kind: row.kind,
              caseId: row.caseId,
              channel: row.channel,
              target: row.target,
              payload: row.payload,
              createdAt: row.createdAt.toISOString(),
            });
            delivered.push(row.id);
          } catch (error) {
            await markFailed(options.db, row.id, row.attempts, (error as Error).message, maxAttempts);
            options.log.warn(
              { notification: row.id, channel: row.channel, target: row.target, err: error },
              'notification delivery failed; retrying with backoff',
            );
          }
        }
      } finally {
        // One statement for the batch; if it is lost, the lease runs out and those are delivered again.
        await markDelivered(options.db, delivered);
      }
      return due.length > 0 ? 'more' : 'idle';
    },
    onError: (error) => options.log.warn({ err: error }, 'notification dispatch failed; retrying'),
  });
}
