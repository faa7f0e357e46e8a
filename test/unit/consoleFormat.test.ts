import { describe, expect, it } from 'vitest';
import { duration, timeLeft } from '../../src/console/durations.js';

describe('the console says durations in words', () => {
  it.each([
    [0, '0 s'],
    [999, '0 s'],
    [45_000, '45 s'],
    [90_000, '1 min 30 s'],
    [12 * 60_000, '12 min'],
    [(3 * 60 + 59) * 60_000 + 30_000, '3 h 59 min'],
    [2 * 86_400_000, '2 d'],
    [2 * 86_400_000 + 5 * 3_600_000 + 60_000, '2 d 5 h'],
  ])('%i ms reads "%s"', (ms, text) => {
    expect(duration(ms)).toBe(text);
    expect(duration(-ms)).toBe(text);
  });

  it('says whether a deadline is ahead or missed', () => {
    const now = Date.parse('2026-12-06T12:00:00Z');
    expect(timeLeft('2026-12-06T15:59:00Z', now)).toBe('in 3 h 59 min');
    expect(timeLeft('2026-12-06T11:57:00Z', now)).toBe('overdue by 3 min');
  });
});
