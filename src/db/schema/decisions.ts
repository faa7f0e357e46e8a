import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';
import { cases } from './cases.js';

/**
 * Every approval and rejection in the case projection, one row each, so the four-eyes report reads a
 * window of decisions from an index instead of taking every case's proposals apart per request. Derived
 * from `cases.data` by a trigger (migration 0012) on every projection write that changes the proposals,
 * in that write's statement: whoever writes the projection writes these, and a replayed or late write
 * changes nothing the projection keeps.
 */
export const caseDecisions = pgTable(
  'case_decisions',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    proposalId: text('proposal_id').notNull(),
    checker: text('checker').notNull(),
    decision: text('decision', { enum: ['approved', 'rejected'] }).notNull(),
    at: instant('at').notNull(),
    maker: text('maker').notNull(),
    businessLine: text('business_line').notNull(),
    /** How many pieces of evidence the proposal carries. */
    evidenceCount: integer('evidence_count').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.proposalId, t.checker, t.decision] }),
    index('case_decisions_at_idx').on(t.at),
    index('case_decisions_line_at_idx').on(t.businessLine, t.at),
    check('case_decisions_decision', sql`${t.decision} in ('approved', 'rejected')`),
  ],
);
