import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** Requests to widen a user's access; a second admin approves, or they expire. */
export const accessGrants = pgTable(
  'access_grants',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roles: text('roles').array().notNull(),
    businessLines: text('business_lines').array().notNull(),
    departments: text('departments').array().notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected', 'expired'] }).notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
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
