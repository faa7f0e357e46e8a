import { asc, eq, sql } from 'drizzle-orm';
import type { StoredEvent } from '../domain/auditChain.js';
import { GENESIS_HASH, chainHash, verifyChain } from '../domain/auditChain.js';
import type { Case } from '../domain/case.js';
import type { AuditEntry } from '../domain/lifecycle/rule.js';
import type { Database, Executor } from './client.js';
import { auditEvents } from './schema/index.js';

export interface AuditInput {
  stream: string;
  at: string;
  actor: string;
  action: string;
  outcome: 'accepted' | 'denied';
  details: Record<string, unknown>;
  caseId?: string | null;
  accountId?: string | null;
  /** Same stream and key twice is written once: activity retries append nothing new. */
  eventKey?: string | null;
}

export type AuditRow = typeof auditEvents.$inferInsert;

/**
 * A case's accepted changes as rows of its stream, each keyed by the revision it produced: whoever writes
 * one first (the workflow's records, or the API at intake), the other's copy is skipped.
 */
export function caseAuditInputs(
  c: Pick<Case, 'id' | 'accountId'>,
  events: readonly (AuditEntry & { revision: number })[],
): AuditInput[] {
  return events.map((e) => ({
    stream: c.id,
    at: e.at,
    actor: e.actor,
    action: e.action,
    outcome: 'accepted',
    details: e.details,
    caseId: c.id,
    accountId: c.accountId,
    eventKey: `r${e.revision}`,
  }));
}

/**
 * Chains the events onto their streams: takes each stream's lock (held to the end of the transaction, so
 * no other writer can chain onto the same head), then reads each head and which of the events' keys are
 * stored already, and gives the rows still to insert. A retried batch gives none; a batch that overlaps
 * an earlier one gives only its new events, chained after the stored ones. The lock and the read go in
 * one round trip: the read runs after the lock is granted, so it sees the head the lock protects.
 */
export async function chainAudit(tx: Executor, events: readonly AuditInput[]): Promise<AuditRow[]> {
  if (events.length === 0) return [];
  // One order for every writer, so two transactions locking the same streams cannot deadlock.
  const streams = [...new Set(events.map((e) => e.stream))].sort();
  const keys = [...new Set(events.flatMap((e) => (e.eventKey ? [e.eventKey] : [])))];
  const lock = sql`select ${sql.join(
    streams.map((stream) => sql`pg_advisory_xact_lock(hashtext(${stream}))`),
    sql`, `,
  )}`;
  const known = keys.length
    ? sql`(select array_agg(a.event_key) from ${auditEvents} a
        where a.stream = s.stream and a.event_key in (${sql.join(
          keys.map((key) => sql`${key}`),
          sql`, `,
        )}))`
    : sql`null::text[]`;
  const read = sql`select s.stream, h.seq, h.hash, ${known} as known
    from (values ${sql.join(
      streams.map((stream) => sql`(${stream})`),
      sql`, `,
    )}) as s(stream)
    left join lateral (select a.seq, a.hash from ${auditEvents} a where a.stream = s.stream
      order by a.seq desc limit 1) h on true`;
  const [, heads] = await Promise.all([
    tx.execute(lock),
    tx.execute<{ stream: string; seq: number | null; hash: string | null; known: string[] | null }>(read),
  ]);
  const state = new Map<string, { seq: number; hash: string; known: Set<string> }>();
  for (const head of heads) {
    state.set(head.stream, {
      seq: head.seq ?? 0,
      hash: head.hash ?? GENESIS_HASH,
      known: new Set(head.known ?? []),
    });
  }
  const rows: AuditRow[] = [];
  for (const event of events) {
    const stream = state.get(event.stream);
    if (!stream) throw new Error(`no head read for audit stream ${event.stream}`);
    if (event.eventKey) {
      if (stream.known.has(event.eventKey)) continue;
      stream.known.add(event.eventKey);
    }
    const seq = stream.seq + 1;
    const prevHash = stream.hash;
    // Normalised so the hash computed now matches the one recomputed from the stored row later.
    const at = new Date(event.at).toISOString();
    const details = JSON.parse(JSON.stringify(event.details)) as Record<string, unknown>;
    const hash = chainHash(prevHash, { ...event, at, details, seq });
    rows.push({
      stream: event.stream,
      seq,
      at: new Date(at),
      actor: event.actor,
      action: event.action,
      outcome: event.outcome,
      details,
      prevHash,
      hash,
      caseId: event.caseId ?? null,
      accountId: event.accountId ?? null,
      eventKey: event.eventKey ?? null,
    });
    stream.seq = seq;
    stream.hash = hash;
  }
  return rows;
}

/** The rows of `chainAudit` in one statement, to run alone or beside other writes (see `writeTogether`). */
export function insertAudit(tx: Executor, rows: readonly AuditRow[]) {
  return tx.insert(auditEvents).values([...rows]);
}

/** Appends to each event's stream in order, chaining hashes. Call inside a transaction. */
export async function appendAudit(tx: Executor, events: readonly AuditInput[]): Promise<void> {
  const rows = await chainAudit(tx, events);
  if (rows.length > 0) await insertAudit(tx, rows);
}

export async function recordAudit(db: Database, events: readonly AuditInput[]): Promise<void> {
  await db.transaction((tx) => appendAudit(tx, events));
}

export async function readStream(db: Database, stream: string): Promise<StoredEvent[]> {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.stream, stream))
    .orderBy(asc(auditEvents.seq));
  return rows.map((row) => ({
    stream: row.stream,
    seq: row.seq,
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    outcome: row.outcome,
    details: row.details,
    prevHash: row.prevHash,
    hash: row.hash,
  }));
}

export async function verifyStream(db: Database, stream: string) {
  const events = await readStream(db, stream);
  return { events, verdict: verifyChain(events) };
}
