import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/db/audit.js';
import { saveCase } from '../../src/db/projections.js';
import { proposalViews } from '../../src/db/schema/index.js';
import type { Case, Proposal } from '../../src/domain/case.js';
import { PROPOSAL_REMINDED } from '../../src/domain/fourEyes.js';
import type { FourEyesReport } from '../../src/domain/fourEyes.js';
import { openCase } from '../../src/domain/lifecycle/intake.js';
import type { Actor } from '../../src/domain/permissions.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { expectProblem } from '../support/openapi.js';
import { applyControl, caseAwaitingApproval, caseInput, eventually, newAccountId } from '../support/world.js';
import type { FixtureProposal, Person } from '../ops/fixtures/fourEyesHistory.js';
import {
  T0,
  WEEK_SECONDS,
  at,
  expected,
  history,
  people,
  thresholds,
} from '../ops/fixtures/fourEyesHistory.js';

type Caller = Actor & { token: string };

let api: ApiHarness;
let auditor: Caller;
const ids = new Map<Person, string>();
const idOf = (person: Person) => ids.get(person)!;
const caseIds = new Map<string, string>();

const as = (who: Caller, method: string, path: string, body?: unknown) =>
  api.call(method, path, { token: who.token, ...(body === undefined ? {} : { body }) });

/** A proposal of the fixed history as the projection stores it, decided as the table says. */
function proposalOf(p: FixtureProposal): Proposal {
  const approvals = p.decisions.filter((d) => d.decision === 'approved');
  const rejection = p.decisions.find((d) => d.decision === 'rejected');
  const decidedAt = Math.max(...p.decisions.map((d) => d.at));
  return {
    id: 'prop-1',
    controlIds: [],
    controlVersions: {},
    reasonCode: 'verified_owner',
    justification: 'The owner proved control of the account.',
    evidence: Array.from({ length: p.evidence }, (_, i) => ({ kind: 'other' as const, ref: `doc-${i}` })),
    maker: idOf(p.maker),
    requiredApprovals: p.decisions.length,
    requiredRole: null,
    requiredRoles: [],
    approvals: approvals.map((d) => ({ by: idOf(d.checker), at: at(d.at), comment: null, countsAs: null })),
    rejection: rejection
      ? { by: idOf(rejection.checker), at: at(rejection.at), comment: 'not convinced' }
      : null,
    status: rejection ? 'rejected' : 'approved',
    createdAt: at(p.decisions[0]!.at - 1_000),
    expiresAt: at(p.decisions[0]!.at + 86_400),
    decidedAt: at(decidedAt),
    offer: null,
  };
}

/** Writes the fixed history: one case per proposal on the p2p line, the checkers' views and the reminders. */
async function writeHistory(): Promise<void> {
  const { db } = api.services.database;
  for (const p of history) {
    const caseId = `FE-${p.caseKey}-${randomUUID().slice(0, 8)}`;
    caseIds.set(p.caseKey, caseId);
    const opened = openCase(
      caseId,
      caseInput(newAccountId(), { type: 'complaint', businessLine: 'p2p', controlIds: [] }),
      { tier: 'low', reasons: ['fixed history'] },
      idOf(p.maker),
      at(p.decisions[0]!.at - 2_000),
    );
    const decided: Case = { ...opened, proposals: [proposalOf(p)], revision: 5 };
    await saveCase(db, decided);
    for (const d of p.decisions) {
      const views = [
        ...(d.viewedAt === undefined ? [] : [{ what: 'proposal' as const, seconds: d.viewedAt }]),
        ...(d.evidenceOpenedAt === undefined
          ? []
          : [{ what: 'evidence' as const, seconds: d.evidenceOpenedAt }]),
      ];
      for (const v of views) {
        await db.insert(proposalViews).values({
          caseId,
          proposalId: 'prop-1',
          userId: idOf(d.checker),
          what: v.what,
          firstViewedAt: new Date(at(v.seconds)),
        });
      }
    }
    if (p.remindedAt !== undefined) {
      await recordAudit(db, [
        {
          stream: caseId,
          at: at(p.remindedAt),
          actor: 'system',
          action: PROPOSAL_REMINDED,
          outcome: 'accepted',
          details: { proposalId: 'prop-1' },
          caseId,
          accountId: decided.accountId,
        },
      ]);
    }
  }
}

