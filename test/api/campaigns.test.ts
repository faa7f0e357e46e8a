import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlEvents, controls as controlsTable } from '../../src/db/schema/index.js';
import { randomUUID } from 'node:crypto';
import { readStream, recordAudit } from '../../src/db/audit.js';
import { drawSample } from '../../src/domain/draw.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { campaignPeople, campaignPolicy, campaignSteps } from '../support/campaigns.js';
import { expectProblem } from '../support/openapi.js';
import { caseInput, eventually, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;
type Body = Record<string, unknown>;
interface CampaignBody {
  id: string;
  status: string;
  phase: string;
  digest: string;
  seed: string;
  sample: string[];
  approvals: { by: string }[];
  included: number;
  counts: {
    matched: number;
    included: number;
    excluded: Record<string, number>;
    lifted: number;
    failed: number;
    reverted: number;
    sampled: { approved: number; rejected: number };
  };
  allowedActions: { action: string; allowed: boolean; code: string | null }[];
}

let api: ApiHarness;
let steps: ReturnType<typeof campaignSteps>;
let maker: User;
let senior: User;
let compliance: User;
let checker: User;
let agent: User;
let riskEngine: User;

beforeAll(async () => {
  api = await startApi({ policy: campaignPolicy({ soak: '6s', liftsPerSecond: 2, monitoringWindow: '5s' }) });
  const people = await campaignPeople(api);
  ({ maker, senior, compliance, checker, riskEngine } = people);
  agent = await api.user(['agent']);
  steps = campaignSteps(api, people);
});
afterAll(async () => api?.stop());

const freeze = (accountId: string, extra: Body = {}) => steps.freeze(accountId, extra);
const propose = (accountIds: string[]) => steps.propose<CampaignBody>(accountIds);
const read = (id: string) => steps.read<CampaignBody>(id);
const approveAll = (c: CampaignBody) => steps.approveAll(c.id);
const checkSample = (c: CampaignBody, decision = 'approved') => steps.checkSample(c.id, c.sample, decision);

const until = (id: string, done: (c: CampaignBody) => boolean, what: string) =>
  eventually(() => read(id), done, { what });

async function frozenAccounts(
  n: number,
): Promise<{ accountId: string; control: { id: string; version: number } }[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const accountId = newAccountId();
    out.push({ accountId, control: await freeze(accountId) });
  }
  return out;
}

async function controlRows(ids: string[]) {
  return api.services.database.db.select().from(controlsTable).where(inArray(controlsTable.id, ids));
}

describe('dry run', () => {
  it('excludes each account by the single-case rules, with the reason, and pins the included set', async () => {
    const [included, protectedOne, claimed, signalled, repeated, highValue] = await frozenAccounts(6).then(
      (a) => a.map((x) => x.accountId),
    );
    await freeze(protectedOne!, { source: 'law_enforcement', externalRef: 'ORDER-9' });
    const claimedControl = (await api.call('GET', `/v1/accounts/${claimed}/controls`, { token: agent.token }))
      .body.items as { id: string }[];
    const opened = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: { ...caseInput(claimed!), controlIds: [claimedControl[0]!.id] },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const signal = await api.call('POST', '/v1/risk-signals', {
      token: riskEngine.token,
      body: {
        accountId: signalled,
        signal: 'chargeback',
        severity: 'high',
        occurredAt: new Date().toISOString(),
      },
    });
    expect(signal.status).toBe(202);
    const earlier = await freeze(repeated!, { kind: 'login_lock' });
    await api.services.registry.lift({
      idempotencyKey: `test:${repeated}:earlier`,
      actor: 'a case before',
      caseId: 'UNF-EARLIER',
      controls: [{ id: earlier.id, version: earlier.version }],
    });
    const vip = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(highValue!, { type: 'complaint', hints: { highValueAccount: true } }),
    });
    expect(vip.status, JSON.stringify(vip.body)).toBe(201);

    const c = await propose([included!, protectedOne!, claimed!, signalled!, repeated!, highValue!]);
    expect(c.status).toBe('awaiting_approval');
    expect(c.counts).toMatchObject({
      matched: 6,
      included: 1,
      excluded: { protected_control: 1, open_case: 1, risk_signal: 1, repeat_lift: 1, high_value_account: 1 },
    });
    const page = await api.call('GET', `/v1/campaigns/${c.id}/accounts`, { token: checker.token });
    const reasons = Object.fromEntries(
      (page.body.items as { accountId: string; exclusion: string | null }[]).map((a) => [
        a.accountId,
        a.exclusion,
      ]),
    );
    expect(reasons).toEqual({
      [included!]: null,
      [protectedOne!]: 'protected_control',
      [claimed!]: 'open_case',
      [signalled!]: 'risk_signal',
      [repeated!]: 'repeat_lift',
      [highValue!]: 'high_value_account',
    });
    // The seed on the chain is all anyone needs to draw the sample again.
    const chain = await readStream(api.services.database.db, `campaign:${c.id}`);
    const proposed = chain.find((e) => e.action === 'campaign.proposed')?.details as {
      seed: string;
      sampleSize: number;
    };
    expect(drawSample(proposed.seed, [included!], proposed.sampleSize)).toEqual(c.sample);
  });
});

