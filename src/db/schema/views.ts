import { sql } from 'drizzle-orm';
import { check, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';
import { cases } from './cases.js';
import { users } from './users.js';

/**
 * When each person first opened a proposal, or its evidence. Only the first view counts, so a row is
 * written once and never changed; it lives here rather than in the case's workflow, whose history would
 * grow with every reader.
 */
export const proposalViews = pgTable(
  'proposal_views',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    proposalId: text('proposal_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    what: text('what', { enum: ['proposal', 'evidence'] }).notNull(),
    firstViewedAt: instant('first_viewed_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.proposalId, t.userId, t.what] }),
    check('proposal_views_what', sql`${t.what} in ('proposal', 'evidence')`),
  ],
);
