import { and, asc, eq, sql } from 'drizzle-orm';
import type { StoredEvent } from '../domain/auditChain.js';
import { GENESIS_HASH, chainHash, verifyChain } from '../domain/auditChain.js';
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

/** Appends to each event's stream in order, chaining hashes. Call inside a transaction. */
export async function appendAudit(tx: Executor, events: readonly AuditInput[]): Promise<void> {
  for (const event of events) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${event.stream}))`);
    if (event.eventKey) {
      const existing = await tx
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .where(and(eq(auditEvents.stream, event.stream), eq(auditEvents.eventKey, event.eventKey)))
        .limit(1);
      if (existing.length > 0) continue;
    }
    const [last] = await tx
      .select({ seq: auditEvents.seq, hash: auditEvents.hash })
      .from(auditEvents)
      .where(eq(auditEvents.stream, event.stream))
      .orderBy(sql`${auditEvents.seq} desc`)
      .limit(1);
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    // Normalised so the hash computed now matches the one recomputed from the stored row later.
    const at = new Date(event.at).toISOString();
    const details = JSON.parse(JSON.stringify(event.details)) as Record<string, unknown>;
    const hash = chainHash(prevHash, { ...event, at, details, seq });
    await tx.insert(auditEvents).values({
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
  }
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
