import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';
import type { ControlSnapshot } from '../../domain/controls.js';
import { controlOwnerDefaults } from '../../domain/controls.js';
import { controlCategories, controlSources, controlStatuses } from '../../domain/vocabulary.js';

/** The account-controls registry: one row per restriction or binding, versioned on every change. */
export const controls = pgTable(
  'controls',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    category: text('category', { enum: controlCategories }).notNull(),
    kind: text('kind').notNull(),
    businessLine: text('business_line').notNull(),
    status: text('status', { enum: controlStatuses }).notNull(),
    reason: text('reason').notNull(),
    version: integer('version').notNull().default(1),
    source: text('source', { enum: controlSources }).notNull().default(controlOwnerDefaults.source),
    externalRef: text('external_ref'),
    appliedBy: text('applied_by').notNull(),
    idempotencyKey: text('idempotency_key').unique(),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('controls_account_idx').on(t.accountId),
    check('controls_category', sql`${t.category} in ('restriction', 'binding')`),
    check('controls_status', sql`${t.status} in ('active', 'lifted')`),
    check(
      'controls_kind_matches_category',
      sql`(${t.category} = 'restriction' and ${t.kind} in ('account_freeze', 'withdrawal_lock', 'trading_lock', 'login_lock'))
        or (${t.category} = 'binding' and ${t.kind} in ('totp', 'phone', 'email', 'device', 'withdrawal_address'))`,
    ),
    check('controls_version_positive', sql`${t.version} > 0`),
    check(
      'controls_source',
      sql`${t.source} in ('risk_rule', 'manual_review', 'user_request', 'security_incident', 'compliance', 'law_enforcement')`,
    ),
  ],
);

/** Every apply, lift and re-apply, with the snapshot taken; a lift is never lost track of. */
export const controlEvents = pgTable(
  'control_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    controlId: text('control_id')
      .notNull()
      .references(() => controls.id),
    action: text('action', { enum: ['applied', 'lifted', 'reapplied'] }).notNull(),
    version: integer('version').notNull(),
    actor: text('actor').notNull(),
    caseId: text('case_id'),
    idempotencyKey: text('idempotency_key').notNull(),
    snapshot: jsonb('snapshot').$type<ControlSnapshot>().notNull(),
    at: instant('at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('control_events_key_idx').on(t.idempotencyKey, t.controlId),
    index('control_events_control_idx').on(t.controlId),
    index('control_events_case_idx').on(t.caseId),
    check('control_events_action', sql`${t.action} in ('applied', 'lifted', 'reapplied')`),
  ],
);

/**
 * At most one open case may ask to lift a given control: the primary key is the rule. No foreign key,
 * because with the HTTP adapter the controls live in the account service, not in this database.
 */
export const caseControlClaims = pgTable('case_control_claims', {
  controlId: text('control_id').primaryKey(),
  caseId: text('case_id').notNull(),
  createdAt: instant('created_at').notNull().defaultNow(),
});
