import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { expectProblem } from '../support/openapi.js';
import { caseInput, eventually, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;

let api: ApiHarness;
let agent: User;
let checker: User;
let senior: User;
let compliance: User;
let riskEngine: User;

beforeAll(async () => {
  // Monitoring short (the test policy's 4 s) so cases close inside a test; the revert window an hour.
  api = await startApi({ policy: { revert: { window: '1h' } } });
  agent = await api.user(['agent']);
  checker = await api.user(['checker']);
  senior = await api.user(['checker', 'senior']);
  compliance = await api.user(['compliance']);
  riskEngine = await api.user(['risk_engine']);
});
afterAll(async () => api?.stop());

async function control(accountId: string, body: Record<string, unknown> = {}) {
  const applied = await api.call('POST', `/v1/accounts/${accountId}/controls`, {
    token: riskEngine.token,
    body: {
      category: 'restriction',
      kind: 'login_lock',
      businessLine: 'spot',
      reason: 'rule 17 fired',
      ...body,
    },
  });
  expect(applied.status, JSON.stringify(applied.body)).toBe(201);
  return applied.body as { id: string; source: string; externalRef: string | null };
}

async function claimedCase(controlIds: string[], accountId: string): Promise<string> {
  const created = await api.call('POST', '/v1/cases', {
    token: agent.token,
    body: { ...caseInput(accountId), controlIds },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  expect((await api.call('POST', `/v1/cases/${id}/claim`, { token: agent.token })).status).toBe(200);
  return id;
}

describe('control provenance', () => {
  it('a control records its source and reference; the source defaults to manual_review', async () => {
    const accountId = newAccountId();
    expect(await control(accountId)).toMatchObject({ source: 'manual_review', externalRef: null });
    const hold = await control(accountId, { source: 'law_enforcement', externalRef: 'ORDER-9' });
    expect(hold).toMatchObject({ source: 'law_enforcement', externalRef: 'ORDER-9' });
    const listed = await api.call('GET', `/v1/accounts/${accountId}/controls`, { token: agent.token });
    expect(
      (listed.body.items as { id: string; source: string }[]).find((c) => c.id === hold.id)?.source,
    ).toBe('law_enforcement');
    const bad = await api.call('POST', `/v1/accounts/${accountId}/controls`, {
      token: riskEngine.token,
      body: {
        category: 'restriction',
        kind: 'login_lock',
        businessLine: 'spot',
        reason: 'x',
        source: 'police',
      },
    });
    expectProblem(bad, 400, 'validation_failed');
  });
});

describe('proposals and the owners of what they lift', () => {
  it('a law-enforcement hold is refused with 409 protected_control naming the hold and its order', async () => {
    const accountId = newAccountId();
    const hold = await control(accountId, { source: 'law_enforcement', externalRef: 'ORDER-9' });
    const caseId = await claimedCase([hold.id], accountId);
    const read = await api.call('GET', `/v1/cases/${caseId}`, { token: agent.token });
    const propose = (read.body.allowedActions as { action: string; code: string | null }[]).find(
      (a) => a.action === 'propose',
    );
    expect(propose?.code).toBe('protected_control');

    const refused = await api.call('POST', `/v1/cases/${caseId}/proposals`, {
      token: agent.token,
      body: { controlIds: [hold.id], reasonCode: 'verified_owner', justification: 'Owner verified.' },
    });
    expectProblem(refused, 409, 'protected_control');
    expect(refused.body.detail).toContain(`${hold.id} (ORDER-9)`);

    const released = await api.call('POST', `/v1/cases/${caseId}/proposals`, {
      token: agent.token,
      body: {
        controlIds: [hold.id],
        reasonCode: 'legal_release',
        justification: 'The court released the order.',
        evidence: [{ kind: 'legal_release', ref: 'RELEASE-9' }],
      },
    });
    expect(released.status, JSON.stringify(released.body)).toBe(201);
    expect((released.body.proposals as unknown[]).at(-1)).toMatchObject({
      requiredApprovals: 2,
      requiredRole: 'compliance',
      requiredRoles: ['compliance'],
    });
  });

  it('missing evidence is a 400 naming each missing kind; an unknown reason code is a 400 too', async () => {
    const accountId = newAccountId();
    const lock = await control(accountId);
    const caseId = await claimedCase([lock.id], accountId);
    const missing = await api.call('POST', `/v1/cases/${caseId}/proposals`, {
      token: agent.token,
      body: { controlIds: [lock.id], reasonCode: 'kyc_reverified', justification: 'KYC passed.' },
    });
    expectProblem(missing, 400, 'validation_failed');
    expect(missing.body.errors).toEqual([
      { path: 'evidence', message: 'missing evidence of kind kyc_reference' },
    ]);

    const unknown = await api.call('POST', `/v1/cases/${caseId}/proposals`, {
      token: agent.token,
      body: { controlIds: [lock.id], reasonCode: 'because_i_said_so', justification: 'Trust me.' },
    });
    expectProblem(unknown, 400, 'validation_failed');

    const legacy = await api.call('POST', `/v1/cases/${caseId}/proposals`, {
      token: agent.token,
      body: {
        controlIds: [lock.id],
        reasonCode: 'verified_owner',
        justification: 'Owner verified.',
        evidence: ['call recording 2026-12-01'],
      },
    });
    expect(legacy.status, JSON.stringify(legacy.body)).toBe(201);
    expect((legacy.body.proposals as { evidence: unknown }[]).at(-1)?.evidence).toEqual([
      { kind: 'other', ref: 'call recording 2026-12-01' },
    ]);
  });

  it('GET /v1/policy/reason-codes lists the matrix new cases pin', async () => {
    const matrix = await api.call('GET', '/v1/policy/reason-codes', { token: agent.token });
    expect(matrix.status).toBe(200);
    expect(matrix.body).toMatchObject({
      version: '2026-12-01',
      unfreeze: { legal_release: { evidence: ['legal_release'], approverRole: 'compliance' } },
    });
    const created = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(newAccountId(), { type: 'complaint' }),
    });
    expect(created.body.reasonCodeVersion).toBe('2026-12-01');
  });
});

describe('after the case has closed', () => {
  it('POST revert answers with the case once the controls are back, and the account history shows it', async () => {
    const accountId = newAccountId();
    const lock = await control(accountId, { source: 'compliance', externalRef: 'AML-3' });
    const caseId = await claimedCase([lock.id], accountId);
    const proposed = await api.call('POST', `/v1/cases/${caseId}/proposals`, {
      token: agent.token,
      body: { controlIds: [lock.id], reasonCode: 'verified_owner', justification: 'Owner verified.' },
    });
    const proposalId = (proposed.body.proposals as { id: string }[]).at(-1)?.id ?? '';
    expect((proposed.body.proposals as { requiredRoles: string[] }[]).at(-1)?.requiredRoles).toEqual([
      'compliance',
    ]);
    const approved = await api.call('POST', `/v1/cases/${caseId}/proposals/${proposalId}/approve`, {
      token: compliance.token,
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    // The account history reads the projection, which a revert on a closed case starts from.
    await eventually(
      () => api.call('GET', `/v1/accounts/${accountId}/cases`, { token: checker.token }),
      (r) =>
        (r.body.items as { id: string; status: string }[]).some(
          (c) => c.id === caseId && c.status === 'closed',
        ),
      { what: 'the case closed after monitoring' },
    );

    const reverted = await api.call('POST', `/v1/cases/${caseId}/revert`, {
      token: senior.token,
      body: { reason: 'Chargeback three weeks later.' },
    });
    expect([200, 202]).toContain(reverted.status);
    const followUpCaseId = `REV-${caseId}-lift-1`;
    if (reverted.status === 202) expect(reverted.body.followUpCaseId).toBe(followUpCaseId);
    else
      expect((reverted.body.lifts as { revert: unknown }[])[0]?.revert).toMatchObject({
        late: true,
        followUpCaseId,
      });

    const history = await eventually(
      () => api.call('GET', `/v1/accounts/${accountId}/cases`, { token: checker.token }),
      (r) => (r.body.items as { id: string }[]).some((c) => c.id === followUpCaseId),
      { what: 'the follow-up case in the account history' },
    );
    const items = history.body.items as { id: string; linkedTo: unknown; lifts: { status: string }[] }[];
    expect(items.map((c) => c.id)).toEqual([followUpCaseId, caseId]);
    expect(items[0]?.linkedTo).toEqual({ caseId, liftId: 'lift-1', why: 'late_revert' });
    expect(items[1]?.lifts[0]?.status).toBe('reverted');
  });

  it('a revert of a case that lifted nothing is refused', async () => {
    const created = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(newAccountId(), { type: 'complaint' }),
    });
    const caseId = created.body.id as string;
    await api.call('POST', `/v1/cases/${caseId}/claim`, { token: agent.token });
    await api.call('POST', `/v1/cases/${caseId}/resolve`, {
      token: agent.token,
      body: { outcome: 'resolved_no_action', summary: 'Explained.' },
    });
    const refused = await api.call('POST', `/v1/cases/${caseId}/revert`, {
      token: senior.token,
      body: { reason: 'Why not.' },
    });
    expectProblem(refused, 409, 'invalid_state');
  });
});
