import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/api/signature.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { expectProblem } from '../support/openapi.js';
import { applyControl, caseInput, eventually, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;
type Answer = Awaited<ReturnType<ApiHarness['call']>>;

interface ApiProposal {
  id: string;
  status: string;
  maker: string;
  requiredApprovals: number;
  approvals: { by: string; comment: string | null }[];
}
interface ApiEscalation {
  id: string;
  department: string;
  status: string;
  answer: string | null;
  answeredBy: string | null;
}
interface ApiControl {
  id: string;
  accountId: string;
  kind: string;
  status: string;
  version: number;
}

let api: ApiHarness;
let agent: User;
let agent2: User;
let checker: User;
let senior: User;
let compliance: User;
let auditor: User;
let security: User;
let riskEngine: User;
let admin: User;

beforeAll(async () => {
  // Lifts stay in monitoring for a minute, long enough to revert them by hand or by a signal.
  api = await startApi({
    policy: { monitoring: { window: { low: '60s', medium: '60s', high: '60s', critical: '60s' } } },
  });
  agent = await api.user(['agent']);
  agent2 = await api.user(['agent']);
  checker = await api.user(['checker']);
  senior = await api.user(['senior']);
  compliance = await api.user(['compliance']);
  auditor = await api.user(['auditor']);
  security = await api.user(['department'], { departments: ['security'] });
  riskEngine = await api.user(['risk_engine']);
  admin = await api.user(['admin']);
});
afterAll(async () => api?.stop());

function as(user: User, method: string, path: string, body?: unknown): Promise<Answer> {
  return api.call(method, path, { token: user.token, ...(body !== undefined ? { body } : {}) });
}

async function created(answer: Answer): Promise<Record<string, unknown>> {
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return Promise.resolve(answer.body);
}

async function openComplaint(user: User = agent, accountId = newAccountId()): Promise<string> {
  const body = await created(
    await as(user, 'POST', '/v1/cases', caseInput(accountId, { type: 'complaint' })),
  );
  return body.id as string;
}

/** A low-tier unfreeze case (a login lock) claimed by `agent`; the control is the case's only one. */
async function claimedUnfreeze(): Promise<{ caseId: string; controlId: string; accountId: string }> {
  const accountId = newAccountId();
  const control = await applyControl(api.services, accountId, 'login_lock');
  const opened = await created(
    await as(agent, 'POST', '/v1/cases', { ...caseInput(accountId), controlIds: [control.id] }),
  );
  const caseId = opened.id as string;
  expect((await as(agent, 'POST', `/v1/cases/${caseId}/claim`)).status).toBe(200);
  return { caseId, controlId: control.id, accountId };
}

async function propose(caseId: string, controlId: string): Promise<{ answer: Answer; proposalId: string }> {
  const answer = await as(agent, 'POST', `/v1/cases/${caseId}/proposals`, {
    controlIds: [controlId],
    reasonCode: 'verified_owner',
    justification: 'Owner verified on a video call.',
    evidence: ['call recording 2024-11-24'],
  });
  const proposals = (answer.body.proposals ?? []) as ApiProposal[];
  return { answer, proposalId: proposals.at(-1)?.id ?? '' };
}

function readCase(caseId: string, user: User = agent): Promise<Answer> {
  return as(user, 'GET', `/v1/cases/${caseId}`);
}

function untilStatus(caseId: string, status: string): Promise<Answer> {
  return eventually(
    () => readCase(caseId),
    (read) => read.body.status === status,
    { what: `case ${caseId} to be ${status}` },
  );
}

async function controlsOf(accountId: string): Promise<ApiControl[]> {
  const listed = await as(agent, 'GET', `/v1/accounts/${accountId}/controls`);
  expect(listed.status).toBe(200);
  return listed.body.items as ApiControl[];
}

/** A case whose login lock was lifted and is now being watched. */
async function monitoredCase(): Promise<{ caseId: string; controlId: string; accountId: string }> {
  const opened = await claimedUnfreeze();
  const { proposalId } = await propose(opened.caseId, opened.controlId);
  const approved = await as(checker, 'POST', `/v1/cases/${opened.caseId}/proposals/${proposalId}/approve`, {
    comment: 'Identity check holds.',
  });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  await untilStatus(opened.caseId, 'monitoring');
  expect(await controlsOf(opened.accountId)).toEqual([
    expect.objectContaining({ id: opened.controlId, status: 'lifted' }),
  ]);
  return opened;
}

describe('opening a case', () => {
  it('an agent opens an unfreeze case naming an active control of the account', async () => {
    const accountId = newAccountId();
    const control = await applyControl(api.services, accountId, 'withdrawal_lock');
    const body = await created(
      await as(agent, 'POST', '/v1/cases', {
        ...caseInput(accountId),
        controlIds: [control.id],
        externalRef: 'ZD-4411',
      }),
    );
    expect(body).toMatchObject({
      type: 'unfreeze',
      status: 'open',
      outcome: null,
      accountId,
      businessLine: 'spot',
      channel: 'email',
      riskTier: 'high',
      controlIds: [control.id],
      externalRef: 'ZD-4411',
      assignee: null,
      createdBy: agent.id,
      slaBreached: false,
      escalations: [],
      proposals: [],
      notes: [],
      closedAt: null,
    });
    expect(body.id).toMatch(/^UNF-\d{8}-[2-9A-Z]{6}$/);
    expect(body.workflowId).toBe(`case-${body.id as string}`);
    expect((body.links as { temporalUi: string }).temporalUi).toContain(`case-${body.id as string}`);
  });

  it('an unfreeze case must name the controls to lift', async () => {
    const answer = await as(agent, 'POST', '/v1/cases', caseInput(newAccountId()));
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'controlIds' })]);
  });

  it('a control of another account cannot be named', async () => {
    const theirs = await applyControl(api.services, newAccountId(), 'account_freeze');
    const answer = await as(agent, 'POST', '/v1/cases', {
      ...caseInput(newAccountId()),
      controlIds: [theirs.id],
    });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'controlIds.0' })]);
  });

  it('an unbind case cannot name a restriction', async () => {
    const accountId = newAccountId();
    const freeze = await applyControl(api.services, accountId, 'account_freeze');
    const answer = await as(agent, 'POST', '/v1/cases', {
      ...caseInput(accountId, { type: 'unbind' }),
      controlIds: [freeze.id],
    });
    expectProblem(answer, 400, 'validation_failed');
  });

  it('a second open case naming the same control is refused with 409 control_conflict', async () => {
    const accountId = newAccountId();
    const control = await applyControl(api.services, accountId, 'account_freeze');
    await created(
      await as(agent, 'POST', '/v1/cases', { ...caseInput(accountId), controlIds: [control.id] }),
    );
    const second = await as(agent2, 'POST', '/v1/cases', {
      ...caseInput(accountId, { subject: 'Second request' }),
      controlIds: [control.id],
    });
    expectProblem(second, 409, 'control_conflict');
    const listed = await as(agent, 'GET', `/v1/cases?accountId=${accountId}`);
    expect(listed.body.items).toHaveLength(1);
  });

  it('a checker cannot open a case', async () => {
    expectProblem(
      await as(checker, 'POST', '/v1/cases', caseInput(newAccountId(), { type: 'complaint' })),
      403,
      'forbidden',
    );
  });
});

