import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/db/audit.js';
import { issueToken } from '../../src/db/users.js';
import type { ProposalOffer } from '../../src/domain/case.js';
import { drawOne } from '../../src/domain/draw.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { expectProblem } from '../support/openapi.js';
import { applyControl, caseAwaitingApproval, eventually, newAccountId } from '../support/world.js';

/*
 * Every tier routes random_first here, with an offer long enough to bind for the whole test. The eligible
 * set is every checker in the shared users table, other files' included, so the drawn checker is read from
 * the offer and given a token; this file's two checkers are in the set, and at least one of them is
 * always someone the offer did not go to.
 */
type User = Awaited<ReturnType<ApiHarness['user']>>;
interface Allowed {
  action: string;
  allowed: boolean;
  code: string | null;
  reason: string | null;
  proposalId: string | null;
}
interface ProposalBody {
  id: string;
  offer: ProposalOffer | null;
}

let api: ApiHarness;
let maker: User;
let checkers: User[];

beforeAll(async () => {
  api = await startApi({
    policy: {
      checkerRouting: {
        version: 'api-routing',
        tiers: {
          low: 'random_first',
          medium: 'random_first',
          high: 'random_first',
          critical: 'random_first',
        },
        offerExpiry: '30m',
      },
    },
  });
  maker = await api.user(['agent'], { businessLines: ['spot'] });
  checkers = [
    await api.user(['checker'], { businessLines: ['spot'] }),
    await api.user(['checker'], { businessLines: ['spot'] }),
  ];
});
afterAll(async () => api?.stop());

async function offered(): Promise<{ caseId: string; proposalId: string; offer: ProposalOffer }> {
  const control = await applyControl(api.services, newAccountId(), 'login_lock');
  const { caseId, proposalId } = await caseAwaitingApproval(api.services, maker, [control]);
  const read = await api.call('GET', `/v1/cases/${caseId}`, { token: maker.token });
  expect(read.status).toBe(200);
  const offer = (read.body.proposals as ProposalBody[]).find((p) => p.id === proposalId)?.offer;
  if (!offer) throw new Error(`proposal ${proposalId} carries no offer`);
  return { caseId, proposalId, offer };
}

/** The drawn checker, whoever they are, with a token of their own. */
async function drawnOf(offer: ProposalOffer): Promise<{ id: string; token: string }> {
  const { token } = await issueToken(api.services.database.db, offer.checker);
  return { id: offer.checker, token };
}

function bystander(offer: ProposalOffer): User {
  const other = checkers.find((c) => c.id !== offer.checker);
  if (!other) throw new Error('every checker is the drawn one');
  return other;
}

async function allowedFor(token: string, caseId: string, action: string, proposalId: string) {
  const read = await api.call('GET', `/v1/cases/${caseId}`, { token });
  expect(read.status).toBe(200);
  const entry = (read.body.allowedActions as Allowed[]).find(
    (a) => a.action === action && a.proposalId === proposalId,
  );
  if (!entry) throw new Error(`no ${action} entry for ${proposalId}`);
  return entry;
}

const passOn = (caseId: string, proposalId: string, token: string, body: unknown = {}) =>
  api.call('POST', `/v1/cases/${caseId}/proposals/${proposalId}/pass-on`, { token, body });

describe('a proposal offered to one drawn checker', () => {
  it('carries the offer: the checker, until when, and the audited seed and set that repeat the draw', async () => {
    const { caseId, proposalId, offer } = await offered();
    expect(offer).toMatchObject({ status: 'offered', policyVersion: 'api-routing' });
    expect(offer.candidates).toEqual(expect.arrayContaining(checkers.map((c) => c.id)));
    expect(offer.candidates).not.toContain(maker.id);
    expect(drawOne(offer.seed, offer.candidates)).toBe(offer.checker);
    const createdAt = Date.parse(
      (await api.services.cases.read(caseId)).proposals.find((p) => p.id === proposalId)!.createdAt,
    );
    expect(Date.parse(offer.until) - createdAt).toBe(30 * 60_000);

    const auditor = await api.user(['auditor']);
    const audit = await api.call('GET', `/v1/cases/${caseId}/audit`, { token: auditor.token });
    const created = (audit.body.items as { action: string; details: { offer?: unknown } }[]).find(
      (e) => e.action === 'proposal.created',
    );
    expect(created?.details.offer).toEqual(offer);
  });

  it('everyone else’s allowedActions says whom it is offered to and until when; the drawn checker may decide or pass on', async () => {
    const { caseId, proposalId, offer } = await offered();
    const other = bystander(offer);
    for (const action of ['approve', 'reject', 'passOn']) {
      const entry = await allowedFor(other.token, caseId, action, proposalId);
      expect(entry).toMatchObject({ allowed: false, code: 'forbidden' });
      expect(entry.reason).toContain(offer.checker);
    }
    expect((await allowedFor(other.token, caseId, 'approve', proposalId)).reason).toContain(
      `offered to ${offer.checker} until ${offer.until}`,
    );
    const drawn = await drawnOf(offer);
    for (const action of ['approve', 'reject', 'passOn']) {
      expect(await allowedFor(drawn.token, caseId, action, proposalId)).toMatchObject({ allowed: true });
    }
  });

  it('another checker’s approve is refused with 403 forbidden naming the offer, and audited as denied', async () => {
    const { caseId, proposalId, offer } = await offered();
    const other = bystander(offer);
    const refused = await api.call('POST', `/v1/cases/${caseId}/proposals/${proposalId}/approve`, {
      token: other.token,
      body: {},
    });
    expectProblem(refused, 403, 'forbidden');
    expect(refused.body.detail).toContain(`offered to ${offer.checker} until ${offer.until}`);
    const denied = await eventually(
      async () =>
        (await readStream(api.services.database.db, caseId)).filter(
          (e) => e.outcome === 'denied' && e.actor === other.id,
        ),
      (rows) => rows.length > 0,
      { what: `the denied approve on ${caseId}` },
    );
    expect(denied[0]?.details).toMatchObject({ code: 'forbidden' });
  });

  it('POST …/pass-on by the drawn checker opens the proposal to every eligible checker', async () => {
    const { caseId, proposalId, offer } = await offered();
    const other = bystander(offer);
    expectProblem(await passOn(caseId, proposalId, other.token), 403, 'forbidden');

    const drawn = await drawnOf(offer);
    const passed = await passOn(caseId, proposalId, drawn.token, { comment: 'I know the user personally.' });
    expect(passed.status, JSON.stringify(passed.body)).toBe(200);
    expect(passed.body.status).toBe('awaiting_approval');
    const proposal = (passed.body.proposals as ProposalBody[]).find((p) => p.id === proposalId);
    expect(proposal?.offer).toEqual({ ...offer, status: 'passed' });

    expectProblem(await passOn(caseId, proposalId, drawn.token), 409, 'invalid_state');
    expect(await allowedFor(other.token, caseId, 'approve', proposalId)).toMatchObject({
      allowed: true,
      reason: null,
    });
    const approved = await api.call('POST', `/v1/cases/${caseId}/proposals/${proposalId}/approve`, {
      token: other.token,
      body: {},
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  });

  it('pass-on refuses a body with unknown fields', async () => {
    const { caseId, proposalId, offer } = await offered();
    const drawn = await drawnOf(offer);
    expectProblem(await passOn(caseId, proposalId, drawn.token, { reason: 'x' }), 400, 'validation_failed');
  });
});
