import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import { markDelivered, markFailed, takeDue } from '../db/outbox.js';
import type { Notifier } from '../domain/notifications.js';

/** The default notifier writes each notification to the log; production plugs in a real channel. */
export function logNotifier(log: Logger): Notifier {
  return {
    deliver(notification) {
      log.info({ notification }, `notify ${notification.recipient}: ${notification.kind}`);
      return Promise.resolve();
    },
  };
}

/**
 * Drains the notification outbox: delivers what is due, reschedules failures with backoff. Several
 * worker processes can run it at once; each row is leased to one of them.
 */
export function startDispatcher(options: {
  db: Database;
  notifier: Notifier;
  log: Logger;
  intervalMs?: number;
}): { stop(): Promise<void> } {
  const intervalMs = options.intervalMs ?? 1_000;
  let stopped = false;
  let wake: (() => void) | undefined;

  const loop = async () => {
    while (!stopped) {
      try {
        const due = await takeDue(options.db, 50, 60_000);
        const delivered: number[] = [];
        try {
          for (const row of due) {
            try {
              await options.notifier.deliver({
                id: row.id,
                recipient: row.recipient,
                kind: row.kind,
                caseId: row.caseId,
                payload: row.payload,
              });
              delivered.push(row.id);
            } catch (error) {
              await markFailed(options.db, row.id, row.attempts, (error as Error).message);
            }
          }
        } finally {
          // One statement for the batch; if it is lost, the lease runs out and those are delivered again.
          await markDelivered(options.db, delivered);
        }
        if (due.length > 0) continue;
      } catch (error) {
        options.log.warn({ err: error }, 'notification dispatch failed; retrying');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
