import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';
import type { Case } from '../../domain/case.js';

/** The read model of cases for lists, search and reports; the workflow is the source of truth. */
export const cases = pgTable(
  'cases',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id').notNull().unique(),
    type: text('type').notNull(),
    status: text('status').notNull(),
    outcome: text('outcome'),
    accountId: text('account_id').notNull(),
    businessLine: text('business_line').notNull(),
    channel: text('channel').notNull(),
    riskTier: text('risk_tier').notNull(),
    assignee: text('assignee'),
    createdBy: text('created_by').notNull(),
    slaBreached: boolean('sla_breached').notNull().default(false),
    revision: integer('revision').notNull(),
    data: jsonb('data').$type<Case>().notNull(),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    firstClaimedAt: instant('first_claimed_at'),
    closedAt: instant('closed_at'),
  },
  /*
   * Lists page newest first on (created_at, id): each filter of `GET /v1/cases` has an index that ends in
   * both, so a page is read in order from the index and stops after `limit` rows. Ascending, read
   * backwards: `order by … desc` wants nulls first, which a `desc nulls last` index cannot give.
   */
  (t) => [
    index('cases_page_idx').on(t.createdAt, t.id),
    index('cases_status_page_idx').on(t.status, t.createdAt, t.id),
    index('cases_account_page_idx').on(t.accountId, t.createdAt, t.id),
    index('cases_line_page_idx').on(t.businessLine, t.createdAt, t.id),
    index('cases_assignee_page_idx').on(t.assignee, t.createdAt, t.id),
    index('cases_type_page_idx').on(t.type, t.createdAt, t.id),
    index('cases_tier_page_idx').on(t.riskTier, t.createdAt, t.id),
    index('cases_sla_breached_page_idx')
      .on(t.createdAt, t.id)
      .where(sql`${t.slaBreached}`),
    check(
      'cases_status',
      sql`${t.status} in ('open', 'in_review', 'awaiting_info', 'awaiting_approval', 'executing', 'monitoring', 'reverted', 'closed')`,
    ),
    check('cases_closed_has_outcome', sql`(${t.status} = 'closed') = (${t.outcome} is not null)`),
  ],
);
