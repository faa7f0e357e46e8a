import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCase } from '../../src/db/projections.js';
import type { Case } from '../../src/domain/case.js';
import { compensationWorkflowIdOf, workflowIdFor } from '../../src/domain/case.js';
import { CLOSED_RUN_RETENTION_DAYS } from '../../src/temporal/retention.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { applyControl, caseInput, eventually, newAccountId } from '../support/world.js';

/*
 * Temporal deletes a closed run once the namespace's retention has passed; dualkey's records are in
 * PostgreSQL and must not notice. This deletes a closed case's run as retention does, then uses the case
 * every way a closed case is used. Monitoring is 4 s (the test policy), so the case closes inside the
 * test; the revert window is long, so the revert after the deletion is late but within it.
 */
type User = Awaited<ReturnType<ApiHarness['user']>>;
let api: ApiHarness;
let agent: User;
let checker: User;
let senior: User;
let auditor: User;

beforeAll(async () => {
  api = await startApi({ policy: { revert: { window: '1h' } } });
  agent = await api.user(['agent'], { businessLines: ['card'] });
  checker = await api.user(['checker'], { businessLines: ['card'] });
  senior = await api.user(['senior', 'compliance'], { businessLines: ['card'] });
  auditor = await api.user(['auditor'], { businessLines: ['card'] });
});
afterAll(async () => api?.stop());

async function post(user: User, path: string, body: unknown = {}) {
  const answer = await api.call('POST', path, { token: user.token, body });
  expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
  return answer.body;
}

/** A lift on a new account, approved, monitored and closed, with the projection saying so. */
async function closedLift(): Promise<{ c: Case; controlId: string }> {
  const accountId = newAccountId();
  const lock = await applyControl(api.services, accountId, 'login_lock', { businessLine: 'card' });
  const created = (await post(
    agent,
    '/v1/cases',
    caseInput(accountId, { businessLine: 'card', controlIds: [lock.id] }),
  )) as unknown as Case;
  await post(agent, `/v1/cases/${created.id}/claim`);
  const proposed = (await post(agent, `/v1/cases/${created.id}/proposals`, {
    controlIds: [lock.id],
    reasonCode: 'verified_owner',
    justification: 'The owner proved control of the account.',
  })) as unknown as Case;
  await post(checker, `/v1/cases/${created.id}/proposals/${proposed.proposals[0]?.id ?? ''}/approve`);
  const closed = await eventually(
    () => findCase(api.services.database.db, created.id),
    (c) => c?.status === 'closed',
    { what: `case ${created.id} closed in the projection` },
  );
  if (!closed) throw new Error('no case');
  return { c: closed, controlId: lock.id };
}

const get = (user: User, path: string) => api.call('GET', path, { token: user.token });

/** What a closed case answers to every read, taken before and after its run is gone. */
async function everyRead(c: Case, window: { from: string; to: string }) {
  const [one, events, audit, list, account, report] = await Promise.all([
    get(senior, `/v1/cases/${c.id}`),
    get(auditor, `/v1/cases/${c.id}/events`),
    get(auditor, `/v1/cases/${c.id}/audit`),
    get(senior, `/v1/cases?accountId=${c.accountId}`),
    get(senior, `/v1/accounts/${c.accountId}/cases`),
    get(senior, `/v1/reports/operations?from=${window.from}&to=${window.to}&businessLine=card`),
  ]);
  for (const answer of [one, events, audit, list, account, report]) {
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  }
  const { opened, closed, lifts } = report.body;
  return {
    case: one.body,
    events: events.body,
    audit: audit.body,
    list: list.body,
    account: account.body,
    // The figures of a window that has ended: other files' cases cannot change them any more.
    report: { opened, closed, lifts },
  };
}

describe('records outlive Temporal’s retention', () => {
  it('the dev server’s namespace keeps closed runs for the retention set at start', async () => {
    const { config } = await api.services.client.workflowService.describeNamespace({ namespace: 'default' });
    expect(Number(config?.workflowExecutionRetentionTtl?.seconds)).toBe(CLOSED_RUN_RETENTION_DAYS * 86_400);
  });

  it('a closed case whose run was deleted reads, lists, reports and verifies as before, and reverts late', async () => {
    const from = new Date(Date.now() - 1_000).toISOString();
    const { c, controlId } = await closedLift();
    expect(c.outcome).toBe('lifted');
    const to = new Date(Date.parse(c.closedAt ?? '') + 1).toISOString();
    const before = await everyRead(c, { from, to });
    expect(before.audit).toMatchObject({ verified: true });
    expect((before.list.items as { id: string }[]).map((item) => item.id)).toEqual([c.id]);
    expect(before.report.lifts).toBeGreaterThanOrEqual(1);

    const handle = api.services.client.workflow.getHandle(workflowIdFor(c.id));
    await api.services.client.workflowService.deleteWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: workflowIdFor(c.id) },
    });
    await eventually(
      () =>
        handle.describe().then(
          () => 'still there',
          (error: unknown) => (error instanceof WorkflowNotFoundError ? 'gone' : String(error)),
        ),
      (state) => state === 'gone',
      { what: `the run of ${c.id} to be deleted` },
    );

    expect(await everyRead(c, { from, to })).toEqual(before);

    const reverted = await api.call('POST', `/v1/cases/${c.id}/revert`, {
      token: senior.token,
      body: { reason: 'Chargeback after the run was deleted.' },
    });
    expect([200, 202], JSON.stringify(reverted.body)).toContain(reverted.status);
    const compensation = api.services.client.workflow.getHandle(compensationWorkflowIdOf(c, 'lift-1'));
    await compensation.result();
    expect((await api.services.registry.get([controlId]))[0]?.status).toBe('active');
    const after = await get(senior, `/v1/cases/${c.id}`);
    expect((after.body.lifts as Case['lifts'])[0]).toMatchObject({
      status: 'reverted',
      revert: { late: true, requestedBy: senior.id, followUpCaseId: `REV-${c.id}-lift-1` },
    });
    const audit = await get(auditor, `/v1/cases/${c.id}/audit`);
    expect(audit.body.verified).toBe(true);
    expect((audit.body.items as { action: string }[]).length).toBeGreaterThan(
      (before.audit.items as unknown[]).length,
    );
    await eventually(
      () => get(senior, `/v1/accounts/${c.accountId}/cases`),
      (r) => (r.body.items as { id: string }[]).some((item) => item.id === `REV-${c.id}-lift-1`),
      { what: 'the follow-up review case' },
    );
  });
});