beforeAll(async () => {
  api = await startApi({
    policy: { fourEyes: { quickDecision: '20s', concentration: thresholds.concentration } },
  });
  auditor = await api.user(['auditor']);
  for (const person of people) {
    const roles = person.startsWith('m') ? (['agent'] as const) : (['checker'] as const);
    ids.set(person, (await api.user([...roles], { name: person })).id);
  }
  await writeHistory();
});
afterAll(async () => api?.stop());

const week = `from=${T0}&to=${at(WEEK_SECONDS)}`;

describe('GET /v1/reports/four-eyes over a fixed history', () => {
  let report: FourEyesReport;

  beforeAll(async () => {
    const answer = await as(auditor, 'GET', `/v1/reports/four-eyes?${week}&businessLine=p2p`);
    expect(answer.status).toBe(200);
    report = answer.body as unknown as FourEyesReport;
  });

  it('gives the team’s figures: rates, time from view to decision, unviewed, reminders, evidence', () => {
    expect(report.team).toEqual(expected.team);
  });

  it('gives each checker’s figures, approval rate against the team’s, and who rejected nothing', () => {
    expect(report.checkers).toHaveLength(3);
    for (const [person, figures] of Object.entries(expected.checkers)) {
      const { approvalRateVsTeam, ...rest } = figures;
      const row = report.checkers.find((c) => c.checker === idOf(person as Person));
      expect(row).toMatchObject(rest);
      expect(row?.approvalRateVsTeam).toBeCloseTo(approvalRateVsTeam, 9);
    }
    expect(report.neverRejected).toEqual(expected.neverRejected.map(idOf));
  });

  it('gives each maker–checker pair', () => {
    expect(report.pairs).toHaveLength(expected.pairs.length);
    for (const pair of expected.pairs) {
      expect(
        report.pairs.find((p) => p.maker === idOf(pair.maker) && p.checker === idOf(pair.checker)),
      ).toMatchObject({ ...pair, maker: idOf(pair.maker), checker: idOf(pair.checker) });
    }
  });

  it('gives pair concentration per maker, flagged above the policy’s share with enough proposals', () => {
    const lowest = (candidates: Person[]) => candidates.map(idOf).sort()[0];
    expect(report.concentration).toEqual([
      {
        maker: idOf('mia'),
        ...expected.concentration.mia,
        topChecker: lowest(expected.concentration.mia.topChecker),
      },
      {
        maker: idOf('max'),
        ...expected.concentration.max,
        topChecker: lowest(expected.concentration.max.topChecker),
      },
    ]);
  });

  it('states the window and the thresholds it judged by', () => {
    expect(report).toMatchObject({
      from: T0,
      to: at(WEEK_SECONDS),
      businessLine: 'p2p',
      thresholds: { quickDecisionSeconds: 20, concentrationShare: 0.5, concentrationMinProposals: 4 },
    });
  });

  it('over all business lines gives the same figures for this week, which no other test writes in', async () => {
    const all = await as(auditor, 'GET', `/v1/reports/four-eyes?${week}`);
    expect(all.status).toBe(200);
    expect((all.body as unknown as FourEyesReport).team).toEqual(expected.team);
  });

  it('for another business line counts none of these decisions', async () => {
    const spot = await as(auditor, 'GET', `/v1/reports/four-eyes?${week}&businessLine=spot`);
    expect((spot.body as unknown as FourEyesReport).team.decisions).toBe(0);
  });

  it('a user scoped to one line must ask for that line; an agent cannot read it', async () => {
    const p2pAuditor = await api.user(['auditor'], { businessLines: ['p2p'] });
    expectProblem(await as(p2pAuditor, 'GET', `/v1/reports/four-eyes?${week}`), 403, 'out_of_scope');
    expect((await as(p2pAuditor, 'GET', `/v1/reports/four-eyes?${week}&businessLine=p2p`)).status).toBe(200);
    const agent = await api.user(['agent']);
    expectProblem(await as(agent, 'GET', `/v1/reports/four-eyes?${week}`), 403, 'forbidden');
  });

  it('refuses a window whose end comes before its start', async () => {
    const answer = await as(auditor, 'GET', `/v1/reports/four-eyes?from=${at(10)}&to=${T0}`);
    expectProblem(answer, 400, 'validation_failed');
  });
});

