import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * A user may hold no role at all: created with only privileged roles still pending, or stripped by a
 * revocation. `disabled_at` refuses every token of theirs; `sso_subject` ties a row to the identity
 * provider's issuer and `sub`, and `sso_groups` are the groups their access was last mapped from.
 */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    roles: text('roles').array().notNull(),
    businessLines: text('business_lines').array().notNull(),
    departments: text('departments').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    ssoSubject: text('sso_subject').unique(),
    ssoGroups: text('sso_groups').array(),
    /** Issue time of the token the groups came from: an older token cannot bring back older groups. */
    ssoGroupsAt: timestamp('sso_groups_at', { withTimezone: true }),
  },
  (t) => [check('users_sso_groups_with_subject', sql`(${t.ssoSubject} is null) = (${t.ssoGroups} is null)`)],
);

/** Bearer tokens; only the SHA-256 of a token is stored, the token itself is shown once. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    label: text('label'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);
