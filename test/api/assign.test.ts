import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema/index.js';
import { issueToken } from '../../src/db/users.js';
import type { BusinessLineScope, Role } from '../../src/domain/permissions.js';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { expectProblem } from '../support/openapi.js';
import { caseInput, eventually, makeUser, newAccountId } from '../support/world.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;
interface Person {
  id: string;
  displayName: string;
  enabled: boolean;
}

let api: ApiHarness;
let agent: User;
let senior: User;
let lee: User;
let spotOnly: User;
let checkerOnly: User;
let leaver: User;

async function named(name: string, roles: Role[], businessLines: BusinessLineScope[] = ['*']): Promise<User> {
  const actor = await makeUser(api.services, roles, { name, businessLines });
  const { token } = await issueToken(api.services.database.db, actor.id);
  return { ...actor, token };
}

async function newCase(businessLine: 'spot' | 'p2p' = 'p2p'): Promise<string> {
  const created = await api.call('POST', '/v1/cases', {
    token: agent.token,
    body: caseInput(newAccountId(), { type: 'complaint', businessLine }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

const assign = (caseId: string, body: Record<string, unknown>, token = senior.token) =>
  api.call('POST', `/v1/cases/${caseId}/assign`, { token, body });

beforeAll(async () => {
  api = await startApi();
  agent = await api.user(['agent']);
  senior = await named('Sam Delgado', ['checker', 'senior']);
  lee = await named('Lee Okafor', ['agent']);
  spotOnly = await named('Spot Only', ['agent'], ['spot']);
  checkerOnly = await named('Chen Wei', ['checker']);
  leaver = await named('Pat Gone', ['agent']);
  const disabled = await api.call('POST', `/v1/admin/users/${leaver.id}/revoke`, {
    token: (await api.user(['admin'])).token,
    body: { disable: true },
  });
  expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
});
afterAll(async () => api?.stop());

describe('people by name', () => {
  it('GET /v1/people names every user, disabled ones too', async () => {
    const answer = await api.call('GET', '/v1/people', { token: checkerOnly.token });
    expect(answer.status).toBe(200);
    const people = answer.body.people as Person[];
    expect(people).toContainEqual({ id: lee.id, displayName: 'Lee Okafor', enabled: true });
    expect(people).toContainEqual({ id: leaver.id, displayName: 'Pat Gone', enabled: false });
    expect(Object.keys(people[0] ?? {}).sort()).toEqual(['displayName', 'enabled', 'id']);
  });

  it('a caller without case.read is refused the directory', async () => {
    const engine = await api.user(['risk_engine']);
    expectProblem(await api.call('GET', '/v1/people', { token: engine.token }), 403, 'forbidden');
  });

  it('the assignees of a case are the enabled reviewers in its business line', async () => {
    const caseId = await newCase('p2p');
    const answer = await api.call('GET', `/v1/cases/${caseId}/assignees`, { token: agent.token });
    expect(answer.status).toBe(200);
    const ids = (answer.body.people as Person[]).map((p) => p.id);
    expect(ids).toContain(lee.id);
    expect(ids).toContain(senior.id);
    expect(ids).not.toContain(spotOnly.id);
    expect(ids).not.toContain(checkerOnly.id);
    expect(ids).not.toContain(leaver.id);
    expect((answer.body.people as Person[]).every((p) => p.enabled)).toBe(true);
  });
});

describe('assigning a case', () => {
  it('a senior hands an open case to an eligible agent; it shows in the timeline and allowedActions', async () => {
    const caseId = await newCase();
    const before = await api.call('GET', `/v1/cases/${caseId}`, { token: senior.token });
    const offered = (before.body.allowedActions as { action: string; allowed: boolean }[]).find(
      (a) => a.action === 'assign',
    );
    expect(offered).toMatchObject({ action: 'assign', operationId: 'assignCase', allowed: true });

    const assigned = await assign(caseId, { assignee: lee.id, comment: 'Lee covers p2p today.' });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body).toMatchObject({ assignee: lee.id, status: 'in_review' });

    type Item = { actor: string; action: string; details: Record<string, unknown> };
    const assignedItem = (items: Item[]) => items.find((i) => i.action === 'case.assigned');
    // The workflow records its changes a moment after answering the update.
    const items = await eventually(
      async () =>
        (await api.call('GET', `/v1/cases/${caseId}/events`, { token: agent.token })).body.items as Item[],
      (list) => assignedItem(list) !== undefined,
      { what: 'the assignment in the timeline' },
    );
    expect(assignedItem(items)).toMatchObject({
      actor: senior.id,
      details: { assignee: lee.id, comment: 'Lee covers p2p today.' },
    });

    const again = await assign(caseId, { assignee: lee.id });
    expectProblem(again, 409, 'invalid_state');
  });

  it('an agent may not assign, and sees why in allowedActions', async () => {
    const caseId = await newCase();
    const read = await api.call('GET', `/v1/cases/${caseId}`, { token: agent.token });
    expect(
      (read.body.allowedActions as { action: string; allowed: boolean; code: string }[]).find(
        (a) => a.action === 'assign',
      ),
    ).toMatchObject({ allowed: false, code: 'forbidden' });
    expectProblem(await assign(caseId, { assignee: lee.id }, agent.token), 403, 'forbidden');
  });

  it.each([
    ['a disabled user', () => leaver, 'is disabled'],
    ['someone outside the business line', () => spotOnly, 'is not in'],
    ['someone who does not review cases', () => checkerOnly, 'does not review cases'],
    ['an unknown id', () => ({ id: 'usr_nobody' }), 'no user usr_nobody'],
  ])('assigning to %s is refused at assignee and audited', async (_who, pick, words) => {
    const caseId = await newCase('p2p');
    const refused = await assign(caseId, { assignee: pick().id });
    expectProblem(refused, 400, 'validation_failed');
    const errors = refused.body.errors as { path: string; message: string }[];
    expect(errors.map((e) => e.path)).toEqual(['assignee']);
    expect(errors[0]?.message).toContain(words);
    const rows = await api.services.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.stream, caseId), eq(auditEvents.action, 'case.assigned')));
    expect(rows).toMatchObject([{ outcome: 'denied', actor: senior.id }]);
    const read = await api.call('GET', `/v1/cases/${caseId}`, { token: agent.token });
    expect(read.body.assignee).toBeNull();
  });

  it('a senior outside the case’s business line is refused as out of scope, not told about people', async () => {
    const spotSenior = await named('Spot Senior', ['checker', 'senior'], ['spot']);
    const caseId = await newCase('p2p');
    expectProblem(await assign(caseId, { assignee: checkerOnly.id }, spotSenior.token), 403, 'out_of_scope');
    expectProblem(await assign(caseId, { assignee: lee.id }, spotSenior.token), 403, 'out_of_scope');
  });
});
