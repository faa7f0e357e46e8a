import { describe, expect, it } from 'vitest';
import {
  OTHER_FAULT_REACH_MS,
  WORKER_KILL_REACH_MS,
  acrossWorkerKills,
  percentile,
  summary,
} from '../../scripts/drill/latency.js';

describe('drill latency figures', () => {
  it('takes the nearest-rank percentile', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 99)).toBeNaN();
  });

  it('counts an action across a worker kill only while the kill is in reach and no other fault is', () => {
    const kill = { kind: 'worker' as const, start: 10_000, end: 11_000 };
    const outage = { kind: 'other' as const, start: 60_000, end: 80_000 };
    const during = { start: 10_500, end: 12_000 };
    const justAfter = { start: 11_000 + WORKER_KILL_REACH_MS - 1, end: 11_000 + WORKER_KILL_REACH_MS + 500 };
    const before = { start: 1_000, end: 9_000 };
    const longAfter = { start: 40_000, end: 41_000 };
    const killNearOutage = { kind: 'worker' as const, start: 79_000, end: 80_000 };
    const nearOutage = { start: 80_000 + OTHER_FAULT_REACH_MS - 1, end: 80_000 + OTHER_FAULT_REACH_MS + 10 };
    expect(
      acrossWorkerKills([during, justAfter, before, longAfter, nearOutage], [kill, outage, killNearOutage]),
    ).toEqual([during, justAfter]);
  });

  it('summarises as p50 / p99 / max with the count', () => {
    expect(summary([1_000, 2_000, 30_000])).toBe('2000 / 30000 / 30000 ms (3)');
    expect(summary([])).toBe('none');
  });
});