describe('listing and reading cases', () => {
  it('pages through the cases of an account with limit and nextCursor, newest first, without duplicates', async () => {
    const accountId = newAccountId();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await openComplaint(agent, accountId));

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `accountId=${accountId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await as(agent, 'GET', `/v1/cases?${query}`);
      expect(page.status).toBe(200);
      const items = page.body.items as { id: string }[];
      expect(items.length).toBeLessThanOrEqual(2);
      seen.push(...items.map((c) => c.id));
      cursor = page.body.nextCursor as string | null;
      pages += 1;
    } while (cursor !== null && pages < 5);

    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by status, type, assignee, business line and risk tier', async () => {
    const accountId = newAccountId();
    const control = await applyControl(api.services, accountId, 'login_lock', { businessLine: 'p2p' });
    const complaint = await openComplaint(agent, accountId);
    const unfreeze = (
      await created(
        await as(agent, 'POST', '/v1/cases', {
          ...caseInput(accountId, { businessLine: 'p2p' }),
          controlIds: [control.id],
        }),
      )
    ).id as string;
    expect((await as(agent2, 'POST', `/v1/cases/${unfreeze}/claim`)).status).toBe(200);
    await eventually(
      () => as(agent, 'GET', `/v1/cases?accountId=${accountId}&status=in_review`),
      (page) => (page.body.items as unknown[]).length === 1,
      { what: 'the claim to reach the case list' },
    );

    const ids = async (query: string) =>
      (
        (await as(agent, 'GET', `/v1/cases?accountId=${accountId}&${query}`)).body.items as { id: string }[]
      ).map((c) => c.id);
    expect(await ids('type=complaint')).toEqual([complaint]);
    expect(await ids('type=unfreeze')).toEqual([unfreeze]);
    expect(await ids('status=open')).toEqual([complaint]);
    expect(await ids('status=in_review')).toEqual([unfreeze]);
    expect(await ids(`assignee=${agent2.id}`)).toEqual([unfreeze]);
    expect(await ids('businessLine=p2p')).toEqual([unfreeze]);
    expect(await ids('businessLine=spot')).toEqual([complaint]);
    expect(await ids('riskTier=medium')).toEqual([unfreeze]);
    expect(await ids('riskTier=low')).toEqual([complaint]);
    expect(await ids('slaBreached=false')).toHaveLength(2);
    expect(await ids('slaBreached=true')).toEqual([]);
  });

  it('a cursor this API never gave out is refused with 400', async () => {
    const forged = Buffer.from(JSON.stringify(['2024-01-01T00:00:00Z', 'x\u0000y'])).toString('base64url');
    const answer = await as(agent, 'GET', `/v1/cases?cursor=${forged}`);
    expectProblem(answer, 400, 'validation_failed');
    const yearZero = Buffer.from(JSON.stringify(['0000-06-01T00:00:00Z', 'CMP-1'])).toString('base64url');
    expectProblem(await as(agent, 'GET', `/v1/cases?cursor=${yearZero}`), 400, 'validation_failed');
  });

  it('reads one case, and an unknown case is a 404', async () => {
    const caseId = await openComplaint();
    const read = await readCase(caseId, checker);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: caseId, type: 'complaint', status: 'open', createdBy: agent.id });
    expectProblem(await readCase('CMP-20990101-ZZZZZZ'), 404, 'not_found');
  });
});

describe('reviewing a case', () => {
  it('an agent claims a case, adds a note, asks for information and records the answer', async () => {
    const caseId = await openComplaint();
    const claimed = await as(agent, 'POST', `/v1/cases/${caseId}/claim`);
    expect(claimed.body).toMatchObject({ status: 'in_review', assignee: agent.id });

    const noted = await as(agent, 'POST', `/v1/cases/${caseId}/notes`, { text: 'Called the user back.' });
    expect(noted.status).toBe(200);
    expect(noted.body.notes).toEqual([
      expect.objectContaining({ text: 'Called the user back.', by: agent.id }),
    ]);

    const asked = await as(agent, 'POST', `/v1/cases/${caseId}/info-requests`, {
      question: 'Please send a photo of your ID.',
    });
    expect(asked.status).toBe(200);
    expect(asked.body.status).toBe('awaiting_info');

    const answered = await as(agent, 'POST', `/v1/cases/${caseId}/info-responses`, {
      answer: 'Photo received by email.',
    });
    expect(answered.status).toBe(200);
    expect(answered.body.status).toBe('in_review');
  });

  it('claim and release sent as a generated client sends them, empty with a JSON Content-Type, are taken', async () => {
    const caseId = await openComplaint();
    const asClient = (action: string) =>
      api.call('POST', `/v1/cases/${caseId}/${action}`, {
        token: agent.token,
        rawBody: '',
        headers: { 'content-type': 'application/json' },
      });
    const claimed = await asClient('claim');
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
    expect(claimed.body).toMatchObject({ status: 'in_review', assignee: agent.id });
    const released = await asClient('release');
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body).toMatchObject({ assignee: null });
  });

  it('only the assignee may ask the user for information', async () => {
    const caseId = await openComplaint();
    await as(agent, 'POST', `/v1/cases/${caseId}/claim`);
    const answer = await as(agent2, 'POST', `/v1/cases/${caseId}/info-requests`, {
      question: 'Who are you?',
    });
    expectProblem(answer, 409, 'invalid_state');
  });

  it('a case claimed by someone else cannot be claimed, and only they or a senior may release it', async () => {
    const caseId = await openComplaint();
    await as(agent, 'POST', `/v1/cases/${caseId}/claim`);
    expectProblem(await as(agent2, 'POST', `/v1/cases/${caseId}/claim`), 409, 'invalid_state');
    expectProblem(await as(agent2, 'POST', `/v1/cases/${caseId}/release`), 403, 'forbidden');
    const released = await as(senior, 'POST', `/v1/cases/${caseId}/release`);
    expect(released.status).toBe(200);
    expect(released.body.assignee).toBeNull();
    const reclaimed = await as(agent2, 'POST', `/v1/cases/${caseId}/claim`);
    expect(reclaimed.body).toMatchObject({ assignee: agent2.id });
  });

  it('an empty note is refused with 400 naming the field', async () => {
    const caseId = await openComplaint();
    const answer = await as(agent, 'POST', `/v1/cases/${caseId}/notes`, { text: '   ' });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'text' })]);
  });

  it('an agent resolves a claimed case and it takes no further action', async () => {
    const caseId = await openComplaint();
    await as(agent, 'POST', `/v1/cases/${caseId}/claim`);
    const resolved = await as(agent, 'POST', `/v1/cases/${caseId}/resolve`, {
      outcome: 'resolved_no_action',
      summary: 'Explained the withdrawal limits.',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'closed', outcome: 'resolved_no_action' });
    expect(resolved.body.closedAt).toEqual(expect.any(String));
    expectProblem(await as(agent, 'POST', `/v1/cases/${caseId}/claim`), 409, 'invalid_state');
    expect((await readCase(caseId)).body).toMatchObject({ status: 'closed', outcome: 'resolved_no_action' });
  });

  it('outcome reverted is refused for a case whose lift was not reverted', async () => {
    const caseId = await openComplaint();
    await as(agent, 'POST', `/v1/cases/${caseId}/claim`);
    const answer = await as(agent, 'POST', `/v1/cases/${caseId}/resolve`, {
      outcome: 'reverted',
      summary: 'Nothing was lifted.',
    });
    expectProblem(answer, 409, 'invalid_state');
  });
});

describe('escalations', () => {
  it('an agent escalates to a department and a member of it answers', async () => {
    const caseId = await openComplaint();
    const escalated = await as(agent, 'POST', `/v1/cases/${caseId}/escalations`, {
      department: 'security',
      question: 'Is this login pattern an attack?',
      slaMinutes: 30,
    });
    expect(escalated.status).toBe(201);
    const [escalation] = escalated.body.escalations as (ApiEscalation & { dueAt: string })[];
    expect(escalation).toMatchObject({ department: 'security', status: 'open', answer: null });
    expect(Date.parse(escalation?.dueAt ?? '')).toBeGreaterThan(Date.now() + 25 * 60_000);

    const answered = await as(
      security,
      'POST',
      `/v1/cases/${caseId}/escalations/${escalation?.id ?? ''}/answer`,
      { answer: 'No sign of an attack.' },
    );
    expect(answered.status).toBe(200);
    expect((answered.body.escalations as ApiEscalation[])[0]).toMatchObject({
      status: 'answered',
      answer: 'No sign of an attack.',
      answeredBy: security.id,
    });

    const again = await as(
      security,
      'POST',
      `/v1/cases/${caseId}/escalations/${escalation?.id ?? ''}/answer`,
      {
        answer: 'Answering twice.',
      },
    );
    expectProblem(again, 409, 'already_decided');
  });

  it('an unknown escalation is a 404 and an unknown department a 400', async () => {
    const caseId = await openComplaint();
    expectProblem(
      await as(security, 'POST', `/v1/cases/${caseId}/escalations/esc-9/answer`, { answer: 'Hello?' }),
      404,
      'not_found',
    );
    const answer = await as(agent, 'POST', `/v1/cases/${caseId}/escalations`, {
      department: 'marketing',
      question: 'Can we use this in an ad?',
    });
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'department' })]);
  });
});

describe('maker and checker', () => {
  it('the assignee proposes a lift and a checker approves it: the control is lifted and watched', async () => {
    const { caseId, controlId, accountId } = await claimedUnfreeze();
    const { answer, proposalId } = await propose(caseId, controlId);
    expect(answer.status).toBe(201);
    expect(answer.body.status).toBe('awaiting_approval');
    expect((answer.body.proposals as ApiProposal[])[0]).toMatchObject({
      status: 'pending',
      maker: agent.id,
      requiredApprovals: 1,
      approvals: [],
    });

    const approved = await as(checker, 'POST', `/v1/cases/${caseId}/proposals/${proposalId}/approve`, {
      comment: 'Identity check holds.',
    });
    expect(approved.status).toBe(200);
    expect((approved.body.proposals as ApiProposal[])[0]).toMatchObject({
      status: 'approved',
      approvals: [expect.objectContaining({ by: checker.id, comment: 'Identity check holds.' })],
    });
    await untilStatus(caseId, 'monitoring');
    expect(await controlsOf(accountId)).toEqual([
      expect.objectContaining({ id: controlId, status: 'lifted' }),
    ]);

    const late = await as(compliance, 'POST', `/v1/cases/${caseId}/proposals/${proposalId}/approve`, {});
    expectProblem(late, 409, 'already_decided');
  });

  it('a checker rejects a proposal with a comment and the case returns to review', async () => {
    const { caseId, controlId, accountId } = await claimedUnfreeze();
    const { proposalId } = await propose(caseId, controlId);
    const rejected = await as(checker, 'POST', `/v1/cases/${caseId}/proposals/${proposalId}/reject`, {
      comment: 'The evidence is thin.',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('in_review');
    expect((rejected.body.proposals as ApiProposal[])[0]?.status).toBe('rejected');
    expect(await controlsOf(accountId)).toEqual([
      expect.objectContaining({ id: controlId, status: 'active' }),
    ]);
  });

  it('a rejection needs a comment', async () => {
    const { caseId, controlId } = await claimedUnfreeze();
    const { proposalId } = await propose(caseId, controlId);
    const answer = await as(checker, 'POST', `/v1/cases/${caseId}/proposals/${proposalId}/reject`, {});
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'comment' })]);
  });

  it('only the assignee proposes, only controls of the case, and an unknown proposal is a 404', async () => {
    const { caseId, controlId } = await claimedUnfreeze();
    const byOther = await as(agent2, 'POST', `/v1/cases/${caseId}/proposals`, {
      controlIds: [controlId],
      reasonCode: 'verified_owner',
      justification: 'I was not asked.',
    });
    expectProblem(byOther, 409, 'invalid_state');
    const foreign = await as(agent, 'POST', `/v1/cases/${caseId}/proposals`, {
      controlIds: ['ctl_not_on_this_case'],
      reasonCode: 'verified_owner',
      justification: 'Wrong control.',
    });
    expectProblem(foreign, 400, 'validation_failed');
    expectProblem(
      await as(checker, 'POST', `/v1/cases/${caseId}/proposals/prop-7/approve`, {}),
      404,
      'not_found',
    );
  });

  it('the maker cannot reject their own proposal', async () => {
    const maker = await api.user(['agent', 'checker']);
    const accountId = newAccountId();
    const control = await applyControl(api.services, accountId, 'login_lock');
    const caseId = (
      await created(
        await as(agent, 'POST', '/v1/cases', { ...caseInput(accountId), controlIds: [control.id] }),
      )
    ).id as string;
    await as(maker, 'POST', `/v1/cases/${caseId}/claim`);
    const proposed = await as(maker, 'POST', `/v1/cases/${caseId}/proposals`, {
      controlIds: [control.id],
      reasonCode: 'verified_owner',
      justification: 'Owner verified.',
    });
    const proposalId = (proposed.body.proposals as ApiProposal[])[0]?.id ?? '';
    const answer = await as(maker, 'POST', `/v1/cases/${caseId}/proposals/${proposalId}/reject`, {
      comment: 'Changed my mind.',
    });
    expectProblem(answer, 403, 'separation_of_duties');
  });

  it('each reader is told which actions they may take, and the maker why not to approve', async () => {
    const { caseId, controlId } = await claimedUnfreeze();
    const { proposalId } = await propose(caseId, controlId);
    const allowed = async (user: User, action: string) => {
      const read = await readCase(caseId, user);
      expect(read.status).toBe(200);
      return (read.body.allowedActions as Record<string, unknown>[]).filter((a) => a.action === action);
    };
    expect(await allowed(agent, 'approve')).toEqual([
      expect.objectContaining({
        allowed: false,
        code: 'forbidden',
        proposalId,
        operationId: 'approveProposal',
      }),
    ]);
    expect(await allowed(checker, 'approve')).toEqual([
      expect.objectContaining({ allowed: true, code: null, reason: null, proposalId }),
    ]);
    expect(await allowed(agent, 'withdraw')).toEqual([
      expect.objectContaining({ allowed: true, proposalId }),
    ]);

    const maker = await api.user(['agent', 'checker']);
    const second = await claimedUnfreeze();
    await as(agent, 'POST', `/v1/cases/${second.caseId}/release`);
    await as(maker, 'POST', `/v1/cases/${second.caseId}/claim`);
    await as(maker, 'POST', `/v1/cases/${second.caseId}/proposals`, {
      controlIds: [second.controlId],
      reasonCode: 'verified_owner',
      justification: 'Owner verified.',
    });
    const read = await readCase(second.caseId, maker);
    const approve = (read.body.allowedActions as Record<string, unknown>[]).find(
      (a) => a.action === 'approve',
    );
    expect(approve).toMatchObject({ allowed: false, code: 'separation_of_duties' });
    expect(approve?.reason).toMatch(/another checker must approve/);
  });

  it('the maker withdraws a pending proposal with an empty body, and the case returns to review', async () => {
    const { caseId, controlId } = await claimedUnfreeze();
    const { proposalId } = await propose(caseId, controlId);
    const path = `/v1/cases/${caseId}/proposals/${proposalId}/withdraw`;
    expectProblem(await as(agent2, 'POST', path), 403, 'forbidden');
    const withdrawn = await as(agent, 'POST', path);
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(withdrawn.body.status).toBe('in_review');
    expect((withdrawn.body.proposals as ApiProposal[])[0]?.status).toBe('withdrawn');
    expectProblem(await as(agent, 'POST', path), 409, 'already_decided');
  });
});

describe('reverting a lift', () => {
  it('a senior reverts a lift by hand: the case is reverted and the control active again', async () => {
    const { caseId, controlId, accountId } = await monitoredCase();
    const reverted = await as(senior, 'POST', `/v1/cases/${caseId}/revert`, {
      reason: 'The user reported a second compromise.',
    });
    expect(reverted.status, JSON.stringify(reverted.body)).toBe(200);
    expect(reverted.body.status).toBe('reverted');
    const [control] = await controlsOf(accountId);
    expect(control).toMatchObject({ id: controlId, status: 'active' });
    expect(control?.version).toBeGreaterThan(1);

    const closed = await as(agent, 'POST', `/v1/cases/${caseId}/resolve`, {
      outcome: 'reverted',
      summary: 'Lift undone after the second report.',
    });
    expect(closed.body).toMatchObject({ status: 'closed', outcome: 'reverted' });
  });

  it('a compliance officer may revert too, but an agent may not', async () => {
    const { caseId, controlId, accountId } = await monitoredCase();
    expectProblem(
      await as(agent, 'POST', `/v1/cases/${caseId}/revert`, { reason: 'I would like to.' }),
      403,
      'forbidden',
    );
    const reverted = await as(compliance, 'POST', `/v1/cases/${caseId}/revert`, {
      reason: 'Sanctions screening hit after the lift.',
    });
    expect(reverted.body.status).toBe('reverted');
    expect(await controlsOf(accountId)).toEqual([
      expect.objectContaining({ id: controlId, status: 'active' }),
    ]);
  });

  it('a case with nothing lifted cannot be reverted', async () => {
    const caseId = await openComplaint();
    expectProblem(
      await as(senior, 'POST', `/v1/cases/${caseId}/revert`, { reason: 'Nothing to undo.' }),
      409,
      'invalid_state',
    );
  });
});

describe('risk signals', () => {
  it('a low signal reaches the monitored case and changes nothing; a high one reverts the lift', async () => {
    const { caseId, controlId, accountId } = await monitoredCase();
    const low = await as(riskEngine, 'POST', '/v1/risk-signals', {
      accountId,
      signal: 'login.new_device',
      severity: 'low',
      occurredAt: new Date().toISOString(),
    });
    expect(low.status).toBe(202);
    expect(low.body).toEqual({ signalledCases: [caseId] });
    const noted = await eventually(
      () => readCase(caseId),
      (read) => (read.body.riskSignals as unknown[]).length === 1,
      { what: 'the low signal to be recorded' },
    );
    expect(noted.body.status).toBe('monitoring');

    const high = await as(riskEngine, 'POST', '/v1/risk-signals', {
      accountId,
      signal: 'withdrawal.velocity',
      severity: 'high',
      occurredAt: new Date().toISOString(),
    });
    expect(high.status).toBe(202);
    expect(high.body.signalledCases).toEqual([caseId]);
    await untilStatus(caseId, 'reverted');
    expect(await controlsOf(accountId)).toEqual([
      expect.objectContaining({ id: controlId, status: 'active' }),
    ]);
  });

  it('a signal about an account without open cases signals nobody', async () => {
    const answer = await as(riskEngine, 'POST', '/v1/risk-signals', {
      accountId: newAccountId(),
      signal: 'login.anomaly',
      severity: 'critical',
      occurredAt: new Date().toISOString(),
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ signalledCases: [] });
  });

  it('an agent cannot send risk signals', async () => {
    const answer = await as(agent, 'POST', '/v1/risk-signals', {
      accountId: newAccountId(),
      signal: 'login.anomaly',
      severity: 'low',
      occurredAt: new Date().toISOString(),
    });
    expectProblem(answer, 403, 'forbidden');
  });

  describe('with a webhook secret', () => {
    const secret = 'test-secret-9f2c1d7a';
    let signed: ApiHarness;
    let engine: User;
    beforeAll(async () => {
      signed = await startApi({ withoutWorker: true, settings: { riskSignalHmacSecret: secret } });
      engine = await signed.user(['risk_engine']);
    });
    afterAll(async () => signed?.stop());

    function send(text: string, signature?: string): Promise<Answer> {
      return signed.call('POST', '/v1/risk-signals', {
        token: engine.token,
        rawBody: text,
        headers: {
          'content-type': 'application/json',
          ...(signature !== undefined ? { 'x-dualkey-signature': signature } : {}),
        },
      });
    }

    const signal = () =>
      JSON.stringify({
        accountId: newAccountId(),
        signal: 'login.anomaly',
        severity: 'high',
        occurredAt: new Date().toISOString(),
      });
    const nowSeconds = () => Math.floor(Date.now() / 1000);

    it('an unsigned signal is refused with 401', async () => {
      expectProblem(await send(signal()), 401, 'unauthenticated');
    });

    it('a correctly signed signal is accepted with 202', async () => {
      const text = signal();
      const answer = await send(text, signBody(secret, nowSeconds(), text));
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ signalledCases: [] });
    });

    it('a signature from six minutes ago is refused as a replay', async () => {
      const text = signal();
      expectProblem(await send(text, signBody(secret, nowSeconds() - 6 * 60, text)), 401, 'unauthenticated');
    });

    it('a signature over another body, or with another secret, is refused', async () => {
      const text = signal();
      expectProblem(await send(text, signBody(secret, nowSeconds(), signal())), 401, 'unauthenticated');
      expectProblem(await send(text, signBody('another-secret', nowSeconds(), text)), 401, 'unauthenticated');
      expectProblem(await send(text, 't=abc,v1=zz'), 401, 'unauthenticated');
    });
  });
});

describe('controls', () => {
  it('an agent applying a restriction by hand opens a case for its after-review', async () => {
    const accountId = newAccountId();
    const applied = await created(
      await as(agent, 'POST', `/v1/accounts/${accountId}/controls`, {
        category: 'restriction',
        kind: 'withdrawal_lock',
        businessLine: 'spot',
        reason: 'User called in: phone stolen',
      }),
    );
    expect(applied).toMatchObject({
      accountId,
      category: 'restriction',
      kind: 'withdrawal_lock',
      status: 'active',
      version: 1,
      reason: 'User called in: phone stolen',
    });
    const reviewCase = applied.afterReviewCaseId as string;
    expect(reviewCase).toEqual(expect.any(String));
    const review = await eventually(
      () => readCase(reviewCase),
      (read) => read.status === 200 && (read.body.afterReviews as unknown[]).length === 1,
      { what: `the after-review on ${reviewCase}` },
    );
    expect(review.body).toMatchObject({ accountId, type: 'complaint', channel: 'internal' });
    expect((review.body.afterReviews as Record<string, unknown>[])[0]).toMatchObject({
      controlId: applied.id,
      appliedBy: agent.id,
      status: 'open',
    });
  });

  it('an agent naming an open case puts the after-review on that case', async () => {
    const accountId = newAccountId();
    const caseId = await openComplaint(agent, accountId);
    const applied = await created(
      await as(agent, 'POST', `/v1/accounts/${accountId}/controls`, {
        category: 'restriction',
        kind: 'trading_lock',
        businessLine: 'spot',
        reason: 'Odd trades during the call',
        caseId,
      }),
    );
    expect(applied.afterReviewCaseId).toBe(caseId);
    const read = await readCase(caseId);
    expect(read.body.afterReviews).toEqual([
      expect.objectContaining({ controlId: applied.id, status: 'open' }),
    ]);
  });

  it('the risk engine applying a restriction owes no after-review', async () => {
    const accountId = newAccountId();
    const applied = await created(
      await as(riskEngine, 'POST', `/v1/accounts/${accountId}/controls`, {
        category: 'restriction',
        kind: 'account_freeze',
        businessLine: 'spot',
        reason: 'Velocity rule 17',
      }),
    );
    expect(applied.afterReviewCaseId).toBeNull();
    expect((await as(agent, 'GET', `/v1/cases?accountId=${accountId}`)).body.items).toEqual([]);
  });

  it('lists the controls of an account, and refuses a kind of another category', async () => {
    const accountId = newAccountId();
    await created(
      await as(admin, 'POST', `/v1/accounts/${accountId}/controls`, {
        category: 'binding',
        kind: 'totp',
        businessLine: 'spot',
        reason: '2FA required after reset',
      }),
    );
    const mismatched = await as(admin, 'POST', `/v1/accounts/${accountId}/controls`, {
      category: 'binding',
      kind: 'account_freeze',
      businessLine: 'spot',
      reason: 'Wrong category',
    });
    expectProblem(mismatched, 400, 'validation_failed');
    expect(mismatched.body.errors).toEqual([expect.objectContaining({ path: 'kind' })]);

    const listed = await as(auditor, 'GET', `/v1/accounts/${accountId}/controls`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ accountId, category: 'binding', kind: 'totp', status: 'active' }),
    ]);
  });

  it("a user scoped to spot does not see the account's p2p controls", async () => {
    const accountId = newAccountId();
    await applyControl(api.services, accountId, 'login_lock', { businessLine: 'p2p' });
    await applyControl(api.services, accountId, 'trading_lock', { businessLine: 'spot' });
    const spotOnly = await api.user(['auditor'], { businessLines: ['spot'] });
    const listed = await as(spotOnly, 'GET', `/v1/accounts/${accountId}/controls`);
    expect((listed.body.items as ApiControl[]).map((c) => c.kind)).toEqual(['trading_lock']);
  });
});

describe('users, tokens and identity', () => {
  it('an admin creates a user whose first token works at once, with the privileged roles pending', async () => {
    const answer = await as(admin, 'POST', '/v1/admin/users', {
      name: 'Sam Checker',
      roles: ['agent', 'checker', 'senior'],
      businessLines: ['spot', 'p2p'],
    });
    const body = await created(answer);
    const user = { name: 'Sam Checker', roles: ['agent'], businessLines: ['spot', 'p2p'], departments: [] };
    expect(body.user).toMatchObject({ ...user, status: 'active', sso: false });
    expect(body.pendingGrant).toMatchObject({ status: 'pending', roles: ['checker', 'senior'] });
    expect(body.token).toMatch(/^dk_/);
    const me = await api.call('GET', '/v1/me', { token: body.token as string });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: (body.user as { id: string }).id,
      ...user,
      // An agent's, and not yet the pending roles'.
      permissions: [
        'case.create',
        'case.read',
        'case.review',
        'case.escalate',
        'removal.propose',
        'controls.apply',
      ],
      // Nobody is away until they say so.
      awayUntil: null,
    });
  });

  it('an admin issues another, expiring token for a user', async () => {
    const user = await api.user(['auditor']);
    const issued = await created(
      await as(admin, 'POST', `/v1/admin/users/${user.id}/tokens`, { expiresInDays: 1, label: 'laptop' }),
    );
    const expiresAt = Date.parse(issued.expiresAt as string);
    expect(expiresAt).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect(expiresAt).toBeLessThan(Date.now() + 25 * 3_600_000);
    expect((await api.call('GET', '/v1/me', { token: issued.token as string })).body.id).toBe(user.id);
    expectProblem(await as(admin, 'POST', '/v1/admin/users/usr_nobody/tokens', {}), 404, 'not_found');
    expectProblem(await as(admin, 'DELETE', '/v1/admin/tokens/tok_nobody'), 404, 'not_found');
  });

  it('a department member must have a department, and roles must exist', async () => {
    const noDepartment = await as(admin, 'POST', '/v1/admin/users', {
      name: 'Dee',
      roles: ['department'],
      businessLines: ['*'],
    });
    expectProblem(noDepartment, 400, 'validation_failed');
    expect(noDepartment.body.errors).toEqual([expect.objectContaining({ path: 'departments' })]);
    const badRole = await as(admin, 'POST', '/v1/admin/users', {
      name: 'Root',
      roles: ['superuser'],
      businessLines: ['*'],
    });
    expectProblem(badRole, 400, 'validation_failed');
  });

  it('an agent cannot create users', async () => {
    expectProblem(
      await as(agent, 'POST', '/v1/admin/users', {
        name: 'Me again',
        roles: ['admin'],
        businessLines: ['*'],
      }),
      403,
      'forbidden',
    );
  });

  it('GET /v1/me names the caller, their roles, scopes, departments, permissions and availability', async () => {
    const me = await as(security, 'GET', '/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: security.id,
      name: security.name,
      roles: ['department'],
      businessLines: ['*'],
      departments: ['security'],
      permissions: ['case.read', 'department.respond'],
      awayUntil: null,
    });
  });
});

describe('operations report', () => {
  const hour = 3_600_000;
  const window = () =>
    `from=${new Date(Date.now() - hour).toISOString()}&to=${new Date(Date.now() + hour).toISOString()}`;

  it('reports cases opened in the window, durations, SLA breaches, lifts and reverts', async () => {
    await openComplaint();
    const report = await as(auditor, 'GET', `/v1/reports/operations?${window()}`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      businessLine: null,
      opened: expect.arrayContaining([
        expect.objectContaining({
          type: 'complaint',
          businessLine: 'spot',
          count: expect.any(Number) as unknown,
        }),
      ]) as unknown,
      closed: expect.any(Array) as unknown,
      timeToFirstClaim: expect.objectContaining({ samples: expect.any(Number) as unknown }) as unknown,
      timeToClose: expect.objectContaining({ samples: expect.any(Number) as unknown }) as unknown,
      slaBreachRate: expect.any(Array) as unknown,
      lifts: expect.any(Number) as unknown,
      reverts: expect.any(Number) as unknown,
    });
    const opened = report.body.opened as { type: string; businessLine: string; count: number }[];
    expect(
      opened.find((o) => o.type === 'complaint' && o.businessLine === 'spot')?.count,
    ).toBeGreaterThanOrEqual(1);
    expect(report.body.revertRate === null || typeof report.body.revertRate === 'number').toBe(true);
  });

  it('a window whose end comes before its start is refused with 400', async () => {
    const from = new Date().toISOString();
    const to = new Date(Date.now() - hour).toISOString();
    const answer = await as(auditor, 'GET', `/v1/reports/operations?from=${from}&to=${to}`);
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'to' })]);
  });

  it('a window starting in year 0, which PostgreSQL cannot store, is refused with 400', async () => {
    const answer = await as(
      auditor,
      'GET',
      `/v1/reports/operations?from=0000-06-01T00:00:00Z&to=${new Date().toISOString()}`,
    );
    expectProblem(answer, 400, 'validation_failed');
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'from' })]);
  });

  it('a user scoped to one line must ask for that line', async () => {
    const spotAuditor = await api.user(['auditor'], { businessLines: ['spot'] });
    expectProblem(await as(spotAuditor, 'GET', `/v1/reports/operations?${window()}`), 403, 'out_of_scope');
    const spot = await as(spotAuditor, 'GET', `/v1/reports/operations?${window()}&businessLine=spot`);
    expect(spot.status).toBe(200);
    expect(spot.body.businessLine).toBe('spot');
    expectProblem(
      await as(spotAuditor, 'GET', `/v1/reports/operations?${window()}&businessLine=p2p`),
      403,
      'out_of_scope',
    );
  });

  it('an agent cannot read reports', async () => {
    expectProblem(await as(agent, 'GET', `/v1/reports/operations?${window()}`), 403, 'forbidden');
  });
});
