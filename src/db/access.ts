import { and, asc, desc, eq, isNull, lte, ne, notLike, sql } from 'drizzle-orm';
import type { Access, Grant, GrantStatus } from '../domain/grants.js';
import type { Actor, BusinessLineScope, Role } from '../domain/permissions.js';
import type { Department } from '../domain/vocabulary.js';
import type { Database, Executor } from './client.js';
import { accessGrants, apiTokens, sessions, users } from './schema/index.js';
import { RECOVERY_ADMIN_PREFIX, newId, toActor } from './users.js';

export interface UserRecord extends Actor {
  status: 'active' | 'disabled';
  /** Signs in through the identity provider; their access follows their groups when those change. */
  sso: boolean;
  createdAt: string;
}

type UserRow = typeof users.$inferSelect;
type GrantRow = typeof accessGrants.$inferSelect;

export function toUserRecord(row: UserRow): UserRecord {
  return {
    ...toActor(row),
    status: row.disabledAt ? 'disabled' : 'active',
    sso: row.ssoSubject !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

function toGrant(row: GrantRow): Grant {
  return {
    id: row.id,
    userId: row.userId,
    access: {
      roles: row.roles as Role[],
      businessLines: row.businessLines as BusinessLineScope[],
      departments: row.departments as Department[],
    },
    status: row.status,
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    comment: row.comment,
  };
}

export async function listUsers(db: Database): Promise<UserRecord[]> {
  const rows = await db.select().from(users).orderBy(asc(users.createdAt), asc(users.id));
  return rows.map(toUserRecord);
}

/** The user's row, locked until the transaction ends so two decisions on one user apply in turn. */
export async function lockUser(tx: Executor, id: string): Promise<UserRecord | undefined> {
  const [row] = await tx.select().from(users).where(eq(users.id, id)).for('update');
  return row ? toUserRecord(row) : undefined;
}

export async function setUserAccess(tx: Executor, id: string, access: Access): Promise<UserRecord> {
  const [row] = await tx.update(users).set(access).where(eq(users.id, id)).returning();
  if (!row) throw new Error(`no user ${id}`);
  return toUserRecord(row);
}

/**
 * Taken by every change that could end an admin, to the end of the transaction: two admins disabling
 * each other at once would each still see the other, and leave none.
 */
export async function lockAdminChanges(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('dualkey:admins'))`);
}

/** Enabled admins other than `userId`; a recovery admin is short-lived, so it does not count. */
export async function otherEnabledAdmins(tx: Executor, userId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(
      and(
        isNull(users.disabledAt),
        sql`'admin' = any(${users.roles})`,
        ne(users.id, userId),
        notLike(users.id, `${RECOVERY_ADMIN_PREFIX}%`),
      ),
    );
  return row?.n ?? 0;
}

/** Disables the user and revokes every token and session of theirs, so nothing they hold works from now on. */
export async function disableUser(tx: Executor, id: string): Promise<void> {
  await tx
    .update(users)
    .set({ disabledAt: sql`coalesce(${users.disabledAt}, now())` })
    .where(eq(users.id, id));
  await tx
    .update(apiTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiTokens.userId, id), isNull(apiTokens.revokedAt)));
  await tx.delete(sessions).where(eq(sessions.userId, id));
}

export async function insertUser(
  tx: Executor,
  user: Access & { name: string; sso?: { subject: string; groups: string[]; groupsAt: Date } },
): Promise<UserRecord> {
  const { sso, ...access } = user;
  const [row] = await tx
    .insert(users)
    .values({
      id: newId('usr'),
      ...access,
      ssoSubject: sso?.subject ?? null,
      ssoGroups: sso?.groups ?? null,
      ssoGroupsAt: sso?.groupsAt ?? null,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return toUserRecord(row);
}

export async function findSsoUser(
  db: Executor,
  subject: string,
): Promise<(UserRecord & { groups: string[]; groupsAt: Date }) | undefined> {
  const [row] = await db.select().from(users).where(eq(users.ssoSubject, subject)).limit(1);
  return row
    ? { ...toUserRecord(row), groups: row.ssoGroups ?? [], groupsAt: row.ssoGroupsAt ?? row.createdAt }
    : undefined;
}

/** A signed-in person's record follows their groups: name, mapped access and the groups it came from. */
export async function updateSsoUser(
  tx: Executor,
  id: string,
  update: Access & { name: string; groups: string[]; groupsAt: Date },
): Promise<UserRecord> {
  const { groups, groupsAt, ...rest } = update;
  const [row] = await tx
    .update(users)
    .set({ ...rest, ssoGroups: groups, ssoGroupsAt: groupsAt })
    .where(eq(users.id, id))
    .returning();
  if (!row) throw new Error(`no user ${id}`);
  return toUserRecord(row);
}

export async function insertGrant(
  tx: Executor,
  grant: { userId: string; access: Access; requestedBy: string; expiresAt: Date },
): Promise<Grant> {
  const [row] = await tx
    .insert(accessGrants)
    .values({
      id: newId('grt'),
      userId: grant.userId,
      ...grant.access,
      status: 'pending',
      requestedBy: grant.requestedBy,
      expiresAt: grant.expiresAt,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return toGrant(row);
}

export async function lockGrant(tx: Executor, id: string): Promise<Grant | undefined> {
  const [row] = await tx.select().from(accessGrants).where(eq(accessGrants.id, id)).for('update');
  return row ? toGrant(row) : undefined;
}

export async function decideGrant(
  tx: Executor,
  id: string,
  decision: { status: 'approved' | 'rejected'; decidedBy: string; comment: string | null },
): Promise<Grant> {
  const [row] = await tx
    .update(accessGrants)
    .set({ ...decision, decidedAt: sql`now()` })
    .where(and(eq(accessGrants.id, id), eq(accessGrants.status, 'pending')))
    .returning();
  if (!row) throw new Error(`grant ${id} is no longer pending`);
  return toGrant(row);
}

/**
 * Marks every pending grant whose time is up as expired, in one conditional update: a grant is expired
 * once, however many readers and sweeps race for it, and the rows returned are the ones this call expired.
 */
export async function expireDueGrants(tx: Executor, now: Date): Promise<Grant[]> {
  const rows = await tx
    .update(accessGrants)
    .set({ status: 'expired', decidedBy: 'system', decidedAt: now })
    .where(and(eq(accessGrants.status, 'pending'), lte(accessGrants.expiresAt, now)))
    .returning();
  return rows.map(toGrant);
}

export async function listGrants(db: Database, status?: GrantStatus): Promise<Grant[]> {
  const rows = await db
    .select()
    .from(accessGrants)
    .where(status ? eq(accessGrants.status, status) : undefined)
    .orderBy(desc(accessGrants.requestedAt), desc(accessGrants.id))
    .limit(500);
  return rows.map(toGrant);
}
