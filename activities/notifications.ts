import type { NotificationInput } from '../src/db/outbox.js';
import { enqueueNotification } from '../src/db/outbox.js';
import type { ActivityDeps } from './index.js';

export function createNotificationActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** Queues a notification in the outbox; the worker's dispatcher delivers it and retries failures. */
    async notify(input: NotificationInput): Promise<void> {
      await enqueueNotification(db, input);
    },
  };
}
