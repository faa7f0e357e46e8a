import { sql } from 'drizzle-orm';
import { check, index, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';

/**
 * A user may hold no role at all: created with only privileged roles still pending, or stripped by a
 * revocation. `disabled_at` refuses every token of theirs; `sso_subject` ties a row to the identity
 * provider's issuer and `sub`, and `sso_groups` are the groups their access was last mapped from.
 */
/** Who may do what, in the shape `Access` has: a user's own, or what a grant would add to it. */
export const accessColumns = () => ({
  roles: text('roles').array().notNull(),
  businessLines: text('business_lines').array().notNull(),
  departments: text('departments').array().notNull(),
});

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    ...accessColumns(),
    createdAt: instant('created_at').notNull().defaultNow(),
    disabledAt: instant('disabled_at'),
    ssoSubject: text('sso_subject').unique(),
    ssoGroups: text('sso_groups').array(),
    /** Issue time of the token the groups came from: an older token cannot bring back older groups. */
    ssoGroupsAt: instant('sso_groups_at'),
    /** Set by the user: until then no case is assigned to them, and the ones they hold are handed over. */
    awayUntil: instant('away_until'),
  },
  (t) => [check('users_sso_groups_with_subject', sql`(${t.ssoSubject} is null) = (${t.ssoGroups} is null)`)],
);

/** The user a row belongs to, and goes with. */
export const userIdColumn = () =>
  text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' });

/** Bearer tokens; only the SHA-256 of a token is stored, the token itself is shown once. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: userIdColumn(),
    tokenHash: text('token_hash').notNull().unique(),
    label: text('label'),
    createdAt: instant('created_at').notNull().defaultNow(),
    expiresAt: instant('expires_at'),
    revokedAt: instant('revoked_at'),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);