describe('excluded accounts as ordinary cases', () => {
  it('opens one linked case per excluded account in one request, and a second request opens none again', async () => {
    const [included, guarded, vip, claimed] = await frozenAccounts(4).then((a) => a.map((x) => x.accountId));
    const order = await freeze(guarded!, { source: 'law_enforcement', externalRef: 'ORDER-12' });
    const vipCase = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(vip!, { type: 'complaint', hints: { highValueAccount: true } }),
    });
    expect(vipCase.status, JSON.stringify(vipCase.body)).toBe(201);
    const claimedControls = (
      await api.call('GET', `/v1/accounts/${claimed}/controls`, { token: agent.token })
    ).body.items as { id: string }[];
    const holding = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: { ...caseInput(claimed!), controlIds: [claimedControls[0]!.id] },
    });
    expect(holding.status, JSON.stringify(holding.body)).toBe(201);
    const c = await propose([included!, guarded!, vip!, claimed!]);
    expect(c.allowedActions.find((a) => a.action === 'openExcludedCases')).toMatchObject({ allowed: true });

    const refused = await api.call('POST', `/v1/campaigns/${c.id}/excluded/cases`, {
      token: checker.token,
      body: {},
    });
    expectProblem(refused, 403, 'forbidden');
    const first = await api.call('POST', `/v1/campaigns/${c.id}/excluded/cases`, {
      token: maker.token,
      body: {},
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const result = first.body as {
      opened: { accountId: string; exclusion: string; caseId: string }[];
      skipped: { accountId: string; why: string; caseId: string | null }[];
    };
    expect(result.opened.map((o) => [o.accountId, o.exclusion]).sort()).toEqual(
      [
        [guarded!, 'protected_control'],
        [vip!, 'high_value_account'],
      ].sort(),
    );
    expect(result.skipped).toEqual([expect.objectContaining({ accountId: claimed, why: 'open_case' })]);

    const guardedCase = result.opened.find((o) => o.accountId === guarded)!;
    const opened = await api.call('GET', `/v1/cases/${guardedCase.caseId}`, { token: agent.token });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    expect(opened.body).toMatchObject({
      type: 'unfreeze',
      status: 'open',
      accountId: guarded,
      channel: 'internal',
      linkedTo: { campaignId: c.id, why: 'campaign_exclusion', exclusion: 'protected_control' },
    });
    const onAccount = (await api.call('GET', `/v1/accounts/${guarded}/controls`, { token: agent.token })).body
      .items as { id: string }[];
    expect(onAccount.map((ctl) => ctl.id)).toContain(order.id);
    expect((opened.body.controlIds as string[]).sort()).toEqual(onAccount.map((ctl) => ctl.id).sort());
    expect(opened.body.description).toContain(c.id);
    expect(opened.body.description).toContain('law enforcement');
    const vipCaseOpened = result.opened.find((o) => o.accountId === vip)!;
    const vipOpened = await api.call('GET', `/v1/cases/${vipCaseOpened.caseId}`, { token: agent.token });
    expect(vipOpened.body.hints).toEqual({ highValueAccount: true });

    const page = await api.call('GET', `/v1/campaigns/${c.id}/accounts?state=excluded`, {
      token: checker.token,
    });
    const shown = Object.fromEntries(
      (page.body.items as { accountId: string; caseId: string | null }[]).map((a) => [a.accountId, a.caseId]),
    );
    expect(shown).toEqual({ [guarded!]: guardedCase.caseId, [vip!]: vipCaseOpened.caseId, [claimed!]: null });
    const chain = await readStream(api.services.database.db, `campaign:${c.id}`);
    const entries = chain.filter((e) => e.action === 'campaign.excluded_case_opened');
    expect(entries.map((e) => (e.details as { caseId: string }).caseId).sort()).toEqual(
      result.opened.map((o) => o.caseId).sort(),
    );

    const again = await api.call('POST', `/v1/campaigns/${c.id}/excluded/cases`, {
      token: maker.token,
      body: {},
    });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.opened).toEqual([]);
    expect(
      (again.body.skipped as { accountId: string; why: string; caseId: string | null }[])
        .map((k) => [k.accountId, k.why, k.caseId])
        .sort(),
    ).toEqual(
      [
        [guarded!, 'case_already_opened', guardedCase.caseId],
        [vip!, 'case_already_opened', vipCaseOpened.caseId],
        [claimed!, 'open_case', null],
      ].sort(),
    );
    const cases = await api.call('GET', `/v1/cases?accountId=${guarded}`, { token: agent.token });
    expect((cases.body.items as { id: string }[]).map((x) => x.id)).toEqual([guardedCase.caseId]);
  });

  it('refuses a campaign that excluded nothing, and an unknown campaign', async () => {
    const c = await propose((await frozenAccounts(1)).map((a) => a.accountId));
    expect(c.allowedActions.find((a) => a.action === 'openExcludedCases')).toMatchObject({
      allowed: false,
      code: 'invalid_state',
    });
    const none = await api.call('POST', `/v1/campaigns/${c.id}/excluded/cases`, {
      token: maker.token,
      body: {},
    });
    expectProblem(none, 409, 'invalid_state');
    const unknown = await api.call('POST', '/v1/campaigns/CAM-20260101-NOPE22/excluded/cases', {
      token: maker.token,
      body: {},
    });
    expectProblem(unknown, 404, 'not_found');
  });
});

