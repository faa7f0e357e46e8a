import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Actor } from '../domain/permissions.js';
import type { Database } from './client.js';
import { sessions, users } from './schema/index.js';
import { hashToken, newId, toActor } from './users.js';

export interface NewSession {
  /** The cookie's value; shown to the browser once, stored only as a hash. */
  secret: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface OpenSession {
  id: string;
  actor: Actor;
  csrfHash: string;
}

export async function createSession(db: Database, userId: string, ttlMs: number): Promise<NewSession> {
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  // Sign-ins are rare next to requests: sweeping what has expired then keeps the table small.
  await db.delete(sessions).where(lte(sessions.expiresAt, sql`now()`));
  await db.insert(sessions).values({
    id: newId('ses'),
    userId,
    secretHash: hashToken(secret),
    csrfHash: hashToken(csrfToken),
    expiresAt,
  });
  return { secret, csrfToken, expiresAt };
}

/** The session a cookie carries, if it exists, has not expired, and its user is still enabled. */
export async function findSession(db: Database, secret: string): Promise<OpenSession | undefined> {
  const [row] = await db
    .select({ id: sessions.id, csrfHash: sessions.csrfHash, user: users })
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(
      and(
        eq(sessions.secretHash, hashToken(secret)),
        gt(sessions.expiresAt, sql`now()`),
        isNull(users.disabledAt),
      ),
    )
    .limit(1);
  return row ? { id: row.id, csrfHash: row.csrfHash, actor: toActor(row.user) } : undefined;
}

export async function endSession(db: Database, id: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id));
}
