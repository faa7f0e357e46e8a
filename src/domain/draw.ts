/**
 * A seeded random draw that anyone can repeat: the same seed and the same candidates give the same
 * choice, in the workflow sandbox, the API and a reviewer's script alike. It backs every audited draw
 * (the checker a proposal is offered to, the accounts a campaign's checkers sample), so the seed written
 * to the audit log is all an auditor needs to draw again.
 *
 * Plain arithmetic only (no `node:crypto`): workflow code imports it.
 */

/** FNV-1a over the seed's UTF-16 code units, then a final avalanche, so similar seeds diverge. */
function hashSeed(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: a small, well-mixed 32-bit generator; uniform enough for audit sampling, not for secrets. */
function generator(seed: string): () => number {
  let state = hashSeed(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` distinct candidates drawn without replacement, in draw order. Candidates are sorted first, so
 * the draw depends on the set, never on the order a caller happened to read it in.
 */
export function drawSample(seed: string, candidates: readonly string[], count: number): string[] {
  const pool = [...new Set(candidates)].sort();
  const take = Math.max(0, Math.min(Math.floor(count), pool.length));
  const next = generator(seed);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, take);
}

/** One candidate drawn from the set, or `undefined` when there is none. */
export function drawOne(seed: string, candidates: readonly string[]): string | undefined {
  return drawSample(seed, candidates, 1)[0];
}
