import { describe, expect, it } from 'vitest';
import {
  dueDigestWeek,
  isoWeekOf,
  isoWeekRange,
  parseDigestSchedule,
} from '../../src/domain/fourEyesDigest.js';

describe('the weekly digest’s calendar', () => {
  it.each([
    ['mon 08:00', { weekday: 1, minute: 480 }],
    ['Fri 17:30', { weekday: 5, minute: 1_050 }],
    ['sun 00:00', { weekday: 7, minute: 0 }],
    ['mon 24:00', undefined],
    ['monday 08:00', undefined],
    ['xyz 08:00', undefined],
    ['mon 8:00', undefined],
  ])('reads %j as %j', (text, schedule) => {
    expect(parseDigestSchedule(text)).toEqual(schedule);
  });

  it.each([
    ['2026-12-07T08:00:00Z', '2026-W50'],
    ['2026-12-06T23:59:59Z', '2026-W49'],
    ['2021-01-03T12:00:00Z', '2020-W53'],
    ['2024-12-30T00:00:00Z', '2025-W01'],
    ['2003-03-03T00:00:00Z', '2003-W10'],
  ])('%s falls in ISO week %s', (at, week) => {
    expect(isoWeekOf(new Date(at))).toBe(week);
  });

  it.each([
    ['2026-W49', '2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
    ['2020-W53', '2020-12-28T00:00:00.000Z', '2021-01-04T00:00:00.000Z'],
    ['2025-W01', '2024-12-30T00:00:00.000Z', '2025-01-06T00:00:00.000Z'],
  ])('week %s runs from %s to %s', (week, from, to) => {
    expect(isoWeekRange(week)).toEqual({ from: new Date(from), to: new Date(to) });
  });

  it.each(['2021-W53', '2026-W00', '2026-49', 'last week'])('%s is no ISO week', (week) => {
    expect(isoWeekRange(week)).toBeUndefined();
  });

  const monday8 = { weekday: 1, minute: 480 };
  it.each([
    ['2026-12-07T07:59:59Z', undefined],
    ['2026-12-07T08:00:00Z', '2026-W49'],
    ['2026-12-10T12:00:00Z', '2026-W49'],
    ['2026-12-13T23:59:59Z', '2026-W49'],
    ['2026-12-14T08:00:00Z', '2026-W50'],
  ])('at %s the digest due is that of %s', (now, week) => {
    expect(dueDigestWeek(new Date(now), monday8)).toBe(week);
  });

  it('a Friday digest is due from Friday on, for the week before', () => {
    const friday = { weekday: 5, minute: 1_050 };
    expect(dueDigestWeek(new Date('2026-12-11T17:29:00Z'), friday)).toBeUndefined();
    expect(dueDigestWeek(new Date('2026-12-11T17:30:00Z'), friday)).toBe('2026-W49');
  });
});
