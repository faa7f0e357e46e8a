import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseControlClaims, cases, idempotencyKeys } from '../../src/db/schema/index.js';
import { workflowIdFor } from '../../src/domain/case.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { expectProblem } from '../support/openapi.js';
import { applyControl, caseInput, eventually, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;

let api: ApiHarness;
let agent: User;
let auditor: User;
beforeAll(async () => {
  api = await startApi();
  agent = await api.user(['agent']);
  auditor = await api.user(['auditor']);
});
afterAll(async () => api?.stop());

const newKey = () => `key-${randomUUID()}`;

async function casesOnAccount(accountId: string) {
  return api.services.database.db.select().from(cases).where(eq(cases.accountId, accountId));
}

async function auditActions(caseId: string): Promise<string[]> {
  const audit = await api.call('GET', `/v1/cases/${caseId}/audit`, { token: auditor.token });
  expect(audit.status).toBe(200);
  return (audit.body.items as { action: string }[]).map((e) => e.action);
}

describe('Idempotency-Key', () => {
  it('the same key and body returns the first case again and opens only one', async () => {
    const accountId = newAccountId();
    const body = caseInput(accountId, { type: 'complaint' });
    const key = newKey();
    const first = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const again = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body).toEqual(first.body);

    const rows = await casesOnAccount(accountId);
    expect(rows.map((r) => r.id)).toEqual([first.body.id]);
    const listed = await api.call('GET', `/v1/cases?accountId=${accountId}`, { token: agent.token });
    expect((listed.body.items as { id: string }[]).map((c) => c.id)).toEqual([first.body.id]);
  });

  it('the same key with another body is refused with 409 idempotency_conflict', async () => {
    const accountId = newAccountId();
    const key = newKey();
    const first = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(accountId, { type: 'complaint', subject: 'First subject' }),
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    const other = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(accountId, { type: 'complaint', subject: 'Another subject' }),
      headers: { 'idempotency-key': key },
    });
    expectProblem(other, 409, 'idempotency_conflict');
    expect((await casesOnAccount(accountId)).map((r) => r.id)).toEqual([first.body.id]);
  });

  it('the same key on another route is refused with 409 idempotency_conflict', async () => {
    const key = newKey();
    const created = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(newAccountId(), { type: 'complaint' }),
      headers: { 'idempotency-key': key },
    });
    expect(created.status).toBe(201);
    const claim = await api.call('POST', `/v1/cases/${created.body.id as string}/claim`, {
      token: agent.token,
      headers: { 'idempotency-key': key },
    });
    expectProblem(claim, 409, 'idempotency_conflict');
    const read = await api.call('GET', `/v1/cases/${created.body.id as string}`, { token: agent.token });
    expect(read.body).toMatchObject({ status: 'open', assignee: null });
  });

  it('keys belong to their user: two users may use the same key', async () => {
    const other = await api.user(['agent']);
    const key = newKey();
    const accountId = newAccountId();
    const body = caseInput(accountId, { type: 'complaint' });
    const mine = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body,
      headers: { 'idempotency-key': key },
    });
    const theirs = await api.call('POST', '/v1/cases', {
      token: other.token,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(mine.body.createdBy).toBe(agent.id);
    expect(theirs.body.createdBy).toBe(other.id);
    expect((await casesOnAccount(accountId)).map((r) => r.id).sort()).toEqual(
      [mine.body.id, theirs.body.id].sort(),
    );
  });

  it('a claim retried with the same key is applied once', async () => {
    const created = await api.call('POST', '/v1/cases', {
      token: agent.token,
      body: caseInput(newAccountId(), { type: 'complaint' }),
    });
    const caseId = created.body.id as string;
    const key = newKey();
    const first = await api.call('POST', `/v1/cases/${caseId}/claim`, {
      token: agent.token,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'in_review', assignee: agent.id });
    const retry = await api.call('POST', `/v1/cases/${caseId}/claim`, {
      token: agent.token,
      headers: { 'idempotency-key': key },
    });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);

    // A later action is recorded after the claim, so once it shows, a second claim would have too.
    const noted = await api.call('POST', `/v1/cases/${caseId}/notes`, {
      token: agent.token,
      body: { text: 'Checked the login history.' },
    });
    expect(noted.status).toBe(200);
    const actions = await eventually(
      () => auditActions(caseId),
      (list) => list.includes('note.added'),
      { what: `the note on ${caseId} to be audited` },
    );
    expect(actions.filter((a) => a === 'case.claimed')).toHaveLength(1);
  });

  describe('across a lost answer (a 503, a crash)', () => {
    // What a 503 or a dead API replica leaves behind: the action applied, but no stored answer for the key.
    const forgetAnswer = (key: string) =>
      api.services.database.db
        .delete(idempotencyKeys)
        .where(and(eq(idempotencyKeys.userId, agent.id), eq(idempotencyKeys.key, key)));

    async function openCase(): Promise<string> {
      const created = await api.call('POST', '/v1/cases', {
        token: agent.token,
        body: caseInput(newAccountId(), { type: 'complaint' }),
      });
      expect(created.status).toBe(201);
      return created.body.id as string;
    }

    it('a retried claim gets the first outcome, not a refusal of its own effect, and no denial row', async () => {
      const caseId = await openCase();
      const key = newKey();
      const claim = () =>
        api.call('POST', `/v1/cases/${caseId}/claim`, {
          token: agent.token,
          headers: { 'idempotency-key': key },
        });
      const first = await claim();
      expect(first.status).toBe(200);
      await forgetAnswer(key);
      // The projection shows the case claimed; the precheck alone would refuse the claim as done.
      await eventually(
        () => auditActions(caseId),
        (list) => list.includes('case.claimed'),
        { what: 'the claim in the projection' },
      );
      const retry = await claim();
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({
        status: 'in_review',
        assignee: agent.id,
        revision: first.body.revision,
      });
      expect(await auditActions(caseId)).not.toContain('denied');
    });

    it('a retried action that closed the case answers with the closed case', async () => {
      const caseId = await openCase();
      expect((await api.call('POST', `/v1/cases/${caseId}/claim`, { token: agent.token })).status).toBe(200);
      const key = newKey();
      const resolve = () =>
        api.call('POST', `/v1/cases/${caseId}/resolve`, {
          token: agent.token,
          headers: { 'idempotency-key': key },
          body: { outcome: 'resolved_no_action', summary: 'Explained the limits.' },
        });
      const first = await resolve();
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'closed' });
      await forgetAnswer(key);
      await eventually(
        () => api.call('GET', `/v1/cases/${caseId}`, { token: agent.token }),
        (read) => read.body.status === 'closed',
        { what: 'the closed case in the projection' },
      );
      const retry = await resolve();
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ status: 'closed', outcome: 'resolved_no_action' });
      expect(await auditActions(caseId)).not.toContain('denied');
    });

    it('a retried intake names the same case: no second case, no claim on its own controls', async () => {
      const accountId = newAccountId();
      const control = await applyControl(api.services, accountId, 'login_lock');
      const key = newKey();
      const open = () =>
        api.call('POST', '/v1/cases', {
          token: agent.token,
          headers: { 'idempotency-key': key },
          body: caseInput(accountId, { controlIds: [control.id] }),
        });
      const first = await open();
      expect(first.status).toBe(201);
      await forgetAnswer(key);
      const retry = await open();
      expect(retry.status).toBe(201);
      expect(retry.body.id).toBe(first.body.id);
      expect((await casesOnAccount(accountId)).map((r) => r.id)).toEqual([first.body.id]);
    });

    it('a retried intake whose rows were lost, its control since claimed by another case, ends its run', async () => {
      const accountId = newAccountId();
      const control = await applyControl(api.services, accountId, 'login_lock');
      const key = newKey();
      const body = caseInput(accountId, { controlIds: [control.id] });
      const open = (headers: Record<string, string>) =>
        api.call('POST', '/v1/cases', { token: agent.token, headers, body });
      const first = await open({ 'idempotency-key': key });
      expect(first.status).toBe(201);
      const lost = first.body.id as string;
      // What a commit lost after Temporal accepted the start leaves: the run, and no rows (the trail's
      // opening row stays, as the trail is append-only) and no stored answer.
      await forgetAnswer(key);
      const { db } = api.services.database;
      await db.delete(caseControlClaims).where(eq(caseControlClaims.caseId, lost));
      await db.delete(cases).where(eq(cases.id, lost));
      const other = await open({});
      expect(other.status).toBe(201);

      const retry = await open({ 'idempotency-key': key });
      expectProblem(retry, 409, 'control_conflict');
      const run = await api.services.client.workflow.getHandle(workflowIdFor(lost)).describe();
      expect(run.status.name).toBe('TERMINATED');
      expect((await casesOnAccount(accountId)).map((r) => r.id)).toEqual([other.body.id]);
    });

    it('a retry while the first request runs is told so, with Retry-After; another body under it is a conflict', async () => {
      const caseId = await openCase();
      const key = newKey();
      const body = { text: 'Called the user back; they confirm the login from Lisbon.' };
      await api.services.database.db.insert(idempotencyKeys).values({
        userId: agent.id,
        key,
        route: `POST /v1/cases/${caseId}/notes`,
        requestHash: createHash('sha256').update(JSON.stringify(body)).digest('hex'),
      });
      const note = (text: string) =>
        api.call('POST', `/v1/cases/${caseId}/notes`, {
          token: agent.token,
          body: { text },
          headers: { 'idempotency-key': key },
        });
      const retry = await note(body.text);
      expectProblem(retry, 409, 'idempotency_in_progress');
      expect(Number(retry.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expectProblem(await note('Something else entirely.'), 409, 'idempotency_conflict');
      expect((await api.call('GET', `/v1/cases/${caseId}`, { token: agent.token })).body.notes).toEqual([]);
    });

    it('a key left in progress by a request that died is taken over once its lease has passed', async () => {
      const caseId = await openCase();
      const [stale, fresh] = [newKey(), newKey()];
      const route = `POST /v1/cases/${caseId}/claim`;
      const requestHash = createHash('sha256').update('').digest('hex');
      await api.services.database.db.insert(idempotencyKeys).values([
        { userId: agent.id, key: stale, route, requestHash, createdAt: new Date(Date.now() - 3_600_000) },
        { userId: agent.id, key: fresh, route, requestHash },
      ]);
      const claim = (key: string) =>
        api.call('POST', `/v1/cases/${caseId}/claim`, {
          token: agent.token,
          headers: { 'idempotency-key': key },
        });
      const running = await claim(fresh);
      expectProblem(running, 409, 'idempotency_in_progress');
      expect(running.headers.get('retry-after')).toBe('1');
      const taken = await claim(stale);
      expect(taken.status).toBe(200);
      expect(taken.body).toMatchObject({ status: 'in_review', assignee: agent.id });
    });
  });
});
