import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import type { ApiDeps } from '../../src/api/context.js';
import { createApiMetrics } from '../../src/api/metrics.js';
import { CaseService } from '../../src/api/services/cases.js';
import { ApiTokens } from '../../src/api/services/tokens.js';
import { PostgresAccountControls } from '../../src/db/accountControls/postgres.js';
import { connectDatabase } from '../../src/db/client.js';
import { freePort } from '../../src/runtime/ports.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { expectProblem } from '../support/openapi.js';
import { caseInput, newAccountId } from '../support/world.js';

/** Dependencies that are down answer 503 `unavailable`, never a bare 500 and never a hang. */
let api: ApiHarness;
beforeAll(async () => {
  // No worker on this task queue: updates reach Temporal but nobody takes them.
  api = await startApi({ withoutWorker: true });
});
afterAll(async () => api?.stop());

function appWith(overrides: Partial<ApiDeps>) {
  return createApp({
    ...api.deps,
    metrics: createApiMetrics(),
    log: pino({ level: 'silent' }),
    ...overrides,
  });
}

describe('when something is down', () => {
  it('an action no worker takes within the bound answers 503 instead of hanging', async () => {
    const agent = await api.user(['agent']);
    const created = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(newAccountId(), { type: 'complaint' }),
    });
    expect(created.status).toBe(201);
    const quick = new CaseService({
      db: api.services.database.db,
      client: api.services.client,
      controls: api.services.controls,
      policy: api.services.policy,
      taskQueue: api.services.taskQueue,
      updateTimeoutMs: 1_500,
      databasePoolSize: 5,
    });
    const app = appWith({ cases: quick });
    const response = await app.request(`/v1/cases/${created.body.id as string}/claim`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}` },
    });
    const body = (await response.json()) as Record<string, unknown>;
    expectProblem({ status: response.status, body, headers: response.headers }, 503, 'unavailable');
    expect(body.detail).toMatch(/retry with the same Idempotency-Key/);
  });

  it('PostgreSQL down: 503 on authenticated routes and on /readyz', async () => {
    const dead = connectDatabase(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`, 1);
    try {
      const app = appWith({
        db: dead.db,
        pingDatabase: dead.ping,
        controls: new PostgresAccountControls(dead.db),
        tokens: new ApiTokens(dead.db),
      });
      const me = await app.request('/v1/me', { headers: { authorization: 'Bearer dk_whatever' } });
      expect(me.status).toBe(503);
      expect(((await me.json()) as { code: string }).code).toBe('unavailable');
      const ready = await app.request('/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { postgres: 'down', temporal: 'ok' } });
    } finally {
      await dead.close();
    }
  });

  it('Temporal down: opening a case answers 503 and leaves nothing half-written', async () => {
    const agent = await api.user(['agent']);
    // Not closed: the SDK keeps retrying the abandoned start on a timer after the 503, and closing the
    // channel under that timer throws from it ("Channel has been shut down"). It ends with this file.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const client = new Client({ connection });
    const cases = new CaseService({
      db: api.services.database.db,
      client,
      controls: api.services.controls,
      policy: api.services.policy,
      taskQueue: api.services.taskQueue,
      updateTimeoutMs: 1_500,
      databasePoolSize: 5,
    });
    const app = appWith({ cases, temporal: { client, connection } });
    const accountId = newAccountId();
    const response = await app.request('/v1/cases', {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(caseInput(accountId, { type: 'complaint' })),
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe('unavailable');
    const listed = await api.call('GET', `/v1/cases?accountId=${accountId}`, { token: agent.token });
    expect(listed.body.items).toEqual([]);
    expect((await app.request('/readyz')).status).toBe(503);
  });
});