describe('POST /v1/cases/{caseId}/proposals/{proposalId}/views', () => {
  let checker: Caller;
  let maker: Caller;
  let caseId: string;
  let proposalId: string;

  beforeAll(async () => {
    maker = await api.user(['agent']);
    checker = await api.user(['checker']);
    const lock = await applyControl(api.services, newAccountId(), 'login_lock');
    ({ caseId, proposalId } = await caseAwaitingApproval(api.services, maker, [lock]));
  });

  const viewPath = () => `/v1/cases/${caseId}/proposals/${proposalId}/views`;

  it('records the first view with 201 and answers later views with it and 200', async () => {
    const first = await as(checker, 'POST', viewPath(), { what: 'proposal' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      caseId,
      proposalId,
      userId: checker.id,
      what: 'proposal',
      first: true,
    });
    const again = await as(checker, 'POST', viewPath(), { what: 'proposal' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ first: false, firstViewedAt: first.body.firstViewedAt });
  });

  it('records opening the evidence apart from the proposal', async () => {
    const evidence = await as(checker, 'POST', viewPath(), { what: 'evidence' });
    expect(evidence.status).toBe(201);
    expect(evidence.body).toMatchObject({ what: 'evidence', first: true });
  });

  it('measures the checker’s decision from that first view in the report', async () => {
    const approved = await as(checker, 'POST', `/v1/cases/${caseId}/proposals/${proposalId}/approve`, {});
    expect(approved.status).toBe(200);
    const now = Date.now();
    const window = `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;
    // The projection records an approval once the lift it started is under way.
    const row = await eventually(
      async () => {
        const answer = await as(auditor, 'GET', `/v1/reports/four-eyes?${window}&businessLine=spot`);
        return (answer.body as unknown as FourEyesReport).checkers.find((c) => c.checker === checker.id);
      },
      (found) => found !== undefined,
      { what: 'the approval to reach the report' },
    );
    expect(row).toMatchObject({ decisions: 1, approvals: 1, viewed: 1, unviewed: 0, evidenceNeverOpened: 0 });
    expect(row?.medianSecondsFromView).toBeGreaterThanOrEqual(0);
  });

  it('answers 404 for a proposal the case does not have, and for an unknown case', async () => {
    expectProblem(
      await as(checker, 'POST', `/v1/cases/${caseId}/proposals/prop-99/views`, { what: 'proposal' }),
      404,
      'not_found',
    );
    expectProblem(
      await as(checker, 'POST', `/v1/cases/NOPE-1/proposals/prop-1/views`, { what: 'proposal' }),
      404,
      'not_found',
    );
  });

  it('refuses a reader outside the case’s business line, and an unknown kind of view', async () => {
    const outsider = await api.user(['checker'], { businessLines: ['card'] });
    expectProblem(await as(outsider, 'POST', viewPath(), { what: 'proposal' }), 403, 'out_of_scope');
    expectProblem(await as(checker, 'POST', viewPath(), { what: 'glance' }), 400, 'validation_failed');
  });
});
