import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';

/**
 * One row per running worker, rewritten every few seconds and deleted when it stops. Temporal's own
 * poller list keeps a worker for up to a minute after its last long poll, so readiness reads this too.
 */
export const workerBeats = pgTable(
  'worker_beats',
  {
    id: text('id').primaryKey(),
    taskQueue: text('task_queue').notNull(),
    beatAt: instant('beat_at').notNull().defaultNow(),
  },
  (t) => [index('worker_beats_queue_idx').on(t.taskQueue, t.beatAt)],
);