describe('four eyes on the campaign', () => {
  it('refuses the maker’s approval, and a checker who approved', async () => {
    const accounts = await frozenAccounts(2);
    const c = await propose(accounts.map((a) => a.accountId));
    expect(c.allowedActions.find((a) => a.action === 'approve')).toMatchObject({ allowed: false });
    const own = await api.call('POST', `/v1/campaigns/${c.id}/approve`, { token: maker.token, body: {} });
    expectProblem(own, 403, 'separation_of_duties');
    const approved = await api.call('POST', `/v1/campaigns/${c.id}/approve`, {
      token: senior.token,
      body: {},
    });
    expect(approved.status).toBe(200);
    const seniorChecks = await api.call('POST', `/v1/campaigns/${c.id}/sample/${c.sample[0]}`, {
      token: senior.token,
      body: { decision: 'approved', comment: 'fine' },
    });
    expectProblem(seniorChecks, 403);
    const makerChecks = await api.call('POST', `/v1/campaigns/${c.id}/sample/${c.sample[0]}`, {
      token: maker.token,
      body: { decision: 'approved', comment: 'fine' },
    });
    expectProblem(makerChecks, 403);
    const chain = await readStream(api.services.database.db, `campaign:${c.id}`);
    expect(chain.filter((e) => e.outcome === 'denied').length).toBeGreaterThanOrEqual(1);
  });

  it('a rejected sample halts the campaign', async () => {
    const accounts = await frozenAccounts(2);
    const c = await propose(accounts.map((a) => a.accountId));
    await approveAll(c);
    await checkSample(c, 'rejected');
    const halted = await until(c.id, (x) => x.status === 'halted', 'the halt');
    expect(halted.counts.sampled.rejected).toBe(1);
    expect(halted.counts.lifted).toBe(0);
    const withdrawn = await api.call('POST', `/v1/campaigns/${c.id}/withdraw`, {
      token: maker.token,
      body: { reason: 'Amending the selector' },
    });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
  });

  it('the maker amends a campaign a rejected sample halted: new digest and seed, approvals void, and it lifts the narrowed set', async () => {
    const accounts = await frozenAccounts(3);
    const c = await propose(accounts.map((a) => a.accountId));
    await approveAll(c);
    await checkSample(c, 'rejected');
    const halted = await until(c.id, (x) => x.status === 'halted', 'the halt');
    const rejected = c.sample[0]!;
    expect(halted.allowedActions.find((a) => a.action === 'amend')).toMatchObject({ allowed: false });
    const mine = await api.call('GET', `/v1/campaigns/${c.id}`, { token: maker.token });
    expect(
      (mine.body as unknown as CampaignBody).allowedActions.find((a) => a.action === 'amend'),
    ).toMatchObject({ allowed: true });
    const other = accounts.find((a) => a.accountId !== rejected)!.accountId;
    const bySenior = await api.call('POST', `/v1/campaigns/${c.id}/amend`, {
      token: senior.token,
      body: { reason: 'Not mine to amend.', exclude: [{ accountId: rejected, reason: 'rejected' }] },
    });
    expectProblem(bySenior, 403, 'forbidden');
    const keepsRejected = await api.call('POST', `/v1/campaigns/${c.id}/amend`, {
      token: maker.token,
      body: { reason: 'Taking out another one.', exclude: [{ accountId: other, reason: 'looks odd' }] },
    });
    expectProblem(keepsRejected, 400, 'validation_failed');
    expect((await read(c.id)).digest).toBe(c.digest);
    const empty = await api.call('POST', `/v1/campaigns/${c.id}/amend`, {
      token: maker.token,
      body: { reason: 'Nothing given.' },
    });
    expectProblem(empty, 400, 'validation_failed');

    const amended = await api.call('POST', `/v1/campaigns/${c.id}/amend`, {
      token: maker.token,
      body: {
        reason: 'The rejected account has a chargeback open.',
        exclude: [{ accountId: rejected, reason: 'chargeback open' }],
      },
    });
    expect(amended.status, JSON.stringify(amended.body)).toBe(200);
    const a = amended.body as unknown as CampaignBody;
    expect(a).toMatchObject({ status: 'awaiting_approval', phase: 'approval', approvals: [] });
    expect(a.digest).not.toBe(c.digest);
    expect(a.seed).toBe(`${c.id}:${a.digest}:amendment-1`);
    expect(a.sample).not.toContain(rejected);
    expect(a.counts).toMatchObject({ included: 2, excluded: { excluded_by_maker: 1 } });
    // The run writes its chain behind the answer.
    const chain = await eventually(
      () => readStream(api.services.database.db, `campaign:${c.id}`),
      (events) => events.some((e) => e.action === 'campaign.amended' && e.outcome === 'accepted'),
      { what: 'the amendment on the chain' },
    );
    const entry = chain.find((e) => e.action === 'campaign.amended' && e.outcome === 'accepted')?.details as {
      previousDigest: string;
      digest: string;
      seed: string;
      sampleSize: number;
    };
    expect(entry).toMatchObject({ previousDigest: c.digest, digest: a.digest, seed: a.seed });
    const remaining = accounts.map((x) => x.accountId).filter((id) => id !== rejected);
    expect(drawSample(entry.seed, remaining.sort(), entry.sampleSize)).toEqual(a.sample);

    await approveAll(a);
    await checkSample(a);
    const done = await until(c.id, (x) => x.status === 'completed', 'the amended campaign to complete');
    expect(done.counts).toMatchObject({ included: 2, lifted: 2 });
    const rejectedControl = accounts.find((x) => x.accountId === rejected)!.control;
    expect((await controlRows([rejectedControl.id]))[0]?.status).toBe('active');
  });

  it('a changed selection voids the approvals', async () => {
    const accounts = await frozenAccounts(3);
    const c = await propose(accounts.map((a) => a.accountId));
    await approveAll(c);
    const leaving = accounts[0]!;
    const opened = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: { ...caseInput(leaving.accountId), controlIds: [leaving.control.id] },
    });
    expect(opened.status).toBe(201);
    await checkSample(c);
    const voided = await until(c.id, (x) => x.digest !== c.digest, 'a new digest');
    expect(voided).toMatchObject({ status: 'awaiting_approval', approvals: [] });
    expect(voided.counts.excluded.open_case).toBe(1);
    expect(voided.counts.lifted).toBe(0);
  });
});

