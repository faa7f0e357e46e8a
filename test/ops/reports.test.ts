import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCase, saveCase } from '../../src/db/projections.js';
import type { OperationsReport } from '../../src/db/reports.js';
import { operationsReport } from '../../src/db/reports.js';
import type { Case } from '../../src/domain/case.js';
import { openCase } from '../../src/domain/lifecycle/intake.js';
import type { Channel, RiskTier } from '../../src/domain/vocabulary.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import {
  applyControl,
  caseInput,
  eventually,
  makeCast,
  newAccountId,
  untilStatus,
} from '../support/world.js';

/*
 * The database is shared by every test file of the run, so exact figures come from a business line no
 * other test uses ('earn'; keep it that way) and a window that starts with this file.
 */
const line = 'earn';

let services: Services;
let cast: Cast;
let windowStart: Date;

beforeAll(async () => {
  windowStart = new Date();
  // A monitoring window no test outlasts, so the revert below always lands while the lift is still watched.
  services = await startServices({
    policy: { monitoring: { window: { low: '15m', medium: '15m', high: '15m', critical: '15m' } } },
  });
  cast = await makeCast(services);
});
afterAll(async () => services?.stop());

function seconds(from: string, to: string | null): number {
  return (Date.parse(to!) - Date.parse(from)) / 1_000;
}

/** percentile_cont over two samples: linear interpolation between them. */
function percentileOfTwo(samples: number[], p: number): number {
  const [low, high] = [...samples].sort((a, b) => a - b) as [number, number];
  return low + p * (high - low);
}

/** Claimed, lifted by maker and checker, then reverted by a senior and closed as reverted. */
async function revertedUnfreeze(): Promise<Case> {
  const accountId = newAccountId();
  const lock = await applyControl(services, accountId, 'login_lock', { businessLine: line });
  const created = await services.cases.create(
    cast.agent,
    caseInput(accountId, { businessLine: line, controlIds: [lock.id] }),
  );
  await services.cases.act(cast.agent, created.id, 'claim', {});
  const proposed = await services.cases.act(cast.agent, created.id, 'propose', {
    controlIds: [lock.id],
    reasonCode: 'verified_owner',
    justification: 'Identity verified on a video call.',
  });
  await services.cases.act(cast.checker, created.id, 'approve', { proposalId: proposed.proposals[0]!.id });
  await untilStatus(services, created.id, 'monitoring');
  await services.cases.act(cast.reverter, created.id, 'revert', { reason: 'the caller was not the owner' });
  await untilStatus(services, created.id, 'reverted');
  await services.cases.act(cast.agent, created.id, 'resolve', {
    outcome: 'reverted',
    summary: 'Account taken over; restriction back in place.',
  });
  return untilStatus(services, created.id, 'closed');
}

/** Claimed, one escalation left to breach its SLA and one answered in time, then resolved without action. */
async function escalatedComplaint(): Promise<Case> {
  const created = await services.cases.create(
    cast.agent2,
    caseInput(newAccountId(), { type: 'complaint', businessLine: line }),
  );
  await services.cases.act(cast.agent2, created.id, 'claim', {});
  await services.cases.act(cast.agent2, created.id, 'escalate', {
    department: 'security',
    question: 'Was this device seen before?',
    slaMinutes: 0.02,
  });
  await eventually(
    () => findCase(services.database.db, created.id),
    (c) => c?.escalations[0]?.breached === true,
    { what: 'the security escalation to breach its SLA' },
  );
  await services.cases.act(cast.agent2, created.id, 'escalate', {
    department: 'compliance',
    question: 'Any sanctions hit on this user?',
    slaMinutes: 60,
  });
  await services.cases.act(cast.agent2, created.id, 'resolve', {
    outcome: 'resolved_no_action',
    summary: 'The restriction was right; explained to the user.',
  });
  return untilStatus(services, created.id, 'closed');
}

/** Opened and left alone: counts as opened, adds no claim or close sample. */
async function openedOnly(): Promise<Case> {
  const accountId = newAccountId();
  const freeze = await applyControl(services, accountId, 'account_freeze', { businessLine: line });
  return services.cases.create(
    cast.agent,
    caseInput(accountId, { businessLine: line, controlIds: [freeze.id] }),
  );
}

/** The workflow answers queries before its projection is written; the report reads the projection. */
async function projected(c: Case): Promise<Case> {
  const stored = await eventually(
    () => findCase(services.database.db, c.id),
    (p) => p !== undefined && p.revision >= c.revision,
    { what: `the projection of ${c.id} to reach revision ${c.revision}` },
  );
  return stored!;
}

