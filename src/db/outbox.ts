import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Database, Executor } from './client.js';
import { notifications } from './schema/index.js';

export interface NotificationInput {
  /** One notification per key, however often the activity that queues it is retried. */
  key: string;
  recipient: string;
  kind: string;
  caseId?: string | null;
  payload: Record<string, unknown>;
}

export type PendingNotification = typeof notifications.$inferSelect;

export async function enqueueNotification(tx: Executor, input: NotificationInput): Promise<void> {
  await tx
    .insert(notifications)
    .values({ ...input, caseId: input.caseId ?? null })
    .onConflictDoNothing({ target: notifications.key });
}

/**
 * Takes up to `limit` due notifications for delivery. Rows are pushed into the future while held, so two
 * dispatchers (two worker processes) never deliver the same one at once.
 */
export async function takeDue(db: Database, limit: number, leaseMs: number): Promise<PendingNotification[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(notifications)
      .where(and(eq(notifications.status, 'pending'), lte(notifications.nextAttemptAt, sql`now()`)))
      .orderBy(asc(notifications.nextAttemptAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    for (const row of due) {
      await tx
        .update(notifications)
        .set({ nextAttemptAt: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
        .where(eq(notifications.id, row.id));
    }
    return due;
  });
}

export async function markDelivered(db: Database, id: number): Promise<void> {
  await db
    .update(notifications)
    .set({
      status: 'delivered',
      deliveredAt: sql`now()`,
      attempts: sql`${notifications.attempts} + 1`,
      lastError: null,
    })
    .where(eq(notifications.id, id));
}

/** Exponential backoff from 1 s, capped at 10 minutes; delivery is retried until it succeeds. */
export async function markFailed(db: Database, id: number, attempts: number, error: string): Promise<void> {
  const delayMs = Math.min(1_000 * 2 ** attempts, 600_000);
  await db
    .update(notifications)
    .set({
      attempts: attempts + 1,
      lastError: error.slice(0, 1_000),
      nextAttemptAt: sql`now() + ${`${delayMs} milliseconds`}::interval`,
    })
    .where(eq(notifications.id, id));
}

export async function notificationsForCase(db: Database, caseId: string): Promise<PendingNotification[]> {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.caseId, caseId))
    .orderBy(asc(notifications.id));
}
