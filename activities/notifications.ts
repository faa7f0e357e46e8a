import type { NotificationInput } from '../src/db/outbox.js';
import { enqueueNotification } from '../src/db/outbox.js';
import type { ActivityDeps } from './index.js';

export function createNotificationActivities({
  db,
  notifications,
}: Pick<ActivityDeps, 'db' | 'notifications'>) {
  return {
    /**
     * Queues a notification in the outbox, one row per channel the routing table gives it; the worker's
     * dispatcher delivers them and retries failures.
     */
    async notify(input: NotificationInput): Promise<void> {
      await enqueueNotification(db, input, notifications);
    },
  };
}