describe('the operations report', () => {
  let reverted: Case;
  let complaint: Case;
  let untouched: Case;
  let report: OperationsReport;

  beforeAll(async () => {
    [reverted, complaint, untouched] = await Promise.all([
      revertedUnfreeze().then(projected),
      escalatedComplaint().then(projected),
      openedOnly().then(projected),
    ]);
    report = await operationsReport(services.database.db, {
      from: windowStart,
      to: new Date(Date.now() + 1_000),
      businessLine: line,
    });
  });

  it('counts cases opened by type and business line', () => {
    expect(untouched.status).toBe('open');
    expect(report.opened).toEqual([
      { type: 'complaint', businessLine: line, count: 1 },
      { type: 'unfreeze', businessLine: line, count: 2 },
    ]);
  });

  it('counts cases closed by type, business line and outcome', () => {
    expect(report.closed).toEqual([
      { type: 'complaint', businessLine: line, outcome: 'resolved_no_action', count: 1 },
      { type: 'unfreeze', businessLine: line, outcome: 'reverted', count: 1 },
    ]);
  });

  it('gives the median and p90 time to first claim over the claimed cases only', () => {
    const samples = [reverted, complaint].map((c) => seconds(c.createdAt, c.firstClaimedAt));
    expect(report.timeToFirstClaim.samples).toBe(2);
    expect(report.timeToFirstClaim.medianSeconds).toBeCloseTo(percentileOfTwo(samples, 0.5), 2);
    expect(report.timeToFirstClaim.p90Seconds).toBeCloseTo(percentileOfTwo(samples, 0.9), 2);
  });

  it('gives the median and p90 time to close over the closed cases only', () => {
    const samples = [reverted, complaint].map((c) => seconds(c.createdAt, c.closedAt));
    expect(samples.every((s) => s > 0)).toBe(true);
    expect(report.timeToClose.samples).toBe(2);
    expect(report.timeToClose.medianSeconds).toBeCloseTo(percentileOfTwo(samples, 0.5), 2);
    expect(report.timeToClose.p90Seconds).toBeCloseTo(percentileOfTwo(samples, 0.9), 2);
  });

  it('gives the SLA breach rate per department', () => {
    expect(report.slaBreachRate).toEqual([
      { department: 'compliance', escalations: 1, breached: 0, rate: 0 },
      { department: 'security', escalations: 1, breached: 1, rate: 1 },
    ]);
  });

  it('counts lifts and reverts from the audit log and gives the wrong-unfreeze rate', () => {
    expect(report).toMatchObject({ lifts: 1, reverts: 1, revertRate: 1 });
  });

  it('echoes the window and the business line', () => {
    expect(report.from).toBe(windowStart.toISOString());
    expect(report.businessLine).toBe(line);
  });

  it('has no figures for a window before any of these cases', async () => {
    const empty = await operationsReport(services.database.db, {
      from: new Date(windowStart.getTime() - 3_600_000),
      to: new Date(Date.parse(reverted.createdAt) - 60_000),
      businessLine: line,
    });
    expect(empty).toMatchObject({
      opened: [],
      closed: [],
      timeToFirstClaim: { samples: 0, medianSeconds: null, p90Seconds: null },
      timeToClose: { samples: 0, medianSeconds: null, p90Seconds: null },
      responseTimes: [],
      slaBreachRate: [],
      lifts: 0,
      reverts: 0,
      lateReverts: 0,
      revertRate: null,
      lateRevertRate: null,
    });
  });

  it('over all business lines includes at least these cases (other files add their own)', async () => {
    const all = await operationsReport(services.database.db, {
      from: windowStart,
      to: new Date(Date.now() + 1_000),
    });
    expect(all.businessLine).toBeNull();
    expect(all.opened).toEqual(expect.arrayContaining(report.opened));
    expect(all.timeToClose.samples).toBeGreaterThanOrEqual(2);
    expect(all.lifts).toBeGreaterThanOrEqual(1);
    expect(all.reverts).toBeGreaterThanOrEqual(1);
    const security = all.slaBreachRate.find((r) => r.department === 'security');
    expect(security?.breached).toBeGreaterThanOrEqual(1);
  });

  it('for another business line does not count these cases', async () => {
    const card = await operationsReport(services.database.db, {
      from: windowStart,
      to: new Date(Date.now() + 1_000),
      businessLine: 'card',
    });
    expect(card.opened.every((r) => r.businessLine === 'card')).toBe(true);
    expect(card.closed.every((r) => r.businessLine === 'card')).toBe(true);
  });

  it('refuses an empty window', async () => {
    await expect(
      operationsReport(services.database.db, { from: windowStart, to: windowStart }),
    ).rejects.toThrow(RangeError);
  });
});

