import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveCase } from '../../src/db/projections.js';
import type { Case, Escalation } from '../../src/domain/case.js';
import { openCase } from '../../src/domain/lifecycle/intake.js';
import type { Actor } from '../../src/domain/permissions.js';
import type { WorkloadReport } from '../../src/domain/workload.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { expectProblem } from '../support/openapi.js';
import { caseInput, newAccountId } from '../support/world.js';

type Caller = Actor & { token: string };

const HOUR = 3_600_000;
/*
 * The history is laid out around the moment it is written, in whole hours, so the few seconds the test
 * takes never move an item across "due soon" (within 4 h) or "breached".
 */
const T = Date.now();
const at = (hours: number) => new Date(T + hours * HOUR).toISOString();

let api: ApiHarness;
let lead: Caller;
let ana: Caller;
let ben: Caller;

function escalation(department: Escalation['department'], requested: number, due: number): Escalation {
  return {
    id: `esc-${randomUUID().slice(0, 8)}`,
    department,
    question: 'Is the device known?',
    requestedBy: 'someone',
    requestedAt: at(requested),
    dueAt: at(due),
    status: 'open',
    reminded: false,
    breached: false,
    answer: null,
    answeredBy: null,
    answeredAt: null,
  };
}

/** An open case on the wallet line held by `assignee`, created `created` hours from now, with no deadline. */
function held(assignee: string, created: number, changes: Partial<Case> = {}): Case {
  const c = openCase(
    `WL-${randomUUID().slice(0, 8)}`,
    caseInput(newAccountId(), { type: 'complaint', businessLine: 'wallet', controlIds: [] }),
    { tier: 'low', reasons: ['fixed history'] },
    assignee,
    at(created),
  );
  return {
    ...c,
    status: 'in_review',
    assignee,
    firstClaimedAt: at(created),
    firstResponseDueAt: null,
    resolutionDueAt: null,
    revision: 3,
    ...changes,
  };
}

beforeAll(async () => {
  api = await startApi();
  lead = await api.user(['auditor'], { businessLines: ['wallet'] });
  ana = await api.user(['agent'], { businessLines: ['wallet'] });
  ben = await api.user(['agent'], { businessLines: ['wallet'] });
  const { db } = api.services.database;
  /*
   * Ana holds three: due in 2 h (soon), due 1 h ago (breached), due in 20 h (neither); she closed a fourth
   * long ago. Ben holds one flagged breached with two open escalations — to security due in 3 h (soon),
   * to compliance due 2 h ago (breached) — and one with neither.
   */
  const history: Case[] = [
    held(ana.id, -10, { resolutionDueAt: at(2) }),
    held(ana.id, -8, { resolutionDueAt: at(-1) }),
    held(ana.id, -5, { resolutionDueAt: at(20) }),
    held(ana.id, -30, { status: 'closed', outcome: 'resolved_no_action', closedAt: at(-20) }),
    held(ben.id, -6, {
      slaBreached: true,
      escalations: [escalation('security', -3, 3), escalation('compliance', -4, -2)],
    }),
    held(ben.id, -2, { resolutionDueAt: at(48) }),
  ];
  for (const c of history) await saveCase(db, c);
});
afterAll(async () => api?.stop());

describe('GET /v1/reports/workload', () => {
  let report: WorkloadReport;

  beforeAll(async () => {
    const answer = await api.call('GET', '/v1/reports/workload?businessLine=wallet', { token: lead.token });
    expect(answer.status).toBe(200);
    report = answer.body as unknown as WorkloadReport;
  });

  const age = (oldestAt: string) => Math.floor((Date.parse(report.at) - Date.parse(oldestAt)) / 1_000);

  it('gives each agent’s open cases, the oldest, due soon and breached, as worked out by hand', () => {
    expect(report).toMatchObject({ businessLine: 'wallet', dueSoonSeconds: 4 * 3_600 });
    const mine = report.agents.filter((row) => row.assignee === ana.id || row.assignee === ben.id);
    // Ana first: both have one breached, and she holds more.
    expect(mine).toEqual([
      {
        assignee: ana.id,
        open: 3,
        oldestAt: at(-10),
        oldestAgeSeconds: age(at(-10)),
        dueSoon: 1,
        breached: 1,
      },
      { assignee: ben.id, open: 2, oldestAt: at(-6), oldestAgeSeconds: age(at(-6)), dueSoon: 0, breached: 1 },
    ]);
    expect(mine[0]!.oldestAgeSeconds).toBeGreaterThanOrEqual(10 * 3_600);
  });

  it('gives each department’s open escalations', () => {
    // No other test writes wallet cases, so these rows are this history's alone.
    expect(report.departments).toEqual([
      {
        department: 'compliance',
        open: 1,
        oldestAt: at(-4),
        oldestAgeSeconds: age(at(-4)),
        dueSoon: 0,
        breached: 1,
      },
      {
        department: 'security',
        open: 1,
        oldestAt: at(-3),
        oldestAgeSeconds: age(at(-3)),
        dueSoon: 1,
        breached: 0,
      },
    ]);
  });

  it('needs the * scope for all lines, and the line’s scope for one', async () => {
    expectProblem(await api.call('GET', '/v1/reports/workload', { token: lead.token }), 403, 'out_of_scope');
    expectProblem(
      await api.call('GET', '/v1/reports/workload?businessLine=spot', { token: lead.token }),
      403,
      'out_of_scope',
    );
  });

  it('refuses an unknown business line or parameter with a problem', async () => {
    expectProblem(
      await api.call('GET', '/v1/reports/workload?businessLine=moon', { token: lead.token }),
      400,
      'validation_failed',
    );
    expectProblem(
      await api.call('GET', '/v1/reports/workload?from=2025-01-01T00:00:00Z', { token: lead.token }),
      400,
      'validation_failed',
    );
  });
});
