import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChainedEvent, StoredEvent } from '../../src/domain/auditChain.js';
import { GENESIS_HASH, canonicalJson, chainHash, verifyChain } from '../../src/domain/auditChain.js';

function event(seq: number, overrides: Partial<ChainedEvent> = {}): ChainedEvent {
  return {
    stream: 'case-1',
    seq,
    at: `2025-03-01T09:00:0${seq % 10}.000Z`,
    actor: 'u-agent',
    action: `step.${seq}`,
    outcome: 'accepted',
    details: { accountId: 'acct-1', n: seq },
    ...overrides,
  };
}

/** Links events the way the audit writer does: each row carries the hash of the row before. */
function buildChain(events: readonly ChainedEvent[]): StoredEvent[] {
  const stored: StoredEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (const e of events) {
    const hash = chainHash(prevHash, e);
    stored.push({ ...e, prevHash, hash });
    prevHash = hash;
  }
  return stored;
}

const five = () => buildChain([1, 2, 3, 4, 5].map((seq) => event(seq)));

describe('canonicalJson', () => {
  it('sorts keys, so key order never changes the text', () => {
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it('sorts keys at every depth, including objects inside arrays', () => {
    const one = { z: { y: 1, x: [{ d: 1, c: 2 }] }, a: null };
    const other = { a: null, z: { x: [{ c: 2, d: 1 }], y: 1 } };
    expect(canonicalJson(one)).toBe('{"a":null,"z":{"x":[{"c":2,"d":1}],"y":1}}');
    expect(canonicalJson(other)).toBe(canonicalJson(one));
  });

  it('keeps the order of arrays, which carries meaning', () => {
    expect(canonicalJson([2, 1])).toBe('[2,1]');
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('drops undefined properties like JSON.stringify does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it('writes undefined inside an array as null like JSON.stringify does', () => {
    expect(canonicalJson([1, undefined, 3])).toBe('[1,null,3]');
  });

  it.each([
    [null, 'null'],
    [undefined, 'null'],
    [true, 'true'],
    [0, '0'],
    [-1.5, '-1.5'],
    ['plain', '"plain"'],
    ['quote " and \\ and\nnewline', '"quote \\" and \\\\ and\\nnewline"'],
    ['ünïcödé', '"ünïcödé"'],
    [{}, '{}'],
    [[], '[]'],
  ])('writes %j as %s', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('escapes keys', () => {
    expect(canonicalJson({ 'a"b': 1 })).toBe('{"a\\"b":1}');
  });

  it('parses back to the same value', () => {
    const value = { case: { id: 'c-1', tags: ['x', 'y'], n: 3, nested: { ok: true, none: null } } };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });
});

describe('chainHash', () => {
  const first: ChainedEvent = {
    stream: 'case-1',
    seq: 1,
    at: '2025-03-01T09:00:00.000Z',
    actor: 'u-agent',
    action: 'case.opened',
    outcome: 'accepted',
    details: { riskTier: 'low', accountId: 'acct-1' },
  };
  const canonical =
    '{"action":"case.opened","actor":"u-agent","at":"2025-03-01T09:00:00.000Z",' +
    '"details":{"accountId":"acct-1","riskTier":"low"},"outcome":"accepted","seq":1,"stream":"case-1"}';

  it('is sha256 of the previous hash followed by the canonical event', () => {
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonical)
      .digest('hex');
    expect(chainHash(GENESIS_HASH, first)).toBe(expected);
  });

  it('is stable across releases for a known event', () => {
    // Computed outside the code under test: printf '%s%s' 000…0 '<canonical>' | sha256sum
    expect(chainHash(GENESIS_HASH, first)).toBe(
      'c764d9eb395a3b6e172ed98938797a028398f0f402645e1c85dac3054d63e861',
    );
  });

  it('the genesis hash is 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('does not depend on the order of keys in the event or its details', () => {
    const reordered: ChainedEvent = {
      details: { accountId: 'acct-1', riskTier: 'low' },
      outcome: 'accepted',
      action: 'case.opened',
      actor: 'u-agent',
      at: '2025-03-01T09:00:00.000Z',
      seq: 1,
      stream: 'case-1',
    };
    expect(chainHash(GENESIS_HASH, reordered)).toBe(chainHash(GENESIS_HASH, first));
  });

  it('ignores columns that are not part of the event, such as the stored hashes', () => {
    const stored = { ...first, prevHash: 'x'.repeat(64), hash: 'y'.repeat(64), id: 99 };
    expect(chainHash(GENESIS_HASH, stored)).toBe(chainHash(GENESIS_HASH, first));
  });

  it.each([
    ['stream', { stream: 'case-2' }],
    ['seq', { seq: 2 }],
    ['at', { at: '2025-03-01T09:00:00.001Z' }],
    ['actor', { actor: 'u-mallory' }],
    ['action', { action: 'case.closed' }],
    ['outcome', { outcome: 'denied' as const }],
    ['details', { details: { riskTier: 'high', accountId: 'acct-1' } }],
  ])('changes when %s changes', (_field, change) => {
    expect(chainHash(GENESIS_HASH, { ...first, ...change })).not.toBe(chainHash(GENESIS_HASH, first));
  });

  it('changes when the previous hash changes', () => {
    expect(chainHash('1'.repeat(64), first)).not.toBe(chainHash(GENESIS_HASH, first));
  });
});

describe('verifyChain', () => {
  it('accepts an empty stream', () => {
    expect(verifyChain([])).toEqual({ ok: true, events: 0 });
  });

  it('accepts a chain built link by link', () => {
    expect(verifyChain(five())).toEqual({ ok: true, events: 5 });
  });

  it('accepts denied attempts in the chain like accepted actions', () => {
    const chain = buildChain([
      event(1),
      event(2, { outcome: 'denied', details: { code: 'forbidden' } }),
      event(3),
    ]);
    expect(verifyChain(chain)).toEqual({ ok: true, events: 3 });
  });

  it('detects a changed detail', () => {
    const chain = five();
    chain[2] = { ...chain[2]!, details: { accountId: 'acct-1', n: 999 } };
    expect(verifyChain(chain)).toEqual({ ok: false, seq: 3, problem: 'hash does not match the row' });
  });

  it('detects a changed actor', () => {
    const chain = five();
    chain[1] = { ...chain[1]!, actor: 'u-mallory' };
    expect(verifyChain(chain)).toEqual({ ok: false, seq: 2, problem: 'hash does not match the row' });
  });

  it('detects a flipped outcome', () => {
    const chain = five();
    chain[4] = { ...chain[4]!, outcome: 'denied' };
    expect(verifyChain(chain)).toEqual({ ok: false, seq: 5, problem: 'hash does not match the row' });
  });

  it('detects a changed row whose own hash was recomputed, at the next row', () => {
    const chain = five();
    const forged = { ...chain[1]!, actor: 'u-mallory' };
    chain[1] = { ...forged, hash: chainHash(forged.prevHash, forged) };
    expect(verifyChain(chain)).toEqual({
      ok: false,
      seq: 3,
      problem: 'prevHash does not match the row before',
    });
  });

  it('detects a removed row', () => {
    const chain = five();
    chain.splice(2, 1);
    expect(verifyChain(chain)).toEqual({ ok: false, seq: 4, problem: 'expected seq 3' });
  });

  it('detects a removed first row', () => {
    expect(verifyChain(five().slice(1))).toEqual({ ok: false, seq: 2, problem: 'expected seq 1' });
  });

  it('detects reordered rows', () => {
    const chain = five();
    [chain[1], chain[2]] = [chain[2]!, chain[1]!];
    expect(verifyChain(chain)).toEqual({ ok: false, seq: 3, problem: 'expected seq 2' });
  });

  it('detects reordered rows even when their seq numbers were swapped back', () => {
    const chain = five();
    const second = chain[1]!;
    const third = chain[2]!;
    chain[1] = { ...third, seq: 2 };
    chain[2] = { ...second, seq: 3 };
    expect(verifyChain(chain)).toEqual({
      ok: false,
      seq: 2,
      problem: 'prevHash does not match the row before',
    });
  });

  it('detects a wrong prevHash', () => {
    const chain = five();
    chain[3] = { ...chain[3]!, prevHash: 'f'.repeat(64) };
    expect(verifyChain(chain)).toEqual({
      ok: false,
      seq: 4,
      problem: 'prevHash does not match the row before',
    });
  });

  it('detects a first row that does not start from the genesis hash', () => {
    const chain = five();
    chain[0] = { ...chain[0]!, prevHash: 'a'.repeat(64) };
    expect(verifyChain(chain)).toEqual({
      ok: false,
      seq: 1,
      problem: 'prevHash does not match the row before',
    });
  });

  it('detects a duplicated row', () => {
    const chain = five();
    chain.splice(2, 0, chain[1]!);
    expect(verifyChain(chain)).toEqual({ ok: false, seq: 2, problem: 'expected seq 3' });
  });

  it('does not depend on key order inside stored details', () => {
    const chain = five();
    chain[2] = { ...chain[2]!, details: { n: 3, accountId: 'acct-1' } };
    expect(verifyChain(chain)).toEqual({ ok: true, events: 5 });
  });

  it('vouches only for the rows it is given: a cut-off tail verifies, with the shorter count', () => {
    // Callers compare `events` with the expected row count; the chain alone cannot see a missing tail.
    expect(verifyChain(five().slice(0, 3))).toEqual({ ok: true, events: 3 });
  });
});