describe('the operations report’s response times by channel and tier, over a fixed history', () => {
  /*
   * Projections written straight to the table, in a February 2024 window no other file writes to. Seconds
   * after creation: email/low claimed after 60, 120 and 300 and closed after 600 and 1200 (the third
   * still open); email/high claimed after 30 and closed after 300; phone/low never claimed; a fifth
   * email/low case created as the window ends counts for nothing.
   */
  const start = Date.parse('2024-02-01T00:00:00.000Z');
  const iso = (ms: number) => new Date(ms).toISOString();

  function fixed(
    key: string,
    createdHours: number,
    channel: Channel,
    riskTier: RiskTier,
    claimedAfter: number | null,
    closedAfter: number | null,
  ): Case {
    const created = start + createdHours * 3_600_000;
    const c = openCase(
      `RT-${key}-${newAccountId()}`,
      caseInput(newAccountId(), { type: 'complaint', businessLine: 'fiat', channel, controlIds: [] }),
      { tier: riskTier, reasons: ['fixed history'] },
      'someone',
      iso(created),
    );
    return {
      ...c,
      status: closedAfter === null ? (claimedAfter === null ? 'open' : 'in_review') : 'closed',
      outcome: closedAfter === null ? null : 'resolved_no_action',
      firstClaimedAt: claimedAfter === null ? null : iso(created + claimedAfter * 1_000),
      closedAt: closedAfter === null ? null : iso(created + closedAfter * 1_000),
      revision: 4,
    };
  }

  let report: OperationsReport;

  beforeAll(async () => {
    const history = [
      fixed('a', 0, 'email', 'low', 60, 600),
      fixed('b', 1, 'email', 'low', 120, 1_200),
      fixed('c', 2, 'email', 'low', 300, null),
      fixed('d', 3, 'email', 'high', 30, 300),
      fixed('e', 4, 'phone', 'low', null, null),
      fixed('f', 24, 'email', 'low', 9_999, 99_999),
    ];
    for (const c of history) await saveCase(services.database.db, c);
    report = await operationsReport(services.database.db, {
      from: new Date(start),
      to: new Date(start + 86_400_000),
      businessLine: 'fiat',
    });
  });

  it('gives p50 and p90 by channel and tier, worked out by hand (percentile_cont interpolates)', () => {
    expect(report.responseTimes).toEqual([
      {
        channel: 'email',
        riskTier: 'low',
        // [60, 120, 300]: p50 the middle one; p90 at rank 0.9 × 2 = 1.8, 120 + 0.8 × (300 − 120) = 264.
        timeToFirstResponse: { samples: 3, medianSeconds: 120, p90Seconds: 264 },
        // [600, 1200]: p50 halfway, 900; p90 600 + 0.9 × 600 = 1140.
        timeToResolution: { samples: 2, medianSeconds: 900, p90Seconds: 1_140 },
      },
      {
        channel: 'email',
        riskTier: 'high',
        timeToFirstResponse: { samples: 1, medianSeconds: 30, p90Seconds: 30 },
        timeToResolution: { samples: 1, medianSeconds: 300, p90Seconds: 300 },
      },
      {
        channel: 'phone',
        riskTier: 'low',
        timeToFirstResponse: { samples: 0, medianSeconds: null, p90Seconds: null },
        timeToResolution: { samples: 0, medianSeconds: null, p90Seconds: null },
      },
    ]);
  });

  it('keeps the overall figures over the same cases', () => {
    // [30, 60, 120, 300]: p50 (60 + 120) / 2 = 90; p90 at rank 2.7, 120 + 0.7 × 180 = 246.
    expect(report.timeToFirstClaim).toEqual({ samples: 4, medianSeconds: 90, p90Seconds: 246 });
    // [300, 600, 1200]: p50 600; p90 at rank 1.8, 600 + 0.8 × 600 = 1080.
    expect(report.timeToClose).toEqual({ samples: 3, medianSeconds: 600, p90Seconds: 1_080 });
    expect(report.opened).toEqual([{ type: 'complaint', businessLine: 'fiat', count: 5 }]);
  });
});
