import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { eventually, newAccountId } from '../support/world.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

describe('the thin slice through HTTP', () => {
  it('GET /readyz answers 200 once the worker polls the task queue', async () => {
    const ready = await eventually(
      () => api.call('GET', '/readyz'),
      (answer) => answer.status === 200,
      { what: 'readiness with a polling worker' },
    );
    expect(ready.body).toEqual({
      status: 'ready',
      checks: { postgres: 'ok', temporal: 'ok', workers: 'polling' },
    });
  });

  it('creates, claims and resolves a complaint', async () => {
    const agent = await api.user(['agent']);
    const created = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: {
        type: 'complaint',
        accountId: newAccountId(),
        businessLine: 'spot',
        channel: 'chat',
        subject: 'Withdrawal blocked',
        description: 'The user cannot withdraw since yesterday.',
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.workflowId).toBe(`case-${id}`);

    const claimed = await api.call('POST', `/v1/cases/${id}/claim`, { token: agent.token });
    expect(claimed.body).toMatchObject({ status: 'in_review', assignee: agent.id });

    const resolved = await api.call('POST', `/v1/cases/${id}/resolve`, {
      token: agent.token,
      body: { outcome: 'resolved_no_action', summary: 'Explained the withdrawal limits.' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'closed', outcome: 'resolved_no_action' });

    const read = await api.call('GET', `/v1/cases/${id}`, { token: agent.token });
    expect(read.body).toMatchObject({ id, status: 'closed' });
  });

  it('GET /readyz says the workers are gone within 30 s of the last one stopping, and polling once one starts', async () => {
    const worker = api.services.worker;
    if (!worker) throw new Error('the harness starts a worker');
    worker.shutdown();
    const stoppedAt = Date.now();
    const gone = await eventually(
      () => api.call('GET', '/readyz'),
      (answer) => answer.status === 503,
      { what: 'readiness without a worker', timeoutMs: 30_000 },
    );
    // Temporal alone still lists the stopped worker's poller for a minute; this is the worker's beat.
    expect(Date.now() - stoppedAt).toBeLessThan(30_000);
    expect(gone.body).toEqual({
      status: 'unavailable',
      checks: { postgres: 'ok', temporal: 'ok', workers: 'none' },
    });

    await api.services.startWorker();
    const back = await eventually(
      () => api.call('GET', '/readyz'),
      (answer) => answer.status === 200,
      { what: 'readiness with a new worker' },
    );
    expect(back.body).toMatchObject({ checks: { workers: 'polling' } });
  });
});
