import { describe, expect, it } from 'vitest';
import { drawOne, drawSample } from '../../src/domain/draw.js';

const accounts = Array.from({ length: 1000 }, (_, i) => `acc_${String(i).padStart(4, '0')}`);

describe('drawSample', () => {
  it('draws the same sample again from the same seed, whatever order the candidates come in', () => {
    const first = drawSample('seed-1', accounts, 32);
    const again = drawSample('seed-1', [...accounts].reverse(), 32);
    expect(again).toEqual(first);
  });

  it('draws distinct candidates, all from the set', () => {
    const sample = drawSample('seed-2', accounts, 100);
    expect(new Set(sample).size).toBe(100);
    for (const id of sample) expect(accounts).toContain(id);
  });

  it('draws a different sample from a different seed', () => {
    expect(drawSample('seed-a', accounts, 20)).not.toEqual(drawSample('seed-b', accounts, 20));
  });

  it('takes everything when asked for more than there is, and nothing from nothing', () => {
    expect(drawSample('s', ['b', 'a', 'a'], 5).sort()).toEqual(['a', 'b']);
    expect(drawSample('s', [], 3)).toEqual([]);
    expect(drawSample('s', accounts, 0)).toEqual([]);
  });

  it('gives every candidate a fair chance over many seeds', () => {
    const people = ['ana', 'ben', 'chi', 'dev'];
    const counts = new Map<string, number>(people.map((p) => [p, 0]));
    for (let i = 0; i < 4000; i++) {
      const pick = drawOne(`proposal-${i}`, people)!;
      counts.set(pick, counts.get(pick)! + 1);
    }
    // 1,000 expected each; a fair draw stays well within ±15% at this size.
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });

  it('has no one to draw from an empty set', () => {
    expect(drawOne('s', [])).toBeUndefined();
  });
});
