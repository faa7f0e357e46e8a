import { createHash, randomBytes } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Database, Executor } from './client.js';
import type {
  Delivery,
  DeliveryChannel,
  DeliveryState,
  NotificationKind,
  NotificationRouting,
} from '../domain/notifications.js';
import { parseRecipient, routeNotification } from '../domain/notifications.js';
import type { NotificationDelivery } from '../domain/schemas/notifications.js';
import { departments } from '../domain/vocabulary.js';
import { cases, notifications, respondTokens } from './schema/index.js';

export interface NotificationInput {
  /** One notification per key, however often the activity that queues it is retried. */
  key: string;
  recipient: string;
  /** A declared kind, so a misspelt one fails the compiler rather than finding no template. */
  kind: NotificationKind;
  caseId?: string | null;
  payload: Record<string, unknown>;
}

export type PendingNotification = typeof notifications.$inferSelect;

/** What the worker's configuration makes of the routing table: which channels exist at all. */
export interface OutboxRouting {
  routing: NotificationRouting;
  email: boolean;
}

/** Where a queued notification goes when no routing is given: the log, as before channels existed. */
export const logOnlyRouting: OutboxRouting = {
  routing: {
    version: 'log',
    departments: {},
    leads: {},
    checkers: {},
    accountOwner: { email: false },
    users: { webhooks: [] },
    webhooks: {},
  },
  email: false,
};

