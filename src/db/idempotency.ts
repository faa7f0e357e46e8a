import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { idempotencyKeys } from './schema/index.js';

export type IdempotencyClaim =
  | { state: 'new' }
  | { state: 'replay'; statusCode: number; response: unknown }
  | { state: 'conflict'; reason: string }
  | { state: 'in_progress' };

/**
 * Claims a key for this user. The first request with a key runs; a repeat with the same request gets the
 * stored response; a different request under the same key is a conflict, and one while the first is still
 * running is told so (it may retry). A claim older than `leaseMs` with no answer is taken over by the repeat.
 */
export async function claimIdempotencyKey(
  db: Database,
  input: { userId: string; key: string; route: string; requestHash: string; leaseMs: number },
): Promise<IdempotencyClaim> {
  const { leaseMs, ...row } = input;
  const inserted = await db
    .insert(idempotencyKeys)
    .values(row)
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (inserted.length > 0) return { state: 'new' };
  const [existing] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, input.userId), eq(idempotencyKeys.key, input.key)));
  if (!existing) return claimIdempotencyKey(db, input);
  if (existing.route !== input.route || existing.requestHash !== input.requestHash) {
    return { state: 'conflict', reason: 'this Idempotency-Key was already used for a different request' };
  }
  if (existing.statusCode === null) {
    // One repeat takes it over: the update renews the claim, so a concurrent one no longer matches.
    const taken = await db
      .update(idempotencyKeys)
      .set({ createdAt: sql`now()` })
      .where(
        and(
          eq(idempotencyKeys.userId, input.userId),
          eq(idempotencyKeys.key, input.key),
          isNull(idempotencyKeys.statusCode),
          sql`${idempotencyKeys.createdAt} < now() - make_interval(secs => ${leaseMs / 1_000})`,
        ),
      )
      .returning({ key: idempotencyKeys.key });
    if (taken.length > 0) return { state: 'new' };
    return { state: 'in_progress' };
  }
  return { state: 'replay', statusCode: existing.statusCode, response: existing.response };
}

export async function completeIdempotencyKey(
  db: Database,
  userId: string,
  key: string,
  statusCode: number,
  response: unknown,
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ statusCode, response })
    .where(
      and(
        eq(idempotencyKeys.userId, userId),
        eq(idempotencyKeys.key, key),
        isNull(idempotencyKeys.statusCode),
      ),
    );
}

/** Forgets a key whose request failed for a passing reason, so the client may retry with it. */
export async function releaseIdempotencyKey(db: Database, userId: string, key: string): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.userId, userId),
        eq(idempotencyKeys.key, key),
        isNull(idempotencyKeys.statusCode),
      ),
    );
}
