import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';

/**
 * The business record: append-only, one row per accepted action and per denied attempt, hash-chained per
 * stream (a case id, or `admin`, `account:<id>`, `access` for actions outside a case).
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    stream: text('stream').notNull(),
    seq: integer('seq').notNull(),
    at: instant('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    outcome: text('outcome', { enum: ['accepted', 'denied'] }).notNull(),
    details: jsonb('details').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    caseId: text('case_id'),
    accountId: text('account_id'),
    eventKey: text('event_key'),
  },
  (t) => [
    uniqueIndex('audit_stream_seq_idx').on(t.stream, t.seq),
    uniqueIndex('audit_stream_key_idx').on(t.stream, t.eventKey),
    index('audit_actor_idx').on(t.actor, t.at),
    index('audit_account_idx').on(t.accountId, t.at),
    index('audit_case_idx').on(t.caseId, t.seq),
    check('audit_outcome', sql`${t.outcome} in ('accepted', 'denied')`),
    check('audit_seq_positive', sql`${t.seq} > 0`),
  ],
);
