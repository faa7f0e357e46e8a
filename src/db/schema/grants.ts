import { sql } from 'drizzle-orm';
import { check, index, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';
import { accessColumns, userIdColumn } from './users.js';

/** Requests to widen a user's access; a second admin approves, or they expire. */
export const accessGrants = pgTable(
  'access_grants',
  {
    id: text('id').primaryKey(),
    userId: userIdColumn(),
    ...accessColumns(),
    status: text('status', { enum: ['pending', 'approved', 'rejected', 'expired'] }).notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: instant('requested_at').notNull().defaultNow(),
    expiresAt: instant('expires_at').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: instant('decided_at'),
    comment: text('comment'),
  },
  (t) => [
    index('access_grants_status_expires_idx').on(t.status, t.expiresAt),
    index('access_grants_user_idx').on(t.userId),
    check('access_grants_status', sql`${t.status} in ('pending', 'approved', 'rejected', 'expired')`),
    check('access_grants_decided', sql`(${t.status} = 'pending') = (${t.decidedAt} is null)`),
    check(
      'access_grants_asks_for_something',
      sql`cardinality(${t.roles}) + cardinality(${t.businessLines}) + cardinality(${t.departments}) > 0`,
    ),
  ],
);
