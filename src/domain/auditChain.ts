import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEvent {
  stream: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  outcome: 'accepted' | 'denied';
  details: unknown;
}

export interface StoredEvent extends ChainedEvent {
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every depth, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function chainHash(prevHash: string, event: ChainedEvent): string {
  const { stream, seq, at, actor, action, outcome, details } = event;
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson({ stream, seq, at, actor, action, outcome, details }))
    .digest('hex');
}

export type ChainVerdict = { ok: true; events: number } | { ok: false; seq: number; problem: string };

/** Walks a stream's events in order and recomputes every link. */
export function verifyChain(events: readonly StoredEvent[]): ChainVerdict {
  let prev = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    if (event.seq !== index + 1) return { ok: false, seq: event.seq, problem: `expected seq ${index + 1}` };
    if (event.prevHash !== prev)
      return { ok: false, seq: event.seq, problem: 'prevHash does not match the row before' };
    if (chainHash(prev, event) !== event.hash)
      return { ok: false, seq: event.seq, problem: 'hash does not match the row' };
    prev = event.hash;
  }
  return { ok: true, events: events.length };
}