describe('running', () => {
  it('lifts canary then batches through the ledger once each; a revert restores the snapshots and leaves a hand-applied control alone', async () => {
    const accounts = await frozenAccounts(4);
    const c = await propose(accounts.map((a) => a.accountId));
    await approveAll(c);
    await checkSample(c);
    const done = await until(c.id, (x) => x.status === 'completed', 'the campaign to complete');
    expect(done.counts).toMatchObject({ included: 4, lifted: 4, failed: 0, reverted: 0 });
    const ids = accounts.map((a) => a.control.id);
    const lifts = await api.services.database.db
      .select()
      .from(controlEvents)
      .where(and(inArray(controlEvents.controlId, ids), eq(controlEvents.action, 'lifted')));
    expect(lifts.map((e) => e.controlId).sort()).toEqual([...ids].sort());
    const history = await readStream(api.services.database.db, `account:${accounts[0]!.accountId}`);
    expect(history.map((e) => e.action)).toContain('campaign.account_lifted');

    const byHand = accounts[1]!;
    await freeze(byHand.accountId, {
      source: 'manual_review',
      externalRef: 'TICKET-88',
      reason: 're-frozen by hand',
    });
    const revert = await api.call('POST', `/v1/campaigns/${c.id}/revert`, {
      token: compliance.token,
      body: { reason: 'Rule 417 was right after all' },
    });
    expect(revert.status, JSON.stringify(revert.body)).toBe(200);
    const reverted = await until(c.id, (x) => x.status === 'reverted', 'the revert');
    expect(reverted.counts.reverted).toBe(4);
    const rows = await controlRows(ids);
    for (const a of accounts) {
      const row = rows.find((r) => r.id === a.control.id)!;
      if (a === byHand) expect(row.status).toBe('lifted');
      else
        expect(row).toMatchObject({
          status: 'active',
          version: a.control.version + 2,
          reason: 'rule 417 fired',
        });
    }
    const page = await api.call('GET', `/v1/campaigns/${c.id}/accounts?state=reverted`, {
      token: checker.token,
    });
    const reported = (page.body.items as { accountId: string; leftAlone: { id: string }[] | null }[]).find(
      (a) => a.accountId === byHand.accountId,
    );
    expect(reported?.leftAlone?.map((l) => l.id)).toEqual([byHand.control.id]);
  });

  it('a severe signal on the canary halts the campaign and reverts that account', async () => {
    const accounts = await frozenAccounts(3);
    const c = await propose(accounts.map((a) => a.accountId));
    await approveAll(c);
    await checkSample(c);
    const soaking = await until(c.id, (x) => x.phase === 'soak', 'the soak');
    expect(soaking.counts.lifted).toBe(1);
    const canary = await api.call('GET', `/v1/campaigns/${c.id}/accounts?state=lifted`, {
      token: checker.token,
    });
    const canaryAccount = (canary.body.items as { accountId: string }[])[0]!.accountId;
    const signal = await api.call('POST', '/v1/risk-signals', {
      token: riskEngine.token,
      body: {
        accountId: canaryAccount,
        signal: 'account_takeover',
        severity: 'critical',
        occurredAt: new Date().toISOString(),
      },
    });
    expect(signal.status).toBe(202);
    const halted = await until(
      c.id,
      (x) => x.status === 'halted' && x.counts.reverted === 1,
      'halt and revert',
    );
    expect(halted.counts.lifted).toBe(1);
    const control = accounts.find((a) => a.accountId === canaryAccount)!.control;
    expect((await controlRows([control.id]))[0]?.status).toBe('active');
  });

  it('a halt mid-batch lifts nothing more', async () => {
    const accounts = await frozenAccounts(10);
    const c = await propose(accounts.map((a) => a.accountId));
    await approveAll(c);
    await checkSample(c);
    await until(c.id, (x) => x.phase === 'batches' && x.counts.lifted >= 3, 'batches under way');
    const halt = await api.call('POST', `/v1/campaigns/${c.id}/halt`, {
      token: senior.token,
      body: { reason: 'Support reports new fraud on unfrozen accounts' },
    });
    expect(halt.status, JSON.stringify(halt.body)).toBe(200);
    const atHalt = await until(c.id, (x) => x.status === 'halted', 'the halt');
    // The lifts of the wave under way may finish (at most a wave: 2 a second); then the run waits idle.
    const handle = api.services.client.workflow.getHandle(`campaign-${c.id}`);
    await eventually(
      () => handle.describe(),
      (d) => (d.raw.pendingActivities ?? []).length === 0,
      { what: 'no lift in flight' },
    );
    const later = await read(c.id);
    expect(later.counts.lifted).toBeLessThanOrEqual(atHalt.counts.lifted + 2);
    expect(later.counts.lifted).toBeLessThan(10);
    expect(later.status).toBe('halted');
  });
});

