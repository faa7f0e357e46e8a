import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlEvents } from '../../src/db/schema/index.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { caseInput, eventually, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;

interface ApiProposal {
  id: string;
  status: string;
  requiredApprovals: number;
  approvals: { by: string; countsAs: string | null }[];
}

let api: ApiHarness;
let agent: User;
let riskEngine: User;
let senior: User;
let checkerA: User;
let checkerB: User;
beforeAll(async () => {
  // A long monitoring window, so the lifted case is still there to be seen in `monitoring`.
  api = await startApi({
    policy: { monitoring: { window: { low: '60s', medium: '60s', high: '60s', critical: '60s' } } },
  });
  agent = await api.user(['agent']);
  riskEngine = await api.user(['risk_engine']);
  senior = await api.user(['checker', 'senior']);
  checkerA = await api.user(['checker']);
  checkerB = await api.user(['checker']);
});
afterAll(async () => api?.stop());

/** A high-tier unfreeze case (a freeze put on for fraud) with a pending proposal needing 2 incl. a senior. */
async function highTierProposal(): Promise<{ caseId: string; proposalId: string; controlId: string }> {
  const accountId = newAccountId();
  const applied = await api.call('POST', `/v1/accounts/${accountId}/controls`, {
    token: riskEngine.token,
    body: {
      category: 'restriction',
      kind: 'account_freeze',
      businessLine: 'spot',
      reason: 'Suspected fraud ring',
    },
  });
  expect(applied.status).toBe(201);
  const controlId = applied.body.id as string;
  const created = await api.call('POST', '/v1/cases', {
    token: agent.token,
    body: { ...caseInput(accountId), controlIds: [controlId] },
  });
  expect(created.status).toBe(201);
  expect(created.body.riskTier).toBe('high');
  const caseId = created.body.id as string;
  expect((await api.call('POST', `/v1/cases/${caseId}/claim`, { token: agent.token })).status).toBe(200);
  const proposed = await api.call('POST', `/v1/cases/${caseId}/proposals`, {
    token: agent.token,
    body: {
      controlIds: [controlId],
      reasonCode: 'verified_owner',
      justification: 'Owner passed a video identity check; the fraud flag was a false match.',
    },
  });
  expect(proposed.status).toBe(201);
  const proposal = (proposed.body.proposals as ApiProposal[])[0];
  expect(proposal).toMatchObject({ status: 'pending', requiredApprovals: 2 });
  return { caseId, proposalId: proposal?.id ?? '', controlId };
}

async function liftsOf(controlId: string): Promise<number> {
  const rows = await api.services.database.db
    .select()
    .from(controlEvents)
    .where(and(eq(controlEvents.controlId, controlId), eq(controlEvents.action, 'lifted')));
  return rows.length;
}

async function approveAllAtOnce(): Promise<void> {
  const { caseId, proposalId, controlId } = await highTierProposal();
  const path = `/v1/cases/${caseId}/proposals/${proposalId}/approve`;
  const answers = await Promise.all(
    [senior, checkerA, checkerB].map((checker) =>
      api.call('POST', path, { token: checker.token, body: { comment: `approved by ${checker.id}` } }),
    ),
  );

  const accepted = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status !== 200);
  expect(accepted, JSON.stringify(answers.map((a) => a.body))).toHaveLength(2);
  expect(refused).toHaveLength(1);
  const [loser] = refused;
  expect([403, 409]).toContain(loser?.status);
  expect(['already_decided', 'invalid_state', 'forbidden']).toContain(loser?.body.code);
  expect(loser?.headers.get('content-type')).toMatch(/^application\/problem\+json/);

  const settled = await eventually(
    () => api.call('GET', `/v1/cases/${caseId}`, { token: agent.token }),
    (read) => read.body.status === 'monitoring',
    { what: `case ${caseId} to reach monitoring` },
  );
  const proposal = (settled.body.proposals as ApiProposal[]).find((p) => p.id === proposalId);
  expect(proposal?.status).toBe('approved');
  expect(proposal?.approvals).toHaveLength(2);
  expect(new Set(proposal?.approvals.map((a) => a.by)).size).toBe(2);
  // The senior's approval is among the two, whoever came first.
  expect(proposal?.approvals.map((a) => a.by)).toContain(senior.id);
  expect(proposal?.approvals.filter((a) => a.countsAs === 'senior')).toHaveLength(1);

  expect(await liftsOf(controlId)).toBe(1);
  const controls = await api.call('GET', `/v1/accounts/${settled.body.accountId as string}/controls`, {
    token: agent.token,
  });
  expect(controls.body.items).toEqual([expect.objectContaining({ id: controlId, status: 'lifted' })]);
}

describe('concurrent approvals', () => {
  it('three checkers approving a two-approval proposal at once: two count, the third is refused, one lift', async () => {
    await approveAllAtOnce();
  });

  it('the same race on three cases at once still lifts each control exactly once', async () => {
    await Promise.all([approveAllAtOnce(), approveAllAtOnce(), approveAllAtOnce()]);
  });
});
