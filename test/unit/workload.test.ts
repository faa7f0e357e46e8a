import { describe, expect, it } from 'vitest';
import type { Case, Escalation } from '../../src/domain/case.js';
import { openCase } from '../../src/domain/lifecycle/intake.js';
import { DUE_SOON_SECONDS, workload } from '../../src/domain/workload.js';
import { HOUR, plus } from './fixtures.js';

const T0 = '2025-03-01T00:00:00.000Z';
const at = (hours: number) => plus(T0, hours * HOUR);
const NOW = new Date(at(10));

/** An open case with no deadline of its own; each row below sets the ones it means. */
function held(id: string, assignee: string | null, createdHours: number, changes: Partial<Case> = {}): Case {
  const base = openCase(
    id,
    {
      type: 'complaint',
      accountId: `acct-${id}`,
      businessLine: 'spot',
      channel: 'email',
      subject: 'Locked out',
      description: 'Cannot trade.',
      controlIds: [],
    },
    { tier: 'low', reasons: [] },
    'u-intake',
    at(createdHours),
  );
  return {
    ...base,
    status: 'in_review',
    assignee,
    firstClaimedAt: assignee === null ? null : at(createdHours),
    firstResponseDueAt: null,
    resolutionDueAt: null,
    ...changes,
  };
}

function escalation(
  id: string,
  department: Escalation['department'],
  requestedHours: number,
  dueHours: number,
  changes: Partial<Escalation> = {},
): Escalation {
  return {
    id,
    department,
    question: 'Is the device known?',
    requestedBy: 'u-a',
    requestedAt: at(requestedHours),
    dueAt: at(dueHours),
    status: 'open',
    reminded: false,
    breached: false,
    answer: null,
    answeredBy: null,
    answeredAt: null,
    ...changes,
  };
}

/*
 * At 10:00, due soon means due by 14:00. u-a holds A1 (due 12:00: soon), A2 (due 09:00: breached) and A3
 * (due in 30 h: neither); u-b holds B1, flagged breached, whose escalations are one open to compliance due
 * 11:00, one answered, and one open to security due 08:00; the queue holds U1, unclaimed and due to be
 * claimed at 14:00 exactly (soon), with an open compliance escalation due at 20:00. C is closed.
 */
const history: Case[] = [
  held('A1', 'u-a', 0, { resolutionDueAt: at(12) }),
  held('A2', 'u-a', 1, { resolutionDueAt: at(9) }),
  held('A3', 'u-a', 2, { resolutionDueAt: at(30) }),
  held('B1', 'u-b', 3, {
    slaBreached: true,
    escalations: [
      escalation('e1', 'compliance', 5, 11),
      escalation('e2', 'compliance', 3.5, 6, { status: 'answered', answer: 'yes', answeredAt: at(4) }),
      escalation('e3', 'security', 6, 8),
    ],
  }),
  held('U1', null, 4, {
    firstResponseDueAt: at(14),
    resolutionDueAt: at(40),
    escalations: [escalation('e4', 'compliance', 4.5, 20)],
  }),
  held('C', 'u-a', 0, { status: 'closed', outcome: 'resolved_no_action', resolutionDueAt: at(1) }),
];

describe('workload', () => {
  it('counts open cases per agent and open escalations per department, as worked out by hand', () => {
    expect(workload(history, NOW, 'spot')).toEqual({
      at: at(10),
      businessLine: 'spot',
      dueSoonSeconds: 4 * 3_600,
      agents: [
        // Oldest A1 from 00:00, 10 h before now.
        { assignee: 'u-a', open: 3, oldestAt: at(0), oldestAgeSeconds: 36_000, dueSoon: 1, breached: 1 },
        { assignee: 'u-b', open: 1, oldestAt: at(3), oldestAgeSeconds: 25_200, dueSoon: 0, breached: 1 },
        { assignee: null, open: 1, oldestAt: at(4), oldestAgeSeconds: 21_600, dueSoon: 1, breached: 0 },
      ],
      departments: [
        // e1 and e4 open; e2 answered. Oldest e4 from 04:30, 5.5 h before now; e1 due 11:00 is soon.
        {
          department: 'compliance',
          open: 2,
          oldestAt: at(4.5),
          oldestAgeSeconds: 19_800,
          dueSoon: 1,
          breached: 0,
        },
        {
          department: 'security',
          open: 1,
          oldestAt: at(6),
          oldestAgeSeconds: 14_400,
          dueSoon: 0,
          breached: 1,
        },
      ],
    });
  });

  it('counts a flagged escalation as breached before its due time, and a case due exactly now as breached', () => {
    const report = workload(
      [
        held('F', 'u-f', 9, {
          resolutionDueAt: at(10),
          escalations: [escalation('e5', 'technical', 9, 30, { breached: true })],
        }),
      ],
      NOW,
      null,
    );
    expect(report.agents).toEqual([
      { assignee: 'u-f', open: 1, oldestAt: at(9), oldestAgeSeconds: 3_600, dueSoon: 0, breached: 1 },
    ]);
    expect(report.departments).toEqual([
      { department: 'technical', open: 1, oldestAt: at(9), oldestAgeSeconds: 3_600, dueSoon: 0, breached: 1 },
    ]);
  });

  it('reports nothing open as empty lists, with the default horizon', () => {
    expect(workload([], NOW, null)).toEqual({
      at: at(10),
      businessLine: null,
      dueSoonSeconds: DUE_SOON_SECONDS,
      agents: [],
      departments: [],
    });
  });
});
