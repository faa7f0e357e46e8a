import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
} from 'drizzle-orm/pg-core';
import { instant } from './columns.js';
import type { ControlRef, ControlSnapshot } from '../../domain/controls.js';
import type { Campaign } from '../../domain/schemas/campaigns.js';
import { campaignAccountStates, exclusionReasons } from '../../domain/campaigns.js';

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/** The read model of campaigns, as of their workflow's latest revision. */
export const campaigns = pgTable(
  'campaigns',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id').notNull().unique(),
    status: text('status').notNull(),
    maker: text('maker').notNull(),
    revision: integer('revision').notNull(),
    data: jsonb('data').$type<Campaign>().notNull(),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [index('campaigns_page_idx').on(t.createdAt, t.id)],
);

/**
 * One row per account the selector matched: excluded with its reason, or included and carried through
 * pending → lifted (or failed) → reverted. The lift's snapshot is here, so a revert needs nothing else.
 */
export const campaignAccounts = pgTable(
  'campaign_accounts',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    accountId: text('account_id').notNull(),
    state: text('state', { enum: campaignAccountStates }).notNull(),
    exclusion: text('exclusion', { enum: exclusionReasons }),
    controls: jsonb('controls').$type<ControlRef[]>().notNull(),
    canary: boolean('canary').notNull().default(false),
    snapshot: jsonb('snapshot').$type<ControlSnapshot[]>(),
    liftedAt: instant('lifted_at'),
    monitorUntil: instant('monitor_until'),
    revertedAt: instant('reverted_at'),
    leftAlone: jsonb('left_alone').$type<{ id: string; why: string }[]>(),
    failure: text('failure'),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.accountId] }),
    index('campaign_accounts_state_idx').on(t.campaignId, t.state, t.accountId),
    index('campaign_accounts_account_idx').on(t.accountId, t.state),
    check('campaign_accounts_state', sql`${t.state} in (${inList(campaignAccountStates)})`),
    check(
      'campaign_accounts_excluded_has_reason',
      sql`(${t.state} = 'excluded') = (${t.exclusion} is not null)`,
    ),
  ],
);

/** Risk signals as they arrived: campaigns exclude accounts with a recent high or critical one. */
export const riskSignals = pgTable(
  'risk_signals',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: text('account_id').notNull(),
    signal: text('signal').notNull(),
    severity: text('severity').notNull(),
    occurredAt: instant('occurred_at').notNull(),
    receivedAt: instant('received_at').notNull().defaultNow(),
  },
  (t) => [index('risk_signals_account_idx').on(t.accountId, t.occurredAt)],
);
