import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
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
 * Takes up to `limit` due notifications for delivery, in one statement. Rows are pushed into the future
 * while held, so two dispatchers (two worker processes) never deliver the same one at once.
 */
export async function takeDue(db: Database, limit: number, leaseMs: number): Promise<PendingNotification[]> {
  const due = db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.status, 'pending'), lte(notifications.nextAttemptAt, sql`now()`)))
    .orderBy(asc(notifications.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  const taken = await db
    .update(notifications)
    .set({ nextAttemptAt: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
    .where(inArray(notifications.id, due))
    .returning();
  return taken.sort((a, b) => a.id - b.id);
}

/** Marks a batch delivered in one statement. */
export async function markDelivered(db: Database, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(notifications)
    .set({
      status: 'delivered',
      deliveredAt: sql`now()`,
      attempts: sql`${notifications.attempts} + 1`,
      lastError: null,
    })
    .where(inArray(notifications.id, [...ids]));
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
