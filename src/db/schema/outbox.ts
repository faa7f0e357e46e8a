import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { DeliveryChannel } from '../../domain/notifications.js';
import { instant } from './columns.js';

/**
 * One row per delivery: a notification routed to an e-mail address and two webhooks is three rows, each
 * retried with backoff on its own until it is delivered or, after the configured number of tries, given up.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull().unique(),
    recipient: text('recipient').notNull(),
    kind: text('kind').notNull(),
    caseId: text('case_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    channel: text('channel').$type<DeliveryChannel>().notNull().default('log'),
    target: text('target').notNull().default('log'),
    routingVersion: text('routing_version'),
    status: text('status', { enum: ['pending', 'delivered', 'given_up'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: instant('created_at').notNull().defaultNow(),
    deliveredAt: instant('delivered_at'),
  },
  (t) => [
    index('notifications_due_idx').on(t.status, t.nextAttemptAt),
    index('notifications_case_idx').on(t.caseId),
    check('notifications_status', sql`${t.status} in ('pending', 'delivered', 'given_up')`),
    check('notifications_channel', sql`${t.channel} in ('email', 'webhook', 'log')`),
  ],
);

/**
 * A link to the public respond page, sent with a question to the account owner. Only its SHA-256 is kept:
 * the token itself exists in the outgoing message alone. Single use, bound to one information request.
 */
export const respondTokens = pgTable(
  'respond_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    caseId: text('case_id').notNull(),
    infoRequestId: text('info_request_id').notNull(),
    question: text('question').notNull(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('respond_tokens_request_idx').on(t.caseId, t.infoRequestId)],
);
