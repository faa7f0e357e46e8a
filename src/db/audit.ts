import type { SQL } from 'drizzle-orm';
import { asc, eq, sql } from 'drizzle-orm';
import type { StoredEvent } from '../domain/auditChain.js';
import { GENESIS_HASH, chainHash, verifyChain } from '../domain/auditChain.js';
import type { Case } from '../domain/case.js';
import type { AuditEntry } from '../domain/lifecycle/rule.js';
import type { Database, Executor } from './client.js';
import { auditEvents } from './schema/index.js';

/** Every request, decision, expiry and revocation of access is a row on this hash-chained stream. */
export const ACCESS_STREAM = 'access';

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

/** The key of the case event that produced `revision`, in the case's stream. */
const eventKeyOf = (revision: number) => `r${revision}`;

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
    eventKey: eventKeyOf(e.revision),
  }));
}

/** A stream's last row, and which of the keys asked about it stores already. */
export type AuditHead = { stream: string; seq: number | null; hash: string | null; known: string[] | null };

/** Each stream's head, and which of `keys` it stores already, in one statement. */
function readHeads(executor: Executor, streams: readonly string[], keys: readonly string[]) {
  const known = keys.length
    ? sql`(select array_agg(a.event_key) from ${auditEvents} a
        where a.stream = s.stream and a.event_key in (${sql.join(
          keys.map((key) => sql`${key}`),
          sql`, `,
        )}))`
    : sql`null::text[]`;
  return executor.execute<AuditHead>(sql`select s.stream, h.seq, h.hash, ${known} as known
    from (values ${sql.join(
      streams.map((stream) => sql`(${stream})`),
      sql`, `,
    )}) as s(stream)
    left join lateral (select a.seq, a.hash from ${auditEvents} a where a.stream = s.stream
      order by a.seq desc limit 1) h on true`);
}

/** Takes each stream's lock, held to the end of the transaction. */
function lockStreams(streams: readonly string[]): SQL {
  return sql`select ${sql.join(
    streams.map((stream) => sql`pg_advisory_xact_lock(hashtext(${stream}))`),
    sql`, `,
  )}`;
}

/** One order for every writer, so two writers locking the same streams cannot deadlock. */
const streamsOf = (events: readonly AuditInput[]) => [...new Set(events.map((e) => e.stream))].sort();
const keysOf = (events: readonly AuditInput[]) => [
  ...new Set(events.flatMap((e) => (e.eventKey ? [e.eventKey] : []))),
];

/**
 * Takes each stream's lock (held to the end of the transaction, so no other writer can chain onto the
 * same head) and reads each head and which of `keys` it stores, in one round trip: the read runs after
 * the lock is granted, so it sees the head the lock protects.
 */
async function lockHeads(
  tx: Executor,
  streams: readonly string[],
  keys: readonly string[],
): Promise<AuditHead[]> {
  const sorted = [...new Set(streams)].sort();
  const [, heads] = await Promise.all([tx.execute(lockStreams(sorted)), readHeads(tx, sorted, keys)]);
  return heads;
}

/**
 * Chains the events onto their streams under the streams' locks (`lockHeads`), and gives the rows still
 * to insert. A retried batch gives none; a batch that overlaps an earlier one gives only its new events,
 * chained after the stored ones.
 */
async function chainAudit(tx: Executor, events: readonly AuditInput[]): Promise<AuditRow[]> {
  if (events.length === 0) return [];
  return chainRows(events, await lockHeads(tx, streamsOf(events), keysOf(events)));
}

/**
 * The rows of `chainAudit` from heads read without a lock, for `insertAuditLocking`, which takes the
 * locks when it writes. No transaction needed: a head another writer moved meanwhile makes the insert fail
 * (`lostChainRace`), and the caller reads and chains again.
 */
export async function chainAuditOptimistic(
  executor: Executor,
  events: readonly AuditInput[],
): Promise<AuditRow[]> {
  if (events.length === 0) return [];
  return chainRows(events, await readHeads(executor, streamsOf(events), keysOf(events)));
}

/** The rows still to insert for the events, chained onto the heads read of their streams. */
export function chainRows(events: readonly AuditInput[], heads: readonly AuditHead[]): AuditRow[] {
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

/**
 * The rows of `chainAuditOptimistic` as one statement that first takes their streams' locks (the insert
 * reads its rows through the lock's row, so no row goes in before the lock is granted): a writer holding
 * a lock between its read and its insert is waited for, and never finds its place taken. A row whose
 * place another writer took meanwhile fails the statement on the stream's (stream, seq) or (stream,
 * event_key) unique index: see `lostChainRace`.
 */
export function insertAuditLocking(rows: readonly AuditRow[]): SQL {
  const streams = [...new Set(rows.map((r) => r.stream))].sort();
  const records = rows.map((r) => ({
    stream: r.stream,
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    outcome: r.outcome,
    details: r.details,
    prev_hash: r.prevHash,
    hash: r.hash,
    case_id: r.caseId ?? null,
    account_id: r.accountId ?? null,
    event_key: r.eventKey ?? null,
  }));
  return sql`insert into ${auditEvents}
      (stream, seq, at, actor, action, outcome, details, prev_hash, hash, case_id, account_id, event_key)
    select r.stream, r.seq, r.at, r.actor, r.action, r.outcome, r.details, r.prev_hash, r.hash, r.case_id,
      r.account_id, r.event_key
    from (${lockStreams(streams)}) as locks,
      jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(stream text, seq integer, at timestamptz,
        actor text, action text, outcome text, details jsonb, prev_hash text, hash text, case_id text,
        account_id text, event_key text)`;
}

const chainIndexes = new Set(['audit_stream_seq_idx', 'audit_stream_key_idx']);

/** Whether a write failed because another writer chained onto the same head first. */
export function lostChainRace(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const pg = cause as { code?: unknown; constraint_name?: unknown } | null;
  return (
    pg?.code === '23505' && typeof pg.constraint_name === 'string' && chainIndexes.has(pg.constraint_name)
  );
}

/** The rows of `chainAudit` in one statement, to run alone or beside other writes (see `writeTogether`). */
export function insertAudit(tx: Executor, rows: readonly AuditRow[]) {
  return tx.insert(auditEvents).values([...rows]);
}

/** The head of a stream that has no rows yet. */
export const emptyHead = (stream: string): AuditHead => ({ stream, seq: null, hash: null, known: null });

/**
 * A stream's first row as one statement, which inserts nothing when the stream has its first row already:
 * a row in the first place, or with the same key, is this one written before.
 */
export function insertFirstRow(tx: Executor, row: AuditRow) {
  return tx.insert(auditEvents).values(row).onConflictDoNothing();
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
