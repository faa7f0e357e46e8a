import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Candidate } from '../domain/lifecycle/review.js';
import type { Actor, BusinessLineScope, Role } from '../domain/permissions.js';
import type { Department } from '../domain/vocabulary.js';
import type { Database, Executor } from './client.js';
import { apiTokens, users } from './schema/index.js';

export interface NewUser {
  name: string;
  roles: Role[];
  businessLines: BusinessLineScope[];
  departments: Department[];
}

export interface IssuedToken {
  id: string;
  token: string;
  expiresAt: string | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

export function toActor(row: typeof users.$inferSelect): Actor {
  return {
    id: row.id,
    name: row.name,
    roles: row.roles as Role[],
    businessLines: row.businessLines as BusinessLineScope[],
    departments: row.departments as Department[],
  };
}

export async function createUser(db: Executor, input: NewUser, id = newId('usr')): Promise<Actor> {
  const [row] = await db
    .insert(users)
    .values({ id, ...input })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return toActor(row);
}

export async function findUser(db: Database, id: string): Promise<Actor | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ? toActor(row) : undefined;
}

/** A user as the directory shows them: a name for their id, and what taking a case needs. */
export interface Person extends Candidate {
  displayName: string;
}

function toPerson(row: typeof users.$inferSelect): Person {
  const { id, name, roles, businessLines } = toActor(row);
  return { id, displayName: name, enabled: row.disabledAt === null, roles, businessLines };
}

/** Every user, disabled ones too: a timeline names people who have since left. */
export async function listPeople(db: Database): Promise<Person[]> {
  return (await db.select().from(users).orderBy(asc(users.name), asc(users.id))).map(toPerson);
}

export async function findPerson(db: Database, id: string): Promise<Person | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ? toPerson(row) : undefined;
}

/** A fresh random token; only its hash is stored, so this is the one time anyone sees it. */
export async function issueToken(
  db: Executor,
  userId: string,
  options: { expiresAt?: Date | undefined; label?: string | undefined } = {},
): Promise<IssuedToken> {
  const token = `dk_${randomBytes(32).toString('base64url')}`;
  const id = newId('tok');
  await db.insert(apiTokens).values({
    id,
    userId,
    tokenHash: hashToken(token),
    label: options.label ?? null,
    expiresAt: options.expiresAt ?? null,
  });
  return { id, token, expiresAt: options.expiresAt?.toISOString() ?? null };
}

/** Registers a token chosen by the operator (the bootstrap admin token); a second call changes nothing. */
export async function registerToken(
  db: Database,
  userId: string,
  token: string,
  label: string,
): Promise<void> {
  await db
    .insert(apiTokens)
    .values({ id: newId('tok'), userId, tokenHash: hashToken(token), label })
    .onConflictDoNothing({ target: apiTokens.tokenHash });
}

export async function revokeToken(db: Database, tokenId: string): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())` })
    .where(eq(apiTokens.id, tokenId))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/**
 * The actor behind a bearer token, if the token is known, not revoked, not expired, and its user enabled;
 * with the token's own expiry, which bounds how long a caller may keep the answer.
 */
export async function actorForToken(
  db: Database,
  token: string,
): Promise<{ actor: Actor; expiresAt: Date | null } | undefined> {
  const [row] = await db
    .select({ user: users, expiresAt: apiTokens.expiresAt })
    .from(apiTokens)
    .innerJoin(users, eq(apiTokens.userId, users.id))
    .where(
      and(
        eq(apiTokens.tokenHash, hashToken(token)),
        isNull(apiTokens.revokedAt),
        isNull(users.disabledAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)),
      ),
    )
    .limit(1);
  return row ? { actor: toActor(row.user), expiresAt: row.expiresAt } : undefined;
}

export const BOOTSTRAP_ADMIN_ID = 'usr_bootstrap_admin';

/** Ids of the admins `npm run cli -- admin recover` makes; each lives for one recovery (src/db/recovery.ts). */
export const RECOVERY_ADMIN_PREFIX = 'usr_recovery_';

export function isRecoveryAdmin(id: string): boolean {
  return id.startsWith(RECOVERY_ADMIN_PREFIX);
}

export async function ensureBootstrapAdmin(db: Database, token: string): Promise<void> {
  await db
    .insert(users)
    .values({
      id: BOOTSTRAP_ADMIN_ID,
      name: 'Bootstrap admin',
      roles: ['admin'],
      businessLines: ['*'],
      departments: [],
    })
    .onConflictDoNothing();
  await registerToken(db, BOOTSTRAP_ADMIN_ID, token, 'bootstrap');
}