describe('operations report', () => {
  it('counts campaign lifts and their revert rate apart from single cases, each once', async () => {
    const auditor = await api.user(['auditor']);
    const campaignId = `CAM-20010304-${randomUUID().slice(0, 8)}`;
    // A day long past that no other test writes in, so the figures are this test's rows alone.
    const at = (minute: number) => new Date(Date.UTC(2001, 2, 4, 10, minute)).toISOString();
    const row = (action: string, accountId: string, minute: number, businessLines: string[]) =>
      [`campaign:${campaignId}`, `account:${accountId}`].map((stream) => ({
        stream,
        at: at(minute),
        actor: 'system',
        action,
        outcome: 'accepted' as const,
        details: { campaignId, accountId, businessLines },
        accountId,
        eventKey: `${action}:${accountId}`,
      }));
    const accounts = Array.from({ length: 5 }, () => newAccountId());
    await recordAudit(api.services.database.db, [
      ...accounts.flatMap((accountId, i) =>
        row('campaign.account_lifted', accountId, i, i === 0 ? ['p2p'] : ['spot']),
      ),
      ...row('campaign.account_reverted', accounts[1]!, 30, ['spot']),
      ...row('campaign.account_reverted', accounts[2]!, 31, ['spot']),
    ]);
    const window = 'from=2001-03-04T00:00:00Z&to=2001-03-05T00:00:00Z';
    const all = await api.call('GET', `/v1/reports/operations?${window}`, { token: auditor.token });
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    // 5 accounts lifted, 2 reverted: 2 / 5; each also on its account's history, counted once; no case lifted.
    expect(all.body).toMatchObject({
      lifts: 0,
      revertRate: null,
      campaignLifts: 5,
      campaignReverts: 2,
      campaignRevertRate: 0.4,
    });
    const p2p = await api.call('GET', `/v1/reports/operations?${window}&businessLine=p2p`, {
      token: auditor.token,
    });
    expect(p2p.body).toMatchObject({ campaignLifts: 1, campaignReverts: 0, campaignRevertRate: 0 });
    const before = await api.call(
      'GET',
      '/v1/reports/operations?from=2001-03-04T00:00:00Z&to=2001-03-04T10:02:00Z',
      { token: auditor.token },
    );
    expect(before.body).toMatchObject({ campaignLifts: 2, campaignReverts: 0, campaignRevertRate: 0 });
  });
});
