import { Client, Connection } from '@temporalio/client';
import { EncryptionCodec } from '../../src/temporal/codec/codec.js';
import { KeyFileSchema, Keyring } from '../../src/temporal/codec/keys.js';
import proto from '@temporalio/proto';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/runtime/ports.js';
import type { RunningProcess } from '../support/processes.js';
import { runEntry, waitForHttp } from '../support/processes.js';
import { eventually, newAccountId } from '../support/world.js';

/*
 * The real processes, as `npm run worker` and `npm run api` start them against existing servers, driven
 * over HTTP like any client written from docs/api.md.
 */
let api: RunningProcess;
let worker: RunningProcess;
let apiUrl: string;
let workerMetricsUrl: string;
let temporal: { connection: Connection; client: Client };
const adminToken = `bootstrap-${randomBytes(24).toString('hex')}`;
const taskQueue = `e2e-${randomUUID()}`;

async function call(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function newUser(roles: string[]) {
  const created = await call('POST', '/v1/admin/users', adminToken, {
    name: roles.join('+'),
    roles,
    businessLines: ['*'],
    departments: [],
  });
  expect(created.status).toBe(201);
  return { id: (created.body.user as { id: string }).id, token: created.body.token as string };
}

beforeAll(async () => {
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  apiUrl = `http://127.0.0.1:${apiPort}`;
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const common = {
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    DUALKEY_CACHE_DIR: inject('cacheDir'),
    DUALKEY_ENCRYPTION_KEYS: Object.entries(inject('encryptionKeys').keys)
      .map(([id, key]) => `${id}:${key}`)
      .join(','),
    LOG_LEVEL: 'warn',
  };
  worker = runEntry('src/worker/main.ts', { ...common, WORKER_METRICS_PORT: String(metricsPort) });
  api = runEntry('src/api/main.ts', {
    ...common,
    PORT: String(apiPort),
    DUALKEY_BOOTSTRAP_ADMIN_TOKEN: adminToken,
  });
  await waitForHttp(`${apiUrl}/readyz`, 150_000, api);
  await waitForHttp(workerMetricsUrl, 150_000, worker);
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  // The memo is encrypted like any payload: this client reads it with the run's keys, as the API does.
  const codec = new EncryptionCodec(Keyring.fromFile(KeyFileSchema.parse(inject('encryptionKeys'))));
  temporal = { connection, client: new Client({ connection, dataConverter: { payloadCodecs: [codec] } }) };
  // The metrics port opens before the workflow bundle is built; an action sent before the worker polls
  // waits out UPDATE_TIMEOUT_MS on a busy machine.
  await eventually(
    () =>
      connection.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: taskQueue },
        taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    (queue) => queue.pollers.length > 0,
    { timeoutMs: 120_000, what: `the worker to poll ${taskQueue}` },
  );
});

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
  await temporal?.connection.close();
});

describe('npm run api and npm run worker against existing servers', () => {
  it('serve the thin slice over HTTP: create, claim and resolve a complaint', async () => {
    const agent = await newUser(['agent']);
    const created = await call('POST', '/v1/cases', agent.token, {
      type: 'complaint',
      accountId: newAccountId(),
      businessLine: 'spot',
      channel: 'phone',
      subject: 'Cannot log in',
      description: 'Locked out after a password reset.',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call('POST', `/v1/cases/${id}/claim`, agent.token)).body).toMatchObject({
      status: 'in_review',
    });
    const resolved = await call('POST', `/v1/cases/${id}/resolve`, agent.token, {
      outcome: 'resolved_no_action',
      summary: 'Reset the password with the user.',
    });
    expect(resolved.body).toMatchObject({ status: 'closed', outcome: 'resolved_no_action' });

    const accountId = created.body.accountId as string;
    const closed = await eventually(
      async () => {
        const ids: string[] = [];
        const query = `Outcome="resolved_no_action" AND AccountId="${accountId}"`;
        for await (const execution of temporal.client.workflow.list({ query }))
          ids.push(execution.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
      { what: 'the case by its outcome' },
    );
    expect(closed).toEqual([`case-${id}`]);
  });

  it('keep search attributes current, so a status-and-tier query finds exactly the matching cases', async () => {
    const agent = await newUser(['agent']);
    const accountId = newAccountId();
    const apply = (kind: string, reason: string) =>
      call('POST', `/v1/accounts/${accountId}/controls`, agent.token, {
        category: 'restriction',
        kind,
        businessLine: 'derivatives',
        reason,
      });
    const open = async (controlId: string) => {
      const c = await call('POST', '/v1/cases', agent.token, {
        type: 'unfreeze',
        accountId,
        businessLine: 'derivatives',
        channel: 'ticket',
        subject: 'Please unfreeze',
        description: 'Verified the user.',
        controlIds: [controlId],
      });
      expect(c.status).toBe(201);
      const caseId = c.body.id as string;
      await call('POST', `/v1/cases/${caseId}/claim`, agent.token);
      return caseId;
    };
    const propose = (caseId: string, controlId: string) =>
      call('POST', `/v1/cases/${caseId}/proposals`, agent.token, {
        controlIds: [controlId],
        reasonCode: 'verified_owner',
        justification: 'Video call.',
      });

    const freeze = (await apply('account_freeze', 'fraud ring review')).body.id as string;
    const freeze2 = (await apply('account_freeze', 'fraud ring review')).body.id as string;
    const login = (await apply('login_lock', 'too many attempts')).body.id as string;
    const highWaiting = await open(freeze);
    await open(freeze2);
    const lowWaiting = await open(login);
    expect((await propose(highWaiting, freeze)).status).toBe(201);
    expect((await propose(lowWaiting, login)).status).toBe(201);

    const query = `CaseStatus="awaiting_approval" AND RiskTier="high" AND AccountId="${accountId}"`;
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const execution of temporal.client.workflow.list({ query }))
          ids.push(execution.workflowId);
        return ids;
      },
      (ids) => ids.length >= 1,
      { what: 'the visibility query' },
    );
    expect(found).toEqual([`case-${highWaiting}`]);

    const description = await temporal.client.workflow.getHandle(`case-${highWaiting}`).describe();
    expect(description.memo).toMatchObject({
      caseType: 'unfreeze',
      accountId,
      subject: 'Please unfreeze',
    });
  });

  it('expose Prometheus metrics from both the API and the worker', async () => {
    const apiMetrics = await (await fetch(`${apiUrl}/metrics`)).text();
    expect(apiMetrics).toMatch(/dualkey_http_requests_total\{[^}]*route="\/v1\/cases"[^}]*\} \d+/);
    expect(apiMetrics).toContain('dualkey_http_request_duration_seconds_bucket');
    const workerMetrics = await (await fetch(workerMetricsUrl)).text();
    expect(workerMetrics).toMatch(/^temporal_\w+/m);
    expect(workerMetrics).toContain(`task_queue="${taskQueue}"`);
  });

  it('stop cleanly on SIGTERM', async () => {
    expect(await api.stop('SIGTERM')).toBe(0);
    expect(await worker.stop('SIGTERM')).toBe(0);
  });
});
