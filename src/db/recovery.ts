import type { SQL } from 'drizzle-orm';
import { and, desc, eq, isNull, like, sql } from 'drizzle-orm';
import { ACCESS_STREAM, appendAudit } from './audit.js';
import { disableUser } from './access.js';
import type { Database, Executor } from './client.js';
import { auditEvents, apiTokens, users } from './schema/index.js';
import {
  BOOTSTRAP_ADMIN_ID,
  RECOVERY_ADMIN_PREFIX,
  actorForToken,
  createUser,
  hashToken,
  issueToken,
  newId,
} from './users.js';

/** How long a recovery token works when nobody uses it. */
export const RECOVERY_VALID_MS = 15 * 60_000;

export interface RecoveryAdmin {
  userId: string;
  token: string;
  expiresAt: string;
}

const accessRow = (actor: string, action: string, details: Record<string, unknown>) => ({
  stream: ACCESS_STREAM,
  at: new Date().toISOString(),
  actor,
  action,
  outcome: 'accepted' as const,
  details,
});

/**
 * A one-time admin for whoever holds the database, for when no admin can sign in any more. Its token acts
 * alone, like the installer's key, and works until the first of: RECOVERY_VALID_MS passing, its first
 * change that leaves someone an admin (`useRecoveryAdmin`), or the next recovery, which disables it.
 * `issuedBy` names the operator on the access stream, e.g. `cli:alice@ops-1`.
 */
export async function issueRecoveryAdmin(db: Database, issuedBy: string): Promise<RecoveryAdmin> {
  return db.transaction(async (tx) => {
    const earlier = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(like(users.id, `${RECOVERY_ADMIN_PREFIX}%`), isNull(users.disabledAt)));
    for (const { id } of earlier) await disableUser(tx, id);
    const expiresAt = new Date(Date.now() + RECOVERY_VALID_MS);
    const user = await createUser(
      tx,
      {
        name: `Recovery admin until ${expiresAt.toISOString()}`,
        roles: ['admin'],
        businessLines: ['*'],
        departments: [],
      },
      newId(RECOVERY_ADMIN_PREFIX.replace(/_$/, '')),
    );
    const issued = await issueToken(tx, user.id, { expiresAt, label: 'recovery' });
    await appendAudit(tx, [
      ...earlier.map(({ id }) => accessRow(issuedBy, 'recovery.retired', { userId: id })),
      accessRow(issuedBy, 'recovery.issued', {
        userId: user.id,
        tokenId: issued.id,
        expiresAt: expiresAt.toISOString(),
      }),
    ]);
    return { userId: user.id, token: issued.token, expiresAt: expiresAt.toISOString() };
  });
}

/** The recovery has done its one job once someone is an admin again: its user and token end with it. */
export async function useRecoveryAdmin(tx: Executor, recoveryId: string, adminId: string): Promise<void> {
  await disableUser(tx, recoveryId);
  await appendAudit(tx, [accessRow(recoveryId, 'recovery.used', { userId: recoveryId, adminId })]);
}

/** What DUALKEY_BOOTSTRAP_ADMIN_TOKEN is now, and if it is no admin token, who made it so and when. */
export type BootstrapTokenState =
  | { state: 'admin' }
  | {
      state: 'disabled' | 'not_admin' | 'revoked';
      /** Null when no audit row says (changed outside dualkey). */
      by: { id: string; name: string | null } | null;
      at: string | null;
    };

/** The latest accepted row of `action` on the access stream that matches `about` (a condition on its details). */
async function lastAccessRow(db: Database, action: string, about: SQL) {
  const [row] = await db
    .select({ actor: auditEvents.actor, at: auditEvents.at, name: users.name })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actor))
    .where(
      and(
        eq(auditEvents.stream, ACCESS_STREAM),
        eq(auditEvents.action, action),
        eq(auditEvents.outcome, 'accepted'),
        about,
      ),
    )
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  return row;
}

const details = (fragment: Record<string, unknown>) =>
  sql`${auditEvents.details} @> ${JSON.stringify(fragment)}::jsonb`;

export async function bootstrapTokenState(db: Database, token: string): Promise<BootstrapTokenState> {
  const found = await actorForToken(db, token);
  if (found?.actor.roles.includes('admin')) return { state: 'admin' };
  const [user] = await db.select().from(users).where(eq(users.id, BOOTSTRAP_ADMIN_ID)).limit(1);
  const [held] = await db
    .select({ id: apiTokens.id, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashToken(token)))
    .limit(1);
  const state = user?.disabledAt ? 'disabled' : found ? 'not_admin' : 'revoked';
  const row =
    state === 'disabled'
      ? await lastAccessRow(db, 'access.revoked', details({ userId: BOOTSTRAP_ADMIN_ID, disabled: true }))
      : state === 'not_admin'
        ? await lastAccessRow(db, 'access.revoked', details({ userId: BOOTSTRAP_ADMIN_ID, roles: ['admin'] }))
        : held && (await lastAccessRow(db, 'token.revoked', details({ tokenId: held.id })));
  const at = row?.at ?? (state === 'disabled' ? user?.disabledAt : held?.revokedAt) ?? null;
  return {
    state,
    by: row ? { id: row.actor, name: row.name } : null,
    at: at ? at.toISOString() : null,
  };
}
