import { describe, expect, it } from 'vitest';
import type { Agent, Contender } from '../../src/domain/assignment.js';
import { assignmentModeOf, availableAgents, chooseAssignee, isAway } from '../../src/domain/assignment.js';
import { defaultPolicy } from '../../src/domain/policy.js';
import { resolvePolicy } from '../../src/domain/schemas/policy.js';
import type { AssignmentMode } from '../../src/domain/vocabulary.js';

const load = (entries: Record<string, number>): Contender[] =>
  Object.entries(entries).map(([id, openCases]) => ({ id, openCases }));

describe('chooseAssignee', () => {
  const cases: [string, AssignmentMode, Contender[], string | null, string | undefined][] = [
    ['manual picks nobody', 'manual', load({ a: 0, b: 0 }), null, undefined],
    ['nobody available: nobody', 'round_robin', [], 'a', undefined],
    ['nobody available, least loaded: nobody', 'least_loaded', [], null, undefined],
    ['round robin starts at the first id', 'round_robin', load({ c: 0, a: 5, b: 1 }), null, 'a'],
    [
      'round robin takes the next id after the last pick',
      'round_robin',
      load({ a: 0, b: 9, c: 0 }),
      'a',
      'b',
    ],
    ['round robin wraps round after the last id', 'round_robin', load({ a: 0, b: 0, c: 0 }), 'c', 'a'],
    [
      'round robin goes on after a last pick who has left',
      'round_robin',
      load({ a: 0, c: 0, d: 0 }),
      'b',
      'c',
    ],
    ['round robin ignores load', 'round_robin', load({ a: 0, b: 50 }), 'a', 'b'],
    ['least loaded takes the fewest open cases', 'least_loaded', load({ a: 3, b: 1, c: 2 }), null, 'b'],
    [
      'least loaded ignores the turn when one holds fewer',
      'least_loaded',
      load({ a: 3, b: 1, c: 2 }),
      'b',
      'b',
    ],
    ['least loaded breaks a tie in turn', 'least_loaded', load({ a: 1, b: 1, c: 4 }), 'a', 'b'],
    ['least loaded wraps a tie round', 'least_loaded', load({ a: 1, b: 1, c: 4 }), 'b', 'a'],
    ['one contender gets it', 'least_loaded', load({ z: 7 }), 'z', 'z'],
  ];
  it.each(cases)('%s', (_name, mode, contenders, lastPick, expected) => {
    expect(chooseAssignee(mode, contenders, lastPick)).toBe(expected);
  });

  it('does not depend on the order contenders were read in', () => {
    const contenders = load({ d: 2, a: 2, c: 1, b: 1 });
    for (const mode of ['round_robin', 'least_loaded'] as const) {
      expect(chooseAssignee(mode, contenders, 'b')).toBe(
        chooseAssignee(mode, [...contenders].reverse(), 'b'),
      );
    }
  });
});

describe('availability', () => {
  const now = '2026-12-07T10:00:00.000Z';
  const agent = (id: string, extra: Partial<Agent> = {}): Agent => ({
    id,
    roles: ['agent'],
    businessLines: ['spot'],
    enabled: true,
    awayUntil: null,
    ...extra,
  });

  it.each([
    [null, false],
    ['2026-12-07T10:00:00.001Z', true],
    ['2026-12-31T00:00:00.000Z', true],
    ['2026-12-07T10:00:00.000Z', false],
    ['2026-12-01T00:00:00.000Z', false],
  ] as const)('away until %s is away: %s', (awayUntil, away) => {
    expect(isAway({ awayUntil }, now)).toBe(away);
  });

  it('available agents review cases in the line, are enabled and are not away', () => {
    const agents = [
      agent('here'),
      agent('away', { awayUntil: '2026-12-08T00:00:00.000Z' }),
      agent('back', { awayUntil: '2026-12-06T00:00:00.000Z' }),
      agent('disabled', { enabled: false }),
      agent('p2p only', { businessLines: ['p2p'] }),
      agent('everywhere', { businessLines: ['*'] }),
      agent('checker', { roles: ['checker'] }),
      agent('senior', { roles: ['senior'] }),
    ];
    expect(availableAgents(agents, 'spot', now).map((a) => a.id)).toEqual([
      'here',
      'back',
      'everywhere',
      'senior',
    ]);
  });
});

describe('assignment policy', () => {
  it('is manual everywhere by default', () => {
    expect(assignmentModeOf(defaultPolicy, 'spot')).toBe('manual');
    expect(assignmentModeOf(defaultPolicy, 'p2p')).toBe('manual');
  });

  it('a business line listed in the policy file follows its own mode, the others the default', () => {
    const parsed = resolvePolicy({
      assignment: { version: 'v2', default: 'least_loaded', businessLines: { p2p: 'round_robin' } },
    });
    expect(parsed.success).toBe(true);
    const policy = parsed.data!;
    expect(assignmentModeOf(policy, 'p2p')).toBe('round_robin');
    expect(assignmentModeOf(policy, 'spot')).toBe('least_loaded');
    expect(policy.assignment.version).toBe('v2');
  });

  it('refuses an unknown mode or business line', () => {
    expect(resolvePolicy({ assignment: { businessLines: { p2p: 'lottery' } } }).success).toBe(false);
    expect(resolvePolicy({ assignment: { businessLines: { moon: 'manual' } } }).success).toBe(false);
  });
});
