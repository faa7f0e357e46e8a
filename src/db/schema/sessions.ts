import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';
import { userIdColumn } from './users.js';

/**
 * Browser sessions: one per sign-in, carried by an HttpOnly cookie. Only the SHA-256 of the cookie's
 * secret and of the CSRF token are kept, so a copy of this table lets no one act as anybody.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: userIdColumn(),
    secretHash: text('secret_hash').notNull().unique(),
    csrfHash: text('csrf_hash').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);