/** Stable for every attempt of one delivery: derived from its key, never from the attempt. */
export function messageIdOf(key: string): string {
  return `msg_${createHash('sha256').update(key).digest('base64url').slice(0, 27)}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The path of the public respond page for a token. */
export const respondPath = (token: string) => `/respond/${token}`;

/** The deliveries the routing table gives a notification, each with the unique key of its outbox row. */
export function plannedDeliveries(
  input: Pick<NotificationInput, 'key' | 'recipient' | 'kind'>,
  outbox: OutboxRouting = logOnlyRouting,
  businessLine?: string,
): (Delivery & { key: string })[] {
  const deliveries = routeNotification(
    outbox.routing,
    parseRecipient(input.recipient, departments),
    input.kind,
    { businessLine },
    { email: outbox.email, webhooks: Object.keys(outbox.routing.webhooks).length > 0 },
  );
  return deliveries.map((d) => ({
    ...d,
    key: deliveries.length === 1 && d.channel === 'log' ? input.key : `${input.key}|${d.channel}:${d.target}`,
  }));
}

/** Which of `keys` an outbox row holds already. */
export async function queuedKeys(db: Database, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db
    .select({ key: notifications.key })
    .from(notifications)
    .where(inArray(notifications.key, [...keys]));
  return new Set(rows.map((r) => r.key));
}

/**
 * Queues one notification as one row per delivery the routing table gives it. A question to the account
 * owner also mints its respond link, in the same transaction, and only when the rows are new: a retried
 * activity neither sends a second link nor leaves an unused one behind.
 */
export async function enqueueNotification(
  db: Database | Executor,
  input: NotificationInput,
  outbox: OutboxRouting = logOnlyRouting,
): Promise<void> {
  const recipient = parseRecipient(input.recipient, departments);
  const caseId = input.caseId ?? null;
  let businessLine: string | undefined;
  if (recipient?.to === 'role' && caseId) {
    const [row] = await db
      .select({ businessLine: cases.businessLine })
      .from(cases)
      .where(eq(cases.id, caseId))
      .limit(1);
    businessLine = row?.businessLine;
  }
  const deliveries = plannedDeliveries(input, outbox, businessLine);
  const question = input.payload.question;
  const infoRequestId = input.payload.infoRequestId;
  const dueAt = input.payload.dueAt;
  const mintsLink =
    input.kind === 'info.requested' &&
    recipient?.to === 'account' &&
    caseId !== null &&
    typeof question === 'string' &&
    typeof infoRequestId === 'string' &&
    typeof dueAt === 'string';
  const token = mintsLink ? randomBytes(32).toString('base64url') : undefined;
  const payload = token ? { ...input.payload, respondPath: respondPath(token) } : input.payload;

  const write = async (tx: Executor) => {
    const inserted = await tx
      .insert(notifications)
      .values(
        deliveries.map((d) => ({
          key: d.key,
          recipient: input.recipient,
          kind: input.kind,
          caseId,
          payload,
          channel: d.channel,
          target: d.target,
          routingVersion: outbox.routing.version,
        })),
      )
      .onConflictDoNothing({ target: notifications.key })
      .returning({ id: notifications.id });
    if (token && inserted.length > 0 && caseId) {
      await tx.insert(respondTokens).values({
        tokenHash: hashToken(token),
        caseId,
        infoRequestId: infoRequestId as string,
        question: question as string,
        expiresAt: new Date(dueAt as string),
      });
    }
  };
  await db.transaction(write);
}

/**
 * Takes up to `limit` due notifications for delivery, in one statement. Rows are pushed into the future
 * while held, so two dispatchers (two worker processes) never deliver the same one at once.
 */
/** Leases the due deliveries, of the given channels only when a dispatcher serves only those. */
export async function takeDue(
  db: Database,
  limit: number,
  leaseMs: number,
  channels?: readonly DeliveryChannel[],
): Promise<PendingNotification[]> {
  const due = db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.status, 'pending'),
        lte(notifications.nextAttemptAt, sql`now()`),
        channels ? inArray(notifications.channel, [...channels]) : undefined,
      ),
    )
    .orderBy(asc(notifications.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  const taken = await db
    .update(notifications)
    .set({ nextAttemptAt: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
    .where(inArray(notifications.id, due))
    .returning();
  return taken.sort((a, b) => a.id - b.id);
}

/** Marks a batch delivered in one statement. */
export async function markDelivered(db: Database, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(notifications)
    .set({
      status: 'delivered',
      deliveredAt: sql`now()`,
      attempts: sql`${notifications.attempts} + 1`,
      lastError: null,
    })
    .where(inArray(notifications.id, [...ids]));
}

/**
 * Exponential backoff from 1 s, capped at 10 minutes. After `maxAttempts` tries the delivery is given up:
 * it stays in the outbox, listed for an admin to retry, instead of hammering a receiver that is gone.
 */
export async function markFailed(
  db: Database,
  id: number,
  attempts: number,
  error: string,
  maxAttempts: number,
): Promise<void> {
  const delayMs = Math.min(1_000 * 2 ** attempts, 600_000);
  await db
    .update(notifications)
    .set({
      attempts: attempts + 1,
      lastError: error.slice(0, 1_000),
      nextAttemptAt: sql`now() + ${`${delayMs} milliseconds`}::interval`,
      ...(attempts + 1 >= maxAttempts ? { status: 'given_up' as const } : {}),
    })
    .where(eq(notifications.id, id));
}

/**
 * Puts a failing or given-up delivery back in the queue, due now, with a fresh allowance of tries. Its
 * key, and so its `webhook-id`, stays: a receiver that got an earlier attempt after all drops this one.
 * The last error goes (the audit row of the retry keeps it), so the delivery reads as queued again.
 */
export async function retryDelivery(db: Executor, id: number): Promise<PendingNotification | undefined> {
  const [row] = await db
    .update(notifications)
    .set({ status: 'pending', attempts: 0, lastError: null, nextAttemptAt: sql`now()` })
    .where(and(eq(notifications.id, id), inArray(notifications.status, ['pending', 'given_up'])))
    .returning();
  return row;
}

export function deliveryStateOf(row: Pick<PendingNotification, 'status' | 'lastError'>): DeliveryState {
  if (row.status === 'delivered') return 'delivered';
  if (row.status === 'given_up') return 'given_up';
  return row.lastError === null ? 'queued' : 'failing';
}

/** A delivery as the timeline and the admin outbox show it. */
export function deliveryView(row: PendingNotification): NotificationDelivery {
  const state = deliveryStateOf(row);
  return {
    id: row.id,
    webhookId: messageIdOf(row.key),
    kind: row.kind as NotificationKind,
    caseId: row.caseId,
    recipient: row.recipient,
    channel: row.channel,
    target: row.target,
    state,
    attempts: row.attempts,
    lastError: row.lastError,
    queuedAt: row.createdAt.toISOString(),
    nextAttemptAt: state === 'queued' || state === 'failing' ? row.nextAttemptAt.toISOString() : null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  };
}

export async function notificationsForCase(db: Database, caseId: string): Promise<PendingNotification[]> {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.caseId, caseId))
    .orderBy(asc(notifications.id));
}

export async function findNotification(
  db: Database | Executor,
  id: number,
): Promise<PendingNotification | undefined> {
  const [row] = await db.select().from(notifications).where(eq(notifications.id, id)).limit(1);
  return row;
}

const stateWhere: Record<DeliveryState, SQL | undefined> = {
  queued: and(eq(notifications.status, 'pending'), isNull(notifications.lastError)),
  failing: and(eq(notifications.status, 'pending'), isNotNull(notifications.lastError)),
  given_up: eq(notifications.status, 'given_up'),
  delivered: eq(notifications.status, 'delivered'),
};

/**
 * A page of deliveries, newest first, optionally in one state or of one case. `beforeId` is the last id of
 * the previous page; the answer holds one row more than `limit` when there is a next page.
 */
export async function listDeliveries(
  db: Database,
  filters: { state?: DeliveryState | undefined; caseId?: string | undefined },
  limit: number,
  beforeId?: number,
): Promise<PendingNotification[]> {
  return db
    .select()
    .from(notifications)
    .where(
      and(
        filters.state ? stateWhere[filters.state] : undefined,
        filters.caseId ? eq(notifications.caseId, filters.caseId) : undefined,
        beforeId === undefined ? undefined : lt(notifications.id, beforeId),
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(limit + 1);
}

export interface RespondToken {
  caseId: string;
  infoRequestId: string;
  question: string;
  expiresAt: Date;
  usedAt: Date | null;
}

export async function findRespondToken(db: Database, token: string): Promise<RespondToken | undefined> {
  const [row] = await db
    .select()
    .from(respondTokens)
    .where(eq(respondTokens.tokenHash, hashToken(token)))
    .limit(1);
  return row;
}

/** Spends a token; false when it was already spent or has expired meanwhile. */
export async function spendRespondToken(db: Database, token: string): Promise<boolean> {
  const spent = await db
    .update(respondTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(respondTokens.tokenHash, hashToken(token)),
        isNull(respondTokens.usedAt),
        gt(respondTokens.expiresAt, sql`now()`),
      ),
    )
    .returning({ caseId: respondTokens.caseId });
  return spent.length > 0;
}
